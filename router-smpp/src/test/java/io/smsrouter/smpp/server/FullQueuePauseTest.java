package io.smsrouter.smpp.server;

import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.Pdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.smsrouter.smpp.server.EmbeddedSession.submit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client whose submits are refused with ESME_RMSGQFUL (its class queue full) is not read again
 * for {@link ClientSessionHandler#FULL_QUEUE_PAUSE_MS}: the real session handler and codec in an
 * EmbeddedChannel (its clock frozen and moved by the test) over a real Engine and Chronicle journal
 * whose queues hold two messages and whose operator has no bind, so nothing drains. Every submit
 * still gets its answer; only the reading waits.
 */
class FullQueuePauseTest {
    @TempDir
    Path dir;

    ChronicleJournal journal;
    Engine engine;
    EmbeddedChannel ch;
    EmbeddedSession session;

    @BeforeEach
    void start() {
        journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        engine = EmbeddedSession.shopEngine(journal, 2);
        session = new EmbeddedSession(engine);
        ch = session.ch;
        ch.freezeTime();
        session.bind();
    }

    @AfterEach
    void stop() {
        ch.finishAndReleaseAll();
        journal.close();
    }

    @Test
    void aRefusalForAFullQueuePausesReadingThenReadingGoesOn() {
        read(submit("one"), submit("two"));
        assertThat(written()).extracting(Pdu::commandStatus).containsExactly(0, 0);
        assertThat(ch.config().isAutoRead()).as("accepted: no pause").isTrue();

        read(submit("three"), submit("four"));
        assertThat(written()).as("every submit answered at once")
                .extracting(Pdu::commandStatus).containsExactly(CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RMSGQFUL);
        assertThat(ch.config().isAutoRead()).as("paused after the refusal").isFalse();

        ch.advanceTimeBy(ClientSessionHandler.FULL_QUEUE_PAUSE_MS - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("still paused 1 ms before the end").isFalse();

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("reading again after the pause").isTrue();
        assertThat(engine.acceptedCount()).isEqualTo(2);
    }

    @Test
    void aPauseUnderWayIsNotMadeLongerAndEndsEarlierThanAFreshOne() {
        read(submit("one"), submit("two"));
        written();
        read(submit("three"));
        ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
        // what TCP had already handed over is still decoded (EmbeddedChannel reads regardless)
        read(submit("four"));
        assertThat(written()).extracting(Pdu::commandStatus)
                .containsExactly(CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RMSGQFUL);
        assertThat(ch.config().isAutoRead()).as("paused").isFalse();
        ch.advanceTimeBy(ClientSessionHandler.FULL_QUEUE_PAUSE_MS - 10, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("the first pause's end").isTrue();
    }

    private void read(Pdu... pdus) {
        session.read(pdus);
    }

    private List<Pdu> written() {
        return session.written();
    }
}
