package io.smsrouter.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.campaign.LinkCodes;
import io.smsrouter.core.campaign.LinkResolver;
import io.smsrouter.core.campaign.Utm;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordFile;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /l/{code}} against the real HTTP server over loopback, with a small in-memory
 * {@link LinkResolver} in place of the campaigns' one.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class LinkRedirectTest {
    private static final LinkCodes CODES = new LinkCodes("a test key of thirty-two bytes!!".getBytes());

    @TempDir
    Path dir;
    private ChronicleJournal journal;
    private EventLoopGroup group;
    private HttpServer server;
    private int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final MemoryLinks links = new MemoryLinks();

    /** Codes of numbers 0..n-1 to URLs; records every click and peek. */
    static final class MemoryLinks implements LinkResolver {
        final Map<Long, String> urls = new ConcurrentHashMap<>();
        final List<String> clicks = new CopyOnWriteArrayList<>();
        final List<String> peeks = new CopyOnWriteArrayList<>();
        final List<String> asked = new CopyOnWriteArrayList<>();
        volatile boolean broken;

        String add(long n, String url) {
            urls.put(n, url);
            return CODES.code(n);
        }

        private String find(String code) {
            asked.add(code);
            if (broken) {
                throw new IllegalStateException("campaign store closed");
            }
            long n = CODES.number(code);
            String url = n < 0 ? null : urls.get(n);
            return url == null ? null : Utm.withUtm(url, "spring", "A");
        }

        @Override
        public String click(String code, String userAgent, long atMs) {
            String target = find(code);
            if (target != null) {
                clicks.add(code + " " + userAgent + " " + atMs);
            }
            return target;
        }

        @Override
        public String peek(String code, String userAgent, long atMs) {
            String target = find(code);
            if (target != null) {
                peeks.add(code);
            }
            return target;
        }
    }

    @BeforeEach
    void start() throws Exception {
        journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        Engine engine = new Engine(new AccountRegistry(List.of(
                Account.of("shop", "pw", "k-shop", Moderation.NONE, 0, 4, List.of()))),
                new RouteTable(List.of()), List.of(), journal, new LocalReceiptCorrelator(Duration.ofHours(1), 1000),
                new ClientRegistry(), 1000);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new HttpServer("127.0.0.1", 0, group, NioServerSocketChannel.class, engine, () -> null,
                "admin-token", new StopWordFile(null, Moderator.withoutStopWords()),
                HttpServer.ApiOptions.defaults().withAuthFailuresPerIpPerMinute(3));
        server.linkResolver(links);
        InetSocketAddress a = server.start();
        port = a.getPort();
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
    void shouldRedirectToTheUrlWithItsOwnQueryAndUtmAndRecordTheClick() throws Exception {
        String code = links.add(1_000_001, "https://shop.example/p?id=7&utm_source=mail#reviews");
        long before = System.currentTimeMillis();
        HttpResponse<String> r = get("/l/" + code, "Bearer-less phone/1.0");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains("https://shop.example/p?id=7"
                + "&utm_source=sms&utm_medium=sms&utm_campaign=spring&utm_content=A#reviews");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(r.body()).isEmpty();
        assertThat(links.clicks).hasSize(1);
        String[] click = links.clicks.get(0).split(" ");
        assertThat(click[0]).isEqualTo(code);
        assertThat(links.clicks.get(0)).contains(" Bearer-less phone/1.0 ");
        assertThat(Long.parseLong(click[click.length - 1])).isBetween(before, System.currentTimeMillis());

        // a query added to the short link (messengers add their own) changes nothing
        assertThat(get("/l/" + code + "?fbclid=x", "ua").statusCode()).isEqualTo(302);
        assertThat(links.clicks).hasSize(2);
    }

    @Test
    void shouldAnswerAnUnknownCodeWithASmallHtmlPage() throws Exception {
        String unknown = CODES.code(42);
        HttpResponse<String> r = get("/l/" + unknown, "ua");
        assertNotFoundPage(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(links.asked).containsExactly(unknown);
        assertThat(links.clicks).isEmpty();
        // the right shape, but above 2^40: no number
        assertThat(get("/l/zzzzzzz", "ua").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerMalformedCodesWith404WithoutAskingTheResolver() throws Exception {
        links.add(5, "https://shop.example/");
        String good = CODES.code(5);
        for (String path : List.of("/l/", "/l/" + good.substring(1), "/l/" + good + "x", "/l/" + good + "/",
                "/l/" + good + "/more", "/l/abc-123", "/l/abc.123", "/l/abc%3C123", "/l/%41bcdefg", "/l/abc<12>",
                "/l/абвгдеж", "/l//" + good, "/l/../" + good)) {
            Raw r = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertNotFoundPage(r.status, r.header("content-type"), r.body);
        }
        assertThat(links.asked).isEmpty();
        assertThat(raw("GET /l/" + good + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status).isEqualTo(302);
    }

    @Test
    void shouldSurviveAVeryLongPath() throws Exception {
        String longCode = "a".repeat(3000);
        Raw r = raw("GET /l/" + longCode + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertNotFoundPage(r.status, r.header("content-type"), r.body);
        // past the request line limit (4096) the codec refuses the request: a clean 400, not a hang
        Raw tooLong = raw("GET /l/" + "b".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(tooLong.status).isEqualTo(400);
        assertThat(links.asked).isEmpty();
        String code = links.add(9, "https://shop.example/");
        assertThat(get("/l/" + code, "ua").statusCode()).isEqualTo(302);
    }

    @Test
    void shouldAnswerHeadWithoutBodyAndWithoutCountingAClick() throws Exception {
        String code = links.add(77, "https://shop.example/x");
        Raw r = raw("HEAD /l/" + code + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(r.status).isEqualTo(302);
        assertThat(r.header("location")).startsWith("https://shop.example/x?utm_source=sms");
        assertThat(r.header("cache-control")).isEqualTo("no-store");
        assertThat(r.body).isEmpty();
        assertThat(links.peeks).containsExactly(code);
        assertThat(links.clicks).isEmpty();

        Raw missing = raw("HEAD /l/" + CODES.code(78) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(missing.status).isEqualTo(404);
        assertThat(missing.header("content-type")).startsWith("text/html");
        assertThat(Integer.parseInt(missing.header("content-length"))).isPositive();
        assertThat(missing.body).isEmpty();
    }

    @Test
    void shouldNeedNoAuthenticationAndNeverCountAsAFailedOne() throws Exception {
        String code = links.add(3, "https://shop.example/");
        // wrong keys on the redirect: all answered, none counted (the limit is 3 a minute)
        for (int i = 0; i < 10; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/l/" + code))
                    .header("Authorization", "Bearer wrong-" + i).GET().build();
            assertThat(http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(302);
        }
        assertThat(apiWithWrongKey()).as("no failure counted yet").isEqualTo(401);
        apiWithWrongKey();
        apiWithWrongKey();
        assertThat(apiWithWrongKey()).as("this address is now past its limit").isEqualTo(429);
        // the address that the API now refuses still gets its links
        assertThat(get("/l/" + code, "ua").statusCode()).isEqualTo(302);
        assertThat(links.clicks).hasSize(11);
    }

    @Test
    void shouldAnswer404ForEveryCodeWhileNoResolverIsSet() throws Exception {
        String code = links.add(11, "https://shop.example/");
        server.linkResolver(null);
        assertThat(get("/l/" + code, "ua").statusCode()).isEqualTo(404);
        server.linkResolver(links);
        assertThat(get("/l/" + code, "ua").statusCode()).isEqualTo(302);
    }

    @Test
    void shouldAnswer503PageWhenTheResolverFailsAnd405ForOtherMethods() throws Exception {
        String code = links.add(12, "https://shop.example/");
        links.broken = true;
        HttpResponse<String> r = get("/l/" + code, "ua");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(r.body()).contains("try again");
        links.broken = false;
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/l/" + code))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(post.body()).contains("\"code\":\"method_not_allowed\"");
        assertThat(links.clicks).isEmpty();
    }

    @Test
    void shouldPercentEncodeWhatAHeaderCannotCarry() throws Exception {
        String code = links.add(13, "https://пример.рф/акция?a=b c\r\nSet-Cookie: x=1");
        Raw r = raw("GET /l/" + code + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(r.status).isEqualTo(302);
        assertThat(r.header("set-cookie")).isNull();
        assertThat(r.header("location")).startsWith("https://%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.%D1%80%D1%84/")
                .contains("a=b%20c%0D%0ASet-Cookie:%20x=1&utm_source=sms");
        assertThat(LinkRedirect.headerSafe("https://a.example/x?y=1")).isEqualTo("https://a.example/x?y=1");
    }

    private static void assertNotFoundPage(int status, String contentType, String body) {
        assertThat(status).isEqualTo(404);
        assertThat(contentType).isEqualTo("text/html; charset=utf-8");
        assertThat(body).startsWith("<!doctype html>").contains("Link not found").doesNotContain("\"error\"");
        assertThat(body.length()).isLessThan(1024);
    }

    private int apiWithWrongKey() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/balance"))
                .header("Authorization", "Bearer wrong").GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpResponse<String> get(String path, String userAgent) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("User-Agent", userAgent).GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** A response read off a plain socket: for paths and methods an HTTP client would not send as they are. */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private Raw raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("a complete response: %s", text).isPositive();
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }
}
