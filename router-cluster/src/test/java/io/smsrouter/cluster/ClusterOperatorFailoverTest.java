package io.smsrouter.cluster;

import io.smsrouter.server.Router;
import io.smsrouter.core.cluster.ClusterView;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, operator failover across nodes: r1 cannot reach the operator (its config points at a
 * port where nobody answers), r2 can. Each first owns one of the operator's two shares; r1, with no
 * bind up for {@code FAILOVER_MS}, steps back, the rebalance gives its share to r2, and every message
 * sent through either node reaches the operator (a jsmpp SMSC), its receipt back to the client.
 */
class ClusterOperatorFailoverTest {
    @TempDir
    Path dir;

    @Test
    void aNodeThatCannotReachTheOperatorLetsAnotherTakeItsShares() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort(); // closed again: connections there are refused
        }
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1);
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw").receiptsOnAnyBind();
             ChClient clients = new ChClient();
             Router r1 = ClusterNodes.node(dir, "r1", kafka.bootstrap(), "failover", dead, "binds: 2", "replicated");
             Router r2 = ClusterNodes.node(dir, "r2", kafka.bootstrap(), "failover", smsc.port(), "binds: 2",
                     "replicated")) {
            ChSession a = clients.bindTransceiver(r1.smppAddress());
            ChSession b = clients.bindTransceiver(r2.smppAddress());
            Set<String> texts = new HashSet<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                String text = "failover-" + i;
                texts.add(text);
                assertThat((i % 2 == 0 ? a : b).submitText("Shop", "7916" + String.format("%07d", i), text, 1)
                        .getCommandStatus()).isZero();
            }
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(new HashSet<>(ClusterNodes.texts(smsc))).containsAll(texts));
            System.out.printf("cluster failover: 60 messages through r1 (no route to the operator) and r2 all at the "
                    + "operator %.1f s after the first%n", (System.nanoTime() - t0) / 1e9);
            // the view follows the heartbeats (every second)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(r2.clusterView().shares()).extracting(ClusterView.Share::owner).containsOnly("r2"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Set<String> back = new HashSet<>(a.receiptIds());
                back.addAll(b.receiptIds());
                Set<String> ids = new HashSet<>(a.okIds());
                ids.addAll(b.okIds());
                assertThat(back).isEqualTo(ids);
            });
            assertThat(smsc.boundNow()).as("r2 holds both binds").isEqualTo(2);
        }
    }
}
