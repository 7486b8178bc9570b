package io.smsrouter.cluster;

import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.smsrouter.cluster.ClusterBalanceTest.UNIT;
import static io.smsrouter.cluster.ClusterBalanceTest.figures;
import static io.smsrouter.cluster.ClusterBalanceTest.spend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12: the credit slice of a node that dies for good is settled from what Kafka has. Two node
 * JVMs spend one balance of 300.00 at 1.00 a message; r2 is killed with SIGKILL mid-run and not
 * started again. With {@code settleAfterSeconds: 5}, r1 settles r2's leases: r2's spending is its
 * last report plus the charges of its records in Kafka after it, the rest goes back to the balance.
 * Then r1 can spend the whole balance: the operator gets exactly 300 texts, every acknowledged one
 * among them, and the database's spent is exactly 300.00 (no charge lost or doubled, nothing
 * stranded with the dead node). r2 started again afterwards goes on with the settled figures (and
 * sends, charged beyond the balance, what it had journaled but never handed to Kafka: the limit the
 * README names).
 */
class ClusterCreditSettleTest {

    @Test
    void aDeadNodesSliceIsSettledFromKafkaAndTheRestIsSpentByTheOthers() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses("cluster-settle");
             KafkaTestCluster kafka = KafkaTestCluster.start(1);
             PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw");
             ChClient clients = new ChClient()) {
            Path prices = nodes.dir.resolve("prices.csv");
            Files.writeString(prices, "*,*,*,1.00\n");
            for (String id : List.of("r1", "r2")) {
                nodes.node(id, """
                        admin: {token: admin-token-1}
                        accounts:
                          - {id: shop, password: secret1, apiKey: k-shop-1, moderation: none, maxBinds: 8, balance: 300.00}
                        billing: {prices: %s}
                        operators:
                          - {id: opA, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, binds: 2, window: 32}
                        routes:
                          - operators: [opA]
                        simulator: {enabled: false}
                        cluster:
                          nodeId: %s
                          kafka: {bootstrap: "%s", topicPrefix: settle}
                          ack: replicated
                          postgres: {url: "%s", user: %s, password: %s, settleAfterSeconds: 5}
                        """.formatted(prices, smsc.port(), id, kafka.bootstrap(), pg.url(), pg.user(), pg.password()));
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.start(n);
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.awaitHealthy(n);
            }
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger refused = new AtomicInteger();

            // 1. both spend; r2 is killed while it holds a slice and has messages in flight
            ChSession s1 = clients.bindTransceiver(nodes.get("r1").smppAddress());
            ChSession s2 = clients.bindTransceiver(nodes.get("r2").smppAddress());
            Thread a = spend(s1, "a", 100, acknowledged, refused);
            Thread b = spend(s2, "b", 250, acknowledged, refused);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    acknowledged.stream().filter(t -> t.startsWith("bal-b-")).count() >= 60);
            nodes.get("r2").kill();
            a.join();
            b.join();
            long held = leased(pg, "r2");
            System.out.printf("cluster settle: %d acknowledged before and after r2's kill; r2 holds %d.%02d leased%n",
                    acknowledged.size(), held / UNIT, held % UNIT / 10_000);

            // 2. r1 settles r2 once nobody heard from it for 5 s
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> settled(pg, "r2"));
            long[] r2 = row(pg, "r2");
            System.out.printf("cluster settle: r2 settled: leased %d, spent %d (millionths)%n", r2[0], r2[1]);
            assertThat(r2[0]).as("r2's lease is what it spent").isEqualTo(r2[1]);

            // 3. r1 spends what is left, to the last message: nothing stays stranded with r2
            Thread c = spend(s1, "c", 350, acknowledged, refused);
            c.join();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(new HashSet<>(ClusterKillTest.texts(smsc))).containsAll(acknowledged));
            Thread.sleep(2000);
            int accepted = new HashSet<>(ClusterKillTest.texts(smsc)).size();
            long[] now = figures(pg);
            System.out.printf("cluster settle: %d acknowledged, %d texts at the operator (%d from r2) against 300.00; "
                            + "in the database: unleased %d, spent and reserved %d, balance %d%n", acknowledged.size(),
                    accepted, new HashSet<>(ClusterKillTest.texts(smsc)).stream().filter(t -> t.startsWith("bal-b-"))
                            .count(), now[2], now[3], now[4]);
            assertThat(accepted).as("the whole balance spent, never more").isEqualTo(300);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                long[] f = figures(pg);
                assertThat(f[3]).as("spent and reserved in the database = texts at the operator x price")
                        .isEqualTo(accepted * UNIT);
                assertThat(f[4]).as("balance").isZero();
                assertThat(f[4] + f[3]).as("balance + spent = start + top-ups").isEqualTo(f[0] + f[1]);
            });

            // 4. r2 started again on its data goes on from the settled figures: the sums still hold. It
            // also sends what it had journaled but not handed to Kafka when it was killed (never
            // acknowledged), and charges it although the balance ran out meanwhile: the known limit
            // (README), checked here so that it is seen if it changes
            nodes.start(nodes.get("r2"));
            nodes.awaitHealthy(nodes.get("r2"));
            Thread.sleep(4000);
            int after = new HashSet<>(ClusterKillTest.texts(smsc)).size();
            long[] f = figures(pg);
            System.out.printf("cluster settle: r2 back: %d texts at the operator, spent %d, balance %d (millionths)%n",
                    after, f[3], f[4]);
            assertThat(settled(pg, "r2")).as("r2's leases are its own again").isFalse();
            assertThat(f[3]).as("spent = texts at the operator x price").isEqualTo(after * UNIT);
            assertThat(f[4] + f[3]).as("balance + spent = start + top-ups").isEqualTo(f[0] + f[1]);
            assertThat(f[4]).as("below zero by exactly the texts r2 sent after its restart")
                    .isEqualTo((300 - after) * UNIT);
        }
    }

    /**
     * Held messages (moderation manual) a node acknowledged just before it was killed, after its
     * last report: their charges reached Kafka with their batch, so the settlement counts every one.
     */
    @Test
    void heldMessagesANodeAcknowledgedJustBeforeItDiedAreCharged() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses("cluster-settle-held");
             KafkaTestCluster kafka = KafkaTestCluster.start(1);
             PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw");
             ChClient clients = new ChClient()) {
            Path prices = nodes.dir.resolve("prices.csv");
            Files.writeString(prices, "*,*,*,1.00\n");
            for (String id : List.of("r1", "r2")) {
                nodes.node(id, """
                        admin: {token: admin-token-1}
                        accounts:
                          - {id: shop, password: secret1, apiKey: k-shop-1, moderation: manual, maxBinds: 8, balance: 100.00}
                        billing: {prices: %s}
                        operators:
                          - {id: opA, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, binds: 2, window: 32}
                        routes:
                          - operators: [opA]
                        simulator: {enabled: false}
                        cluster:
                          nodeId: %s
                          kafka: {bootstrap: "%s", topicPrefix: settleheld}
                          ack: replicated
                          postgres: {url: "%s", user: %s, password: %s, settleAfterSeconds: 5}
                        """.formatted(prices, smsc.port(), id, kafka.bootstrap(), pg.url(), pg.user(), pg.password()));
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.start(n);
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.awaitHealthy(n);
            }
            ChSession s2 = clients.bindTransceiver(nodes.get("r2").smppAddress());
            int acked = 0;
            for (int i = 0; i < 40; i++) {
                if (s2.submitText("Shop", "7916" + String.format("%07d", i), "held-" + i, 0).getCommandStatus() == 0) {
                    acked++;
                }
            }
            nodes.get("r2").kill(); // at once: its last report is up to a second old
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> settled(pg, "r2"));
            long[] r2 = row(pg, "r2");
            long[] f = figures(pg);
            System.out.printf("cluster settle: %d held messages acknowledged by r2 before its kill; settled: r2 spent "
                    + "%d, balance %d (millionths)%n", acked, r2[1], f[4]);
            assertThat(acked).isEqualTo(40);
            assertThat(r2[1]).as("every held message r2 acknowledged is charged").isEqualTo(acked * UNIT);
            assertThat(r2[0]).as("r2's lease is what it spent").isEqualTo(r2[1]);
            assertThat(f[4]).as("balance").isEqualTo((100 - acked) * UNIT);
        }
    }

    static long leased(PgTestServer pg, String node) throws Exception {
        return row(pg, node)[0];
    }

    /** leased, spent + reserved of the node's row for account shop. */
    static long[] row(PgTestServer pg, String node) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             ResultSet r = c.createStatement().executeQuery("SELECT leased, spent + reserved FROM credit_leases "
                     + "WHERE account_id = 'shop' AND node_id = '" + node + "'")) {
            return r.next() ? new long[]{r.getLong(1), r.getLong(2)} : new long[]{0, 0};
        }
    }

    static boolean settled(PgTestServer pg, String node) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             ResultSet r = c.createStatement().executeQuery("SELECT settled_at IS NOT NULL FROM credit_leases "
                     + "WHERE account_id = 'shop' AND node_id = '" + node + "'")) {
            return r.next() && r.getBoolean(1);
        }
    }
}
