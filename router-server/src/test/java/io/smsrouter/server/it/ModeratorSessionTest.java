package io.smsrouter.server.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.AdminConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The moderator page's login and the admin API's defences, on a real router over loopback with
 * {@code java.net.http}: the session cookie and its attributes, logout, idle and absolute expiry,
 * CSRF refused and accepted on every kind of state-changing admin endpoint, cross-site requests
 * refused, {@code Authorization: Bearer} unaffected, the page's security headers and its script
 * and style as resources, the {@code Secure} cookie over HTTPS, a hashed admin token, and no
 * secret in the log.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModeratorSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COOKIE = Pattern.compile("^smsrouter_session=([A-Za-z0-9_-]*)(;.*)?$");
    private static final String MANUAL_KEY = "k-manual-" + hex(8);

    @TempDir
    Path dir;
    private final String token = "adm-" + hex(16);
    private Router router;
    private ChClient smpp;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void tearDown() {
        if (smpp != null) {
            smpp.close();
        }
        if (router != null) {
            router.close();
        }
    }

    private void start(int idleSeconds, int lifetimeSeconds) throws Exception {
        router = new Router(ItConfig.journal(dir.resolve("journal")).withSimulator()
                .account(new AccountConfig("manual", "manualpw", MANUAL_KEY, "manual", 0, 4, List.of(), null))
                .admin(new AdminConfig(token, idleSeconds, lifetimeSeconds))
                .build()).start();
        base = "http://127.0.0.1:" + router.httpAddress().getPort();
    }

    // ---- login, the cookie, the session ----

    @Test
    void shouldGiveAnHttpOnlyStrictSessionCookieAtLoginAndKeepTheTokenOnTheServer() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        HttpResponse<String> r = login(token, "alice");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> setCookies = r.headers().allValues("Set-Cookie");
        assertThat(setCookies).hasSize(1);
        String setCookie = setCookies.get(0);
        Matcher m = COOKIE.matcher(setCookie);
        assertThat(m.matches()).as(setCookie).isTrue();
        // 256 random bits, base64url without padding
        assertThat(m.group(1)).hasSize(43);
        List<String> attributes = attributes(setCookie);
        assertThat(attributes).contains("httponly", "samesite=strict", "path=/");
        assertThat(attributes).as("plain HTTP: not Secure; no expiry: it ends with the browser")
                .noneMatch(a -> a.equals("secure") || a.startsWith("max-age") || a.startsWith("expires")
                        || a.startsWith("domain"));
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("moderator").asText()).isEqualTo("alice");
        assertThat(body.path("csrfToken").asText()).hasSize(43).isNotEqualTo(m.group(1));
        assertThat(Instant.parse(body.path("expiresAt").asText())).isAfter(Instant.now().plusSeconds(1700));
        assertThat(r.body()).doesNotContain(token);

        Session s = new Session(m.group(1), body.path("csrfToken").asText());
        HttpResponse<String> again = call("GET", "/moderation/session", s.cookie(), null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("csrfToken").asText()).isEqualTo(s.csrf);
        assertThat(JSON.readTree(again.body()).path("moderator").asText()).isEqualTo("alice");
        assertThat(again.headers().allValues("Set-Cookie")).as("the session answer sets no cookie").isEmpty();
        // the cookie alone reads the admin API
        assertThat(call("GET", "/api/v1/moderation/queue", s.cookie(), null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/accounts", s.cookie(), null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/optouts", s.cookie(), null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/log", s.cookie(), null).statusCode()).isEqualTo(200);
        // a second login is a new session with a new id; the id sent with it is ended
        HttpResponse<String> second = call("POST", "/moderation/login", s.cookie(),
                "{\"token\":\"" + token + "\",\"moderator\":\"bob\"}");
        assertThat(second.statusCode()).isEqualTo(200);
        Session s2 = session(second);
        assertThat(s2.id).isNotEqualTo(s.id);
        assertThat(call("GET", "/moderation/session", s.cookie(), null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/moderation/session", s2.cookie(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAWrongTokenAtLoginWithoutACookie() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        HttpResponse<String> wrong = login(token + "x", "eve");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong)).isEqualTo("unauthorized");
        assertThat(wrong.headers().allValues("Set-Cookie")).isEmpty();
        HttpResponse<String> missing = call("POST", "/moderation/login", null, "{\"moderator\":\"eve\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(error(missing)).isEqualTo("missing_field");
        assertThat(call("GET", "/moderation/login", null, null).statusCode()).isEqualTo(405);
        assertThat(call("GET", "/moderation/session", null, null).statusCode()).isEqualTo(401);
        // a made-up cookie is no session
        HttpResponse<String> forged = call("GET", "/api/v1/moderation/queue",
                new String[]{"Cookie", "smsrouter_session=" + "A".repeat(43)}, null);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(error(forged)).isEqualTo("unauthorized");
        // a login from another site is refused even with the right token
        HttpResponse<String> foreign = call("POST", "/moderation/login", new String[]{"Origin", "http://evil.example"},
                "{\"token\":\"" + token + "\"}");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(error(foreign)).isEqualTo("csrf_failed");
        assertThat(foreign.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void shouldMarkTheCookieSecureOverHttps() throws Exception {
        router = new Router(ItConfig.journal(dir.resolve("journal")).withSimulator()
                .httpTls(TlsFixtures.file("server.crt"), TlsFixtures.file("server.key"))
                .admin(new AdminConfig(token))
                .build()).start();
        HttpClient https = HttpClient.newBuilder().sslContext(TlsFixtures.trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();
        String secure = "https://localhost:" + router.httpsAddress().getPort();
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(secure + "/moderation/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\",\"moderator\":\"alice\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(attributes(setCookie)).contains("secure", "httponly", "samesite=strict", "path=/");
        Session s = session(r);
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(secure + "/moderation")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
        HttpResponse<String> queue = https.send(HttpRequest.newBuilder(URI.create(secure + "/api/v1/moderation/queue"))
                .header("Cookie", s.cookie()[1]).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(queue.statusCode()).isEqualTo(200);
        HttpResponse<String> out = https.send(HttpRequest.newBuilder(URI.create(secure + "/moderation/logout"))
                .header("Cookie", s.cookie()[1]).header("X-CSRF-Token", s.csrf)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(attributes(out.headers().firstValue("Set-Cookie").orElseThrow())).contains("secure", "max-age=0");
        // the plain port of the same router gives a cookie without Secure (a browser would drop a
        // Secure cookie set over http)
        base = "http://127.0.0.1:" + router.httpAddress().getPort();
        assertThat(attributes(login(token, "bob").headers().firstValue("Set-Cookie").orElseThrow()))
                .doesNotContain("secure");
    }

    @Test
    void shouldLogInWithAHashedAdminToken() throws Exception {
        String plain = token;
        router = new Router(ItConfig.journal(dir.resolve("journal")).withSimulator()
                .admin(new AdminConfig(io.smsrouter.core.account.Secret.hash(plain.toCharArray(), 1000,
                        new SecureRandom())))
                .build()).start();
        base = "http://127.0.0.1:" + router.httpAddress().getPort();
        assertThat(login(plain + "x", "eve").statusCode()).isEqualTo(401);
        Session s = session(login(plain, "alice"));
        assertThat(call("GET", "/api/v1/moderation/queue", s.cookie(), null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/moderation/queue", new String[]{"Authorization", "Bearer " + plain}, null)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void shouldNotCountLoggedOutPageLoadsAsFailedLogins() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        // every load of the logged-out page asks once; far more than the per-address limit of 401s
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> r = call("GET", "/moderation/session", null, null);
            assertThat(r.statusCode()).as("probe %d", i).isEqualTo(401);
        }
        assertThat(login(token, "alice").statusCode()).isEqualTo(200);
        // guessed session ids do count, like wrong tokens
        int status = 0;
        for (int i = 0; i < 60 && status != 429; i++) {
            status = call("GET", "/moderation/session", new String[]{"Cookie", "smsrouter_session=guess" + i}, null)
                    .statusCode();
        }
        assertThat(status).as("guessing session ids is limited per address").isEqualTo(429);
    }

    @Test
    void shouldEndTheSessionAtLogoutOnlyWithItsCsrfToken() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        Session s = session(login(token, "alice"));
        HttpResponse<String> forged = call("POST", "/moderation/logout", s.cookie(), null);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(error(forged)).isEqualTo("csrf_failed");
        assertThat(call("GET", "/moderation/session", s.cookie(), null).statusCode()).as("still logged in").isEqualTo(200);

        HttpResponse<String> out = call("POST", "/moderation/logout", s.withCsrf(), null);
        assertThat(out.statusCode()).isEqualTo(200);
        String cleared = out.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cleared).startsWith("smsrouter_session=;");
        assertThat(attributes(cleared)).contains("max-age=0", "httponly", "samesite=strict", "path=/");
        assertThat(call("GET", "/moderation/session", s.cookie(), null).statusCode()).isEqualTo(401);
        HttpResponse<String> after = call("GET", "/api/v1/moderation/queue", s.cookie(), null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(error(after)).isEqualTo("unauthorized");
        // logging out again (or without a session) is harmless
        assertThat(call("POST", "/moderation/logout", s.withCsrf(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldEndAnIdleSession() throws Exception {
        start(1, 3600);
        Session s = session(login(token, "alice"));
        assertThat(call("GET", "/api/v1/moderation/queue", s.cookie(), null).statusCode()).isEqualTo(200);
        Thread.sleep(1500);
        HttpResponse<String> r = call("GET", "/api/v1/moderation/queue", s.cookie(), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r)).isEqualTo("unauthorized");
        assertThat(call("GET", "/moderation/session", s.cookie(), null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldEndASessionAtItsLifetimeHoweverBusy() throws Exception {
        start(3600, 3);
        long loggedIn = System.nanoTime();
        Session s = session(login(token, "alice"));
        int answered = 0;
        while (System.nanoTime() - loggedIn < TimeUnit.MILLISECONDS.toNanos(2000)) {
            assertThat(call("GET", "/api/v1/moderation/queue", s.cookie(), null).statusCode()).isEqualTo(200);
            answered++;
            Thread.sleep(200);
        }
        assertThat(answered).isGreaterThan(3);
        while (System.nanoTime() - loggedIn < TimeUnit.MILLISECONDS.toNanos(3300)) {
            Thread.sleep(100);
        }
        assertThat(call("GET", "/api/v1/moderation/queue", s.cookie(), null).statusCode()).isEqualTo(401);
    }

    // ---- CSRF ----

    @Test
    void shouldRefuseCookieRequestsThatChangeSomethingWithoutTheCsrfToken() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        Session s = session(login(token, "alice"));
        ChSession manual = bindManual();
        String held = submit(manual, "first");
        String held2 = submit(manual, "second");
        String approve = "/api/v1/moderation/" + held + "/approve";
        Session wrong = new Session(s.id, "B".repeat(43));
        // every kind of state change the cookie reaches: decisions, bulk, stop words, account modes,
        // opt-outs, top-ups, a routes reload
        List<String[]> changes = List.of(
                new String[]{"POST", approve, "{\"moderator\":\"mallory\"}"},
                new String[]{"POST", "/api/v1/moderation/reject", "{\"ids\":[\"" + held2 + "\"]}"},
                new String[]{"PUT", "/api/v1/moderation/stopwords", "casino"},
                new String[]{"PUT", "/api/v1/accounts/manual/moderation", "{\"mode\":\"none\"}"},
                new String[]{"POST", "/api/v1/optouts", "{\"msisdn\":\"79161234567\"}"},
                new String[]{"DELETE", "/api/v1/optouts/79161234567", null},
                new String[]{"POST", "/api/v1/balance/topups", "{\"account\":\"manual\",\"amount\":\"1\"}"},
                new String[]{"POST", "/api/v1/routes/reload", null});
        for (String[] c : changes) {
            for (String[] headers : List.of(s.cookie(), wrong.withCsrf())) {
                HttpResponse<String> r = call(c[0], c[1], headers, c[2]);
                assertThat(r.statusCode()).as("%s %s without the right CSRF token: %s", c[0], c[1], r.body())
                        .isEqualTo(403);
                assertThat(error(r)).isEqualTo("csrf_failed");
            }
        }
        assertThat(heldIds(s)).as("nothing was decided").containsExactly(held, held2);
        assertThat(JSON.readTree(call("GET", "/api/v1/accounts", s.cookie(), null).body()).path("items").toString())
                .contains("\"manual\"", "\"moderation\":\"manual\"");
        assertThat(router.engine().optOuts().size()).isZero();

        // with the token: done, and recorded under the name of the login, not the body's
        HttpResponse<String> ok = call("POST", approve, s.withCsrf(), "{\"moderator\":\"mallory\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(heldIds(s)).containsExactly(held2);
        JsonNode decisions = JSON.readTree(call("GET", "/api/v1/moderation/decisions", s.cookie(), null).body());
        assertThat(decisions.path("items").path(0).path("id").asText()).isEqualTo(held);
        assertThat(decisions.path("items").path(0).path("moderator").asText()).isEqualTo("alice");
        HttpResponse<String> opt = call("POST", "/api/v1/optouts", s.withCsrf(), "{\"msisdn\":\"79161234567\"}");
        assertThat(opt.statusCode()).as(opt.body()).isEqualTo(201);
        assertThat(call("DELETE", "/api/v1/optouts/79161234567", s.withCsrf(), null).statusCode()).isEqualTo(200);
        HttpResponse<String> mode = call("PUT", "/api/v1/accounts/manual/moderation", s.withCsrf(),
                "{\"mode\":\"manual\"}");
        assertThat(mode.statusCode()).as(mode.body()).isEqualTo(200);
        HttpResponse<String> words = call("PUT", "/api/v1/moderation/stopwords", s.withCsrf(), "casino");
        assertThat(words.statusCode()).as(words.body()).isEqualTo(200);
    }

    @Test
    void shouldRefuseCookieRequestsFromAnotherSiteEvenWithTheCsrfToken() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        Session s = session(login(token, "alice"));
        String held = submit(bindManual(), "hello");
        String approve = "/api/v1/moderation/" + held + "/approve";
        String self = "http://127.0.0.1:" + router.httpAddress().getPort();
        for (String[] foreign : List.of(new String[]{"Sec-Fetch-Site", "cross-site"},
                new String[]{"Sec-Fetch-Site", "same-site"}, new String[]{"Origin", "http://evil.example"},
                new String[]{"Origin", "null"}, new String[]{"Origin", "http://127.0.0.1:1"})) {
            HttpResponse<String> r = call("POST", approve, concat(s.withCsrf(), foreign), "{}");
            assertThat(r.statusCode()).as("%s: %s", String.join(": ", foreign), r.body()).isEqualTo(403);
            assertThat(error(r)).isEqualTo("csrf_failed");
            HttpResponse<String> read = call("GET", "/api/v1/moderation/queue", concat(s.cookie(), foreign), null);
            assertThat(read.statusCode()).as("a cross-site read with the cookie").isEqualTo(403);
        }
        assertThat(heldIds(s)).containsExactly(held);
        // what the page's own fetch sends
        HttpResponse<String> same = call("POST", approve,
                concat(s.withCsrf(), new String[]{"Origin", self, "Sec-Fetch-Site", "same-origin"}), "{}");
        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    }

    @Test
    void shouldLeaveBearerTokenRequestsAsTheyWere() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        Session s = session(login(token, "alice"));
        ChSession manual = bindManual();
        String held = submit(manual, "one");
        String held2 = submit(manual, "two");
        String[] bearer = {"Authorization", "Bearer " + token};
        // no CSRF token, no cookie, even an Origin: a bearer request cannot be forged by a browser
        HttpResponse<String> ok = call("POST", "/api/v1/moderation/" + held + "/approve",
                concat(bearer, new String[]{"Origin", "http://tool.example"}), "{\"moderator\":\"script\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode decisions = JSON.readTree(call("GET", "/api/v1/moderation/decisions", bearer, null).body());
        assertThat(decisions.path("items").path(0).path("moderator").asText()).isEqualTo("script");
        HttpResponse<String> opt = call("POST", "/api/v1/optouts", bearer, "{\"msisdn\":\"79161234567\"}");
        assertThat(opt.statusCode()).as(opt.body()).isEqualTo(201);
        // the account's key works on its own opt-outs without any CSRF token
        HttpResponse<String> own = call("POST", "/api/v1/optouts", new String[]{"Authorization", "Bearer " + MANUAL_KEY},
                "{\"msisdn\":\"79161234568\"}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
        // a wrong bearer token is 401 even next to a live session cookie: the cookie is not a fallback
        HttpResponse<String> wrong = call("POST", "/api/v1/moderation/" + held2 + "/approve",
                concat(s.withCsrf(), new String[]{"Authorization", "Bearer nope"}), "{}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong)).isEqualTo("unauthorized");
        assertThat(call("GET", "/api/v1/moderation/queue", null, null).statusCode()).isEqualTo(401);
        assertThat(heldIds(s)).containsExactly(held2);
    }

    // ---- the page ----

    @Test
    void shouldServeThePageWithAStrictPolicyAndItsScriptAndStyleAsResources() throws Exception {
        start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
        HttpResponse<String> page = call("GET", "/moderation", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(csp.split(";\\s*")).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                "connect-src 'self'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'",
                "base-uri 'none'");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        String html = page.body();
        assertThat(html).contains("<script src=\"/moderation.js\"", "<link rel=\"stylesheet\" href=\"/moderation.css\">");
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(html).find()).as("inline script").isFalse();
        assertThat(html).doesNotContain("<style", "style=", "javascript:");
        assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find())
                .as("inline event handlers").isFalse();

        HttpResponse<String> js = call("GET", "/moderation.js", null, null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(js.body()).contains("/moderation/login", "X-CSRF-Token").doesNotContain("sessionStorage.setItem(KEY_TOKEN",
                "localStorage", "Authorization");
        HttpResponse<String> css = call("GET", "/moderation.css", null, null);
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
        assertThat(css.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(css.body()).contains("#queue");
        assertThat(call("POST", "/moderation.js", null, null).statusCode()).isEqualTo(405);
        assertThat(call("GET", "/moderation/nothing", null, null).statusCode()).isEqualTo(404);
        // the other documents keep their own headers
        HttpResponse<String> docs = call("GET", "/api/v1/openapi.yaml", null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.headers().firstValue("Content-Type")).contains("application/yaml; charset=utf-8");
    }

    // ---- the log ----

    @Test
    void shouldWriteNoSecretToTheLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Level level = root.getLevel();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        List<String> secrets = new ArrayList<>(List.of(token, MANUAL_KEY, "manualpw", ItConfig.PASSWORD,
                ItConfig.OPERATOR_PASSWORD));
        try {
            start(AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS);
            String typo = token.substring(0, token.length() - 1) + "Z";
            secrets.add(typo);
            assertThat(login(typo, "eve").statusCode()).isEqualTo(401);
            Session s = session(login(token, "alice"));
            secrets.add(s.id);
            secrets.add(s.csrf);
            ChSession manual = bindManual();
            String held = submit(manual, "please");
            assertThat(call("POST", "/api/v1/moderation/" + held + "/approve", s.cookie(), "{}").statusCode())
                    .isEqualTo(403);
            assertThat(call("POST", "/api/v1/moderation/" + held + "/approve", s.withCsrf(), "{}").statusCode())
                    .isEqualTo(200);
            String[] bearer = {"Authorization", "Bearer " + token};
            assertThat(call("PUT", "/api/v1/accounts/manual/moderation", bearer, "{\"mode\":\"auto\"}").statusCode())
                    .isEqualTo(200);
            assertThat(call("GET", "/api/v1/moderation/queue", new String[]{"Authorization", "Bearer " + typo}, null)
                    .statusCode()).isEqualTo(401);
            assertThat(call("POST", "/api/v1/messages", new String[]{"Authorization", "Bearer " + MANUAL_KEY},
                    "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\"}").statusCode()).isEqualTo(202);
            assertThat(call("POST", "/moderation/logout", s.withCsrf(), null).statusCode()).isEqualTo(200);
            // a bind with a wrong password
            try {
                smpp.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "manual", "wrongpw1", 5);
            } catch (Exception refused) {
                // expected: refused
            }
            secrets.add("wrongpw1");
            router.close();
            router = null;
        } finally {
            root.detachAppender(captured);
            root.setLevel(level);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : captured.list) {
            lines.add(e.getLoggerName() + " " + e.getFormattedMessage() + " " + e.getMDCPropertyMap()
                    + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }
        assertThat(lines).as("the capture works").anyMatch(l -> l.contains("moderator page login refused"))
                .anyMatch(l -> l.contains("moderator page login from"))
                .anyMatch(l -> l.contains("wrong password"));
        for (String secret : secrets) {
            assertThat(lines).as("log lines holding a secret").noneMatch(l -> l.contains(secret));
        }
        assertThat(lines).noneMatch(l -> l.contains("Bearer ") || l.contains("smsrouter_session="));
    }

    // ---- plumbing ----

    /** A session: its id (the cookie's value) and its CSRF token. */
    private record Session(String id, String csrf) {
        String[] cookie() {
            return new String[]{"Cookie", "smsrouter_session=" + id};
        }

        String[] withCsrf() {
            return new String[]{"Cookie", "smsrouter_session=" + id, "X-CSRF-Token", csrf};
        }
    }

    private HttpResponse<String> login(String t, String moderator) throws Exception {
        return call("POST", "/moderation/login", null,
                JSON.createObjectNode().put("token", t).put("moderator", moderator).toString());
    }

    private static Session session(HttpResponse<String> login) throws Exception {
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        Matcher m = COOKIE.matcher(login.headers().firstValue("Set-Cookie").orElseThrow());
        assertThat(m.matches()).isTrue();
        return new Session(m.group(1), JSON.readTree(login.body()).path("csrfToken").asText());
    }

    private ChSession bindManual() throws Exception {
        if (smpp == null) {
            smpp = new ChClient();
        }
        return smpp.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "manual", "manualpw", 10);
    }

    private static String submit(ChSession s, String text) throws Exception {
        SubmitSmResp r = s.submitText("Shop", "79161234567", text, 1);
        assertThat(r.getCommandStatus()).isZero();
        return r.getMessageId();
    }

    private List<String> heldIds(Session s) throws Exception {
        JsonNode q = JSON.readTree(call("GET", "/api/v1/moderation/queue", s.cookie(), null).body());
        List<String> ids = new ArrayList<>();
        q.path("items").forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    /** The attributes of a Set-Cookie, in lower case (their names are case-insensitive, RFC 6265 §5.2). */
    private static List<String> attributes(String setCookie) {
        List<String> out = new ArrayList<>();
        String[] parts = setCookie.split(";");
        for (int i = 1; i < parts.length; i++) {
            out.add(parts[i].trim().toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code headers}: name, value, name, value... (null for none). */
    private HttpResponse<String> call(String method, String path, String[] headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (headers != null) {
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
        }
        if (body != null) {
            b.header("Content-Type", body.startsWith("{") ? "application/json" : "text/plain; charset=utf-8");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
