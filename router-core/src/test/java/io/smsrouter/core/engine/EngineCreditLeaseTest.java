package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.billing.CreditLeases;
import io.smsrouter.core.billing.CreditPool;
import io.smsrouter.core.billing.PriceTable;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared balances through credit leases: two engines (two nodes, each with its own journal) spend
 * one account's balance held by a {@link CreditPool}, concurrently, past zero.
 */
class EngineCreditLeaseTest {
    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final List<CreditLeases> leases = new ArrayList<>();
    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());
    private final PriceTable prices = PriceTable.of(List.of(new PriceTable.Price(null, null, "", Amounts.parse("2.50"))));

    /** The pool in memory, with the store's rules: what a PostgreSQL-backed one must do too. */
    static final class MemoryPool {
        final Map<String, long[]> accounts = new HashMap<>(); // initial, topUps, unleased
        final Map<String, Map<String, long[]>> nodes = new HashMap<>(); // node -> account -> leased, spent, reserved
        volatile boolean down;
        final AtomicInteger takes = new AtomicInteger();

        CreditPool node(String nodeId) {
            MemoryPool p = this;
            return new CreditPool() {
                @Override
                public void seed(Map<String, Long> initial) {
                    synchronized (p) {
                        check();
                        initial.forEach((a, v) -> accounts.putIfAbsent(a, new long[] {v, 0, v}));
                    }
                }

                @Override
                public long take(String accountId, long min, long want) {
                    synchronized (p) {
                        check();
                        long[] a = accounts.get(accountId);
                        if (a == null || a[2] < min) {
                            return 0;
                        }
                        long got = Math.min(a[2], Math.max(min, Math.min(want, a[2] / 4)));
                        a[2] -= got;
                        mine(accountId)[0] += got;
                        takes.incrementAndGet();
                        return got;
                    }
                }

                @Override
                public void giveBack(String accountId, long amount) {
                    synchronized (p) {
                        check();
                        accounts.get(accountId)[2] += amount;
                        mine(accountId)[0] -= amount;
                    }
                }

                @Override
                public boolean topUp(String accountId, long amount) {
                    synchronized (p) {
                        check();
                        long[] a = accounts.get(accountId);
                        if (a == null) {
                            return false;
                        }
                        a[1] += amount;
                        a[2] += amount;
                        return true;
                    }
                }

                @Override
                public Billing.Balance balance(String accountId) {
                    synchronized (p) {
                        check();
                        return p.total(accountId);
                    }
                }

                @Override
                public Map<String, Long> leasedHere() {
                    synchronized (p) {
                        check();
                        Map<String, Long> out = new HashMap<>();
                        nodes.getOrDefault(nodeId, Map.of()).forEach((a, v) -> out.put(a, v[0]));
                        return out;
                    }
                }

                @Override
                public void report(List<Billing.Balance> local) {
                    synchronized (p) {
                        check();
                        for (Billing.Balance b : local) {
                            long[] m = mine(b.accountId());
                            m[1] = b.spent();
                            m[2] = b.reserved();
                        }
                    }
                }

                private long[] mine(String accountId) {
                    return nodes.computeIfAbsent(nodeId, k -> new HashMap<>()).computeIfAbsent(accountId,
                            k -> new long[3]);
                }

                private void check() {
                    if (down) {
                        throw new Unavailable("the store is down", null);
                    }
                }
            };
        }

        synchronized Billing.Balance total(String accountId) {
            long[] a = accounts.get(accountId);
            long leased = 0;
            long spent = 0;
            long reserved = 0;
            for (Map<String, long[]> n : nodes.values()) {
                long[] v = n.get(accountId);
                if (v != null) {
                    leased += v[0];
                    spent += v[1];
                    reserved += v[2];
                }
            }
            return new Billing.Balance(accountId, a[2] + leased - spent - reserved, reserved, spent, a[0], a[1]);
        }
    }

    @AfterEach
    void close() {
        leases.forEach(CreditLeases::close);
        journals.forEach(ChronicleJournal::close);
    }

    private Engine node(String name, MemoryPool pool) {
        ChronicleJournal j = new ChronicleJournal(dir.resolve(name), "HOURLY", false);
        journals.add(j);
        Engine e = new Engine(new AccountRegistry(List.of(shop)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))),
                List.of("opA"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(),
                1_000_000, new Moderator(StopWordAutomaton.EMPTY), new LocalModerationQueue(), 100);
        Billing bill = new Billing(prices, Map.of("shop", 0L), false);
        e.billing(bill);
        CreditPool p = pool.node(name);
        p.seed(Map.of("shop", Amounts.parse("1000.00")));
        e.recover(Duration.ofHours(1));
        CreditLeases l = new CreditLeases(p, bill, e::leased);
        l.reconcile();
        e.credit(l);
        leases.add(l);
        return e;
    }

    private static Message msg(Engine e) {
        return new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79031234567", 0, 0, 0, "", "", 1, 0,
                "hi".getBytes(StandardCharsets.ISO_8859_1), null, System.currentTimeMillis());
    }

    private static void assertInvariant(Billing.Balance b) {
        assertThat(b.available()).as("final balance").isGreaterThanOrEqualTo(0);
        assertThat(b.available() + b.reserved() + b.spent()).as("balance + spent = start + top-ups")
                .isEqualTo(b.initial() + b.topUps());
    }

    @Test
    void shouldNeverSpendMoreThanTheBalanceWhenTwoNodesSpendItAtOnce() throws Exception {
        MemoryPool pool = new MemoryPool();
        Engine a = node("a", pool);
        Engine b = node("b", pool);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger[] refusedInARow = {new AtomicInteger(), new AtomicInteger()};
        List<Thread> threads = new ArrayList<>();
        Engine[] engines = {a, b};
        for (int t = 0; t < 4; t++) {
            Engine e = engines[t % 2];
            AtomicInteger refused = refusedInARow[t % 2];
            Thread th = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    SubmitOutcome o = e.submit(shop, msg(e));
                    if (o == SubmitOutcome.ACCEPTED) {
                        accepted.incrementAndGet();
                    } else {
                        assertThat(o).isEqualTo(SubmitOutcome.NO_BALANCE);
                        refused.incrementAndGet();
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread t : threads) {
            t.join();
        }
        // 1000.00 at 2.50 is 400 messages: never more, and both nodes got to refuse
        assertThat((long) accepted.get() * Amounts.parse("2.50")).isLessThanOrEqualTo(Amounts.parse("1000.00"));
        assertThat(refusedInARow[0].get()).isPositive();
        assertThat(refusedInARow[1].get()).isPositive();
        assertThat(accepted.get()).as("credit stranded on the other node at the end: a few slices at most")
                .isGreaterThan(380);
        assertThat(pool.takes.get()).as("leases, not a round trip per message").isLessThan(100);
        leases.forEach(CreditLeases::report);
        Billing.Balance shared = pool.total("shop");
        assertInvariant(shared);
        assertThat(shared.reserved() + shared.spent()).isEqualTo(accepted.get() * Amounts.parse("2.50"));

        // a top-up through one node is there for the other's next lease; a's leases stop first (what a
        // holds goes back), so that a refill a had started ahead cannot take part of the top-up before b
        leases.get(0).close();
        assertThat(a.topUp("shop", Amounts.parse("25.00"))).isTrue();
        Thread.sleep(300); // b believed the pool empty for a moment
        int more = 0;
        while (b.submit(shop, msg(b)) == SubmitOutcome.ACCEPTED) {
            more++;
        }
        assertThat(more).isGreaterThanOrEqualTo(10);
        leases.forEach(CreditLeases::report);
        assertInvariant(pool.total("shop"));
    }

    @Test
    void shouldSpendWhatItLeasedWhileTheStoreIsDownAndRefuseForNowAfterThat() {
        MemoryPool pool = new MemoryPool();
        Engine a = node("a", pool);
        assertThat(a.submit(shop, msg(a))).isEqualTo(SubmitOutcome.ACCEPTED);
        long leasedBefore = a.billing().available("shop");
        assertThat(leasedBefore).as("a slice, not one price").isGreaterThanOrEqualTo(Amounts.parse("2.50") * 31);
        pool.down = true;
        int local = 0;
        SubmitOutcome o;
        while ((o = a.submit(shop, msg(a))) == SubmitOutcome.ACCEPTED) {
            local++;
        }
        assertThat(local).as("spent from the lease with the store down").isGreaterThanOrEqualTo(30);
        assertThat(o).as("a temporary refusal, not 'no balance'").isEqualTo(SubmitOutcome.CLUSTER_UNAVAILABLE);
        pool.down = false;
        assertThat(a.submit(shop, msg(a))).isEqualTo(SubmitOutcome.ACCEPTED);
    }

    @Test
    void shouldGiveBackAtCloseAndTakeBackWhatACrashLeftUnjournaled() {
        MemoryPool pool = new MemoryPool();
        Engine a = node("a", pool);
        for (int i = 0; i < 10; i++) {
            assertThat(a.submit(shop, msg(a))).isEqualTo(SubmitOutcome.ACCEPTED);
        }
        leases.remove(0).close();
        Billing.Balance closed = pool.total("shop");
        assertThat(pool.accounts.get("shop")[2]).as("everything unreserved went back")
                .isEqualTo(Amounts.parse("1000.00") - 10 * Amounts.parse("2.50"));
        assertInvariant(closed);

        // the store granted a lease and the node died before journaling it: the next start journals it
        pool.node("a2").take("shop", 1, 1); // another node's lease does not count for a
        long granted = pool.node("a").take("shop", Amounts.parse("50.00"), Amounts.parse("50.00"));
        assertThat(granted).isEqualTo(Amounts.parse("50.00"));
        journals.remove(0).close();
        Engine again = node("a", pool);
        assertThat(again.billing().available("shop")).isEqualTo(Amounts.parse("50.00"));
        assertThat(again.billing().balance("shop").reserved()).isEqualTo(10 * Amounts.parse("2.50"));
        leases.forEach(CreditLeases::report);
        assertInvariant(pool.total("shop"));
    }

    /** A cluster in memory: what a node ships is confirmed at its flush; the test hands it to a node to send. */
    static final class Link implements Engine.ClusterLink {
        final List<Message> shipped = new ArrayList<>();
        final List<String> operators = new ArrayList<>();
        Engine engine;
        private int confirmed;

        @Override
        public void send(Message m, String operatorId) {
            shipped.add(m);
            operators.add(operatorId);
        }

        @Override
        public void flush() {
            int n = shipped.size() - confirmed;
            long[] ids = new long[n];
            String[] ops = new String[n];
            for (int i = 0; i < n; i++) {
                ids[i] = shipped.get(confirmed + i).id();
                ops[i] = operators.get(confirmed + i);
            }
            confirmed = shipped.size();
            engine.markShipped(ids, ops, n);
        }

        @Override
        public void sent(Message m, String operatorId, String upstreamId) {
        }

        @Override
        public void done(long messageId) {
        }

        @Override
        public void receipt(io.smsrouter.core.message.Receipt r) {
        }

        @Override
        public void forwarded(io.smsrouter.core.message.Receipt r) {
        }
    }

    @Test
    void shouldBillWhereAcceptedAndRefundWhereTheOperatorRefusedIt() {
        MemoryPool pool = new MemoryPool();
        Engine a = node("a", pool);
        Engine b = node("b", pool);
        Link toCluster = new Link();
        toCluster.engine = a;
        a.cluster(toCluster, 0);
        Message m = msg(a);
        assertThat(a.submit(shop, m)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(toCluster.shipped).hasSize(1);
        assertThat(a.billing().balance("shop").spent()).as("billed once the cluster has it")
                .isEqualTo(Amounts.parse("2.50"));
        assertThat(a.billing().openCharges()).isZero();

        b.cluster(new Link(), 1L << 52);
        assertThat(b.takeFromCluster(m, "opA")).isTrue();
        Message taken = b.operatorQueue("opA").poll();
        b.onSubmitFailed(taken, "opA", 0x0B); // the operator refused it for good: not billed
        assertThat(b.billing().balance("shop").spent()).isEqualTo(-Amounts.parse("2.50"));
        leases.forEach(CreditLeases::report);
        Billing.Balance shared = pool.total("shop");
        assertThat(shared.spent() + shared.reserved()).as("charged on a, refunded on b").isZero();
        assertInvariant(shared);
    }
}
