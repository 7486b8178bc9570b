package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.QuerySmResp;
import io.smsrouter.server.Router;
import io.smsrouter.smpp.simulator.SmscSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * submit_sm_resp 0 is a promise (SPEC §3): a router whose operator is unreachable acknowledges
 * 100 messages and is stopped; a new router on the same journal, now with a working operator,
 * sends all 100 and keeps their receipts until the client binds again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RestartRecoveryTest {
    private static final int MESSAGES = 100;

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
    void shouldDeliverMessagesAcknowledgedBeforeRestartAndKeepTheirReceiptsForTheNextBind() throws Exception {
        router = new Router(ItConfig.journal(journal).operatorAt(closedPort()).build()).start();
        client = new ChClient();
        ChSession before = client.bindTransceiver(router.smppAddress());
        before.submitAsync(MESSAGES, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(before.answeredCount() + before.expiredCount()).isEqualTo(MESSAGES));
        assertThat(before.failures()).isEmpty();
        assertThat(before.okIds()).hasSize(MESSAGES);
        assertThat(router.engine().undeliveredCount()).as("waiting for the unreachable operator").isEqualTo(MESSAGES);
        Set<String> acked = new HashSet<>(before.okIds());

        router.close();
        router = null;
        before.close();

        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        SmscSimulator sim = router.simulator();
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(sim.submitCount()).as("submit_sm at the operator after the restart").isEqualTo(MESSAGES);
            assertThat(router.engine().receiptsInCount()).as("receipts from the operator").isEqualTo(MESSAGES);
            assertThat(router.engine().clients().pendingCount(ItConfig.ACCOUNT)).as("receipts waiting for a bind")
                    .isEqualTo(MESSAGES);
        });
        assertThat(router.engine().receiptsOutCount()).isZero();

        ChSession after = client.bind(router.smppAddress(), SmppBindType.RECEIVER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(after.deliverSmCount()).isGreaterThanOrEqualTo(MESSAGES));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isEqualTo(MESSAGES));
        assertThat(sim.submitCount()).isEqualTo(MESSAGES);
        Receipts.assertOneReceiptPerId(after.deliverSms(), acked);
    }

    @Test
    void shouldKeepReceiptsThatNoClientTookAcrossARestart() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        client = new ChClient();
        ChSession sender = client.bind(router.smppAddress(), SmppBindType.TRANSMITTER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        sender.submitAsync(MESSAGES, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(sender.answeredCount() + sender.expiredCount()).isEqualTo(MESSAGES));
        assertThat(sender.okIds()).hasSize(MESSAGES);
        Set<String> acked = new HashSet<>(sender.okIds());
        Router first = router;
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(first.engine().clients().pendingCount(ItConfig.ACCOUNT)).as("receipts waiting for a bind")
                        .isEqualTo(MESSAGES));
        assertThat(sender.deliverSmCount()).as("deliver_sm to a transmitter").isZero();

        router.close();
        router = null;
        sender.close();

        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        ChSession receiver = client.bind(router.smppAddress(), SmppBindType.RECEIVER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(receiver.deliverSmCount()).isGreaterThanOrEqualTo(MESSAGES));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(router.engine().receiptsOutCount()).isEqualTo(MESSAGES));
        assertThat(router.simulator().submitCount()).as("messages sent again after the restart").isZero();
        Receipts.assertOneReceiptPerId(receiver.deliverSms(), acked);
    }

    @Test
    void shouldAnswerQuerySmForMessagesDeliveredBeforeARestart() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        client = new ChClient();
        ChSession session = client.bindTransceiver(router.smppAddress());
        String id = session.submit(1).getMessageId();
        await().atMost(Duration.ofSeconds(30)).until(() -> session.receiptIds().contains(id));
        assertThat(session.query(id).getMessageState()).as("message_state before the restart").isEqualTo((byte) 2);

        router.close();
        router = null;
        session.close();

        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        ChSession again = client.bindTransceiver(router.smppAddress());
        QuerySmResp q = again.query(id);
        assertThat(q.getCommandStatus()).as("query_sm status for %s after the restart", id).isZero();
        assertThat(q.getMessageState()).as("message_state after the restart").isEqualTo((byte) 2);
    }

    /**
     * Issue 3: a start reads the checkpoint and only the journal after it. A long finished history
     * (500 messages delivered and receipted), then 20 messages for an unreachable operator, a
     * checkpoint, 5 more; the disk is copied as it is at that moment (what a kill -9 leaves: the
     * journal is memory-mapped, so its files hold every acknowledged message) and a router started
     * on the copy replays a handful of excerpts instead of the history, and sends all 25.
     */
    @Test
    void shouldRecoverFromTheCheckpointReadingOnlyTheJournalAfterIt() throws Exception {
        Path live = journal.resolve("live");
        router = new Router(ItConfig.journal(live).withSimulator().build()).start();
        client = new ChClient();
        ChSession history = client.bindTransceiver(router.smppAddress());
        history.submitAsync(500, 1);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(history.receiptIds()).as("receipts of the history").hasSize(500));
        String finishedLongAgo = history.okIds().iterator().next();
        history.close();
        router.close();

        router = new Router(ItConfig.journal(live).operatorAt(closedPort()).build()).start();
        ChSession before = client.bind(router.smppAddress(), SmppBindType.TRANSMITTER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        before.submitAsync(20, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(before.okIds()).hasSize(20));
        assertThat(router.writeCheckpoint("test")).as("checkpoint written").isNotNull()
                .extracting(r -> r.inFlight()).isEqualTo(20);
        before.submitAsync(5, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(before.okIds()).hasSize(25));
        Set<String> acked = new HashSet<>(before.okIds());
        // the disk as a kill -9 now would leave it
        Path crashed = journal.resolve("crashed");
        Path wholeReplay = journal.resolve("whole");
        copyTree(live, crashed);
        copyTree(live, wholeReplay);
        before.close();
        router.close();

        router = new Router(ItConfig.journal(wholeReplay).checkpointSeconds(0).withSimulator().build()).start();
        long wholeExcerpts = router.engine().lastRecovery().excerpts();
        long wholeEvents = router.engine().lastRecovery().events();
        assertThat(router.engine().lastRecovery().checkpointRecords()).isEqualTo(-1);
        router.close();

        router = new Router(ItConfig.journal(crashed).withSimulator().build()).start();
        io.smsrouter.core.engine.Engine.RecoveryReport r = router.engine().lastRecovery();
        assertThat(r.checkpointRecords()).as("records of the checkpoint").isPositive();
        assertThat(r.requeued()).as("messages queued again").isEqualTo(25);
        assertThat(wholeEvents).as("events of a whole replay: the history's too").isGreaterThanOrEqualTo(4 * 500);
        assertThat(r.events()).as("events replayed after the checkpoint: the last 5 messages'").isLessThan(50);
        assertThat(r.excerpts()).as("excerpts replayed after the checkpoint").isLessThanOrEqualTo(10)
                .isLessThan(wholeExcerpts);
        SmscSimulator sim = router.simulator();
        ChSession after = client.bind(router.smppAddress(), SmppBindType.RECEIVER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(sim.submitCount()).as("sent after the restart").isEqualTo(25);
            assertThat(after.receiptIds()).as("receipts after the restart").isEqualTo(acked);
        });
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + ItConfig.HOST + ":"
                        + router.httpAddress().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).as("recovery on /metrics")
                .contains("router_recovery_excerpts " + (double) r.excerpts())
                .contains("router_recovery_duration_seconds ");
        ChSession query = client.bindTransceiver(router.smppAddress());
        QuerySmResp q = query.query(finishedLongAgo);
        assertThat(q.getCommandStatus()).as("query_sm of a message finished before the checkpoint").isZero();
        assertThat(q.getMessageState()).isEqualTo((byte) 2);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(f, target);
                }
            }
        }
    }

    /** A loopback port nothing listens on (connections to it are refused). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ItConfig.HOST))) {
            return s.getLocalPort();
        }
    }
}
