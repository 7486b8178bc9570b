package io.smsrouter.cluster;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One moderation queue for the cluster (issue 12, item 4): two router nodes, each its own JVM, on a
 * real Kafka broker and a real PostgreSQL server, a jsmpp operator and cloudhopper clients. A
 * message held through one node is in both nodes' queues (API and the moderator page's session);
 * two moderators approving it at the same moment, one on each node, send it once (the other gets
 * 404 {@code not_held}); {@code moderation.maxHeld} counts the whole queue; a rejection on the
 * other node ends it with a REJECTD receipt; and held messages of a node killed with kill -9 are
 * decided on the other node, delivered, their receipts reaching the client there, and not held
 * again when the dead node starts on its data.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClusterModerationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COOKIE = Pattern.compile("smsrouter_session=([A-Za-z0-9_-]+)");
    static final int MAX_HELD = 5;

    static KafkaTestCluster kafka;
    static Path dir;
    PgTestServer pg;
    JsmppSmsc smsc;
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Node(String id, int smpp, int http, Path config, Process[] process) {
        InetSocketAddress smppAddress() {
            return new InetSocketAddress("127.0.0.1", smpp);
        }
    }

    @BeforeAll
    static void kafka() throws Exception {
        dir = Files.createDirectories(Path.of("target", "cluster-moderation-" + System.currentTimeMillis())
                .toAbsolutePath());
        kafka = KafkaTestCluster.start(1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Node n : nodes.values()) {
            Process p = n.process()[0];
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        if (smsc != null) {
            smsc.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aMessageHeldOnOneNodeIsInBothQueuesAndTwoModeratorsApprovingAtOnceSendItOnce() throws Exception {
        pg = PgTestServer.start();
        smsc = new JsmppSmsc("router", "routerpw").receiptsOnAnyBind();
        startNodes("modrace");
        try (ChClient clients = new ChClient()) {
            ChSession s1 = clients.bindTransceiver(node("r1").smppAddress());
            ChSession s2 = clients.bindTransceiver(node("r2").smppAddress());
            // three held through r1, two through r2: the shared queue is full (maxHeld 5)
            Map<String, String> textOf = new LinkedHashMap<>();
            for (int i = 0; i < MAX_HELD; i++) {
                String text = "race-" + i;
                SubmitSmResp r = (i < 3 ? s1 : s2).submitText("Shop", "7916000000" + i, text, 1);
                assertThat(r.getCommandStatus()).as(text).isZero();
                textOf.put(r.getMessageId(), text);
            }
            for (String n : List.of("r1", "r2")) {
                JsonNode q = json(get(n, "/api/v1/moderation/queue"));
                assertThat(q.path("total").asInt()).as(n).isEqualTo(MAX_HELD);
                Set<String> ids = new HashSet<>();
                q.path("items").forEach(i -> ids.add(i.path("id").asText()));
                assertThat(ids).as(n).isEqualTo(textOf.keySet());
            }
            // the moderator page on r2: logged in there, its session reads the held messages of r1
            HttpResponse<String> page = call("r2", "GET", "/moderation", null, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            HttpResponse<String> login = call("r2", "POST", "/moderation/login", null,
                    "{\"token\":\"change-me\",\"moderator\":\"bob\"}");
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            Matcher m = COOKIE.matcher(login.headers().firstValue("Set-Cookie").orElse(""));
            assertThat(m.find()).isTrue();
            HttpResponse<String> viaPage = call("r2", "GET", "/api/v1/moderation/queue",
                    "smsrouter_session=" + m.group(1), null);
            assertThat(viaPage.statusCode()).isEqualTo(200);
            String firstOfR1 = textOf.keySet().iterator().next();
            assertThat(viaPage.body()).contains("\"id\":\"" + firstOfR1 + "\"", "race-0");
            // maxHeld holds for the whole queue, on either node (after a count refresh)
            Thread.sleep(3 * PgModerationQueue.REFRESH_MS);
            assertThat(s1.submitText("Shop", "79160000099", "race-over", 1).getCommandStatus()).isEqualTo(0x14);
            assertThat(s2.submitText("Shop", "79160000098", "race-over", 1).getCommandStatus()).isEqualTo(0x14);

            // two moderators, one on each node, approve each message at the same moment
            int won = 0;
            for (String id : textOf.keySet()) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<HttpResponse<String>> answers = Collections.synchronizedList(new ArrayList<>());
                List<Thread> moderators = new ArrayList<>();
                for (String n : List.of("r1", "r2")) {
                    Thread t = new Thread(() -> {
                        try {
                            together.await();
                            answers.add(call(n, "POST", "/api/v1/moderation/" + id + "/approve", null,
                                    "{\"moderator\":\"mod-" + n + "\"}"));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    t.start();
                    moderators.add(t);
                }
                for (Thread t : moderators) {
                    t.join();
                }
                assertThat(answers).hasSize(2);
                List<Integer> codes = answers.stream().map(HttpResponse::statusCode).sorted().toList();
                assertThat(codes).as(id).containsExactly(200, 404);
                assertThat(answers).filteredOn(a -> a.statusCode() == 404)
                        .allMatch(a -> a.body().contains("\"code\":\"not_held\""));
                won += answers.stream().filter(a -> a.statusCode() == 200)
                        .mapToInt(a -> json(a.body()).path("count").asInt()).sum();
            }
            assertThat(won).isEqualTo(MAX_HELD);
            Set<String> ids = textOf.keySet();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(ClusterNodes.texts(smsc)).containsAll(textOf.values());
                Set<String> receipts = new HashSet<>(s1.receiptIds());
                receipts.addAll(s2.receiptIds());
                assertThat(receipts).containsAll(ids);
            });
            Thread.sleep(2_000); // time for a second copy to show up, if there were one
            for (String text : textOf.values()) {
                assertThat(ClusterNodes.texts(smsc)).as("copies of " + text).filteredOn(text::equals).hasSize(1);
            }
            assertThat(ClusterNodes.texts(smsc)).doesNotContain("race-over");
            for (String n : List.of("r1", "r2")) {
                assertThat(json(get(n, "/api/v1/moderation/queue")).path("total").asInt()).as(n).isZero();
                JsonNode decisions = json(get(n, "/api/v1/moderation/decisions")).path("items");
                Set<String> decided = new HashSet<>();
                decisions.forEach(d -> {
                    assertThat(d.path("decision").asText()).isEqualTo("APPROVED");
                    decided.add(d.path("id").asText());
                });
                assertThat(decided).as(n).isEqualTo(ids);
            }

            // a message held on r1 and rejected on r2: the client's receipt says REJECTD, the operator never sees it
            SubmitSmResp held = s1.submitText("Shop", "79160000077", "reject-me", 1);
            assertThat(held.getCommandStatus()).isZero();
            HttpResponse<String> rejected = call("r2", "POST", "/api/v1/moderation/" + held.getMessageId() + "/reject",
                    null, "{\"reason\":\"spam\",\"moderator\":\"carol\"}");
            assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
            assertThat(call("r1", "POST", "/api/v1/moderation/" + held.getMessageId() + "/reject", null, "{}")
                    .statusCode()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ChSession.Receipt r = receipt(held.getMessageId(), s1, s2);
                assertThat(r).isNotNull();
                assertThat(r.stat()).isEqualTo("REJECTD");
            });
            assertThat(json(get("r1", "/api/v1/moderation/decisions")).path("items").get(0).path("reason").asText())
                    .isEqualTo("spam");
            assertThat(ClusterNodes.texts(smsc)).doesNotContain("reject-me");
        }
    }

    @Test
    void heldMessagesOfANodeKilledWithKill9AreDecidedOnTheOtherAndTheirReceiptsReachTheClient() throws Exception {
        pg = PgTestServer.start();
        smsc = new JsmppSmsc("router", "routerpw").receiptsOnAnyBind();
        startNodes("modkill");
        try (ChClient clients = new ChClient()) {
            ChSession s1 = clients.bindTransceiver(node("r1").smppAddress());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SubmitSmResp r = s1.submitText("Shop", "7916100000" + i, "orphan-" + i, 1);
                assertThat(r.getCommandStatus()).isZero();
                ids.add(r.getMessageId());
            }
            // the acknowledgement was the commit: nothing to wait for before the kill
            node("r1").process()[0].destroyForcibly().waitFor();
            ChSession s2 = clients.bindTransceiver(node("r2").smppAddress()); // the client moves to r2
            JsonNode q = json(get("r2", "/api/v1/moderation/queue"));
            assertThat(q.path("total").asInt()).isEqualTo(3);
            assertThat(post("r2", "/api/v1/moderation/" + ids.get(0) + "/approve").statusCode()).isEqualTo(200);
            assertThat(post("r2", "/api/v1/moderation/" + ids.get(1) + "/approve").statusCode()).isEqualTo(200);
            assertThat(post("r2", "/api/v1/moderation/" + ids.get(2) + "/reject").statusCode()).isEqualTo(200);
            // r2 takes over r1's share of the operator, sends the two approved, and the receipts come to s2
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(ClusterNodes.texts(smsc)).contains("orphan-0", "orphan-1");
                assertThat(s2.receiptIds()).containsAll(ids);
            });
            assertThat(s2.receiptFor(ids.get(0)).stat()).isEqualTo("DELIVRD");
            assertThat(s2.receiptFor(ids.get(2)).stat()).isEqualTo("REJECTD");
            // r1 starts again on its journal, which still says "held": decided rows are not held again
            start(node("r1"));
            awaitHealthy(node("r1"));
            for (String n : List.of("r1", "r2")) {
                assertThat(json(get(n, "/api/v1/moderation/queue")).path("total").asInt()).as(n).isZero();
            }
            assertThat(post("r1", "/api/v1/moderation/" + ids.get(0) + "/approve").statusCode()).isEqualTo(404);
            Thread.sleep(2_000);
            assertThat(ClusterNodes.texts(smsc)).filteredOn("orphan-0"::equals).hasSize(1);
            assertThat(ClusterNodes.texts(smsc)).filteredOn("orphan-1"::equals).hasSize(1);
            assertThat(ClusterNodes.texts(smsc)).doesNotContain("orphan-2");
        }
    }

    private static ChSession.Receipt receipt(String id, ChSession... sessions) {
        for (ChSession s : sessions) {
            ChSession.Receipt r = s.receiptFor(id);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- the nodes, as child JVMs

    private Node node(String id) {
        return nodes.get(id);
    }

    private void startNodes(String prefix) throws Exception {
        for (String id : List.of("r1", "r2")) {
            nodes.put(id, config(id, prefix));
        }
        for (Node n : nodes.values()) {
            start(n);
        }
        for (Node n : nodes.values()) {
            awaitHealthy(n);
        }
    }

    private Node config(String id, String prefix) throws IOException {
        int smpp = freePort();
        int httpPort = freePort();
        String yaml = ClusterNodes.yaml(dir, id, kafka.bootstrap(), prefix, smsc.port(), "binds: 2, window: 32",
                        "replicated", pg.config())
                .replace("smpp: {host: 127.0.0.1, port: 0}", "smpp: {host: 127.0.0.1, port: " + smpp + "}")
                .replace("http: {host: 127.0.0.1, port: 0}", "http: {host: 127.0.0.1, port: " + httpPort + "}")
                .replace("moderation: none", "moderation: manual")
                + "moderation: {maxHeld: " + MAX_HELD + "}\n";
        Path config = dir.resolve(prefix + "-" + id + ".yaml");
        Files.writeString(config, yaml);
        return new Node(id, smpp, httpPort, config, new Process[1]);
    }

    private void start(Node n) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(NodeProcesses.JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.smsrouter.server.RouterMain",
                "--config", n.config().toString()));
        Path log = n.config().resolveSibling(n.config().getFileName().toString().replace(".yaml", ".log"));
        n.process()[0] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private void awaitHealthy(Node n) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!n.process()[0].isAlive()) {
                throw new AssertionError(n.id() + " exited; see its log under " + dir);
            }
            try {
                return call(n.id(), "GET", "/health", null, null).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---------------------------------------------------------------- HTTP

    private String get(String node, String path) throws Exception {
        HttpResponse<String> r = call(node, "GET", path, null, null);
        assertThat(r.statusCode()).as(node + " " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> post(String node, String path) throws Exception {
        return call(node, "POST", path, null, "{\"moderator\":\"dave\"}");
    }

    /** With the admin token unless {@code cookie} (a moderator page's session) is given. */
    private HttpResponse<String> call(String node, String method, String path, String cookie, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node(node).http() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        } else if (!path.startsWith("/moderation")) {
            b.header("Authorization", "Bearer change-me");
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
