package io.smsrouter.cluster;

import io.smsrouter.server.Router;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.smsrouter.cluster.ClusterOptOutTest.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shared opt-outs stay one truth: two nodes adding and lifting the same opt-outs at the same time
 * end with PostgreSQL's state on both (and on a node started afterwards), and opt-outs and consents
 * a node recorded before PostgreSQL was switched on are carried into it.
 */
class ClusterOptOutConsistencyTest {
    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static PgTestServer pg;
    static JsmppSmsc smsc;

    @BeforeAll
    static void start() throws Exception {
        pg = PgTestServer.start();
        kafka = KafkaTestCluster.start(1);
        smsc = new JsmppSmsc("router", "routerpw");
    }

    @AfterAll
    static void stop() throws Exception {
        if (smsc != null) {
            smsc.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    static Router node(String prefix, String id, boolean postgres) throws Exception {
        return ClusterNodes.node(dir, id, kafka.bootstrap(), prefix, smsc.port(), "binds: 1", "replicated",
                postgres ? pg.config() : null);
    }

    @Test
    void shouldEndWithPostgresStateOnEveryNodeWhenTwoNodesChangeTheSameOptOutsAtOnce() throws Exception {
        List<String> numbers = List.of("79180000001", "79180000002", "79180000003");
        try (Router r1 = node("race", "r1", true); Router r2 = node("race", "r2", true)) {
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (Router r : List.of(r1, r2)) {
                writers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 60; i++) {
                            String n = numbers.get(ThreadLocalRandom.current().nextInt(numbers.size()));
                            // mostly adds, so that the end state is seldom "nothing opted out"
                            HttpResponse<String> resp = ThreadLocalRandom.current().nextInt(4) > 0
                                    ? http(r, "POST", "/api/v1/optouts", "{\"msisdn\": \"" + n + "\"}")
                                    : http(r, "DELETE", "/api/v1/optouts/" + n, null);
                            assertThat(resp.statusCode()).as(resp.body()).isIn(200, 201, 404);
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }));
            }
            writers.forEach(Thread::start);
            for (Thread t : writers) {
                t.join();
            }
            assertThat(failures).isEmpty();
            Map<String, Boolean> truth = activeInPostgres(numbers);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (String n : numbers) {
                    assertThat(r1.engine().optOuts().isOptedOut("shop", "Shop", n)).as("r1 " + n).isEqualTo(truth.get(n));
                    assertThat(r2.engine().optOuts().isOptedOut("shop", "Shop", n)).as("r2 " + n).isEqualTo(truth.get(n));
                }
            });
            try (Router r3 = node("race", "r3", true)) {
                for (String n : numbers) {
                    assertThat(r3.engine().optOuts().isOptedOut("shop", "Shop", n)).as("r3 " + n).isEqualTo(truth.get(n));
                }
            }
            System.out.println("opt-out race: PostgreSQL's end state " + truth + " on r1, r2 and a new r3");
        }
    }

    @Test
    void shouldCarryANodesOwnOptOutsAndConsentsIntoPostgresWhenItIsSwitchedOn() throws Exception {
        try (Router before = node("import", "r1", false)) {
            assertThat(http(before, "POST", "/api/v1/optouts", "{\"msisdn\": \"79180000010\"}").statusCode())
                    .isEqualTo(201);
            assertThat(http(before, "POST", "/api/v1/consents", "{\"msisdn\": \"79180000011\", \"source\": \"paper\"}")
                    .statusCode()).isEqualTo(201);
        } // a clean stop: its snapshot has them
        try (Router r1 = node("import", "r1", true); Router r2 = node("import", "r2", true)) {
            assertThat(r1.engine().optOuts().isOptedOut("shop", "Shop", "79180000010")).isTrue();
            // r2 never had it: PostgreSQL (loaded at its start, or folded once r1 published it) did
            await().atMost(Duration.ofSeconds(5)).until(() -> r2.engine().optOuts()
                    .isOptedOut("shop", "Shop", "79180000010") && !r2.engine().consents()
                    .history("shop", "79180000011").isEmpty());
            assertThat(activeInPostgres(List.of("79180000010"))).containsEntry("79180000010", true);
            assertThat(http(r2, "GET", "/api/v1/consents/79180000011", null).body()).contains("\"source\":\"paper\"");
        }
    }

    private static Map<String, Boolean> activeInPostgres(List<String> numbers) throws Exception {
        Map<String, Boolean> out = new HashMap<>();
        numbers.forEach(n -> out.put(n, false));
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT msisdn, active FROM optouts WHERE account_id = 'shop' AND sender = ''")) {
            while (r.next()) {
                if (out.containsKey(r.getString(1))) {
                    out.put(r.getString(1), r.getBoolean(2));
                }
            }
        }
        return out;
    }
}
