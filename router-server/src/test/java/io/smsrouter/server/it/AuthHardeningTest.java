package io.smsrouter.server.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cloudhopper.smpp.SmppBindType;
import io.smsrouter.core.account.Secret;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.AdminConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9's authentication hardening against a real router over loopback, with cloudhopper as
 * the well-behaved client and raw sockets for the hostile one. Two addresses of one machine: Linux
 * routes all of 127/8 to {@code lo}, so an attacker's socket bound to 127.0.0.2 and a good client
 * on 127.0.0.1 look like two hosts to the router.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuthHardeningTest {

    private static final String ATTACKER = "127.0.0.2";
    private static final String GOOD = "127.0.0.1";
    private static final int ESME_ROK = 0;
    private static final int ESME_RBINDFAIL = 0x0D;
    private static final int ESME_RINVPASWD = 0x0E;
    private static final int ESME_RINVSYSID = 0x0F;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path journal;

    private Router router;
    private ChClient client;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void setUp() {
        client = new ChClient();
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        root.detachAppender(logged);
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
    }

    private static String hash(String secret, int iterations) {
        return Secret.hash(secret.toCharArray(), iterations, RANDOM);
    }

    // ---- failed binds ----

    @Test
    void shouldRefuseAThousandWrongPasswordBindsFromOneAddressWhileAGoodClientBindsAtOnce() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        InetSocketAddress smpp = router.smppAddress();

        List<Long> baseline = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            baseline.add(goodBindMicros(smpp));
        }

        int attempts = 1000;
        int threads = 8;
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger closedAfterRefusal = new AtomicInteger();
        AtomicBoolean attacking = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long attackStart = System.nanoTime();
        List<Future<?>> attackers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            attackers.add(pool.submit(() -> {
                while (next.getAndIncrement() < attempts) {
                    BindAnswer a = rawBind(ATTACKER, smpp, ItConfig.ACCOUNT, "wrong" + next.get() % 100);
                    statuses.computeIfAbsent(a.status, s -> new AtomicInteger()).incrementAndGet();
                    if (a.status == ESME_RBINDFAIL && a.closedAfter) {
                        closedAfterRefusal.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        List<Long> during = new ArrayList<>();
        while (attacking.get()) {
            during.add(goodBindMicros(smpp));
            attacking.set(attackers.stream().anyMatch(f -> !f.isDone()));
        }
        for (Future<?> f : attackers) {
            f.get(60, TimeUnit.SECONDS);
        }
        long attackMs = (System.nanoTime() - attackStart) / 1_000_000;
        pool.shutdown();
        // and once more after it: the good address was never counted
        during.add(goodBindMicros(smpp));

        int wrongPassword = count(statuses, ESME_RINVPASWD);
        int refused = count(statuses, ESME_RBINDFAIL);
        System.out.printf(Locale.ROOT, "auth: %d wrong-password binds from %s in %d ms: %d ESME_RINVPASWD, %d "
                        + "ESME_RBINDFAIL (%d closed after it), others %s; good client bind from %s: baseline %s us, "
                        + "during the attack %s us (%d binds)%n", attempts, ATTACKER, attackMs, wrongPassword, refused,
                closedAfterRefusal.get(), statuses, GOOD, summary(baseline), summary(during), during.size());

        assertThat(wrongPassword + refused).isEqualTo(attempts);
        // the limit (10) is checked before each attempt and counted after it: attempts already in flight
        // when the tenth failure lands may still be checked, at most one per other attacker thread
        assertThat(wrongPassword).isBetween(10, 10 + threads - 1);
        assertThat(refused).isGreaterThanOrEqualTo(attempts - 10 - threads + 1);
        assertThat(closedAfterRefusal.get()).isEqualTo(refused);
        assertThat(during).hasSizeGreaterThanOrEqualTo(2);
        // every good bind succeeded (goodBindMicros throws otherwise); none waited behind the attack
        long baselineMedian = median(baseline);
        assertThat(Collections.max(during)).as("slowest good bind during the attack, us")
                .isLessThan(Math.max(1_000_000, 20 * baselineMedian));
        // the log names the address, then stops listing and says how many were refused
        List<String> lines = messages();
        assertThat(lines.stream().filter(l -> l.startsWith(ATTACKER + " failed SMPP bind:"))).hasSize(3);
        assertThat(lines).anyMatch(l -> l.startsWith(ATTACKER + ": 10 failed SMPP binds within a minute "
                + "(smpp.bindFailuresPerIpPerMinute)"));
        assertThat(lines.stream().filter(l -> l.contains(ATTACKER)).count()).isLessThan(20);
    }

    @Test
    void shouldCountFailedBindsOfUnknownSystemIdsToo() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator()
                .smpp(s -> s.withAdmission(10_000, 1_000, 3)).build()).start();
        InetSocketAddress smpp = router.smppAddress();
        assertThat(rawBind(ATTACKER, smpp, "nobody", "x").status).isEqualTo(ESME_RINVSYSID);
        assertThat(rawBind(ATTACKER, smpp, "nobody2", "x").status).isEqualTo(ESME_RINVSYSID);
        assertThat(rawBind(ATTACKER, smpp, ItConfig.ACCOUNT, "wrong").status).isEqualTo(ESME_RINVPASWD);
        // now even the right password is refused unchecked from there, and the system_id is not looked at
        assertThat(rawBind(ATTACKER, smpp, ItConfig.ACCOUNT, ItConfig.PASSWORD).status).isEqualTo(ESME_RBINDFAIL);
        assertThat(rawBind(ATTACKER, smpp, "nobody", "x").status).isEqualTo(ESME_RBINDFAIL);
        assertThat(rawBind(GOOD, smpp, ItConfig.ACCOUNT, ItConfig.PASSWORD).status).isEqualTo(ESME_ROK);
    }

    // ---- hashed secrets ----

    @Test
    void shouldAcceptHashedPasswordApiKeyAndAdminTokenAndRefuseWrongOnes() throws Exception {
        String adminToken = "adm-Token-5e2b9c";
        router = new Router(ItConfig.journal(journal).withSimulator()
                .account(new AccountConfig("hashed", hash("Hs7pw9Xy", Secret.DEFAULT_ITERATIONS),
                        hash("k-hashed-3f9a1c", Secret.DEFAULT_ITERATIONS), "none", 0, 4, List.of()))
                .admin(new AdminConfig(hash(adminToken, 1000)))
                .build()).start();
        InetSocketAddress smpp = router.smppAddress();
        InetSocketAddress http = router.httpAddress();

        assertThat(client.bindFailureStatus(smpp, SmppBindType.TRANSCEIVER, "hashed", "Hs7pw9Xz"))
                .isEqualTo(ESME_RINVPASWD);
        long first = System.nanoTime();
        ChSession s = client.bind(smpp, SmppBindType.TRANSCEIVER, "hashed", "Hs7pw9Xy", 1);
        long firstUs = (System.nanoTime() - first) / 1000;
        s.close();
        long again = System.nanoTime();
        client.bind(smpp, SmppBindType.TRANSCEIVER, "hashed", "Hs7pw9Xy", 1).close();
        long againUs = (System.nanoTime() - again) / 1000;

        String msg = "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"hi\"}";
        assertThat(httpFrom(GOOD, http, "POST", "/api/v1/messages", "k-hashed-3f9a1d", msg).status).isEqualTo(401);
        long k1 = System.nanoTime();
        assertThat(httpFrom(GOOD, http, "POST", "/api/v1/messages", "k-hashed-3f9a1c", msg).status).isEqualTo(202);
        long keyFirstUs = (System.nanoTime() - k1) / 1000;
        long k2 = System.nanoTime();
        assertThat(httpFrom(GOOD, http, "POST", "/api/v1/messages", "k-hashed-3f9a1c", msg).status).isEqualTo(202);
        long keyAgainUs = (System.nanoTime() - k2) / 1000;

        assertThat(httpFrom(GOOD, http, "GET", "/api/v1/moderation/queue", "adm-Token-5e2b9d", null).status)
                .isEqualTo(401);
        assertThat(httpFrom(GOOD, http, "GET", "/api/v1/moderation/queue", adminToken, null).status).isEqualTo(200);
        assertThat(httpFrom(GOOD, http, "GET", "/api/v1/optouts", adminToken, null).status).isEqualTo(200);
        // the hashed key is an account key, not the admin's
        assertThat(httpFrom(GOOD, http, "GET", "/api/v1/moderation/queue", "k-hashed-3f9a1c", null).status)
                .isEqualTo(401);
        System.out.printf(Locale.ROOT, "auth: hashed password (%d iterations): first bind %d us, next %d us; "
                        + "hashed API key: first request %d us, next %d us%n", Secret.DEFAULT_ITERATIONS, firstUs,
                againUs, keyFirstUs, keyAgainUs);
    }

    // ---- allow-lists ----

    @Test
    void shouldRefuseBindsAndRequestsFromOutsideTheAccountsAllowedIps() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator()
                .account(new AccountConfig("fenced", "fencepw", "k-fenced-1", "none", 0, 4, List.of())
                        .withAllowedIps(List.of("127.0.0.1/32", "::1/128")))
                .build()).start();
        InetSocketAddress smpp = router.smppAddress();
        InetSocketAddress http = router.httpAddress();

        // refused before the password is looked at: the right one and a wrong one get the same answer
        assertThat(rawBind(ATTACKER, smpp, "fenced", "fencepw").status).isEqualTo(ESME_RBINDFAIL);
        assertThat(rawBind(ATTACKER, smpp, "fenced", "nope").status).isEqualTo(ESME_RBINDFAIL);
        assertThat(rawBind(GOOD, smpp, "fenced", "fencepw").status).isEqualTo(ESME_ROK);
        // accounts without a list are not fenced
        assertThat(rawBind(ATTACKER, smpp, ItConfig.ACCOUNT, ItConfig.PASSWORD).status).isEqualTo(ESME_ROK);

        String msg = "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"hi\"}";
        HttpAnswer refused = httpFrom(ATTACKER, http, "POST", "/api/v1/messages", "k-fenced-1", msg);
        assertThat(refused.status).isEqualTo(403);
        assertThat(refused.body).contains("\"code\":\"ip_not_allowed\"");
        assertThat(httpFrom(ATTACKER, http, "GET", "/api/v1/optouts", "k-fenced-1", null).status).isEqualTo(403);
        assertThat(httpFrom(GOOD, http, "POST", "/api/v1/messages", "k-fenced-1", msg).status).isEqualTo(202);
    }

    // ---- HTTP 401s ----

    @Test
    void shouldAnswer429ToAnAddressPastItsLimitOf401sAndNotToOthers() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator()
                .account(new AccountConfig("api", "apipw", "k-api-1", "none", 0, 4, List.of()))
                .http(h -> h.withAuthFailuresPerIpPerMinute(5)).build()).start();
        InetSocketAddress http = router.httpAddress();
        String msg = "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"hi\"}";
        for (int i = 0; i < 5; i++) {
            assertThat(httpFrom(ATTACKER, http, "POST", "/api/v1/messages", "k-guess-" + i, msg).status)
                    .isEqualTo(401);
        }
        HttpAnswer limited = httpFrom(ATTACKER, http, "POST", "/api/v1/messages", "k-api-1", msg);
        assertThat(limited.status).isEqualTo(429);
        assertThat(limited.body).contains("\"code\":\"too_many_auth_failures\"");
        assertThat(Integer.parseInt(limited.headers.get("retry-after"))).isBetween(1, 60);
        // open paths stay open, other addresses are served
        assertThat(httpFrom(ATTACKER, http, "GET", "/health", null, null).status).isEqualTo(200);
        assertThat(httpFrom(GOOD, http, "POST", "/api/v1/messages", "k-api-1", msg).status).isEqualTo(202);
    }

    // ---- connection limits and time to bind ----

    @Test
    void shouldCloseTheConnectionPastTheLimitPerAddressAndInTotal() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator()
                .smpp(s -> s.withAdmission(5, 3, 10).withBindTimeoutMs(60_000)).build()).start();
        InetSocketAddress smpp = router.smppAddress();
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(connect(ATTACKER, smpp));
            }
            // connections are admitted on the event loop each is given to, in no set order: let the
            // first three in before the fourth
            awaitOpenConnections(3);
            assertThat(closedByPeer(connect(ATTACKER, smpp))).as("4th from one address").isTrue();
            Socket bound = connect(GOOD, smpp);
            open.add(bound);
            assertThat(bindOn(bound, ItConfig.ACCOUNT, ItConfig.PASSWORD)).isEqualTo(ESME_ROK);
            open.add(connect(GOOD, smpp));
            awaitOpenConnections(5);
            assertThat(closedByPeer(connect(GOOD, smpp))).as("6th in total").isTrue();
            // a slot comes back when a connection goes
            open.remove(0).close();
            awaitOpenConnections(4);
            Socket again = connect(ATTACKER, smpp);
            open.add(again);
            assertThat(bindOn(again, ItConfig.ACCOUNT, ItConfig.PASSWORD)).isEqualTo(ESME_ROK);
            assertThat(messages()).anyMatch(l -> l.startsWith(ATTACKER + " refused SMPP connection")
                    && l.contains("smpp.maxConnectionsPerIp"));
            assertThat(messages()).anyMatch(l -> l.startsWith(GOOD + " refused SMPP connection")
                    && l.contains("5 connections open (smpp.maxConnections)"));
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void shouldCloseAConnectionThatDoesNotBindInTime() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator()
                .smpp(s -> s.withBindTimeoutMs(500)).build()).start();
        InetSocketAddress smpp = router.smppAddress();
        try (Socket silent = connect(ATTACKER, smpp); Socket failing = connect(ATTACKER, smpp)) {
            long start = System.nanoTime();
            // one that keeps binding wrongly is closed at the same deadline
            assertThat(bindOn(failing, ItConfig.ACCOUNT, "wrong")).isEqualTo(ESME_RINVPASWD);
            assertThat(closedByPeer(silent)).isTrue();
            assertThat(closedByPeer(failing)).isTrue();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isBetween(300L, 5_000L);
        }
    }

    // ---- secrets in the log ----

    @Test
    void shouldNeverWriteAConfiguredSecretToTheLog() throws Exception {
        String password = "Zq9xK2pw";
        String apiKey = "k-Secret-77f1aa";
        String adminToken = "adm-Token-5e2b9c";
        String hashedPassword = "Hs7pw9Xy";
        String passwordHash = hash(hashedPassword, 1000);
        router = new Router(ItConfig.journal(journal).withSimulator()
                .account(new AccountConfig("plain", password, apiKey, "none", 0, 4, List.of())
                        .withAllowedIps(List.of("127.0.0.1")))
                .account(new AccountConfig("hashed", passwordHash, null, "none", 0, 4, List.of()))
                .admin(new AdminConfig(adminToken))
                .smpp(s -> s.withAdmission(10_000, 1_000, 4)).build()).start();
        InetSocketAddress smpp = router.smppAddress();
        InetSocketAddress http = router.httpAddress();

        // close misses, the right secret from the wrong address, past the limit, and successes
        rawBind(GOOD, smpp, "plain", "Zq9xK2pX");
        rawBind(GOOD, smpp, "hashed", hashedPassword.substring(1));
        rawBind(ATTACKER, smpp, "plain", password);
        for (int i = 0; i < 6; i++) {
            rawBind(ATTACKER, smpp, "hashed", hashedPassword);
        }
        assertThat(rawBind(GOOD, smpp, "plain", password).status).isEqualTo(ESME_ROK);
        assertThat(rawBind(GOOD, smpp, "hashed", hashedPassword).status).isEqualTo(ESME_ROK);
        String msg = "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"hi\"}";
        httpFrom(GOOD, http, "POST", "/api/v1/messages", apiKey + "0", msg);
        httpFrom(ATTACKER, http, "POST", "/api/v1/messages", apiKey, msg);
        httpFrom(GOOD, http, "POST", "/api/v1/messages", apiKey, msg);
        httpFrom(GOOD, http, "GET", "/api/v1/moderation/queue", adminToken.toUpperCase(Locale.ROOT), null);
        httpFrom(GOOD, http, "GET", "/api/v1/moderation/queue", adminToken, null);
        router.close();
        router = null;

        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(logged.list)) {
            lines.add(e.getFormattedMessage());
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getMessage());
            }
        }
        assertThat(lines).anyMatch(l -> l != null && l.contains("failed SMPP bind"));
        assertThat(lines).anyMatch(l -> l != null && l.contains("answered 401"));
        for (String secret : List.of(password, apiKey, adminToken, hashedPassword, passwordHash,
                adminToken.toUpperCase(Locale.ROOT), "Zq9xK2pX", hashedPassword.substring(1), apiKey + "0")) {
            assertThat(lines).as("log lines holding a secret").noneMatch(l -> l != null && l.contains(secret));
        }
    }

    // ---- helpers ----

    private List<String> messages() {
        return List.copyOf(logged.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void awaitOpenConnections(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (router.smppConnections() != n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(router.smppConnections()).isEqualTo(n);
    }

    private static int count(Map<Integer, AtomicInteger> statuses, int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static String summary(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return "median " + s.get(s.size() / 2) + " max " + s.get(s.size() - 1);
    }

    /** Connect and bind with cloudhopper from 127.0.0.1 (its default source here), then unbind; micros. */
    private long goodBindMicros(InetSocketAddress smpp) throws Exception {
        long start = System.nanoTime();
        ChSession s = client.bind(smpp, SmppBindType.TRANSCEIVER, ItConfig.ACCOUNT, ItConfig.PASSWORD, 1);
        long us = (System.nanoTime() - start) / 1000;
        s.close();
        return us;
    }

    private static Socket connect(String from, InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(to, 5_000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** True when the peer closes the connection (EOF or reset) within the read timeout. */
    private static boolean closedByPeer(Socket s) throws IOException {
        try (s) {
            return s.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    private record BindAnswer(int status, boolean closedAfter) {
    }

    private static int bindOn(Socket s, String systemId, String password) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(RawSmpp.bindPdu(RawSmpp.BIND_TRANSCEIVER, systemId, password, 1));
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        int len = in.readInt();
        int id = in.readInt();
        int status = in.readInt();
        in.readInt();
        in.readFully(new byte[len - 16]);
        assertThat(id).isEqualTo(RawSmpp.BIND_TRANSCEIVER_RESP);
        return status;
    }

    /** One bind_transceiver on a new connection from {@code from}; its status, and whether the router then closed. */
    private static BindAnswer rawBind(String from, InetSocketAddress smpp, String systemId, String password)
            throws IOException {
        try (Socket s = connect(from, smpp)) {
            int status = bindOn(s, systemId, password);
            boolean closed = false;
            if (status == ESME_RBINDFAIL) {
                s.setSoTimeout(2_000);
                try {
                    closed = s.getInputStream().read() < 0;
                } catch (SocketException reset) {
                    closed = true;
                } catch (java.net.SocketTimeoutException open) {
                    closed = false;
                }
            }
            return new BindAnswer(status, closed);
        }
    }

    private record HttpAnswer(int status, Map<String, String> headers, String body) {
    }

    /** An HTTP/1.1 request from a given local address (java.net.http cannot choose one). */
    private static HttpAnswer httpFrom(String from, InetSocketAddress http, String method, String path, String key,
                                       String body) throws IOException {
        try (Socket s = connect(from, http)) {
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder()
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(http.getHostString()).append(':').append(http.getPort()).append("\r\n")
                    .append("Connection: close\r\n")
                    .append("Content-Length: ").append(content.length).append("\r\n");
            if (key != null) {
                req.append("Authorization: Bearer ").append(key).append("\r\n");
            }
            if (body != null) {
                req.append("Content-Type: application/json\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            String raw = readAll(s.getInputStream());
            int headEnd = raw.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                throw new EOFException("no HTTP answer: " + raw);
            }
            String[] head = raw.substring(0, headEnd).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int c = head[i].indexOf(':');
                headers.put(head[i].substring(0, c).trim().toLowerCase(Locale.ROOT), head[i].substring(c + 1).trim());
            }
            return new HttpAnswer(Integer.parseInt(head[0].split(" ")[1]), headers, raw.substring(headEnd + 4));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }
}
