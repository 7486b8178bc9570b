package io.smsrouter.server.it;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.server.Router;
import io.smsrouter.smpp.upstream.OperatorConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Journal retention journals again what the operator binds have sent and not had answered (issue 3:
 * otherwise such a message, accepted in a file about to be deleted, would be lost if the router
 * died before the answer). The binds list exactly those messages: here the simulator takes 3 s to
 * answer, so five submits wait in a bind's window.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InFlightListingTest {
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
    void shouldListTheMessagesABindHasSentAndTheOperatorNotYetAnswered() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().simulatorLatencyMs(3_000).build()).start();
        OperatorConnector opA = router.operators().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> opA.boundCount() > 0);
        assertThat(opA.inFlight(1_000)).isEmpty();

        client = new ChClient();
        ChSession s = client.bindTransceiver(router.smppAddress());
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            SubmitSmResp r = s.submit(0);
            assertThat(r.getCommandStatus()).isZero();
            ids.add(Long.parseLong(r.getMessageId()));
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> opA.outstanding() == 5);
        Set<Long> listed = new HashSet<>();
        for (Engine.InFlight f : opA.inFlight(1_000)) {
            assertThat(f.operatorId()).isEqualTo(ItConfig.OPERATOR);
            listed.add(f.message().id());
        }
        assertThat(listed).isEqualTo(ids);
        // answered: no longer in flight
        await().atMost(Duration.ofSeconds(10)).until(() -> opA.outstanding() == 0);
        assertThat(opA.inFlight(1_000)).isEmpty();
    }
}
