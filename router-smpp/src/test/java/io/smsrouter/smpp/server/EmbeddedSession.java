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
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.SmPdu;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client session for tests: the real session handler and codec in an EmbeddedChannel in front of
 * a real Engine with one account {@code shop} (password {@code pw}) routed to operator {@code opA},
 * which has no bind. PDUs go in as one read batch each; what the router wrote comes back decoded.
 */
final class EmbeddedSession implements AutoCloseable {
    final EmbeddedChannel ch;
    final Engine engine;
    private final ChronicleJournal journal;
    private int sequence = 1;

    /**
     * A session over a new journal in {@code dir} and a {@link #shopEngine} holding at most
     * {@code maxUndelivered} messages per class; {@code setUp} sees the engine before the session
     * handler is made. Not bound yet.
     */
    static EmbeddedSession open(java.nio.file.Path dir, int maxUndelivered,
                                java.util.function.Consumer<Engine> setUp) {
        ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        Engine engine = shopEngine(journal, maxUndelivered);
        setUp.accept(engine);
        return new EmbeddedSession(journal, engine);
    }

    /** The engine: its classes hold at most {@code maxUndelivered} messages not yet taken by an operator. */
    static Engine shopEngine(ChronicleJournal journal, int maxUndelivered) {
        return new Engine(new AccountRegistry(List.of(Account.of("shop", "pw", null, Moderation.NONE, 0, 4,
                List.of()))), new RouteTable(List.of(new Route(null, "7", null, List.of("opA")))), List.of("opA"),
                journal, new LocalReceiptCorrelator(Duration.ofHours(1), 10_000), new ClientRegistry(), maxUndelivered,
                new Moderator(StopWordAutomaton.build(StopWordList.parse("t", "casino\n"))),
                new LocalModerationQueue(), 1_000);
    }

    private EmbeddedSession(ChronicleJournal journal, Engine engine) {
        this.journal = journal;
        this.engine = engine;
        SmppServerSettings settings = new SmppServerSettings("127.0.0.1", 0,
                SmppServerSettings.defaults(0).maxPduLength(), 16, 30_000, 120_000, 10_000, 10_000, "smsrouter");
        ch = new EmbeddedChannel(new SmppFrameDecoder(settings.maxPduLength()), new SmppEncoder(),
                new ClientSessionHandler(settings, engine));
    }

    /** Releases what the channel holds and closes the journal. */
    @Override
    public void close() {
        ch.finishAndReleaseAll();
        journal.close();
    }

    /** Binds as {@code shop} (transceiver) and checks the answer. */
    void bind() {
        read(new BindPdu(CommandId.BIND_TRANSCEIVER).systemId("shop").password("pw"));
        assertThat(written()).singleElement().satisfies(p -> assertThat(p.commandStatus()).isZero());
    }

    static SmPdu submit(String text) {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM);
        p.sourceAddr("Shop").destinationAddr("79161234567").shortMessage(text.getBytes(StandardCharsets.ISO_8859_1));
        return p;
    }

    /** One read of these PDUs (one batch), numbered from the session's next sequence number. */
    void read(Pdu... pdus) {
        ByteBuf b = Unpooled.buffer();
        for (Pdu p : pdus) {
            p.sequenceNumber(sequence++);
            SmppPduCodec.encode(p, b);
        }
        ch.writeInbound(b);
        ch.runPendingTasks();
    }

    /** Every PDU written since the last call. */
    List<Pdu> written() {
        List<Pdu> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
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
