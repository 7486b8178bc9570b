package io.smsrouter.smpp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.StopWordList;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import io.smsrouter.smpp.codec.SmppEncoder;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.codec.SmppPduCodec;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.SmPdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    int sequence = 1;

    @BeforeEach
    void start() {
        journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        engine = new Engine(new AccountRegistry(List.of(Account.of("shop", "pw", null, Moderation.NONE, 0, 4,
                List.of()))), new RouteTable(List.of(new Route(null, "7", null, List.of("opA")))), List.of("opA"),
                journal, new LocalReceiptCorrelator(Duration.ofHours(1), 10_000), new ClientRegistry(), 2,
                new Moderator(StopWordAutomaton.build(StopWordList.parse("t", "casino\n"))),
                new LocalModerationQueue(), 1_000);
        SmppServerSettings settings = new SmppServerSettings("127.0.0.1", 0,
                SmppServerSettings.defaults(0).maxPduLength(), 16, 30_000, 120_000, 10_000, 10_000, "smsrouter");
        ch = new EmbeddedChannel(new SmppFrameDecoder(settings.maxPduLength()), SmppEncoder.INSTANCE,
                new ClientSessionHandler(settings, engine));
        ch.freezeTime();
        read(new BindPdu(CommandId.BIND_TRANSCEIVER).systemId("shop").password("pw"));
        assertThat(written()).singleElement().satisfies(p -> assertThat(p.commandStatus()).isZero());
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

    private SmPdu submit(String text) {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM);
        p.sourceAddr("Shop").destinationAddr("79161234567").shortMessage(text.getBytes(StandardCharsets.ISO_8859_1));
        return p;
    }

    /** One read of these PDUs (one batch). */
    private void read(Pdu... pdus) {
        ByteBuf in = Unpooled.buffer();
        for (Pdu p : pdus) {
            p.sequenceNumber(sequence++);
            SmppPduCodec.encode(p, in);
        }
        ch.writeInbound(in);
        ch.runPendingTasks();
    }

    private List<Pdu> written() {
        List<Pdu> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            try {
                while (b.isReadable()) {
                    out.add(SmppPduCodec.decode(b));
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                b.release();
            }
        }
        return out;
    }
}
