package io.smsrouter.server.it;

import io.smsrouter.server.Router;
import io.smsrouter.smpp.simulator.SmscSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator that answers ESME_RTHROTTLED above 500 submit_sm a second: the router backs off and
 * tries again rather than failing messages, so every one ends DELIVRD.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ThrottlingOperatorTest {
    private static final Logger log = LoggerFactory.getLogger(ThrottlingOperatorTest.class);
    private static final int MESSAGES = 3_000;

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
    void shouldRetryThrottledSubmitsUntilEveryMessageIsDelivered() throws Exception {
        // two binds with a window of 64 each push far more than 500/s: the operator must throttle
        router = new Router(ItConfig.journal(journal).withSimulator().simulatorTps(500).operatorBinds(2).build())
                .start();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        session.submitAsync(MESSAGES, 1);

        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(session.answeredCount() + session.expiredCount()).isEqualTo(MESSAGES));
        assertThat(session.failures()).isEmpty();
        assertThat(session.expiredCount()).isZero();
        assertThat(session.okIds()).hasSize(MESSAGES);

        SmscSimulator sim = router.simulator();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(session.deliverSmCount()).as("receipts (operator accepted %d, throttled %d)",
                        sim.submitCount(), sim.throttledCount()).isGreaterThanOrEqualTo(MESSAGES));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isGreaterThanOrEqualTo(MESSAGES));
        log.info("operator accepted {} submit_sm and throttled {}", sim.submitCount(), sim.throttledCount());

        assertThat(sim.throttledCount()).as("ESME_RTHROTTLED answers from the operator").isPositive();
        assertThat(sim.submitCount()).as("submit_sm accepted by the operator").isEqualTo(MESSAGES);
        // no UNDELIV: nothing was given up on; every receipt is DELIVRD for an acknowledged id
        Receipts.assertOneReceiptPerId(session.deliverSms(), session.okIds());
    }
}
