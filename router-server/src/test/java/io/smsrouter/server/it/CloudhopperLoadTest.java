package io.smsrouter.server.it;

import io.smsrouter.server.Router;
import io.smsrouter.smpp.simulator.SmscSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A ch-smpp transceiver with 100 requests outstanding drives 10,000 submit_sm through the router
 * to the in-process operator simulator: every one is acknowledged with its own id and comes back
 * as exactly one delivery receipt naming that id.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CloudhopperLoadTest {
    private static final int MESSAGES = 10_000;

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
    void shouldAcknowledgeTenThousandSubmitsWithDistinctIdsAndReturnOneReceiptForEach() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        session.submitAsync(MESSAGES, 1);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(session.answeredCount() + session.expiredCount()).as("submit_sm answered or expired")
                        .isEqualTo(MESSAGES));
        assertThat(session.failures()).as("non-zero submit_sm_resp statuses").isEmpty();
        assertThat(session.expiredCount()).as("submit_sm never answered").isZero();
        assertThat(session.okCount()).isEqualTo(MESSAGES);
        assertThat(session.duplicateIds()).as("ids given twice").isEmpty();
        assertThat(session.okIds()).hasSize(MESSAGES);

        SmscSimulator sim = router.simulator();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(session.deliverSmCount()).as("receipts received").isGreaterThanOrEqualTo(MESSAGES));
        // the router has forwarded and had acknowledged every receipt it will send: nothing extra is on its way
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isGreaterThanOrEqualTo(MESSAGES));
        assertThat(sim.submitCount()).as("submit_sm at the operator").isEqualTo(MESSAGES);
        Receipts.assertOneReceiptPerId(session.deliverSms(), session.okIds());
    }
}
