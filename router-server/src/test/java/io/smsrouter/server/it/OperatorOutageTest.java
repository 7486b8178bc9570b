package io.smsrouter.server.it;

import io.netty.channel.EventLoopGroup;
import io.smsrouter.core.engine.MessageStatus;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.server.Router;
import io.smsrouter.smpp.simulator.SimulatorSettings;
import io.smsrouter.smpp.simulator.SmscSimulator;
import io.smsrouter.smpp.transport.SmppTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator goes away while traffic flows: every message the router acknowledged still reaches
 * an operator once it is back, and comes back as a receipt. The one loss allowed is the stopped
 * simulator's own: receipts it still held when it was closed are gone with it. So an id may miss
 * its receipt only if the operators lost at least that many, and only while the router still holds
 * it as ENROUTE (accepted by the operator, receipt awaited).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OperatorOutageTest {
    private static final Logger log = LoggerFactory.getLogger(OperatorOutageTest.class);
    private static final int MESSAGES = 2_000;

    @TempDir
    Path journal;
    private EventLoopGroup simGroup;
    private final List<SmscSimulator> sims = new ArrayList<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor();
    private Router router;
    private ChClient client;

    @BeforeEach
    void setUp() {
        simGroup = SmppTransport.newGroup(2);
    }

    @AfterEach
    void tearDown() {
        sender.shutdownNow();
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
        sims.forEach(SmscSimulator::close);
        simGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }

    @Test
    void shouldDeliverEveryAcknowledgedMessageWhenTheOperatorStopsAndRestartsOnTheSamePort() throws Exception {
        SmscSimulator first = startSimulator(SimulatorSettings.defaults(0));
        int port = first.address().getPort();
        router = new Router(ItConfig.journal(journal).operatorAt(port).build()).start();
        awaitOperatorBound();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        Future<?> sending = sender.submit(() -> {
            session.submitAsync(MESSAGES, 1);
            return null;
        });
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(1)).until(() -> session.okCount() >= 500);
        first.close();
        log.info("operator stopped after {} acknowledged, {} submitted upstream", session.okCount(), first.submitCount());
        Thread.sleep(2_000);
        SmscSimulator second = startSimulator(SimulatorSettings.defaults(port));
        log.info("operator back on port {}", port);
        sending.get(2, TimeUnit.MINUTES);

        assertEveryAcknowledgedMessageDelivered(session);
        assertThat(first.submitCount()).as("submit_sm at the operator before it stopped").isLessThan(MESSAGES);
        assertThat(second.submitCount()).as("submit_sm at the operator after it came back").isPositive();
    }

    @Test
    void shouldDeliverEveryAcknowledgedMessageWhenTheOperatorDropsConnectionsMidRun() throws Exception {
        // slower upstream (window 8, 10 ms per submit_sm_resp) so that the drops land in the middle of the run
        SimulatorSettings slow = new SimulatorSettings(ItConfig.HOST, 0, null, null, 10, 50, 100, 0, 0, 0, 65536);
        SmscSimulator sim = startSimulator(slow);
        router = new Router(ItConfig.journal(journal).operatorAt(sim.address().getPort()).operatorBinds(2)
                .operatorWindow(8).build()).start();
        awaitOperatorBound();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());

        Future<?> sending = sender.submit(() -> {
            session.submitAsync(MESSAGES, 1);
            return null;
        });
        for (int threshold : new int[]{400, 900, 1400}) {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(1))
                    .until(() -> sim.submitCount() >= threshold);
            sim.dropConnections();
            log.info("dropped operator connections at {} submits", sim.submitCount());
        }
        sending.get(2, TimeUnit.MINUTES);

        assertEveryAcknowledgedMessageDelivered(session);
        // the same simulator keeps the receipts of dropped connections and sends them on the next
        // bind, as a real SMSC does: so here no receipt may be missing at all
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(Receipts.missing(session.okIds(), session.deliverSms())).isEmpty());
    }

    private SmscSimulator startSimulator(SimulatorSettings settings) throws InterruptedException {
        SmscSimulator sim = new SmscSimulator(settings, simGroup);
        sim.start();
        sims.add(sim);
        return sim;
    }

    private void awaitOperatorBound() {
        await().atMost(Duration.ofSeconds(30)).until(() -> router.operators().get(0).boundCount() > 0);
    }

    private long submitsAtOperators() {
        return sims.stream().mapToLong(SmscSimulator::submitCount).sum();
    }

    /**
     * Receipts that never reached the router's journal: those a simulator still held when it was
     * stopped for good (a simulator that only drops connections keeps them for the next bind).
     */
    private long receiptsLostByOperators() {
        return sims.stream().mapToLong(s -> s.submitCount() - s.receiptsAcked()).sum();
    }

    private void assertEveryAcknowledgedMessageDelivered(ChSession session) {
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(session.answeredCount() + session.expiredCount()).isEqualTo(MESSAGES));
        assertThat(session.failures()).as("refused submits: the journal accepts while the operator is down").isEmpty();
        assertThat(session.expiredCount()).isZero();
        assertThat(session.okIds()).hasSize(MESSAGES);
        int acked = session.okCount();

        // every acknowledged message reaches an operator (some twice: those in flight when a connection died)
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            assertThat(router.engine().undeliveredCount()).as("messages not yet taken by an operator").isZero();
            assertThat(router.operators().get(0).outstanding()).as("submit_sm awaiting a response").isZero();
            assertThat(submitsAtOperators()).as("submit_sm counted at the simulators").isGreaterThanOrEqualTo(acked);
        });
        assertThat(router.engine().submittedCount()).as("messages the operator confirmed").isEqualTo(acked);

        // then receipts settle: every one the router took from an operator has gone on to the client
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<String> missing = Receipts.missing(session.okIds(), session.deliverSms());
                    assertThat((long) missing.size()).as("acknowledged ids without a receipt (operators lost %d)",
                            receiptsLostByOperators()).isLessThanOrEqualTo(receiptsLostByOperators());
                    assertThat(router.engine().clients().pendingCount(ItConfig.ACCOUNT)).isZero();
                    assertThat((long) session.deliverSmCount()).isEqualTo(router.engine().receiptsOutCount());
                });
        // an id may lack its receipt only while the router still waits for the operator's (ENROUTE);
        // one the router had (DELIVERED) must reach the client
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : Receipts.missing(session.okIds(), session.deliverSms())) {
                MessageStatus s = router.engine().status(Long.parseLong(id));
                assertThat(s).as("status of %s", id).isNotNull();
                assertThat(s.state()).as("state of %s, which has no receipt at the client", id)
                        .isEqualTo(DeliveryState.ENROUTE);
            }
        });
        List<String> missing = Receipts.missing(session.okIds(), session.deliverSms());
        log.info("acked={} submits at operators={} receipts at router={} at client={} missing={} lost by operators={}",
                acked, submitsAtOperators(), router.engine().receiptsInCount(), session.deliverSmCount(),
                missing.size(), receiptsLostByOperators());
        Receipts.assertAllWellFormed(session.deliverSms(), session.okIds());
        assertThat(session.deliverSmCount()).as("receipts, none twice").isEqualTo(acked - missing.size());
    }
}
