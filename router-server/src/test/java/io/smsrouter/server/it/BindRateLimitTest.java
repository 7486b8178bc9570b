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
 * Issue 5: with {@code operators[].bindTps} the router paces each bind below the operator's
 * ceiling instead of provoking throttling errors. The simulator throttles above 250 submit_sm a
 * second; two binds at 100 a second each stay under it: no ESME_RTHROTTLED at all, and the
 * 1,000 messages take at least the time the limit implies.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BindRateLimitTest {
    private static final int MESSAGES = 1_000;

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
    void shouldKeepEachBindBelowItsOwnRateAndProvokeNoThrottling() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().simulatorTps(250).operatorBinds(2)
                .operatorBindTps(100).build()).start();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());
        SmscSimulator sim = router.simulator();

        long start = System.nanoTime();
        session.submitAsync(MESSAGES, 0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                sim.submitCount() == MESSAGES);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(session.okCount()).isEqualTo(MESSAGES);
        assertThat(sim.throttledCount()).as("ESME_RTHROTTLED answers from the operator").isZero();
        // 2 binds x 100/s, each with a tenth of a second's burst: at least (1000 - 20) / 200 = 4.9 s
        assertThat(seconds).as("time for %d messages at 2 x 100/s", MESSAGES).isGreaterThan(4.5);
    }
}
