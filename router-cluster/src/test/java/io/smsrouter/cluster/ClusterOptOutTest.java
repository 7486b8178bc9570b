package io.smsrouter.cluster;

import io.smsrouter.cluster.policy.SharedPolicyStore;
import io.smsrouter.core.cluster.ClusterView;
import io.smsrouter.server.Router;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import io.smsrouter.smpp.pdu.CommandStatus;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Opt-outs and consents shared by two router nodes through a real PostgreSQL and a real Kafka
 * broker (issue 12 item 3), with cloudhopper clients and a jsmpp operator: an opt-out made on one
 * node (HTTP API, a STOP reply, a consent withdrawal) refuses sends on the other a second later
 * with the embedded router's status; a restarted node keeps them (PostgreSQL, not its journal, is
 * the truth: a withdrawal made while it was down holds too); a change that reached PostgreSQL but
 * not Kafka is published by the repair loop; with PostgreSQL down a new opt-out is refused with
 * 503 {@code cluster_unavailable} while the nodes keep refusing what they know. Prints the
 * propagation time from the API call's answer on one node to the other node refusing.
 */
class ClusterOptOutTest {
    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static PgTestServer pg;
    static JsmppSmsc smsc;
    static final HttpClient HTTP = HttpClient.newHttpClient();

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

    static Router node(String id) throws Exception {
        // one operator bind: the node that owns it gets the subscribers' replies
        return ClusterNodes.node(dir, id, kafka.bootstrap(), "optout", smsc.port(), "binds: 1, window: 32",
                "replicated", pg.config());
    }

