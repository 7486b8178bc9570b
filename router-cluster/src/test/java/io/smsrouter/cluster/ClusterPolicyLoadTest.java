package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What shared balances cost: one cluster node (in this JVM, on a real broker and a real
 * PostgreSQL) takes {@link #MESSAGES} submit_sm of an account without a balance, then as many of a
 * billed one (credit leases in PostgreSQL), from {@link #THREADS} client threads, alternating three
 * times. Prints both rates, PostgreSQL transactions per second during the billed runs and lease
 * round trips per 10,000 messages; asserts every message was billed exactly once in the database.
 * {@code -Dpolicy.load.messages=10000} for a longer run.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterPolicyLoadTest {
    static final int MESSAGES = Integer.getInteger("policy.load.messages", 1_000);
    static final int THREADS = 16;

    @TempDir
    Path dir;

    @Test
    void billedMessagesCostNoRoundTripEach() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1); PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw"); ChClient clients = new ChClient()) {
            Path prices = dir.resolve("prices.csv");
            Files.writeString(prices, "*,*,*,0.01\n");
            String yaml = ClusterNodes.yaml(dir, "r1", kafka.bootstrap(), "policy", smsc.port(), "binds: 2, window: 64",
                            "replicated", pg.config())
                    .replace("maxBinds: 8}", "maxBinds: 8}\n  - {id: paid, password: secret2, apiKey: k-paid-1, "
                            + "moderation: none, maxBinds: 8, balance: 1000000}")
                    + "billing: {prices: " + prices + "}\n";
            try (Router r = new Router(ConfigLoader.parse(yaml, dir.resolve("r1.yaml"), dir)).start()) {
                double[] free = new double[3];
                double[] paid = new double[3];
                long transactions = 0;
                double paidSeconds = 0;
                for (int round = 0; round < 3; round++) {
                    free[round] = run(clients, r, "shop", round);
                    long before = commits(pg);
                    long t0 = System.nanoTime();
                    paid[round] = run(clients, r, "paid", round);
                    paidSeconds += (System.nanoTime() - t0) / 1e9;
                    transactions += commits(pg) - before;
                }
                java.util.Arrays.sort(free);
                java.util.Arrays.sort(paid);
                long takes = one(pg, "SELECT COALESCE(SUM(takes), 0) FROM credit_leases");
                System.out.printf("policy load: %d messages x 3 rounds, %d threads: no balance %.0f msg/s, "
                                + "balance (leases) %.0f msg/s (medians); PostgreSQL %.1f transactions/s while billed; "
                                + "%d leases, %.1f per 10,000 messages%n", MESSAGES, THREADS, free[1], paid[1],
                        transactions / paidSeconds, takes, takes * 10_000.0 / (3.0 * MESSAGES));
                // every billed message is in the database once its report came (0.01 each)
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(one(pg, "SELECT COALESCE(SUM(spent + reserved), 0) FROM credit_leases"))
                                .isEqualTo(3L * MESSAGES * 10_000));
                assertThat(takes).as("leases, not a round trip per message").isLessThan(3L * MESSAGES / 10);
            }
        }
    }

    /** Sends {@link #MESSAGES} through {@link #THREADS} threads; msg/s. Every one must be acknowledged. */
    private static double run(ChClient clients, Router r, String account, int round) throws Exception {
        ChSession s = clients.bind(r.smppAddress(), SmppBindType.TRANSCEIVER, account,
                account.equals("paid") ? "secret2" : "secret1", 64);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < MESSAGES) {
                    try {
                        SubmitSmResp resp = s.submitText("Shop", "7916" + String.format("%07d", i),
                                "policy-" + account + "-" + round + "-" + i, 0);
                        if (resp.getCommandStatus() == 0) {
                            ok.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        double rate = MESSAGES * 1e9 / (System.nanoTime() - t0);
        s.close();
        assertThat(ok.get()).as(account).isEqualTo(MESSAGES);
        return rate;
    }

    private static long commits(PgTestServer pg) throws SQLException {
        return one(pg, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
    }

    private static long one(PgTestServer pg, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
