package io.smsrouter.cluster;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12's shared balances: two router nodes (JVMs of their own) on one Kafka broker and one
 * PostgreSQL spend one account's balance concurrently past zero, then again after a top-up with one
 * node killed by SIGKILL in the middle, then again while PostgreSQL is killed and started again.
 * Checked in the database: accepted x price never above
 * start + top-ups, the balance never below 0, balance + spent = start + top-ups, and (once the
 * killed node is back on its data and reported) spent equal to what was acknowledged: no charge
 * lost or doubled.
 */
class ClusterBalanceTest {
    static final long UNIT = 1_000_000; // Amounts: millionths
    static final int THREADS = 8;

    @Test
    void twoNodesNeverSpendMoreThanTheBalanceEvenWhenOneIsKilled() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses("cluster-balance");
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
                          kafka: {bootstrap: "%s", topicPrefix: bal}
                          ack: replicated
                          postgres: {url: "%s", user: %s, password: %s}
                        """.formatted(prices, smsc.port(), id, kafka.bootstrap(), pg.url(), pg.user(), pg.password()));
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.start(n);
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.awaitHealthy(n);
            }
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();

            // 1. both nodes spend 300.00 at 1.00 a message, 250 attempts each: past zero on both
            AtomicInteger[] refused = {new AtomicInteger(), new AtomicInteger()};
            ChSession s1 = clients.bindTransceiver(nodes.get("r1").smppAddress());
            ChSession s2 = clients.bindTransceiver(nodes.get("r2").smppAddress());
            Thread a = spend(s1, "a", 250, acknowledged, refused[0]);
            Thread b = spend(s2, "b", 250, acknowledged, refused[1]);
            a.join();
            b.join();
            System.out.printf("cluster balance: %d of 500 accepted against 300.00, refused %d on r1 and %d on r2%n",
                    acknowledged.size(), refused[0].get(), refused[1].get());
            assertThat(acknowledged.size()).as("accepted x 1.00 <= 300.00").isLessThanOrEqualTo(300);
            assertThat(refused[0].get()).as("r1 went past zero").isPositive();
            assertThat(refused[1].get()).as("r2 went past zero").isPositive();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(new HashSet<>(ClusterKillTest.texts(smsc))).containsAll(acknowledged));
            awaitReported(pg, acknowledged.size());
            long[] f = figures(pg);
            assertThat(f[4]).as("balance").isGreaterThanOrEqualTo(0);

            // 2. a top-up on r1 is there for r2 too; r2 is killed while both spend it
            HttpResponse<String> top = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + nodes.get("r1").http() + "/api/v1/balance/topups"))
                    .header("Authorization", "Bearer admin-token-1").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"account\":\"shop\",\"amount\":\"200.00\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(top.statusCode()).as(top.body()).isEqualTo(200);
            String viaR2 = get(nodes.get("r2").http(), "/api/v1/balance?account=shop");
            assertThat(viaR2).as("r2 sees r1's top-up at once").contains("\"topUps\":\"200.00\"");
            int before = acknowledged.size();
            AtomicInteger ignored = new AtomicInteger();
            Thread c = spend(s1, "c", 400, acknowledged, ignored);
            Thread d = spend(s2, "d", 400, acknowledged, ignored);
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= before + 60);
            nodes.get("r2").kill();
            c.join();
            d.join();
            System.out.printf("cluster balance: %d accepted in all against 500.00, r2 killed mid-run%n",
                    acknowledged.size());
            assertThat(acknowledged.size()).as("accepted x 1.00 <= 500.00").isLessThanOrEqualTo(500);
            f = figures(pg);
            assertThat(f[4]).as("balance with r2 dead").isGreaterThanOrEqualTo(0);
            assertThat(f[4] + f[3]).as("balance + spent = start + top-ups, r2's slice still counted as held")
                    .isEqualTo(f[0] + f[1]);

            // 3. r2 started again on its data: it reports what it spent; nothing lost or doubled
            nodes.start(nodes.get("r2"));
            nodes.awaitHealthy(nodes.get("r2"));
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(new HashSet<>(ClusterKillTest.texts(smsc))).containsAll(acknowledged));
            // what r2 took and journaled just before the kill, unanswered, is sent and billed too: the
            // operator's distinct texts are what the router accepted
            Thread.sleep(2000);
            int accepted = new HashSet<>(ClusterKillTest.texts(smsc)).size();
            System.out.printf("cluster balance: %d acknowledged, %d accepted (texts at the operator)%n",
                    acknowledged.size(), accepted);
            assertThat(accepted).as("accepted x 1.00 <= 500.00").isLessThanOrEqualTo(500);
            awaitReported(pg, accepted);

            // 4. PostgreSQL killed and started again while both nodes spend a new top-up: the nodes
            // go on with what they leased, refuse for now (0x08) what needs the database, and the
            // sums hold afterwards
            HttpResponse<String> more = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + nodes.get("r2").http() + "/api/v1/balance/topups"))
                    .header("Authorization", "Bearer admin-token-1").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"account\":\"shop\",\"amount\":\"200.00\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(more.statusCode()).as(more.body()).isEqualTo(200);
            ChSession s3 = clients.bindTransceiver(nodes.get("r2").smppAddress());
            int beforeRestart = acknowledged.size();
            Thread e = spend(s1, "e", 300, acknowledged, ignored);
            Thread g = spend(s3, "g", 300, acknowledged, ignored);
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= beforeRestart + 40);
            pg.kill9();
            Thread.sleep(3000);
            pg.startAgain();
            e.join();
            g.join();
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(new HashSet<>(ClusterKillTest.texts(smsc))).containsAll(acknowledged));
            Thread.sleep(2000);
            int acceptedInAll = new HashSet<>(ClusterKillTest.texts(smsc)).size();
            System.out.printf("cluster balance: PostgreSQL killed and restarted mid-run: %d accepted in all against "
                    + "700.00%n", acceptedInAll);
            assertThat(acceptedInAll).as("accepted x 1.00 <= 700.00").isLessThanOrEqualTo(700)
                    .isGreaterThan(accepted);
            awaitReported(pg, acceptedInAll);
            long takes = sum(pg, "SELECT COALESCE(SUM(takes), 0) FROM credit_leases");
            System.out.printf("cluster balance: %d leases taken for %d messages%n", takes, acceptedInAll);
        }
    }

    /** Sends {@code n} texts over {@link #THREADS} threads; acknowledged texts are added, 0x411 counted. */
    static Thread spend(ChSession s, String tag, int n, Set<String> acknowledged, AtomicInteger noBalance) {
        AtomicInteger next = new AtomicInteger();
        Thread all = new Thread(() -> {
            Thread[] workers = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                workers[t] = new Thread(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        String text = "bal-" + tag + "-" + i;
                        try {
                            SubmitSmResp r = s.submitText("Shop", "7916" + String.format("%07d", i), text, 0);
                            if (r.getCommandStatus() == 0) {
                                acknowledged.add(text);
                            } else if (r.getCommandStatus() == 0x411) {
                                noBalance.incrementAndGet();
                            }
                        } catch (Exception deadNode) {
                            return; // the node was killed: what it did not answer was not acknowledged
                        }
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        all.start();
        return all;
    }

    /** Until the nodes' reports say exactly {@code accepted} x 1.00 spent or reserved, and the sums agree. */
    static void awaitReported(PgTestServer pg, int accepted) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            long[] f = figures(pg);
            assertThat(f[3]).as("spent and reserved in the database = acknowledged x price")
                    .isEqualTo(accepted * UNIT);
            assertThat(f[4] + f[3]).as("balance + spent = start + top-ups").isEqualTo(f[0] + f[1]);
            assertThat(f[2]).as("unleased").isGreaterThanOrEqualTo(0);
        });
    }

    /** initial, top-ups, unleased, spent + reserved, balance (unleased + leased - spent - reserved). */
    static long[] figures(PgTestServer pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             ResultSet r = c.createStatement().executeQuery("""
                     SELECT b.initial, b.top_ups, b.unleased, COALESCE(SUM(l.spent + l.reserved), 0),
                            COALESCE(SUM(l.leased), 0)
                     FROM balances b LEFT JOIN credit_leases l ON l.account_id = b.account_id
                     WHERE b.account_id = 'shop' GROUP BY b.account_id""")) {
            assertThat(r.next()).isTrue();
            long spent = r.getLong(4);
            return new long[] {r.getLong(1), r.getLong(2), r.getLong(3), spent, r.getLong(3) + r.getLong(5) - spent};
        }
    }

    static long sum(PgTestServer pg, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    static String get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer admin-token-1").build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