    @Test
    void anOptOutOnOneNodeRefusesSendsOnTheOtherAndSurvivesARestart() throws Exception {
        Router r1 = node("r1");
        Router r2 = node("r2");
        try (ChClient c = new ChClient()) {
            ChSession s2 = c.bindTransceiver(r2.smppAddress());
            assertThat(s2.submitText("Shop", "79160000001", "before", 0).getCommandStatus()).isZero();

            // 1. the opt-out API on r1; a send through r2 a second later is refused as the embedded router refuses it
            HttpResponse<String> added = http(r1, "POST", "/api/v1/optouts", "{\"msisdn\": \"+79160000001\"}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            Thread.sleep(1_000);
            assertThat(s2.submitText("Shop", "79160000001", "after api", 0).getCommandStatus())
                    .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
            // the same key again on r2: already there (200, not created)
            assertThat(http(r2, "POST", "/api/v1/optouts", "{\"msisdn\": \"79160000001\"}").statusCode()).isEqualTo(200);

            // 2. a subscriber's STOP on the node that holds the operator's bind refuses sends on the other
            await().atMost(Duration.ofSeconds(60)).until(() -> r1.clusterView().shares().stream()
                    .map(ClusterView.Share::owner).anyMatch(o -> o != null) && smsc.boundNow() == 1);
            String owner = r1.clusterView().shares().get(0).owner();
            Router ownerNode = owner.equals("r1") ? r1 : r2;
            Router other = owner.equals("r1") ? r2 : r1;
            ChSession so = other == r2 ? s2 : c.bindTransceiver(r1.smppAddress());
            assertThat(so.submitText("Promo", "79160000002", "before stop", 0).getCommandStatus()).isZero();
            smsc.sendMo("79160000002", "Promo", "STOP");
            await().atMost(Duration.ofSeconds(5)).until(() -> ownerNode.engine().optOuts()
                    .isOptedOut("shop", "Promo", "79160000002"));
            Thread.sleep(1_000);
            assertThat(so.submitText("Promo", "79160000002", "after stop", 0).getCommandStatus())
                    .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
            assertThat(so.submitText("Other", "79160000002", "another sender", 0).getCommandStatus()).isZero();

            // 3. a consent withdrawal on r2 refuses on r1; consent ids come from one sequence
            HttpResponse<String> given = http(r1, "POST", "/api/v1/consents",
                    "{\"msisdn\": \"79160000003\", \"source\": \"web\"}");
            assertThat(given.statusCode()).as(given.body()).isEqualTo(201);
            HttpResponse<String> withdrawn = http(r2, "DELETE", "/api/v1/consents/79160000003?source=sms", null);
            assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
            Thread.sleep(1_000);
            ChSession s1 = other == r1 ? so : c.bindTransceiver(r1.smppAddress());
            assertThat(s1.submitText("Shop", "79160000003", "after withdrawal", 0).getCommandStatus())
                    .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
            String history = http(r1, "GET", "/api/v1/consents/79160000003", null).body();
            assertThat(history).contains("\"entry\":1", "\"entry\":2", "\"source\":\"web\"", "\"source\":\"sms\"");

            // 4. r2 stops; meanwhile r1 lifts the first opt-out and adds one; r2 starts again on its data
            s2.close();
            r2.close();
            assertThat(http(r1, "DELETE", "/api/v1/optouts/79160000001", null).statusCode()).isEqualTo(200);
            assertThat(http(r1, "POST", "/api/v1/optouts", "{\"msisdn\": \"79160000004\"}").statusCode())
                    .isEqualTo(201);
            r2 = node("r2");
            ChSession again = c.bindTransceiver(r2.smppAddress());
            assertThat(again.submitText("Shop", "79160000001", "lifted while down", 0).getCommandStatus()).isZero();
            assertThat(again.submitText("Shop", "79160000004", "added while down", 0).getCommandStatus())
                    .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
            assertThat(again.submitText("Promo", "79160000002", "stop before restart", 0).getCommandStatus())
                    .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
            assertThat(again.submitText("Shop", "79160000003", "withdrawal before restart", 0).getCommandStatus())
                    .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);

            // 5. a change that reached PostgreSQL only (its node died before Kafka): the repair loop publishes it
            try (Connection db = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
                 PreparedStatement s = db.prepareStatement("INSERT INTO optouts (account_id, sender, msisdn, active, "
                         + "at_ms, source, changed_at, published) VALUES ('shop', '', '79160000005', true, 0, 'api', "
                         + "now() - interval '5 seconds', false)")) {
                s.executeUpdate();
            }
            Router n1 = r1;
            Router n2 = r2;
            await().atMost(Duration.ofSeconds(5)).until(() -> n1.engine().optOuts().isOptedOut("shop", "X", "79160000005")
                    && n2.engine().optOuts().isOptedOut("shop", "X", "79160000005"));

            // 6. propagation: the API call's answer on r1 to r2 refusing, 200 times
            int samples = 200;
            long[] propagationUs = new long[samples];
            long[] callUs = new long[samples];
            long[] endToEndUs = new long[samples];
            for (int i = 0; i < samples; i++) {
                String msisdn = "7917" + String.format("%07d", i);
                long t0 = System.nanoTime();
                HttpResponse<String> r = http(r1, "POST", "/api/v1/optouts", "{\"msisdn\": \"" + msisdn + "\"}");
                long answered = System.nanoTime();
                assertThat(r.statusCode()).isEqualTo(201);
                long deadline = answered + 5_000_000_000L;
                while (!n2.engine().optOuts().isOptedOut("shop", "Shop", msisdn)) {
                    assertThat(System.nanoTime()).as("r2 refuses " + msisdn + " within 5 s").isLessThan(deadline);
                    LockSupport.parkNanos(50_000);
                }
                propagationUs[i] = (System.nanoTime() - answered) / 1_000;
                callUs[i] = (answered - t0) / 1_000;
                endToEndUs[i] = (System.nanoTime() - t0) / 1_000;
            }
            Arrays.sort(propagationUs);
            Arrays.sort(callUs);
            Arrays.sort(endToEndUs);
            System.out.printf("opt-out propagation (API answer on r1 -> r2 refuses), %d samples: p50 %.1f ms, "
                            + "p99 %.1f ms, max %.1f ms; the API call itself: p50 %.1f ms, p99 %.1f ms; from the call's "
                            + "start to r2 refusing: p50 %.1f ms, p99 %.1f ms%n", samples,
                    propagationUs[samples / 2] / 1e3, propagationUs[samples * 99 / 100] / 1e3,
                    propagationUs[samples - 1] / 1e3, callUs[samples / 2] / 1e3, callUs[samples * 99 / 100] / 1e3,
                    endToEndUs[samples / 2] / 1e3, endToEndUs[samples * 99 / 100] / 1e3);
            assertThat(propagationUs[samples * 99 / 100]).isLessThan(1_000_000);

            // 7. PostgreSQL down: a new opt-out is refused (503 cluster_unavailable), what the nodes know still holds
            pg.stop();
            try {
                HttpResponse<String> down = http(r1, "POST", "/api/v1/optouts", "{\"msisdn\": \"79160000006\"}");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("\"code\":\"cluster_unavailable\"").doesNotContain(pg.password());
                assertThat(again.submitText("Shop", "79160000004", "pg down", 0).getCommandStatus())
                        .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
                assertThat(again.submitText("Shop", "79160000006", "pg down, not opted out", 0).getCommandStatus())
                        .isZero();
                // a STOP reply meanwhile: the operator is told to send it again (ESME_RX_T_APPN), nothing is forwarded
                SharedPolicyStore ownerPolicies = ((KafkaClusterNode) (owner.equals("r1") ? n1 : n2).clusterView())
                        .policies();
                await().atMost(Duration.ofSeconds(10)).until(() -> !ownerPolicies.available());
                assertThatThrownBy(() -> smsc.sendMo("79160000007", "Promo", "STOP"))
                        .isInstanceOfSatisfying(NegativeResponseException.class,
                                e -> assertThat(e.getCommandStatus()).isEqualTo(0x64));
            } finally {
                pg.startAgain();
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(http(n1, "POST", "/api/v1/optouts",
                    "{\"msisdn\": \"79160000006\"}").statusCode()).isEqualTo(201));
            await().atMost(Duration.ofSeconds(2)).until(() -> n2.engine().optOuts().isOptedOut("shop", "S",
                    "79160000006"));
            // the operator sends the STOP again: now it holds on both nodes
            smsc.sendMo("79160000007", "Promo", "STOP");
            await().atMost(Duration.ofSeconds(2)).until(() -> n1.engine().optOuts().isOptedOut("shop", "Promo",
                    "79160000007") && n2.engine().optOuts().isOptedOut("shop", "Promo", "79160000007"));
        } finally {
            r1.close();
            r2.close();
        }
    }

    static HttpResponse<String> http(Router r, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpAddress().getPort()
                        + path)).header("Authorization", "Bearer k-shop-1").timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
