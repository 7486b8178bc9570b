package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 item 8 on two nodes in this JVM (one broker, a real PostgreSQL): a template put through
 * node A's API renders a send through node B's API; deleted on A, it is gone on B; an account
 * switched to {@code manual} through A's admin API has its submit_sm through B held; with
 * PostgreSQL down B still reads its templates from memory and changes answer 503
 * {@code cluster_unavailable}; a node started again keeps the shared mode.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterTemplatesTest {
    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void templatesAndModerationModesChangedOnOneNodeApplyOnTheOther() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1); PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw"); ChClient clients = new ChClient()) {
            Router b = null;
            try (Router a = node("a1", kafka, pg, smsc)) {
                b = node("b2", kafka, pg, smsc);
                HttpResponse<String> put = call(a, "PUT", "/api/v1/templates/greet", "k-shop-1",
                        "{\"text\":\"Hello {name}, order {id} is ready\"}");
                assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
                // a text that does not compile answers as on the embedded router
                HttpResponse<String> bad = call(a, "PUT", "/api/v1/templates/broken", "k-shop-1",
                        "{\"text\":\"Hello {name | plurl}\"}");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("\"code\":\"template_error\"");

                Router nodeB = b;
                long t0 = System.nanoTime();
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                        call(nodeB, "GET", "/api/v1/templates/greet", "k-shop-1", null).statusCode() == 200);
                System.out.printf("templates: visible on the other node after %d ms%n",
                        (System.nanoTime() - t0) / 1_000_000);
                assertThat(call(b, "GET", "/api/v1/templates/broken", "k-shop-1", null).statusCode()).isEqualTo(404);
                HttpResponse<String> send = call(b, "POST", "/api/v1/messages", "k-shop-1",
                        "{\"from\":\"Shop\",\"to\":\"79161234567\",\"template\":\"greet\","
                                + "\"vars\":{\"name\":\"Anna\",\"id\":\"A-7\"}}");
                assertThat(send.statusCode()).as(send.body()).isBetween(200, 202);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        ClusterNodes.texts(smsc).contains("Hello Anna, order A-7 is ready"));

                HttpResponse<String> del = call(a, "DELETE", "/api/v1/templates/greet", "k-shop-1", null);
                assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                        call(nodeB, "GET", "/api/v1/templates/greet", "k-shop-1", null).statusCode() == 404);
                HttpResponse<String> gone = call(b, "POST", "/api/v1/messages", "k-shop-1",
                        "{\"from\":\"Shop\",\"to\":\"79161234567\",\"template\":\"greet\",\"vars\":{\"name\":\"B\"}}");
                assertThat(gone.statusCode()).as(gone.body()).isGreaterThanOrEqualTo(400);
                assertThat(call(b, "GET", "/api/v1/templates", "k-shop-1", null).body()).isEqualTo("[]");

                // the moderation mode: set on A, in force on B
                HttpResponse<String> mode = call(a, "PUT", "/api/v1/accounts/shop/moderation", "change-me",
                        "{\"mode\":\"manual\"}");
                assertThat(mode.statusCode()).as(mode.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                        call(nodeB, "GET", "/api/v1/accounts/shop/moderation", "change-me", null).body()
                                .contains("\"moderation\":\"manual\""));
                ChSession s = clients.bind(b.smppAddress(), SmppBindType.TRANSCEIVER, "shop", "secret1", 8);
                assertThat(s.submitText("Shop", "79160000001", "held through B", 0).getCommandStatus()).isZero();
                await().atMost(Duration.ofSeconds(5)).until(() -> nodeB.engine().moderationQueue().list().stream()
                        .anyMatch(h -> h.text().equals("held through B")));
                s.close();

                // PostgreSQL down: reads from memory, changes refused for now
                HttpResponse<String> again = call(a, "PUT", "/api/v1/templates/kept", "k-shop-1",
                        "{\"text\":\"kept {x}\"}");
                assertThat(again.statusCode()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                        call(nodeB, "GET", "/api/v1/templates/kept", "k-shop-1", null).statusCode() == 200);
                pg.stop();
                assertThat(call(b, "GET", "/api/v1/templates/kept", "k-shop-1", null).statusCode()).isEqualTo(200);
                HttpResponse<String> refused = call(a, "PUT", "/api/v1/templates/other", "k-shop-1",
                        "{\"text\":\"x\"}");
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.body()).contains("\"code\":\"cluster_unavailable\"");
                HttpResponse<String> modeRefused = call(a, "PUT", "/api/v1/accounts/shop/moderation", "change-me",
                        "{\"mode\":\"none\"}");
                assertThat(modeRefused.statusCode()).as(modeRefused.body()).isEqualTo(503);
                assertThat(modeRefused.body()).contains("\"code\":\"cluster_unavailable\"");
                assertThat(call(a, "GET", "/api/v1/accounts/shop/moderation", "change-me", null).body())
                        .contains("\"moderation\":\"manual\"");
                pg.startAgain();

                // a node started again takes the shared mode, not its config file's
                b.close();
                b = node("b2", kafka, pg, smsc);
                assertThat(call(b, "GET", "/api/v1/accounts/shop/moderation", "change-me", null).body())
                        .contains("\"moderation\":\"manual\"");
                assertThat(call(b, "GET", "/api/v1/templates/kept", "k-shop-1", null).statusCode()).isEqualTo(200);
                assertThat(ClusterNodes.texts(smsc)).doesNotContain("held through B");
            } finally {
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    private Router node(String id, KafkaTestCluster kafka, PgTestServer pg, JsmppSmsc smsc) throws Exception {
        String yaml = ClusterNodes.yaml(dir, id, kafka.bootstrap(), "tpl", smsc.port(), "binds: 1, window: 32",
                "replicated", pg.config());
        return new Router(ConfigLoader.parse(yaml, dir.resolve(id + ".yaml"), dir)).start();
    }

    private HttpResponse<String> call(Router r, String method, String path, String key, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpAddress().getPort()
                        + path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
