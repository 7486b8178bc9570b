package io.smsrouter.server.it;

import io.smsrouter.server.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same 10,000-message run with jsmpp's server as the operator SMSC instead of our simulator:
 * the router binds to it as a transceiver, takes its ids and matches its receipts (jsmpp's receipt
 * text, half of them without TLVs) back to the ids it gave the ch-smpp client.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JsmppOperatorTest {
    private static final int MESSAGES = 10_000;

    @TempDir
    Path journal;
    private JsmppSmsc smsc;
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
        if (smsc != null) {
            smsc.close();
        }
    }

    @Test
    void shouldDeliverTenThousandThroughJsmppOperatorWithMatchingReceipts() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).build()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> router.operators().get(0).boundCount() == 1);
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        session.submitAsync(MESSAGES, 1);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(session.answeredCount() + session.expiredCount()).as("submit_sm answered or expired")
                        .isEqualTo(MESSAGES));
        assertThat(session.failures()).as("non-zero submit_sm_resp statuses").isEmpty();
        assertThat(session.expiredCount()).isZero();
        assertThat(session.okCount()).isEqualTo(MESSAGES);
        assertThat(session.duplicateIds()).isEmpty();
        assertThat(session.okIds()).hasSize(MESSAGES);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(session.deliverSmCount()).as("receipts received (jsmpp sent %d, %d failed)",
                        smsc.receiptsSent(), smsc.receiptErrors()).isGreaterThanOrEqualTo(MESSAGES));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isGreaterThanOrEqualTo(MESSAGES));
        assertThat(smsc.submitCount()).as("submit_sm at jsmpp").isEqualTo(MESSAGES);
        assertThat(smsc.receiptsSent()).isEqualTo(MESSAGES);
        assertThat(smsc.receiptErrors()).as("receipts jsmpp could not deliver to the router").isZero();
        Receipts.assertOneReceiptPerId(session.deliverSms(), session.okIds());
    }

    /**
     * An operator answers out of order: it holds the first submit_sm for 1.5 s (within the router's
     * 5 s response timeout) while it answers the hundreds sent after it. The held message is still
     * awaiting its answer, not lost, so the router must not send it again. (It did: the slot of
     * the held request in the window's array came round after 4 x window newer requests and the
     * router took it for unanswered, one duplicate at the operator per such overtaking.)
     */
    @Test
    void shouldSendEachMessageOnceWhenTheOperatorAnswersOneLongAfterHundredsOfLaterOnes() throws Exception {
        int messages = 600;
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD).holdFirstResponse(1_500);
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).operatorWindow(4).build()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> router.operators().get(0).boundCount() == 1);
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        session.submitAsync(messages, 1);

        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isGreaterThanOrEqualTo(messages));
        assertThat(session.okCount()).isEqualTo(messages);
        assertThat(smsc.received().stream().map(sm -> new String(sm.getShortMessage(), StandardCharsets.ISO_8859_1))
                .distinct().count()).as("distinct texts at the operator").isEqualTo(messages);
        assertThat(smsc.submitCount()).as("submit_sm at jsmpp").isEqualTo(messages);
        Receipts.assertOneReceiptPerId(session.deliverSms(), session.okIds());
    }

    @Test
    void shouldMatchReceiptsThatArriveBeforeTheSubmitResponse() throws Exception {
        int messages = 2_000;
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD, true);
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).build()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> router.operators().get(0).boundCount() == 1);
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        session.submitAsync(messages, 1);

        await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
                assertThat(session.answeredCount() + session.expiredCount()).isEqualTo(messages));
        assertThat(session.failures()).isEmpty();
        assertThat(session.okIds()).hasSize(messages);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(session.deliverSmCount()).as("receipts received (jsmpp sent %d, %d failed)",
                        smsc.receiptsSent(), smsc.receiptErrors()).isGreaterThanOrEqualTo(messages));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isGreaterThanOrEqualTo(messages));
        assertThat(smsc.submitCount()).isEqualTo(messages);
        assertThat(smsc.receiptErrors()).isZero();
        Receipts.assertOneReceiptPerId(session.deliverSms(), session.okIds());
    }

    @Test
    void shouldCountEachOperatorReceiptOnceWhenItOvertakesTheResponse() throws Exception {
        int messages = 200;
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD, true);
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).build()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> router.operators().get(0).boundCount() == 1);
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());
        session.submitAsync(messages, 1);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isEqualTo(messages));

        assertThat(smsc.receiptsSent()).isEqualTo(messages);
        assertThat(router.engine().receiptsInCount()).as("receipts received from the operator")
                .isEqualTo(messages);
    }
}
