package io.smsrouter.server.it;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AdminConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Moderation end to end: cloudhopper clients submit over SMPP, the in-process operator simulator
 * stands for the operator, and moderators act through the real admin HTTP API.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModerationTest {
    private static final String WORDS = """
            # category: casino
            казино
            =bet
            # category: credit
            кредит
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "Bearer " + AdminConfig.DEFAULT_TOKEN;

    @TempDir
    Path dir;
    private Path stopWords;
    private Router router;
    private ChClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        stopWords = dir.resolve("stopwords.txt");
        Files.writeString(stopWords, WORDS);
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
    }

    private ItConfig config(int maxWaitSeconds) {
        return ItConfig.journal(dir.resolve("journal")).withSimulator()
                .account("auto", "autopw", "auto")
                .account("manual", "manualpw", "manual")
                .account("none", "nonepw", "none")
                .moderation(stopWords, maxWaitSeconds);
    }

    private ChSession bind(String account) throws Exception {
        if (client == null) {
            client = new ChClient();
        }
        return client.bind(router.smppAddress(), com.cloudhopper.smpp.SmppBindType.TRANSCEIVER, account,
                account + "pw", 10);
    }

    private String submit(ChSession s, String sender, String text) throws Exception {
        SubmitSmResp r = s.submitText(sender, "79161234567", text, 1);
        assertThat(r.getCommandStatus()).as("submit_sm_resp status for '%s'", text).isZero();
        return r.getMessageId();
    }

    private List<String> heldIds() throws Exception {
        JsonNode q = get("/api/v1/moderation/queue");
        List<String> ids = new ArrayList<>();
        q.get("items").forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    @Test
    void autoHoldsStopWordsInTextOrSenderAndPassesCleanOnes() throws Exception {
        router = new Router(config(3600).build()).start();
        ChSession auto = bind("auto");

        String bySender = submit(auto, "Bet", "Your order 1234 has shipped");
        String byText = submit(auto, "Shop", "Играй в кaзино сегодня!"); // Latin a inside the Cyrillic word
        String clean = submit(auto, "Shop", "Ваш код подтверждения 4821");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(auto.receiptFor(clean)).as("receipt of the clean message").isNotNull());
        assertThat(auto.receiptFor(clean).stat()).isEqualTo("DELIVRD");
        assertThat(router.simulator().submitCount()).as("messages the operator got").isEqualTo(1);

        JsonNode q = get("/api/v1/moderation/queue");
        assertThat(q.get("total").asInt()).isEqualTo(2);
        JsonNode first = q.get("items").get(0);
        assertThat(first.get("id").asText()).isEqualTo(bySender);
        assertThat(first.get("reason").asText()).isEqualTo("stop_word");
        assertThat(first.get("matches").get(0).get("field").asText()).isEqualTo("sender");
        assertThat(first.get("matches").get(0).get("word").asText()).isEqualTo("=bet");
        JsonNode second = q.get("items").get(1);
        assertThat(second.get("id").asText()).isEqualTo(byText);
        assertThat(second.get("text").asText()).isEqualTo("Играй в кaзино сегодня!");
        JsonNode m = second.get("matches").get(0);
        assertThat(m.get("category").asText()).isEqualTo("casino");
        assertThat(second.get("text").asText().substring(m.get("start").asInt(), m.get("end").asInt()))
                .isEqualTo("кaзино");

        // approve: the operator gets it and the client its receipt
        JsonNode approved = post("/api/v1/moderation/" + byText + "/approve", "{\"moderator\":\"alice\"}", 200);
        assertThat(approved.get("count").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(auto.receiptFor(byText)).isNotNull());
        assertThat(auto.receiptFor(byText).stat()).isEqualTo("DELIVRD");
        assertThat(router.simulator().submitCount()).isEqualTo(2);

        // reject: a REJECTD receipt, and the operator never sees it
        post("/api/v1/moderation/" + bySender + "/reject", "{\"moderator\":\"bob\",\"reason\":\"gambling\"}", 200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(auto.receiptFor(bySender)).isNotNull());
        assertThat(auto.receiptFor(bySender).stat()).isEqualTo("REJECTD");
        assertThat(auto.receiptFor(bySender).messageState()).isEqualTo(8);
        assertThat(router.simulator().submitCount()).isEqualTo(2);
        assertThat(heldIds()).isEmpty();

        // deciding twice: the second one finds nothing held
        JsonNode again = post("/api/v1/moderation/" + bySender + "/approve", "", 404);
        assertThat(again.get("error").get("code").asText()).isEqualTo("not_held");
        JsonNode decisions = get("/api/v1/moderation/decisions");
        assertThat(decisions.get("items").get(0).get("moderator").asText()).isEqualTo("bob");
        assertThat(decisions.get("items").get(0).get("reason").asText()).isEqualTo("gambling");
        assertThat(decisions.get("items").get(0).get("decision").asText()).isEqualTo("REJECTED");
    }

    @Test
    void manualHoldsEverythingAndNoneHoldsNothing() throws Exception {
        router = new Router(config(3600).build()).start();
        ChSession manual = bind("manual");
        ChSession none = bind("none");

        String held = submit(manual, "Shop", "Ваш код подтверждения 4821");
        String free = submit(none, "Bet", "Играй в казино, кредит без отказа");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(none.receiptFor(free)).isNotNull());
        assertThat(router.simulator().submitCount()).isEqualTo(1);
        assertThat(heldIds()).containsExactly(held);
        assertThat(get("/api/v1/moderation/queue").get("items").get(0).get("reason").asText()).isEqualTo("manual");
    }

    @Test
    void campaignsAreDecidedTogetherAndFiltersApply() throws Exception {
        router = new Router(config(3600).build()).start();
        ChSession manual = bind("manual");
        List<String> campaign = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            campaign.add(submit(manual, "Shop", "Скидка 20% на всё до воскресенья"));
        }
        String other = submit(manual, "Shop", "Другой текст");
        ChSession auto = bind("auto");
        String casino = submit(auto, "Shop", "казино");

        assertThat(get("/api/v1/moderation/queue?account=auto").get("total").asInt()).isEqualTo(1);
        assertThat(get("/api/v1/moderation/queue?category=casino").get("items").get(0).get("id").asText())
                .isEqualTo(casino);
        JsonNode q = get("/api/v1/moderation/queue?account=manual");
        assertThat(q.get("items").get(0).get("campaignSize").asInt()).isEqualTo(3);

        JsonNode r = post("/api/v1/moderation/" + campaign.get(1) + "/reject",
                "{\"campaign\":true,\"reason\":\"spam\"}", 200);
        assertThat(r.get("count").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String id : campaign) {
                assertThat(manual.receiptFor(id)).isNotNull();
                assertThat(manual.receiptFor(id).stat()).isEqualTo("REJECTD");
            }
        });
        JsonNode bulk = post("/api/v1/moderation/approve", "{\"ids\":[\"" + other + "\",\"" + casino + "\",\"42\"]}", 200);
        assertThat(bulk.get("count").asInt()).isEqualTo(2);
        assertThat(bulk.get("notHeld").get(0).asText()).isEqualTo("42");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(router.simulator().submitCount()).isEqualTo(2));
    }

    @Test
    void heldMessagesSurviveARestartAndExpireAfterTheMaximumWait() throws Exception {
        router = new Router(config(3600).build()).start();
        ChSession manual = bind("manual");
        String kept = submit(manual, "Shop", "первое");
        String approvedBeforeRestart = submit(manual, "Shop", "второе");
        post("/api/v1/moderation/" + approvedBeforeRestart + "/approve", "", 200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(manual.receiptFor(approvedBeforeRestart)).isNotNull());
        client.close();
        client = null;
        router.close();

        router = new Router(config(3600).build()).start();
        assertThat(heldIds()).containsExactly(kept);
        router.close();

        // a maximum wait of 1 s: after the next start the message expires, and the client is told
        router = new Router(config(1).build()).start();
        ChSession again = bind("manual");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(again.receiptFor(kept)).isNotNull());
        assertThat(again.receiptFor(kept).stat()).isEqualTo("EXPIRED");
        assertThat(heldIds()).isEmpty();
        assertThat(router.simulator().submitCount()).isZero();
        assertThat(get("/api/v1/moderation/decisions").get("items").get(0).get("moderator").asText())
                .isEqualTo("system");
    }

    @Test
    void stopWordsReloadFromTheFileAndTheApiAndABadListIsRefused() throws Exception {
        router = new Router(config(3600).build()).start();
        ChSession auto = bind("auto");
        submit(auto, "Shop", "займ до зарплаты");
        assertThat(heldIds()).isEmpty();

        // the file changes on disk: picked up without a restart
        Files.writeString(stopWords, WORDS + "# category: loans\nзайм\n");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(router.engine().moderator().automaton().size()).isEqualTo(4));
        String loan = submit(auto, "Shop", "займ до зарплаты");
        assertThat(heldIds()).containsExactly(loan);

        // a bad list through the API: refused, the old one stays
        HttpResponse<String> bad = send(HttpRequest.newBuilder(uri("/api/v1/moderation/stopwords"))
                .header("Authorization", TOKEN).PUT(HttpRequest.BodyPublishers.ofString("# category: x\n=\n")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").get("code").asText()).isEqualTo("invalid_stopwords");
        assertThat(router.engine().moderator().automaton().size()).isEqualTo(4);

        HttpResponse<String> good = send(HttpRequest.newBuilder(uri("/api/v1/moderation/stopwords"))
                .header("Authorization", TOKEN).PUT(HttpRequest.BodyPublishers.ofString("# category: pets\nкот\n")));
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(Files.readString(stopWords)).isEqualTo("# category: pets\nкот\n");
        String cat = submit(auto, "Shop", "Котики в продаже");
        submit(auto, "Shop", "казино"); // no longer a stop word
        assertThat(heldIds()).containsExactly(loan, cat);
    }

    @Test
    void aLargeStopWordListIsReplacedThroughTheApi() throws Exception {
        router = new Router(config(3600).build()).start();
        StringBuilder list = new StringBuilder("# category: generated\n");
        int n = 70_000;
        for (int i = 0; i < n; i++) {
            list.append("стоп");
            for (int v = i, k = 0; k < 4; k++, v /= 32) {
                list.append((char) ('а' + v % 32));
            }
            list.append('\n');
        }
        assertThat(list.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .as("bigger than the old 1 MB body limit").isGreaterThan(1 << 20);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/moderation/stopwords"))
                .header("Authorization", TOKEN).PUT(HttpRequest.BodyPublishers.ofString(list.toString())));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("entries").asInt()).isEqualTo(n);
        ChSession auto = bind("auto");
        String held = submit(auto, "Shop", "Акция: стопбааа сегодня");
        submit(auto, "Shop", "Акция сегодня");
        assertThat(heldIds()).containsExactly(held);
    }

    @Test
    void theAdminApiNeedsTheTokenAndAnswersErrorsAsJson() throws Exception {
        router = new Router(config(3600).build()).start();
        HttpResponse<String> noToken = send(HttpRequest.newBuilder(uri("/api/v1/moderation/queue")).GET());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(noToken.body()).get("error").get("code").asText()).isEqualTo("unauthorized");
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/api/v1/moderation/queue"))
                .header("Authorization", "Bearer nope").GET());
        assertThat(wrong.statusCode()).isEqualTo(401);

        assertThat(post("/api/v1/moderation/abc/approve", "", 400).get("error").get("code").asText())
                .isEqualTo("bad_request");
        assertThat(post("/api/v1/moderation/approve", "{not json", 400).get("error").get("code").asText())
                .isEqualTo("bad_json");
        assertThat(post("/api/v1/moderation/approve", "{}", 400).get("error").get("code").asText())
                .isEqualTo("bad_request");

        // the account's mode changes at run time
        HttpResponse<String> mode = send(HttpRequest.newBuilder(uri("/api/v1/accounts/none/moderation"))
                .header("Authorization", TOKEN).PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"manual\"}")));
        assertThat(mode.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(mode.body()).get("moderation").asText()).isEqualTo("manual");
        ChSession none = bind("none");
        String held = submit(none, "Shop", "hello");
        assertThat(heldIds()).containsExactly(held);
        HttpResponse<String> badMode = send(HttpRequest.newBuilder(uri("/api/v1/accounts/none/moderation"))
                .header("Authorization", TOKEN).PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"sometimes\"}")));
        assertThat(badMode.statusCode()).isEqualTo(400);

        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/moderation")).GET());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + router.httpAddress().getPort() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).header("Authorization", TOKEN).GET());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode post(String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).header("Authorization", TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(expectedStatus);
        return JSON.readTree(r.body());
    }
}
