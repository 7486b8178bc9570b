package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.IpAllowList;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.account.Secret;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordFile;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The campaign report page over loopback HTTP against the real server, with a small in-memory
 * {@link CampaignReports} standing for the campaign module: who sees which campaign (nobody, an
 * account by key or by its session, the admin), that an account's session never counts as the
 * admin, the page's headers, and that a hostile campaign name reaches the HTML only as text.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CampaignPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-token";
    private static final String XSS = "</title><script>alert(1)</script><img src=x onerror=alert(2)>\"'{{csrf}}";

    @TempDir
    Path dir;
    private ChronicleJournal journal;
    private EventLoopGroup group;
    private HttpServer server;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** campaign id → report; each report's "account" says whose it is. */
    private final Map<String, ObjectNode> campaigns = new LinkedHashMap<>();
    /** Every question the page asked: "account|campaign" ("null|..." for the admin). */
    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    /** The threads the reports were asked on. */
    private final Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        Moderator moderator = Moderator.withoutStopWords();
        Engine engine = new Engine(new AccountRegistry(List.of(
                Account.of("shop", "pw", "k-shop", Moderation.NONE, 0, 4, List.of()),
                Account.of("other", "pw", "k-other", Moderation.NONE, 0, 4, List.of()),
                // a hashed key: the server's gate verifies it off the event loop before the page sees it
                Account.of("hashed", "pw", Secret.hash("k-hashed-1".toCharArray(), 1000, new SecureRandom()),
                        Moderation.NONE, 0, 4, List.of()),
                new Account("fenced", "pw", "k-fenced", Moderation.NONE, 0, 4, Set.of(),
                        Account.DEFAULT_CLASS, IpAllowList.parse(List.of("10.9.9.9"))))),
                new RouteTable(List.of(new Route(null, "7", null, List.of("opA")))),
                List.of("opA"), journal, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(),
                1000, moderator, new LocalModerationQueue(), 1000);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new HttpServer("127.0.0.1", 0, group, NioServerSocketChannel.class, engine, () -> null, ADMIN,
                new StopWordFile(null, moderator));
        campaigns.put("c-shop", report("c-shop", "Black Friday", "shop"));
        campaigns.put("c-other", report("c-other", "Other's sale", "other"));
        campaigns.put("c-xss", report("c-xss", XSS, "shop"));
        campaigns.put("c-hashed", report("c-hashed", "Hashed's", "hashed"));
        server.campaignReports((account, id) -> {
            asked.add(account + "|" + id);
            threads.add(Thread.currentThread().getName());
            ObjectNode r = campaigns.get(id);
            return r == null || (account != null && !account.equals(r.path("account").asText())) ? null : r.deepCopy();
        });
        InetSocketAddress a = server.start();
        base = "http://127.0.0.1:" + a.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        if (journal != null) {
            journal.close();
        }
    }

    @Test
    void shouldServeTheLoginFormAndNoReportToSomeoneWithoutCredentials() throws Exception {
        HttpResponse<String> page = get("/campaigns/c-shop", Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("data-view=\"login\"").contains("id=\"login\"")
                .doesNotContain("Black Friday");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(ModerationPage.CSP);
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> report = get("/campaigns/c-shop/report.json", Map.of());
        assertThat(report.statusCode()).isEqualTo(401);
        assertThat(error(report)).isEqualTo("unauthorized");
        assertThat(asked).as("nobody's request never reaches the reports").isEmpty();

        HttpResponse<String> wrong = get("/campaigns/c-shop/report.json", bearer("k-wrong"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("k-wrong");
        HttpResponse<String> wrongPage = get("/campaigns/c-shop", bearer("k-wrong"));
        assertThat(wrongPage.statusCode()).isEqualTo(401);
        assertThat(wrongPage.body()).contains("data-view=\"login\"");
    }

    @Test
    void shouldShowAnAccountItsOwnCampaignsAndAnothersAsUnknown() throws Exception {
        HttpResponse<String> own = get("/campaigns/c-shop/report.json", bearer("k-shop"));
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(own.body())).isEqualTo(campaigns.get("c-shop"));
        assertThat(own.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(own.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(own.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(asked).containsExactly("shop|c-shop");
        assertThat(threads).as("a report may walk a campaign: never on an event loop").containsExactly("http-admin");

        HttpResponse<String> others = get("/campaigns/c-other/report.json", bearer("k-shop"));
        HttpResponse<String> unknown = get("/campaigns/c-nope/report.json", bearer("k-shop"));
        assertThat(others.statusCode()).isEqualTo(404);
        assertThat(error(others)).isEqualTo("not_found");
        assertThat(others.body()).as("another account's campaign reads as an unknown one").isEqualTo(unknown.body());

        HttpResponse<String> page = get("/campaigns/c-other", bearer("k-shop"));
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("data-view=\"missing\"").doesNotContain("Other's sale");
        assertThat(get("/campaigns/c-shop", bearer("k-shop")).body()).contains("data-view=\"report\"")
                .contains("Black Friday");
    }

    @Test
    void shouldShowTheAdminEveryAccountsCampaigns() throws Exception {
        for (String id : List.of("c-shop", "c-other")) {
            HttpResponse<String> r = get("/campaigns/" + id + "/report.json", bearer(ADMIN));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body())).isEqualTo(campaigns.get(id));
        }
        assertThat(asked).containsExactly("null|c-shop", "null|c-other");
        assertThat(get("/campaigns/c-nope/report.json", bearer(ADMIN)).statusCode()).isEqualTo(404);
        assertThat(get("/campaigns/c-other", bearer(ADMIN)).body()).contains("Other&#39;s sale");
    }

    @Test
    void shouldLogInWithAnApiKeyToASessionThatSeesOnlyThatAccountAndIsNoAdmin() throws Exception {
        HttpResponse<String> login = post("/campaigns/login", "{\"token\":\"k-shop\"}", Map.of());
        assertThat(login.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(login.body());
        assertThat(answer.path("account").asText()).isEqualTo("shop");
        assertThat(answer.path("admin").asBoolean()).isFalse();
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("smsrouter_session=").containsIgnoringCase("HttpOnly")
                .contains("SameSite=Strict").doesNotContainIgnoringCase("Secure");
        Map<String, String> cookie = Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';')));

        HttpResponse<String> page = get("/campaigns/c-shop", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-view=\"report\"").contains("Black Friday")
                .contains("<meta name=\"csrf-token\" content=\"" + answer.path("csrfToken").asText() + "\">")
                .contains("account shop");
        assertThat(get("/campaigns/c-shop/report.json", cookie).statusCode()).isEqualTo(200);
        assertThat(get("/campaigns/c-other/report.json", cookie).statusCode()).isEqualTo(404);

        // the account's session opens nothing of the admin's
        assertThat(get("/moderation/session", cookie).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/moderation/queue", cookie).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/accounts", cookie).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/balance", cookie).statusCode()).isEqualTo(401);
        assertThat(post("/api/v1/moderation/approve", "{\"ids\":[1]}",
                merge(cookie, Map.of(AdminAuth.CSRF_HEADER, answer.path("csrfToken").asText()))).statusCode())
                .isEqualTo(401);

        // from another site the session is refused; logging out needs the CSRF token
        HttpResponse<String> foreign = get("/campaigns/c-shop/report.json", merge(cookie,
                Map.of("Sec-Fetch-Site", "cross-site")));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(error(foreign)).isEqualTo("csrf_failed");
        assertThat(post("/campaigns/logout", "", cookie).statusCode()).isEqualTo(403);
        assertThat(post("/moderation/logout", "", cookie).statusCode()).as("nor through the moderator page's logout")
                .isEqualTo(403);
        assertThat(get("/campaigns/c-shop/report.json", cookie).statusCode()).isEqualTo(200);
        HttpResponse<String> out = post("/campaigns/logout", "", merge(cookie,
                Map.of(AdminAuth.CSRF_HEADER, answer.path("csrfToken").asText())));
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(get("/campaigns/c-shop/report.json", cookie).statusCode()).isEqualTo(401);
        HttpResponse<String> ended = get("/campaigns/c-shop", cookie);
        assertThat(ended.statusCode()).isEqualTo(401);
        assertThat(ended.body()).contains("data-view=\"login\"").contains("log in again");
        assertThat(ended.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    }

    @Test
    void shouldLogTheAdminInToASessionThatSeesEveryCampaignAndTheModeratorPage() throws Exception {
        HttpResponse<String> login = post("/campaigns/login", "{\"token\":\"" + ADMIN + "\"}", Map.of());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(login.body()).path("admin").asBoolean()).isTrue();
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        Map<String, String> cookie = Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';')));
        assertThat(get("/campaigns/c-other/report.json", cookie).statusCode()).isEqualTo(200);
        assertThat(get("/campaigns/c-shop", cookie).body()).contains(">admin<");
        assertThat(get("/moderation/session", cookie).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAWrongTokenAtLoginWithoutACookie() throws Exception {
        HttpResponse<String> r = post("/campaigns/login", "{\"token\":\"k-shop-nearly\"}", Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r)).isEqualTo("unauthorized");
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(post("/campaigns/login", "{}", Map.of()).statusCode()).isEqualTo(400);
        assertThat(post("/campaigns/login", "{\"token\":\"k-shop\"}", Map.of("Origin", "http://evil.example"))
                .statusCode()).isEqualTo(403);
        HttpResponse<String> fenced = post("/campaigns/login", "{\"token\":\"k-fenced\"}", Map.of());
        assertThat(fenced.statusCode()).as("127.0.0.1 is outside fenced's allowedIps").isEqualTo(403);
        assertThat(error(fenced)).isEqualTo("ip_not_allowed");
        assertThat(fenced.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void shouldAcceptAHashedApiKeyByBearerAndAtLogin() throws Exception {
        assertThat(get("/campaigns/c-hashed/report.json", bearer("k-hashed-1")).statusCode()).isEqualTo(200);
        assertThat(get("/campaigns/c-hashed/report.json", bearer("k-hashed-2")).statusCode()).isEqualTo(401);
        HttpResponse<String> login = post("/campaigns/login", "{\"token\":\"k-hashed-1\"}", Map.of());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(login.body()).path("account").asText()).isEqualTo("hashed");
    }

    @Test
    void shouldWriteAHostileCampaignNameIntoThePageOnlyAsEscapedText() throws Exception {
        HttpResponse<String> page = get("/campaigns/c-xss", bearer("k-shop"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .doesNotContain("<script>alert")
                .doesNotContain("<img src=x")
                .contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
                        + "&quot;&#39;{{csrf}}")
                .as("a placeholder in the name is not filled in").contains("{{csrf}}");
        assertThat(page.body().indexOf("<script")).as("only the two script tags of the template")
                .isEqualTo(page.body().indexOf("<script src=\"/charts.js\""));
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(ModerationPage.CSP);
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        // the id in the URL is user input too
        HttpResponse<String> id = get("/campaigns/%3Cscript%3Ex", bearer("k-shop"));
        assertThat(id.statusCode()).isEqualTo(404);
        assertThat(id.body()).doesNotContain("<script>x").contains("&lt;script&gt;x");
        // the report is JSON that a browser will not sniff into HTML
        HttpResponse<String> json = get("/campaigns/c-xss/report.json", bearer("k-shop"));
        assertThat(JSON.readTree(json.body()).path("name").asText()).isEqualTo(XSS);
        assertThat(json.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void shouldServeTheScriptsAndStyleAndRefuseOtherMethods() throws Exception {
        for (String[] a : List.of(new String[]{"/campaign.js", "text/javascript"},
                new String[]{"/charts.js", "text/javascript"}, new String[]{"/campaign.css", "text/css"})) {
            HttpResponse<String> r = get(a[0], Map.of());
            assertThat(r.statusCode()).as(a[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith(a[1]);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.body()).isNotBlank();
        }
        assertThat(get("/charts.js", Map.of()).body()).contains("Charts");
        assertThat(post("/campaigns/c-shop", "", bearer("k-shop")).statusCode()).isEqualTo(405);
        assertThat(get("/campaigns/login", Map.of()).statusCode()).isEqualTo(405);
        assertThat(get("/campaigns/c-shop/report.json", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswerNotFoundWhileNoCampaignModuleIsWired() throws Exception {
        server.campaignReports(null);
        HttpResponse<String> r = get("/campaigns/c-shop/report.json", bearer("k-shop"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(error(r)).isEqualTo("not_found");
    }

    // ---------- helpers ----------

    private static ObjectNode report(String id, String name, String account) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id).put("name", name).put("account", account).put("category", "promo").put("from", "Shop")
                .put("status", "DONE").put("createdAt", "2026-11-26T10:00:00Z").putNull("schedule");
        r.putNull("nextRunAt");
        r.put("trackLinks", true).put("total", 4).put("pending", 0);
        ObjectNode states = r.putObject("states");
        for (String s : List.of("ACCEPTED", "HELD", "SCHEDULED", "REJECTED", "SUBMITTED", "DELIVERED", "UNDELIVERABLE",
                "EXPIRED", "FAILED", "REFUSED")) {
            states.put(s, s.equals("DELIVERED") ? 4 : 0);
        }
        r.put("parts", 4).put("cost", "0.40").put("clicks", 3).put("uniqueClicks", 2).put("clickRate", 0.5);
        ObjectNode v = r.putArray("variants").addObject();
        v.put("name", "A").put("share", 100).put("total", 4).put("pending", 0).set("states", states.deepCopy());
        v.put("parts", 4).put("cost", "0.40").put("clicks", 3).put("uniqueClicks", 2).put("clickRate", 0.5);
        ObjectNode t = r.putObject("timeline");
        t.put("start", "2026-11-26T10:00:00Z").put("bucketSeconds", 60);
        ObjectNode tv = t.putArray("variants").addObject();
        tv.put("name", "A");
        tv.putArray("sent").add(4).add(0);
        tv.putArray("delivered").add(3).add(1);
        tv.putArray("clicks").add(0).add(3);
        return r;
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
