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
 * A campaign with tracked links end to end (shared/SPEC.md §8): java.net.http as the client, the real router, jsmpp's
 * SMSC as the operator (it acknowledges and receipts every message).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CampaignLinksTest {
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
        smsc = smsc == null ? new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD) : smsc;
        ItConfig c = ItConfig.journal(dir.resolve("journal")).operatorAt(smsc.port())
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

}
