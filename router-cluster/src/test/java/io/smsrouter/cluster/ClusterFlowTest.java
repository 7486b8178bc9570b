package io.smsrouter.cluster;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.core.cluster.ClusterView;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jsmpp.bean.SubmitSm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two router nodes in this JVM on one real Kafka broker (its own JVM), with a jsmpp operator and
 * cloudhopper clients: messages sent to either node reach the operator once each, through the
 * node that owns their share of the operator's binds, and every receipt comes back to the client
 * that sent the message, whichever node matched it.
 */
class ClusterFlowTest {
    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static JsmppSmsc smsc;

    @BeforeAll
    static void kafka() throws Exception {
        kafka = KafkaTestCluster.start(1);
        smsc = new JsmppSmsc("router", "routerpw");
    }

    @AfterAll
    static void stop() throws Exception {
        if (smsc != null) {
            smsc.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static Router node(String id, String prefix, int binds) throws Exception {
        String yaml = """
                smpp: {host: 127.0.0.1, port: 0}
                http: {host: 127.0.0.1, port: 0}
                journal: {dir: %s}
                accounts:
                  - {id: shop, password: secret1, apiKey: k-shop-1, moderation: none, maxBinds: 8}
                operators:
                  - {id: opA, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, binds: %d, window: 32}
                routes:
                  - operators: [opA]
                simulator: {enabled: false}
                cluster:
                  nodeId: %s
                  kafka: {bootstrap: "%s", topicPrefix: %s}
                  ack: replicated
                """.formatted(dir.resolve(prefix + "-" + id), smsc.port(), binds, id, kafka.bootstrap(), prefix);
        return new Router(ConfigLoader.parse(yaml, dir.resolve(id + ".yaml"), dir)).start();
    }

    @Test
    void messagesOnEitherNodeReachTheOperatorOnceAndTheirReceiptsComeBack() throws Exception {
        try (Router r1 = node("r1", "flow", 2); Router r2 = node("r2", "flow", 2);
             ChClient c = new ChClient()) {
            ClusterView v = r1.clusterView();
            // each node comes to hold one of the operator's two binds
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(v.shares()).extracting(ClusterView.Share::owner).containsExactlyInAnyOrder("r1", "r2");
                assertThat(v.nodes()).extracting(ClusterView.Node::state).containsOnly("up");
            });
            assertThat(v.nodes()).extracting(ClusterView.Node::id).containsExactly("r1", "r2");
            ChSession s1 = c.bindTransceiver(r1.smppAddress());
            ChSession s2 = c.bindTransceiver(r2.smppAddress());
            Set<String> texts = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                ChSession s = i % 2 == 0 ? s1 : s2;
                String text = "cluster-" + i;
                texts.add(text);
                SubmitSmResp resp = s.submitText("Shop", "7916" + String.format("%07d", i), text, 1);
                assertThat(resp.getCommandStatus()).isZero();
            }
            // one account bound on both nodes: its receipts go out through one of them (the first by id)
            Set<String> sent = new HashSet<>(s1.okIds());
            sent.addAll(s2.okIds());
            assertThat(sent).hasSize(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(received()).containsAll(texts);
                Set<String> back = new HashSet<>(s1.receiptIds());
                back.addAll(s2.receiptIds());
                assertThat(back).isEqualTo(sent);
            });
            assertThat(s1.deliverSmCount() + s2.deliverSmCount()).isEqualTo(200); // no receipt twice
            List<String> all = received();
            assertThat(all).hasSize(200); // once each
            assertThat(smsc.boundSessions()).isEqualTo(2);
            assertThat(r1.engine().shippedToClusterCount() + r2.engine().shippedToClusterCount()).isEqualTo(200);
            assertThat(r1.engine().takenFromClusterCount()).isPositive();
            assertThat(r2.engine().takenFromClusterCount()).isPositive();
        }
    }

    static List<String> received() {
        return smsc.received().stream().map(SubmitSm::getShortMessage)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }
}
