package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.AdminConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SMS log (GET /api/v1/log) over a real router: messages sent over SMPP by cloudhopper's
 * client and over the HTTP API, delivered by the simulator, read back from the journal with who
 * sent them, their state and times, as JSON and CSV, per account, and after a restart.
 */
class SmsLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "Bearer " + AdminConfig.DEFAULT_TOKEN;

    @TempDir
    Path dir;

    private Router router;
    private ChClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
    }

    private Router start() throws Exception {
        return new Router(ItConfig.journal(dir.resolve("journal")).withSimulator()
                .account(new AccountConfig("crm", "crmpw", "k-crm-1", "none", 0, 4, List.of(), null))
                .build()).start();
    }

    private HttpResponse<String> get(String pathAndQuery, String auth) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpAddress().getPort()
                + pathAndQuery)).header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyMessageWithWhoSentItAndHowItEnded() throws Exception {
        router = start();
        client = new ChClient();
        ChSession smpp = client.bindTransceiver(router.smppAddress());
        SubmitSmResp a = smpp.submitText("Shop", "79161230001", "hello, one", 1);
        SubmitSmResp b = smpp.submitText("Shop", "79161230002", "hello, two", 1);
        assertThat(a.getCommandStatus()).isZero();
        assertThat(b.getCommandStatus()).isZero();
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + router.httpAddress().getPort() + "/api/v1/messages"))
                .header("Authorization", "Bearer k-crm-1").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"Bank\",\"to\":\"+79161230003\",\"text\":\"Код 1234\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String apiId = JSON.readTree(posted.body()).get("id").asText();

        await().atMost(Duration.ofSeconds(20)).until(() -> router.engine().receiptsInCount() == 3);
        JsonNode all = JSON.readTree(get("/api/v1/log", ADMIN).body());
        assertThat(all.get("count").asInt()).isEqualTo(3);
        JsonNode first = all.get("items").get(0);
        assertThat(first.get("id").asText()).isEqualTo(a.getMessageId());
        assertThat(first.get("account").asText()).isEqualTo(ItConfig.ACCOUNT);
        assertThat(first.get("origin").asText()).startsWith("smpp:" + ItConfig.ACCOUNT + "@127.0.0.1:");
        assertThat(first.get("from").asText()).isEqualTo("Shop");
        assertThat(first.get("to").asText()).isEqualTo("79161230001");
        assertThat(first.get("text").asText()).isEqualTo("hello, one");
        assertThat(first.get("segments").asInt()).isEqualTo(1);
        assertThat(first.get("state").asText()).isEqualTo("DELIVERED");
        assertThat(first.get("operator").asText()).isEqualTo(ItConfig.OPERATOR);
        assertThat(first.has("doneAt")).isTrue();
        assertThat(first.has("price")).as("not billed").isFalse();
        JsonNode api = all.get("items").get(2);
        assertThat(api.get("id").asText()).isEqualTo(apiId);
        assertThat(api.get("origin").asText()).matches("api:crm key sha256:[0-9a-f]{8}");
        assertThat(api.get("origin").asText()).doesNotContain("k-crm-1");
        assertThat(api.get("text").asText()).isEqualTo("Код 1234");

        // an account sees its own only; filters
        JsonNode mine = JSON.readTree(get("/api/v1/log", "Bearer k-crm-1").body());
        assertThat(mine.get("count").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(get("/api/v1/log?account=" + ItConfig.ACCOUNT + "&msisdn=%2B79161230002", ADMIN)
                .body()).get("items")).extracting(n -> n.get("id").asText()).containsExactly(b.getMessageId());
        assertThat(JSON.readTree(get("/api/v1/log?limit=1", ADMIN).body()).get("truncated").asBoolean()).isTrue();
        assertThat(JSON.readTree(get("/api/v1/log?from=2099-01-01T00:00:00Z&to=2099-01-02T00:00:00Z", ADMIN).body())
                .get("count").asInt()).isZero();

        // CSV
        HttpResponse<String> csv = get("/api/v1/log?format=csv", ADMIN);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        assertThat(csv.body()).startsWith("\uFEFF");
        assertThat(csv.headers().firstValue("X-Truncated")).hasValue("false");
        List<String> lines = csv.body().substring(1).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("id,account,origin,from,to,segments,price");
        assertThat(lines.get(1)).startsWith(a.getMessageId() + "," + ItConfig.ACCOUNT + ",smpp:")
                .contains(",DELIVERED,").endsWith(",\"hello, one\"");

        // errors
        assertThat(get("/api/v1/log", "Bearer nope").statusCode()).isEqualTo(401);
        HttpResponse<String> bad = get("/api/v1/log?from=yesterday", ADMIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").get("code").asText()).isEqualTo("bad_request");
        assertThat(get("/api/v1/log?account=nobody", ADMIN).statusCode()).isEqualTo(404);

        // the same after a restart: it is the journal
        client.close();
        client = null;
        router.close();
        router = start();
        JsonNode again = JSON.readTree(get("/api/v1/log", ADMIN).body());
        assertThat(again.get("count").asInt()).isEqualTo(3);
        assertThat(again.get("items").get(0).get("state").asText()).isEqualTo("DELIVERED");
        assertThat(again.get("items").get(0).get("origin").asText()).isEqualTo(first.get("origin").asText());
    }
}
