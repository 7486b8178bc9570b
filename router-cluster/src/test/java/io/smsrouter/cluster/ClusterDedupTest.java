package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.core.cluster.ClusterView;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 item 6: one SMS per phone across nodes. An account with a dedup window sends the same
 * text to the same number through two nodes: the cluster partitions by number, so both reach the
 * node that owns that number's share, which sends one and ends the other REJECTED (err 998)
 * with a receipt; a different text to the same number still goes.
 */
class ClusterDedupTest {
    @TempDir
    Path dir;

    @Test
    void theSameTextToTheSameNumberThroughTwoNodesGoesOnce() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1);
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw");
             ChClient clients = new ChClient();
             Router r1 = node("r1", kafka, smsc);
             Router r2 = node("r2", kafka, smsc)) {
            // the shares settled: r2 took its half from r1 (the dedup window lives in the owner's
            // memory, so a repeat that meets a share moving between the two copies goes out twice,
            // the documented edge; this test is about the settled cluster)
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (Router r : new Router[]{r1, r2}) {
                    assertThat(r.clusterView().shares()).extracting(ClusterView.Share::owner)
                            .doesNotContainNull().contains("r1", "r2");
                }
                assertThat(smsc.boundNow()).isEqualTo(4);
            });
            ChSession a = clients.bind(r1.smppAddress(), SmppBindType.TRANSCEIVER, "dd", "secret3", 16);
            ChSession b = clients.bind(r2.smppAddress(), SmppBindType.TRANSCEIVER, "dd", "secret3", 16);
            int[] numbers = {1, 2, 3, 4, 5, 6, 7, 8};
            String[] firstIds = new String[numbers.length];
            String[] second = new String[numbers.length];
            for (int i = 0; i < numbers.length; i++) {
                String to = "7916123000" + numbers[i];
                SubmitSmResp first = a.submitText("Shop", to, "same text " + i, 1);
                SubmitSmResp again = b.submitText("Shop", to, "same text " + i, 1);
                SubmitSmResp other = b.submitText("Shop", to, "other text " + i, 1);
                assertThat(first.getCommandStatus()).isZero();
                assertThat(again.getCommandStatus()).as("a repeat is answered OK and not sent").isZero();
                assertThat(other.getCommandStatus()).isZero();
                firstIds[i] = first.getMessageId();
                second[i] = again.getMessageId();
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int i = 0; i < numbers.length; i++) {
                    assertThat(ClusterNodes.texts(smsc)).contains("other text " + i);
                    // whichever the owner of the number saw second is the repeat (by acceptance time
                    // the earlier one wins, so it is usually the one through r2)
                    // (a receipt goes to any receiver bind of the account, on either node)
                    long rejected = java.util.stream.Stream.of(a.receiptFor(firstIds[i]), b.receiptFor(firstIds[i]),
                                    a.receiptFor(second[i]), b.receiptFor(second[i]))
                            .filter(r -> r != null && "REJECTD".equals(r.stat())).count();
                    assertThat(rejected).as("one of the pair ends REJECTD with a receipt").isEqualTo(1);
                }
            });
            Thread.sleep(1000);
            for (int i = 0; i < numbers.length; i++) {
                assertThat(Collections.frequency(ClusterNodes.texts(smsc), "same text " + i))
                        .as("'same text %d' at the operator", i).isEqualTo(1);
            }
        }
    }

    private Router node(String id, KafkaTestCluster kafka, JsmppSmsc smsc) throws Exception {
        String yaml = ClusterNodes.yaml(dir, id, kafka.bootstrap(), "dedup", smsc.port(), "binds: 4, window: 32",
                        "replicated", null)
                .replace("maxBinds: 8}", "maxBinds: 8}\n  - {id: dd, password: secret3, apiKey: k-dd-1, "
                        + "moderation: none, maxBinds: 8, dedupWindowSeconds: 600}");
        return new Router(ConfigLoader.parse(yaml, dir.resolve(id + ".yaml"), dir)).start();
    }
}
