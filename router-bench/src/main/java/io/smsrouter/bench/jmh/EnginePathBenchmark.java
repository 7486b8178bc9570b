package io.smsrouter.bench.jmh;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.ClientSession;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.OperatorQueue;
import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * A message's whole life inside the router without sockets: {@link Engine#submit} (checks, route,
 * journal append, operator queue), {@link OperatorQueue#poll} as an operator bind takes it,
 * {@link Engine#onSubmitted} with the operator's id (journal, correlation), and
 * {@link Engine#onOperatorReceipt} (correlation, journal, receipt handed to a registered client
 * session that does nothing with it). {@code fullPath} runs on a real {@link ChronicleJournal} in a
 * temporary directory; {@code noJournalBaseline} runs the same path on a journal that drops every
 * event, so the difference is what persistence costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class EnginePathBenchmark {
    private static final String OPERATOR = "opA";

    private final Account account = Account.of("shop", "pw", null, Moderation.NONE, 0, 64, List.of());
    private Path dir;
    private ChronicleJournal chronicle;
    private Engine journaled;
    private Engine inMemory;
    private long upstream = 0x10000000L;
    public long receiptsDelivered;

    @Setup(Level.Trial)
    public void setUp() {
        dir = TempDirs.create("jmh-engine");
        chronicle = new ChronicleJournal(dir, "HOURLY", false);
        journaled = newEngine(chronicle);
        inMemory = newEngine(new DroppingJournal());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        chronicle.close();
        TempDirs.delete(dir);
    }

    private Engine newEngine(Journal journal) {
        // as io.smsrouter.server.Router builds it: 72 h receipt validity, 10 M correlations, 2 M queued
        Engine e = new Engine(new AccountRegistry(List.of(account)),
                new RouteTable(List.of(new Route(null, null, null, List.of(OPERATOR)))), List.of(OPERATOR), journal,
                new LocalReceiptCorrelator(Duration.ofHours(72), 10_000_000), new ClientRegistry(), 2_000_000);
        e.clients().register(new NoOpSession(), 0);
        return e;
    }

    private SubmitOutcome path(Engine e) {
        long now = System.currentTimeMillis();
        Message m = Messages.typical(e.nextId(), "79161234567", now);
        SubmitOutcome outcome = e.submit(account, m);
        OperatorQueue q = e.operatorQueue(OPERATOR);
        Message taken = q.poll();
        String upstreamId = Long.toHexString(upstream++);
        e.onSubmitted(taken, OPERATOR, upstreamId);
        e.onOperatorReceipt(OPERATOR, upstreamId, DeliveryState.DELIVERED, 0, now);
        return outcome;
    }

    @Benchmark
    public SubmitOutcome fullPath() {
        return path(journaled);
    }

    @Benchmark
    public SubmitOutcome noJournalBaseline() {
        return path(inMemory);
    }

    /** A bound transceiver that takes every receipt and drops it. */
    private final class NoOpSession implements ClientSession {
        @Override
        public String accountId() {
            return "shop";
        }

        @Override
        public boolean receivesReceipts() {
            return true;
        }

        @Override
        public boolean deliver(Receipt receipt) {
            receiptsDelivered++;
            return true;
        }
    }

    /** Keeps nothing: the baseline's journal. */
    private static final class DroppingJournal implements Journal {
        @Override
        public void accepted(Message message, String operatorId) {
        }

        @Override
        public void held(Message message, String operatorId) {
        }

        @Override
        public void moderated(long messageId, int verdict, long atMs, String moderator, String reason) {
        }

        @Override
        public void submitted(long messageId, String operatorId, String upstreamId) {
        }

        @Override
        public void failed(long messageId, int errorCode) {
        }

        @Override
        public void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs) {
        }

        @Override
        public void receiptForwarded(long messageId) {
        }

        @Override
        public void replay(JournalListener listener) {
        }

        @Override
        public void close() {
        }
    }
}
