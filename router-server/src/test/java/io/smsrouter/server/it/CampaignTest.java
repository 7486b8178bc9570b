package io.smsrouter.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.core.moderation.MessageText;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import org.jsmpp.bean.SubmitSm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Campaigns end to end (shared/SPEC.md §8): java.net.http as the client, the real router, jsmpp's
 * SMSC as the operator (it acknowledges and receipts every message).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CampaignTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "Bearer k-camp";

    @TempDir
    Path dir;
    private Router router;
    private JsmppSmsc smsc;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterEach
    void tearDown() throws Exception {
        if (router != null) {
            router.close();
        }
        if (smsc != null) {
            smsc.close();
        }
    }

    private Router start(InstantSource clock) throws Exception {
        return start(clock, 0);
    }

    private Router start(InstantSource clock, int operatorTps) throws Exception {
        smsc = smsc == null ? new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD) : smsc;
        ItConfig c = ItConfig.journal(dir.resolve("journal")).operatorAt(smsc.port()).operatorTps(operatorTps)
                .account(new AccountConfig("camp", "camppw", "k-camp", "none", 0, 4, List.of(), null))
                .account(new AccountConfig("other", "otherpw", "k-other", "none", 0, 4, List.of(), null));
        router = new Router(c.build(), clock).start();
        return router;
    }

    private HttpResponse<String> call(String method, String path, String key, String contentType, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpAddress().getPort()
                + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode create(String json) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/campaigns", KEY, "application/json", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private JsonNode report(String id) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/campaigns/" + id, KEY, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static long sum(JsonNode counts) {
        long n = 0;
        for (JsonNode c : counts) {
            n += c.asLong();
        }
        return n;
    }

    private static String text(SubmitSm sm) {
        return MessageText.toString(sm.getDataCoding(), sm.getEsmClass(), sm.getShortMessage(), null);
    }

    @Test
    void tenThousandRecipientsFromCsvTwoVariantsTrackedLinks() throws Exception {
        start(InstantSource.system());
        int n = 10_000;
        StringBuilder csv = new StringBuilder("to,name\n");
        for (int i = 0; i < n; i++) {
            csv.append(79_000_000_000L + i).append(",\"Ann ").append(i).append("\"\n");
        }
        String variants = JSON.writeValueAsString(List.of(
                Map.of("name", "A", "text", "Hi {name}, sale at https://shop.example/sale?src=x now", "share", 50),
                Map.of("name", "B", "text", "{name}: see https://shop.example/b", "share", 50)));
        String q = "name=Winter%20sale&from=Shop&trackLinks=true&rate=5000&variants="
                + java.net.URLEncoder.encode(variants, java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> created = call("POST", "/api/v1/campaigns?" + q, KEY, "text/csv", csv.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode c = JSON.readTree(created.body());
        String id = c.get("id").asText();
        assertThat(c.get("recipients").asInt()).isEqualTo(n);
        Map<String, Integer> split = new HashMap<>();
        c.get("variants").forEach(v -> split.put(v.get("name").asText(), v.get("recipients").asInt()));
        assertThat(split.get("A")).isBetween((int) (n * 0.47), (int) (n * 0.53));
        assertThat(split.get("A") + split.get("B")).isEqualTo(n);

        await().atMost(Duration.ofSeconds(120)).until(() -> smsc.received().size() >= n);
        await().atMost(Duration.ofSeconds(60)).until(() -> report(id).get("states").get("DELIVERED").asInt() == n);
        Thread.sleep(300);
        assertThat(smsc.received()).hasSize(n); // none twice

        // every recipient exactly once, each with a short link of its own
        Pattern link = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/l/([0-9A-Za-z]{7})");
        Set<String> numbers = new HashSet<>();
        Map<String, String> codeOf = new HashMap<>();
        Set<String> codes = new HashSet<>();
        for (SubmitSm sm : smsc.received()) {
            assertThat(numbers.add(sm.getDestAddress())).as("one message to %s", sm.getDestAddress()).isTrue();
            String t = text(sm);
            assertThat(t).doesNotContain("shop.example");
            Matcher m = link.matcher(t);
            assertThat(m.find()).as(t).isTrue();
            assertThat(codes.add(m.group(1))).as("code %s unique", m.group(1)).isTrue();
            codeOf.put(sm.getDestAddress(), m.group(1));
            int i = (int) (Long.parseLong(sm.getDestAddress()) - 79_000_000_000L);
            assertThat(t).contains("Ann " + i);
        }
        assertThat(numbers).hasSize(n);

        // 100 of them followed: 302 to the original URL with the UTM parameters
        int followed = 0;
        for (Map.Entry<String, String> e : codeOf.entrySet()) {
            if (followed == 100) {
                break;
            }
            HttpResponse<String> r = call("GET", "/l/" + e.getValue(), null, null, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
            String to = r.headers().firstValue("Location").orElseThrow();
            assertThat(to).startsWith("https://shop.example/").contains("utm_source=sms").contains("utm_medium=sms")
                    .contains("utm_campaign=Winter").contains("utm_content=");
            if (to.startsWith("https://shop.example/sale")) {
                assertThat(to).contains("src=x").contains("utm_content=A");
            } else {
                assertThat(to).contains("utm_content=B");
            }
            followed++;
        }
        // one of them twice: a repeat click, not a unique one
        call("GET", "/l/" + codeOf.values().iterator().next(), null, null, null);
        assertThat(call("GET", "/l/ZZZZZZZ", null, null, null).statusCode()).isEqualTo(404);

        String metrics = call("GET", "/metrics", null, null, null).body();
        assertThat(metrics).contains("router_link_clicks_total 101.0").contains("router_campaigns{status=\"DONE\"} 1.0")
                .contains("router_campaign_recipients_pending 0.0");
        JsonNode rep = report(id);
        assertThat(rep.get("status").asText()).isEqualTo("DONE");
        assertThat(rep.get("total").asInt()).isEqualTo(n);
        assertThat(rep.get("states").get("DELIVERED").asInt()).isEqualTo(smsc.receiptsSent());
        assertThat(rep.get("uniqueClicks").asInt()).isEqualTo(100);
        assertThat(rep.get("clicks").asInt()).isEqualTo(101);
        assertThat(rep.get("clickRate").asDouble()).isEqualTo(0.01);
        int a = 0;
        int b = 0;
        for (JsonNode v : rep.get("variants")) {
            assertThat(v.get("total").asInt()).isEqualTo(split.get(v.get("name").asText()));
            a += v.get("uniqueClicks").asInt();
            b += v.get("states").get("DELIVERED").asInt();
        }
        assertThat(a).isEqualTo(100);
        assertThat(b).isEqualTo(n);

        // the per-recipient CSV: one row each, with its variant, id, state and clicks
        HttpResponse<String> rows = call("GET", "/api/v1/campaigns/" + id + "/recipients.csv", KEY, null, null);
        assertThat(rows.statusCode()).isEqualTo(200);
        String[] lines = rows.body().split("\n");
        assertThat(lines[0]).isEqualTo("to,variant,messageId,state,linkCode,clicks");
        assertThat(lines).hasSize(n + 1);
        int clicked = 0;
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            assertThat(f[3]).isEqualTo("DELIVERED");
            assertThat(f[4]).isEqualTo(codeOf.get(f[0]));
            clicked += Integer.parseInt(f[5]) > 0 ? 1 : 0;
        }
        assertThat(clicked).isEqualTo(100);

        // another account sees nothing of it
        assertThat(call("GET", "/api/v1/campaigns/" + id, "Bearer k-other", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void pauseStopsSendingWithinASecondAndResumeFinishesWithoutDuplicates() throws Exception {
        start(InstantSource.system());
        int n = 1500;
        StringBuilder recipients = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            recipients.append(i == 0 ? "" : ",").append("{\"to\":\"7915").append(1_000_000 + i).append("\"}");
        }
        recipients.append(']');
        String id = create("{\"name\":\"slow\",\"from\":\"Shop\",\"text\":\"Promo\",\"rate\":300,\"recipients\":"
                + recipients + "}").get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() >= 200);
        HttpResponse<String> p = call("POST", "/api/v1/campaigns/" + id + "/pause", KEY, null, null);
        assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
        assertThat(JSON.readTree(p.body()).get("status").asText()).isEqualTo("PAUSED");
        Thread.sleep(1000);
        int atPause = smsc.received().size();
        Thread.sleep(1500);
        assertThat(smsc.received().size()).as("nothing sent while paused").isEqualTo(atPause);
        assertThat(atPause).isLessThan(n);
        assertThat(report(id).get("status").asText()).isEqualTo("PAUSED");

        assertThat(call("POST", "/api/v1/campaigns/" + id + "/resume", KEY, null, null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> report(id).get("status").asText().equals("DONE"));
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.received().size() >= n);
        Thread.sleep(300);
        Set<String> numbers = new HashSet<>();
        smsc.received().forEach(sm -> numbers.add(sm.getDestAddress()));
        assertThat(numbers).hasSize(n);
        assertThat(smsc.received()).hasSize(n);
        // a finished campaign cannot be paused
        assertThat(call("POST", "/api/v1/campaigns/" + id + "/pause", KEY, null, null).statusCode()).isEqualTo(409);
    }

    @Test
    void cancelStopsForGoodAndARestartKeepsWhatWasSent() throws Exception {
        start(InstantSource.system());
        StringBuilder recipients = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            recipients.append(i == 0 ? "" : ",").append("\"7915").append(2_000_000 + i).append('"');
        }
        recipients.append(']');
        String id = create("{\"name\":\"c\",\"from\":\"Shop\",\"text\":\"Promo\",\"rate\":200,\"recipients\":"
                + recipients + "}").get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() >= 100);
        assertThat(call("POST", "/api/v1/campaigns/" + id + "/cancel", KEY, null, null).statusCode()).isEqualTo(200);
        Thread.sleep(1000);
        int sent = smsc.received().size();
        await().atMost(Duration.ofSeconds(20)).until(() -> report(id).get("states").get("DELIVERED").asInt() == sent);
        JsonNode before = report(id);
        assertThat(before.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(before.get("pending").asInt()).isEqualTo(1000 - (before.get("total").asInt() - before.get("pending").asInt()));

        router.close();
        router = null;
        start(InstantSource.system());
        JsonNode after = report(id);
        assertThat(after.get("status").asText()).isEqualTo("CANCELLED");
        // the final states were kept by the campaign itself, not only by the journal's replay
        assertThat(after.get("states")).isEqualTo(before.get("states"));
        assertThat(sum(after.get("timeline").get("variants").get(0).get("delivered")))
                .isEqualTo(sum(before.get("timeline").get("variants").get(0).get("delivered"))).isEqualTo(sent);
        assertThat(after.get("pending").asInt()).isEqualTo(before.get("pending").asInt());
        Thread.sleep(1000);
        assertThat(smsc.received().size()).isEqualTo(sent);
        assertThat(call("POST", "/api/v1/campaigns/" + id + "/resume", KEY, null, null).statusCode()).isEqualTo(409);
    }

    @Test
    void anOtpMessageGoesOutAheadOfACampaignsBacklog() throws Exception {
        start(InstantSource.system(), 300); // the operator takes 300 messages a second
        int n = 3000;
        StringBuilder recipients = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            recipients.append(i == 0 ? "" : ",").append("\"7915").append(3_000_000 + i).append('"');
        }
        recipients.append(']');
        String id = create("{\"name\":\"big\",\"from\":\"Shop\",\"text\":\"Promo\",\"rate\":20000,\"recipients\":"
                + recipients + "}").get("id").asText();
        // the whole campaign is accepted within a second or so; the operator needs 10 s for it
        await().atMost(Duration.ofSeconds(20)).until(() -> report(id).get("pending").asInt() == 0);
        assertThat(smsc.received().size()).isLessThan(n / 2);
        HttpResponse<String> otp = call("POST", "/api/v1/messages", KEY, "application/json",
                "{\"from\":\"Bank\",\"to\":\"79169999999\",\"text\":\"Code 4711\",\"category\":\"otp\"}");
        assertThat(otp.statusCode()).as(otp.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).until(() -> smsc.received().stream()
                .anyMatch(sm -> sm.getDestAddress().equals("79169999999")));
        int before = 0;
        for (SubmitSm sm : smsc.received()) {
            if (sm.getDestAddress().equals("79169999999")) {
                break;
            }
            before++;
        }
        assertThat(before).as("campaign messages the operator got before the OTP code").isLessThan(n - 1000);
    }

    @Test
    void clicksSurviveARestartAndARepeatingBotIsNotLoggedWithoutEnd() throws Exception {
        start(InstantSource.system());
        String id = create("{\"name\":\"one\",\"from\":\"Shop\",\"text\":\"See https://shop.example/x?a=1 and "
                + "www.shop.example/y.\",\"trackLinks\":true,\"recipients\":[\"79161234567\"]}").get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() == 1);
        Matcher m = Pattern.compile("/l/([0-9A-Za-z]{7})").matcher(text(smsc.received().get(0)));
        assertThat(m.find()).isTrue();
        String first = m.group(1);
        assertThat(m.find()).isTrue();
        String second = m.group(1);
        assertThat(text(smsc.received().get(0))).endsWith(second + ".");
        HttpResponse<String> head = call("HEAD", "/l/" + first, null, null, null);
        assertThat(head.statusCode()).isEqualTo(302);
        assertThat(call("GET", "/l/" + second, null, null, null).headers().firstValue("Location").orElseThrow())
                .startsWith("https://www.shop.example/y?utm_source=sms");
        for (int i = 0; i < 104; i++) {
            HttpResponse<String> r = call("GET", "/l/" + first, null, null, null);
            assertThat(r.headers().firstValue("Location").orElseThrow())
                    .isEqualTo("https://shop.example/x?a=1&utm_source=sms&utm_medium=sms&utm_campaign=one&utm_content=A");
        }
        JsonNode before = report(id);
        assertThat(before.get("clicks").asInt()).as("the HEAD is no click").isEqualTo(105);
        assertThat(before.get("uniqueClicks").asInt()).isEqualTo(1);

        router.close();
        router = null;
        start(InstantSource.system());
        JsonNode after = report(id);
        assertThat(after.get("clicks").asInt()).as("at most 100 clicks of one recipient are logged").isEqualTo(100);
        assertThat(after.get("uniqueClicks").asInt()).isEqualTo(1);
        assertThat(smsc.received()).hasSize(1);
    }

    @Test
    void monthlyOnThe31stGoesOnTheLastDayOfShortMonths() throws Exception {
        AtomicLong now = new AtomicLong(Instant.parse("2027-01-30T12:00:00Z").toEpochMilli());
        start(() -> Instant.ofEpochMilli(now.get()));
        String id = create("{\"name\":\"meters\",\"category\":\"service\",\"from\":\"Utility\","
                + "\"text\":\"Send your meter readings, {name}\",\"schedule\":{\"every\":\"month\",\"day\":31,"
                + "\"time\":\"10:00\"},\"recipients\":[{\"to\":\"79160000001\",\"vars\":{\"name\":\"Ann\",\"tz\":\"UTC\"}},"
                + "{\"to\":\"79160000002\",\"vars\":{\"name\":\"Bob\",\"tz\":\"Europe/Moscow\"}}]}").get("id").asText();
        assertThat(report(id).get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(report(id).get("nextRunAt").asText()).isEqualTo("2027-01-31T07:00:00Z"); // 10:00 in Moscow

        String[][] months = {
                {"2027-01-31T06:59:00Z", "2027-01-31T07:00:01Z", "2027-01-31T10:00:01Z", "2027-01-31"},
                {"2027-02-28T06:59:00Z", "2027-02-28T07:00:01Z", "2027-02-28T10:00:01Z", "2027-02-28"},
                {"2027-04-30T06:59:00Z", "2027-04-30T07:00:01Z", "2027-04-30T10:00:01Z", "2027-04-30"},
                {"2027-12-31T06:59:00Z", "2027-12-31T07:00:01Z", "2027-12-31T10:00:01Z", "2027-12-31"}};
        int expected = 0;
        for (String[] m : months) {
            // the day before and just before the time: nothing goes
            now.set(Instant.parse(m[0]).minus(Duration.ofDays(1)).toEpochMilli());
            Thread.sleep(200);
            now.set(Instant.parse(m[0]).toEpochMilli());
            Thread.sleep(300);
            assertThat(smsc.received()).as("before %s", m[3]).hasSize(expected);
            now.set(Instant.parse(m[1]).toEpochMilli()); // Moscow's 10:00
            int moscow = expected + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> smsc.received().size() == moscow);
            assertThat(smsc.received().get(moscow - 1).getDestAddress()).isEqualTo("79160000002");
            assertThat(report(id).get("occurrence").asText()).isEqualTo(m[3]);
            now.set(Instant.parse(m[2]).toEpochMilli()); // UTC's 10:00
            expected += 2;
            int utc = expected;
            await().atMost(Duration.ofSeconds(10)).until(() -> smsc.received().size() == utc);
            assertThat(text(smsc.received().get(utc - 1))).isEqualTo("Send your meter readings, Ann");
            Thread.sleep(100);
            // March (and the other months in between) went too when the clock passed them
            if (m[3].equals("2027-02-28")) {
                now.set(Instant.parse("2027-03-31T10:00:01Z").toEpochMilli());
                expected += 2;
                int march = expected;
                await().atMost(Duration.ofSeconds(10)).until(() -> smsc.received().size() == march);
            }
            if (m[3].equals("2027-04-30")) {
                for (String d : List.of("05-31", "06-30", "07-31", "08-31", "09-30", "10-31", "11-30")) {
                    now.set(Instant.parse("2027-" + d + "T10:00:01Z").toEpochMilli());
                    expected += 2;
                    int e = expected;
                    await().atMost(Duration.ofSeconds(10)).until(() -> smsc.received().size() == e);
                }
            }
        }
        assertThat(smsc.received()).hasSize(24);
    }

    @Test
    void badRequestsGetJsonErrors() throws Exception {
        start(InstantSource.system());
        String[][] cases = {
                {"{\"from\":\"Shop\",\"text\":\"x\",\"recipients\":[\"79161234567\"]}", "missing_field"},
                {"{\"name\":\"n\",\"from\":\"Shop\",\"recipients\":[\"79161234567\"]}", "bad_request"},
                {"{\"name\":\"n\",\"from\":\"Shop\",\"text\":\"x\",\"recipients\":[\"12ab\"]}", "invalid_number"},
                {"{\"name\":\"n\",\"from\":\"Shop\",\"text\":\"x\",\"recipients\":[]}", "missing_field"},
                {"{\"name\":\"n\",\"from\":\"Shop\",\"text\":\"x\",\"recipients\":[\"79161234567\"],"
                        + "\"schedule\":{\"every\":\"year\"}}", "invalid_schedule"},
                {"{\"name\":\"n\",\"from\":\"Shop\",\"text\":\"x\",\"recipients\":[\"79161234567\"],"
                        + "\"schedule\":{\"every\":\"month\",\"day\":32,\"time\":\"10:00\"}}", "invalid_schedule"},
                {"{\"name\":\"n\",\"from\":\"Shop\",\"variants\":[{\"name\":\"A\",\"text\":\"x\",\"share\":0}],"
                        + "\"recipients\":[\"79161234567\"]}", "invalid_variants"},
                {"{\"name\":\"n\",\"from\":\"Shop\",\"text\":\"Hi {name}\",\"recipients\":[{\"to\":\"79161234567\","
                        + "\"vars\":{\"x\":1}}]}", "template_error"},
                {"not json", "bad_json"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = call("POST", "/api/v1/campaigns", KEY, "application/json", c[0]);
            assertThat(r.statusCode()).as(c[0] + " -> " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).as(r.body()).isEqualTo(c[1]);
        }
        HttpResponse<String> csv = call("POST", "/api/v1/campaigns?name=n&from=Shop&text=x", KEY, "text/csv",
                "phone\n79161234567\n");
        assertThat(csv.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(csv.body()).get("error").get("code").asText()).isEqualTo("bad_csv");
        assertThat(call("GET", "/api/v1/campaigns/999", KEY, null, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/campaigns/1", null, null, null).statusCode()).isEqualTo(401);
        assertThat(smsc.received()).isEmpty();
    }
}
