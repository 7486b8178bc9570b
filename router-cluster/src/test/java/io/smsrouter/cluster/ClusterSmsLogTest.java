package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.server.Router;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SMS log of the cluster (issue 12, item 7): two nodes on a real Kafka broker and a real
 * PostgreSQL server, a jsmpp operator. Messages sent through r1 over SMPP and through r2 over HTTP,
 * sent to the operator by whichever node owns the share, are all in {@code GET /api/v1/log} of both
 * nodes with who sent them, their text and their final state; the table is partitioned by day and
 * written in batches; messages accepted while PostgreSQL was stopped reach the log once it is back.
 */
class ClusterSmsLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyNodeAnswersTheLogOfEveryMessageFromPostgres() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1);
             PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw").receiptsOnAnyBind();
             ChClient clients = new ChClient();
             Router r1 = ClusterNodes.node(dir, "r1", kafka.bootstrap(), "smslog", smsc.port(), "binds: 2",
                     "replicated", pg.config());
             Router r2 = ClusterNodes.node(dir, "r2", kafka.bootstrap(), "smslog", smsc.port(), "binds: 2",
                     "replicated", pg.config())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> r1.clusterView().shares().stream()
                    .allMatch(s -> s.owner() != null));
            ChSession a = clients.bind(r1.smppAddress(), SmppBindType.TRANSCEIVER, "shop", "secret1", 16);
            Map<String, String> textOf = new HashMap<>();
            for (int i = 0; i < 8; i++) {
                SubmitSmResp r = a.submitText("Shop", "7916777000" + i, "log smpp " + i, 1);
                assertThat(r.getCommandStatus()).isZero();
                textOf.put(r.getMessageId(), "log smpp " + i);
            }
            List<String> apiIds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + r2.httpAddress().getPort() + "/api/v1/messages"))
                        .header("Authorization", "Bearer k-shop-1").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"Shop\",\"to\":\"+7916888000" + i
                                + "\",\"text\":\"log api " + i + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
                String id = JSON.readTree(posted.body()).get("id").asText();
                apiIds.add(id);
                textOf.put(id, "log api " + i);
            }

            for (Router node : List.of(r1, r2)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    JsonNode log = log(node, "");
                    assertThat(log.get("count").asInt()).isEqualTo(textOf.size());
                    for (JsonNode row : log.get("items")) {
                        assertThat(row.get("state").asText()).as(row.toString()).isEqualTo("DELIVERED");
                    }
                });
                JsonNode log = log(node, "");
                for (JsonNode row : log.get("items")) {
                    String id = row.get("id").asText();
                    assertThat(row.get("text").asText()).isEqualTo(textOf.get(id));
                    assertThat(row.get("account").asText()).isEqualTo("shop");
                    assertThat(row.get("from").asText()).isEqualTo("Shop");
                    assertThat(row.get("operator").asText()).isEqualTo("opA");
                    assertThat(row.get("upstreamId").asText()).isNotEmpty();
                    assertThat(row.get("segments").asInt()).isEqualTo(1);
                    assertThat(row.has("doneAt")).isTrue();
                    assertThat(row.get("origin").asText()).as(row.toString())
                            .startsWith(apiIds.contains(id) ? "api:shop key sha256:" : "smpp:shop@127.0.0.1:");
                }
                // filters and CSV as on one node
                JsonNode one = log(node, "&msisdn=%2B79168880002");
                assertThat(one.get("items")).extracting(n -> n.get("id").asText()).containsExactly(apiIds.get(2));
                assertThat(log(node, "&limit=3").get("truncated").asBoolean()).isTrue();
                assertThat(log(node, "&from=2099-01-01T00:00:00Z&to=2099-01-02T00:00:00Z").get("count").asInt())
                        .isZero();
                HttpResponse<String> csv = get(node, "/api/v1/log?format=csv");
                assertThat(csv.body().substring(1).lines().toList()).hasSize(textOf.size() + 1);
            }
            // both nodes wrote (one accepted over SMPP, the other over HTTP), in few statements, into a day's partition
            PgSmsLog log1 = ((KafkaClusterNode) r1.clusterView()).sharedLog();
            PgSmsLog log2 = ((KafkaClusterNode) r2.clusterView()).sharedLog();
            assertThat(log1.rows()).isPositive();
            assertThat(log2.rows()).isPositive();
            assertThat(log1.statements() + log2.statements()).isLessThan(log1.rows() + log2.rows());
            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
                 ResultSet r = c.createStatement().executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                         + "ON c.oid = i.inhrelid WHERE i.inhparent = 'sms_log'::regclass")) {
                List<String> parts = new ArrayList<>();
                while (r.next()) {
                    parts.add(r.getString(1));
                }
                assertThat(parts).contains("sms_log_" + LocalDate.now(ZoneOffset.UTC).toString().replace("-", ""));
            }

            // PostgreSQL stopped: messages are still accepted (they need no round trip) and reach the log after
            pg.stop();
            List<String> whileDown = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SubmitSmResp r = a.submitText("Shop", "7916999000" + i, "log while down " + i, 1);
                assertThat(r.getCommandStatus()).isZero();
                whileDown.add(r.getMessageId());
            }
            HttpResponse<String> refused = get(r1, "/api/v1/log");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).get("error").get("code").asText()).isEqualTo("cluster_unavailable");
            pg.startAgain();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<String> ids = new ArrayList<>();
                log(r2, "").get("items").forEach(n -> ids.add(n.get("id").asText()));
                assertThat(ids).containsAll(whileDown).hasSize(textOf.size() + whileDown.size());
            });
        }
    }

    private JsonNode log(Router node, String query) throws Exception {
        HttpResponse<String> r = get(node, "/api/v1/log?account=shop" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> get(Router node, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpAddress().getPort()
                + pathAndQuery)).header("Authorization", "Bearer k-shop-1").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
