package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.QuerySmResp;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** query_sm (SMPP 3.4 §4.8) of ids the router gave: their state as the operator's receipts reported it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QuerySmTest {
    private static final int ESME_RQUERYFAIL = 0x67;
    private static final int ENROUTE = 1;
    private static final int DELIVERED = 2;

    @TempDir
    Path journal;
    private Router router;
    private ChClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
    }

    @Test
    void shouldAnswerDeliveredForMessagesWhoseReceiptCame() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().account("other", "otherpw", 2).build()).start();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SubmitSmResp resp = session.submit(1);
            assertThat(resp.getCommandStatus()).isZero();
            ids.add(resp.getMessageId());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> session.receiptIds().containsAll(ids));

        for (String id : ids) {
            QuerySmResp q = session.query(id);
            assertThat(q.getCommandStatus()).as("query_sm %s status", id).isZero();
            assertThat(q.getMessageId()).isEqualTo(id);
            assertThat(q.getMessageState()).as("message_state of %s", id).isEqualTo((byte) DELIVERED);
            assertThat(q.getFinalDate()).as("final_date of %s", id).isNotEmpty();
            assertThat(q.getErrorCode()).isZero();
        }

        assertThat(session.query("123456789").getCommandStatus()).as("an id never given").isEqualTo(ESME_RQUERYFAIL);
        assertThat(session.query("not-ours").getCommandStatus()).as("not a router id").isEqualTo(ESME_RQUERYFAIL);
        ChSession other = client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "other", "otherpw", 1);
        assertThat(other.query(ids.get(0)).getCommandStatus()).as("another account's message")
                .isEqualTo(ESME_RQUERYFAIL);
    }

    @Test
    void shouldAnswerEnrouteWhileTheOperatorHasNotTakenTheMessage() throws Exception {
        router = new Router(ItConfig.journal(journal).operatorAt(closedPort()).build()).start();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());
        SubmitSmResp resp = session.submit(1);
        assertThat(resp.getCommandStatus()).isZero();

        QuerySmResp q = session.query(resp.getMessageId());
        assertThat(q.getCommandStatus()).isZero();
        assertThat(q.getMessageState()).isEqualTo((byte) ENROUTE);
        assertThat(q.getFinalDate()).as("no final date yet").isEmpty();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ItConfig.HOST))) {
            return s.getLocalPort();
        }
    }
}
