package io.smsrouter.bench.jmh;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Recovery at start ({@link Engine#recover}): a journal holding {@code inFlight} messages accepted
 * but not yet confirmed by an operator (all to be queued again) after {@code history} messages
 * that finished (accepted, submitted, receipt, receipt forwarded). Without a checkpoint recovery
 * reads the whole journal, so its time grows with the history as well as with what is in flight;
 * with {@code checkpoint=true} a checkpoint is written once after the journal (as the router does
 * every {@code journal.checkpointSeconds} and at stop) and recovery reads it and the journal after
 * it. Each recovery journals its {@code requeued} marks (one excerpt), which the next one reads
 * after the checkpoint: a start after a start that crashed.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@State(Scope.Benchmark)
public class RecoveryBenchmark {

    @Param({"1000000"})
    public int inFlight;

    @Param({"0", "1000000"})
    public int history;

    @Param({"false", "true"})
    public boolean checkpoint;

    private Path dir;
    private final Account account = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());

    @Setup(Level.Trial)
    public void writeJournal() {
        dir = TempDirs.create("jmh-recovery");
        long now = System.currentTimeMillis();
        long id = now * 1000;
        try (ChronicleJournal j = new ChronicleJournal(dir, "HOURLY", false)) {
            for (int i = 0; i < history; i += 32) {
                j.beginBatch();
                for (int k = i; k < Math.min(history, i + 32); k++) {
                    long mid = id++;
                    j.accepted(Messages.typical(mid, "79161234567", now), "opA");
                    j.submitted(mid, "opA", Long.toString(mid));
                    j.receipt(mid, DeliveryState.DELIVERED, 0, now);
                    j.receiptForwarded(mid);
                }
                j.endBatch();
            }
            for (int i = 0; i < inFlight; i += 32) {
                j.beginBatch();
                for (int k = i; k < Math.min(inFlight, i + 32); k++) {
                    j.accepted(Messages.typical(id++, "79161234567", now), "opA");
                }
                j.endBatch();
            }
        }
        if (checkpoint) {
            try (ChronicleJournal j = new ChronicleJournal(dir, "HOURLY", false)) {
                Engine e = engine(j);
                e.recover(Duration.ofHours(72));
                Engine.CheckpointReport r = e.checkpoint(() -> {
                });
                System.out.printf("%ncheckpoint: %d messages in flight, %d records, %d bytes, written in %d ms%n",
                        r.inFlight(), r.records(), r.bytes(), r.millis());
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    private Engine engine(ChronicleJournal j) {
        Engine e = new Engine(new AccountRegistry(List.of(account)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))), List.of("opA"), j,
                new LocalReceiptCorrelator(Duration.ofHours(72), 10_000_000), new ClientRegistry(), 2_000_000);
        if (checkpoint) {
            e.checkpoints(dir.resolve("recovery.checkpoint"));
        }
        return e;
    }

    @TearDown(Level.Trial)
    public void deleteJournal() {
        TempDirs.delete(dir);
    }

    @Benchmark
    public Engine.RecoveryReport recover() {
        try (ChronicleJournal j = new ChronicleJournal(dir, "HOURLY", false)) {
            Engine.RecoveryReport r = engine(j).recover(Duration.ofHours(72));
            if (r.requeued() != inFlight) {
                throw new IllegalStateException("queued again " + r.requeued() + ", expected " + inFlight);
            }
            if (checkpoint != r.checkpointRecords() >= 0) {
                throw new IllegalStateException("checkpoint " + (checkpoint ? "not " : "") + "used");
            }
            System.out.printf("%nrecovery: %d excerpts (%d events) of the journal%s in %d ms%n", r.excerpts(),
                    r.events(), checkpoint ? " after a checkpoint of " + r.checkpointRecords() + " records" : "",
                    r.millis());
            return r;
        }
    }
}
