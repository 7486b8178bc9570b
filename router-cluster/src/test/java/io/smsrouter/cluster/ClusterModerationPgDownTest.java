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
 * A cluster node (in this JVM, a real broker, a real PostgreSQL) while PostgreSQL is down: a message
 * that must be held is refused with a temporary error (SMPP ESME_RSYSERR, HTTP 503
 * {@code cluster_unavailable} with Retry-After) and nothing is kept; a message that needs no
 * PostgreSQL (not moderated) is accepted as before; once PostgreSQL is back, holding goes on and
 * the hold made before it went down is still there.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterModerationPgDownTest {
    @TempDir
    Path dir;

    @Test
    void withPostgresqlDownAHoldIsRefusedWithATemporaryErrorAndOtherMessagesGoOn() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1); PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw"); ChClient clients = new ChClient()) {
            String yaml = ClusterNodes.yaml(dir, "r1", kafka.bootstrap(), "pgdown", smsc.port(), "binds: 1, window: 32",
                            "replicated", pg.config())
                    .replace("maxBinds: 8}", "maxBinds: 8}\n  - {id: mod, password: secret2, apiKey: k-mod-1, "
                            + "moderation: manual, maxBinds: 8}");
            try (Router r = new Router(ConfigLoader.parse(yaml, dir.resolve("r1.yaml"), dir)).start()) {
                ChSession mod = clients.bind(r.smppAddress(), SmppBindType.TRANSCEIVER, "mod", "secret2", 8);
                ChSession shop = clients.bind(r.smppAddress(), SmppBindType.TRANSCEIVER, "shop", "secret1", 8);
                String base = "http://127.0.0.1:" + r.httpAddress().getPort();
                assertThat(mod.submitText("Shop", "79160000001", "held before", 1).getCommandStatus()).isZero();

                pg.stop();
                await().atMost(Duration.ofSeconds(15)).until(() -> !r.engine().moderationQueue().available());
                assertThat(mod.submitText("Shop", "79160000002", "held while down", 1).getCommandStatus())
                        .as("ESME_RSYSERR").isEqualTo(0x08);
                HttpResponse<String> viaHttp = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/messages"))
                        .header("Authorization", "Bearer k-mod-1").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"from\":\"Shop\",\"to\":\"79160000003\",\"text\":\"held while down\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(viaHttp.statusCode()).isEqualTo(503);
                assertThat(viaHttp.body()).contains("\"code\":\"cluster_unavailable\"");
                assertThat(viaHttp.headers().firstValue("Retry-After")).contains("1");
                // not moderated: no PostgreSQL round trip, accepted and sent as before
                assertThat(shop.submitText("Shop", "79160000004", "not held", 1).getCommandStatus()).isZero();
                await().atMost(Duration.ofSeconds(30)).until(() -> ClusterNodes.texts(smsc).contains("not held"));
                HttpResponse<String> queue = http.send(HttpRequest.newBuilder(URI.create(base
                                + "/api/v1/moderation/queue")).header("Authorization", "Bearer change-me").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(queue.statusCode()).isEqualTo(503);

                pg.startAgain();
                await().atMost(Duration.ofSeconds(30)).until(() -> r.engine().moderationQueue().available());
                assertThat(mod.submitText("Shop", "79160000005", "held after", 1).getCommandStatus()).isZero();
                assertThat(r.engine().moderationQueue().list()).extracting(h -> h.text())
                        .containsExactly("held before", "held after");
                assertThat(ClusterNodes.texts(smsc)).containsExactly("not held");
            }
        }
    }
}
