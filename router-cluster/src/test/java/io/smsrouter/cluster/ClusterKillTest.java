package io.smsrouter.cluster;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.jsmpp.bean.SubmitSm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three router nodes, each its own JVM, on three Kafka brokers (their own JVMs), with a jsmpp
 * operator that stores receipts for any bind of the router, and cloudhopper clients on two nodes.
 * One node is killed with SIGKILL in the middle of the traffic; its client reconnects to the third
 * node and goes on; then one of the brokers is killed too, and acceptance goes on. Every text any node acknowledged reaches the operator, and every acknowledged
 * message's receipt reaches the clients; the node is started again on its data at the end, as an
 * operator would. Duplicates at the operator are counted and printed, not failed on.
 */
class ClusterKillTest {
    /** Messages per client: the 20,000 in all. */
    static final int PER_CLIENT = Integer.getInteger("cluster.kill.messages", 10_000);
    static final int THREADS = 32;
    static final List<String> JVM_FLAGS = List.of(
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true", "-Xmx384m", "-XX:+UseSerialGC");

    /** Under target/, kept after the run: the nodes' logs and journals (scripts/journal reads them). */
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void dir() throws IOException {
        dir = Files.createDirectories(Path.of("target", "cluster-kill-" + System.currentTimeMillis()).toAbsolutePath());
    }

    record Node(String id, int smpp, int http, Path config, Process[] process) {
        InetSocketAddress smppAddress() {
            return new InetSocketAddress("127.0.0.1", smpp);
        }
    }

    private final Map<String, Node> nodes = new HashMap<>();

    @Test
    void aNodeKilledMidRunLosesNothingAcknowledged() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(3);
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw").receiptsOnAnyBind();
             ChClient clients = new ChClient()) {
            for (String id : List.of("r1", "r2", "r3")) {
                nodes.put(id, node(id, kafka.bootstrap(), smsc.port()));
            }
            for (Node n : nodes.values()) {
                start(n);
            }
            for (Node n : nodes.values()) {
                awaitHealthy(n);
            }
            ChSession s1 = clients.bindTransceiver(nodes.get("r1").smppAddress());
            ChSession[] s2 = {clients.bindTransceiver(nodes.get("r2").smppAddress())};
            List<ChSession> sessions = new ArrayList<>(List.of(s1, s2[0]));
            Set<String> acknowledgedTexts = ConcurrentHashMap.newKeySet();
            Set<String> acknowledgedIds = ConcurrentHashMap.newKeySet();
            Queue<Integer> todoA = indices();
            Queue<Integer> todoB = indices();
            Thread first = new Thread(() -> {
                // a worker gives up on a timeout (the broker kill stalls writes for its fencing): go on
                for (int round = 0; round < 20 && !todoA.isEmpty(); round++) {
                    pump(s1, "a", todoA, acknowledgedTexts, acknowledgedIds);
                }
            });
            first.start();
            // the second client sends through r2, which dies a third of the way; the rest goes through r3
            Set<String> viaR2 = ConcurrentHashMap.newKeySet();
            Thread second = new Thread(() -> pump(s2[0], "b", todoB, viaR2, acknowledgedIds));
            second.start();
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(300)).until(() -> viaR2.size() >= PER_CLIENT / 3);
            int bindsBefore = smsc.boundSessions();
            long killedAt = System.nanoTime();
            nodes.get("r2").process()[0].destroyForcibly().waitFor();
            Thread failover = new Thread(() -> {
                // r2's share of the operator moves: another node opens the bind r2 had
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> smsc.boundSessions() > bindsBefore);
                System.out.printf("cluster kill: r2's operator bind opened again by another node %d ms after the "
                        + "kill%n", (System.nanoTime() - killedAt) / 1_000_000);
            });
            failover.start();
            second.join();
            acknowledgedTexts.addAll(viaR2);
            s2[0] = clients.bindTransceiver(nodes.get("r3").smppAddress());
            sessions.add(s2[0]);
            // and a broker dies too: two of three replicas still take acks=all writes
            kafka.kill("k3");
            int before = acknowledgedIds.size();
            for (int round = 0; round < 20 && !todoB.isEmpty(); round++) {
                pump(s2[0], "b", todoB, acknowledgedTexts, acknowledgedIds);
            }
            System.out.printf("cluster kill: %d messages acknowledged after broker k3 was killed%n",
                    acknowledgedIds.size() - before);
            assertThat(acknowledgedIds.size()).isGreaterThan(before);
            assertThat(todoB).isEmpty();
            first.join();
            assertThat(todoA).isEmpty();
            failover.join();
            System.out.printf("cluster kill: %d messages acknowledged in %d ms%n", acknowledgedIds.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            start(nodes.get("r2")); // an operator starts the dead node again on its data
            awaitHealthy(nodes.get("r2"));
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(new HashSet<>(texts(smsc))).containsAll(acknowledgedTexts);
                Set<String> receipts = new HashSet<>();
                sessions.forEach(s -> receipts.addAll(s.receiptIds()));
                assertThat(receipts).containsAll(acknowledgedIds);
            });
            List<String> all = texts(smsc);
            int receiptsIn = sessions.stream().mapToInt(ChSession::deliverSmCount).sum();
            System.out.printf("cluster kill: %d acknowledged, %d submit_sm at the operator (%d duplicates), "
                            + "%d receipts at the clients (%d duplicates)%n", acknowledgedTexts.size(), all.size(),
                    all.size() - new HashSet<>(all).size(), receiptsIn, receiptsIn - acknowledgedIds.size());
        } finally {
            for (Node n : nodes.values()) {
                Process p = n.process()[0];
                if (p != null) {
                    p.destroy();
                    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }

    static Queue<Integer> indices() {
        Queue<Integer> q = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < PER_CLIENT; i++) {
            q.add(i);
        }
        return q;
    }

    /**
     * Sends the texts of {@code todo} over {@link #THREADS} threads, each waiting for its responses,
     * until none is left or the session dies (what was not acknowledged then stays in {@code todo}).
     */
    static void pump(ChSession s, String client, Queue<Integer> todo, Set<String> texts, Set<String> ids) {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                Integer i;
                while ((i = todo.poll()) != null) {
                    String text = "kill-" + client + "-" + i;
                    try {
                        SubmitSmResp r = s.submitText("Shop", "7916" + String.format("%07d", i), text, 1);
                        if (r.getCommandStatus() == 0) {
                            texts.add(text);
                            ids.add(r.getMessageId());
                        } else {
                            todo.add(i); // refused for now (overloaded): again later
                        }
                    } catch (Exception e) {
                        todo.add(i); // no answer: sent again elsewhere (a duplicate if it had been taken)
                        return;
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static List<String> texts(JsmppSmsc smsc) {
        return smsc.received().stream().map(SubmitSm::getShortMessage)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    Node node(String id, String bootstrap, int operatorPort) throws IOException {
        int smpp = freePort();
        int http = freePort();
        Path config = dir.resolve(id + ".yaml");
        Files.writeString(config, """
                smpp: {host: 127.0.0.1, port: %d}
                http: {host: 127.0.0.1, port: %d}
                journal: {dir: %s}
                accounts:
                  - {id: shop, password: secret1, apiKey: k-shop-1, moderation: none, maxBinds: 8}
                operators:
                  - {id: opA, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, binds: 3, window: 32}
                routes:
                  - operators: [opA]
                simulator: {enabled: false}
                cluster:
                  nodeId: %s
                  kafka: {bootstrap: "%s", topicPrefix: kill}
                  ack: replicated
                """.formatted(smpp, http, dir.resolve(id + "-journal"), operatorPort, id, bootstrap));
        return new Node(id, smpp, http, config, new Process[1]);
    }

    void start(Node n) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.smsrouter.server.RouterMain",
                "--config", n.config().toString()));
        Path log = dir.resolve(n.id() + ".log");
        n.process()[0] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    void awaitHealthy(Node n) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!n.process()[0].isAlive()) {
                throw new AssertionError(n.id() + " exited: " + Files.readString(dir.resolve(n.id() + ".log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + n.http() + "/health")
                        .toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                return c.getResponseCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
