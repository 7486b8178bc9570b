package io.smsrouter.cluster;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.jsmpp.bean.SubmitSm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

    private NodeProcesses nodes;

    @Test
    void aNodeKilledMidRunLosesNothingAcknowledged() throws Exception {
        nodes = new NodeProcesses("cluster-kill");
        try (KafkaTestCluster kafka = KafkaTestCluster.start(3);
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw").receiptsOnAnyBind();
             ChClient clients = new ChClient()) {
            for (String id : List.of("r1", "r2", "r3")) {
                node(id, kafka.bootstrap(), smsc.port());
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.start(n);
            }
            for (NodeProcesses.Node n : nodes.all()) {
                nodes.awaitHealthy(n);
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
            nodes.get("r2").kill();
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
            nodes.start(nodes.get("r2")); // an operator starts the dead node again on its data
            nodes.awaitHealthy(nodes.get("r2"));
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
            nodes.close();
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

    NodeProcesses.Node node(String id, String bootstrap, int operatorPort) throws IOException {
        return nodes.node(id, """
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
                """.formatted(operatorPort, id, bootstrap));
    }
}
