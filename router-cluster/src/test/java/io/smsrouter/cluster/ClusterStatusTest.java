package io.smsrouter.cluster;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.QuerySmResp;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.Router;
import io.smsrouter.server.it.ChClient;
import io.smsrouter.server.it.ChSession;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Message status on every node (issue 11 item 5, issue 12 item 7's status part): a message sent
 * through r1 is answered by query_sm through r2, first as en route, then as delivered once its
 * receipt came, whichever node sent it and matched the receipt.
 */
class ClusterStatusTest {
    @TempDir
    Path dir;

    @Test
    void queryThroughTheOtherNodeAnswersWithTheMessagesState() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start(1);
             PgTestServer pg = PgTestServer.start();
             JsmppSmsc smsc = new JsmppSmsc("router", "routerpw");
             ChClient clients = new ChClient();
             Router r1 = ClusterNodes.node(dir, "r1", kafka.bootstrap(), "status", smsc.port(), "binds: 2",
                     "replicated", pg.config());
             Router r2 = ClusterNodes.node(dir, "r2", kafka.bootstrap(), "status", smsc.port(), "binds: 2",
                     "replicated", pg.config())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> r1.clusterView().shares().stream()
                    .allMatch(s -> s.owner() != null));
            ChSession a = clients.bind(r1.smppAddress(), SmppBindType.TRANSCEIVER, "shop", "secret1", 16);
            ChSession b = clients.bind(r2.smppAddress(), SmppBindType.TRANSCEIVER, "shop", "secret1", 16);
            String[] ids = new String[6];
            for (int i = 0; i < ids.length; i++) {
                SubmitSmResp r = a.submitText("Shop", "7916555000" + i, "status " + i, 1);
                assertThat(r.getCommandStatus()).isZero();
                ids[i] = r.getMessageId();
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String id : ids) {
                    QuerySmResp q = b.query(id);
                    assertThat(q.getCommandStatus()).as("query_sm of %s through r2", id).isZero();
                    assertThat(q.getMessageState()).as("DELIVERED").isEqualTo((byte) 2);
                }
            });
        }
    }
}
