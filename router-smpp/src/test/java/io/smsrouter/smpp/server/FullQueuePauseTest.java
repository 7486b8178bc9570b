package io.smsrouter.smpp.server;

import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.core.engine.Engine;
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
 * for {@link ClientSessionHandler#FULL_QUEUE_PAUSE_MS}, doubling while it keeps being refused: the real session handler and codec in an
 * EmbeddedChannel (its clock frozen and moved by the test) over a real Engine and Chronicle journal
 * whose queues hold two messages and whose operator has no bind, so nothing drains. Every submit
 * still gets its answer; only the reading waits.
 */
class FullQueuePauseTest {
    @TempDir
    Path dir;

    Engine engine;
    EmbeddedChannel ch;
    EmbeddedSession session;

    @BeforeEach
    void start() {
        session = EmbeddedSession.open(dir, 2, e -> { });
        engine = session.engine;
        ch = session.ch;
        ch.freezeTime();
        session.bind();
    }

    @AfterEach
    void stop() {
        session.close();
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

    @Test
    void eachRefusingBatchDoublesTheNextPauseUpToTheMaximumAndAnAcceptingOneHalvesIt() {
        read(submit("one"), submit("two"));
        written();
        for (long expected : new long[] {20, 40, 80, 160, 320, 320}) {
            read(submit("refused"));
            assertThat(written()).extracting(Pdu::commandStatus).containsExactly(CommandStatus.ESME_RMSGQFUL);
            assertThat(pausedFor()).as("pause after a refusing batch").isEqualTo(expected);
        }

        // a batch without submits (enquire_link) says nothing about the queue: no change
        read(new io.smsrouter.smpp.pdu.HeaderOnlyPdu(io.smsrouter.smpp.pdu.CommandId.ENQUIRE_LINK));
        written();
        // the queue drains (both queued messages leave this node): the next batches are accepted,
        // and the pause after the following refusal is the last one halved twice
        assertThat(engine.giveBackToCluster("opA", m -> true)).hasSize(2);
        read(submit("accepted"));
        assertThat(written()).extracting(Pdu::commandStatus).containsExactly(0);
        assertThat(ch.config().isAutoRead()).isTrue();
        read(submit("accepted too"));
        assertThat(written()).extracting(Pdu::commandStatus).containsExactly(0);
        read(submit("refused again"));
        assertThat(written()).extracting(Pdu::commandStatus).containsExactly(CommandStatus.ESME_RMSGQFUL);
        assertThat(pausedFor()).as("the next pause (320, the maximum) halved by each accepting batch").isEqualTo(80);
    }

    /** Milliseconds until reading resumes (the frozen clock advanced 1 ms at a time); 0 if not paused. */
    private long pausedFor() {
        long ms = 0;
        while (!ch.config().isAutoRead()) {
            ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            ms++;
            assertThat(ms).as("paused for ever").isLessThan(10_000);
        }
        return ms;
    }

    private void read(Pdu... pdus) {
        session.read(pdus);
    }

    private List<Pdu> written() {
        return session.written();
    }
}
