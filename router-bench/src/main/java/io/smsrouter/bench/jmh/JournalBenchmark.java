package io.smsrouter.bench.jmh;

import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.Message;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link ChronicleJournal#accepted}: the append every message costs before its submit_sm_resp,
 * into a fresh queue in a temporary directory. {@code sync=false} is the router's default (page
 * cache: survives kill -9 of the process); {@code sync=true} is {@code journal.syncEachBatch}
 * (msync: survives power loss). {@code accepted} appends one message per excerpt;
 * {@code acceptedInBatchOf32} appends 32 as one batch, as a client connection's read batch does
 * (the score is per message). {@code buildMessageBaseline} builds the same {@link Message} and
 * writes nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class JournalBenchmark {

    private static final int BATCH = 32;

    @Param({"false", "true"})
    public boolean sync;

    private Path dir;
    private ChronicleJournal journal;
    private long id = 1_764_110_400_000_000L;
    private final long nowMs = System.currentTimeMillis();

    @Setup(Level.Trial)
    public void setUp() {
        dir = TempDirs.create("jmh-journal");
        journal = new ChronicleJournal(dir, "HOURLY", sync);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        journal.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public Message accepted() {
        Message m = Messages.typical(id++, "79161234567", nowMs);
        journal.accepted(m, "opA");
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Message acceptedInBatchOf32() {
        Message m = null;
        journal.beginBatch();
        for (int i = 0; i < BATCH; i++) {
            m = Messages.typical(id++, "79161234567", nowMs);
            journal.accepted(m, "opA");
        }
        journal.endBatch();
        return m;
    }

    @Benchmark
    public Message buildMessageBaseline() {
        return Messages.typical(id++, "79161234567", nowMs);
    }
}
