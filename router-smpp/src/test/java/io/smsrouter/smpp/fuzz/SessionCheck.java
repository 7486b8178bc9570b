package io.smsrouter.smpp.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.billing.PriceTable;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.StopWordList;
import io.smsrouter.core.policy.DuplicateFilter;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.core.policy.QuietHours;
import io.smsrouter.core.policy.SendingWindow;
import io.smsrouter.core.policy.StopKeywords;
import io.smsrouter.core.policy.TimeZoneTable;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import io.smsrouter.smpp.codec.SmppDecodeException;
import io.smsrouter.smpp.codec.SmppEncoder;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.codec.SmppPduCodec;
import io.smsrouter.smpp.message.SmppMessages;
import io.smsrouter.smpp.pdu.CancelSmPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.DataSmPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.ReplaceSmPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.server.SmppServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * One client connection with arbitrary bytes in, checked against what SMPP 3.4 and the README's status
 * table say the router answers. The pipeline is the server's (SmppFrameDecoder, SmppEncoder, the real
 * ClientSessionHandler) in an EmbeddedChannel, over a real Engine and Chronicle journal wired like
 * Router wires it (moderation, opt-outs, dedup, quiet hours, billing): accounts {@code shop}/{@code pw}
 * (sender "Shop", billed, deduplicating), {@code any}/{@code anypw} (any sender, promo, stop-word
 * scan) and {@code mod}/{@code modpw} (held for a moderator); routes for numbers starting with 7.
 * <ul>
 *   <li>every byte the router writes is a well-formed PDU, and its own requests (deliver_sm, unbind)
 *       carry a sequence_number from 1 to 0x7FFFFFFF (section 5.1.4);</li>
 *   <li>each request gets exactly one answer, in order, with its sequence_number: its own response with
 *       a status the README documents for it, or a generic_nack with the decode status; never
 *       ESME_RSYSERR, which only an exception inside the handler produces;</li>
 *   <li>a response from the client, also to nothing the router sent, gets no answer;</li>
 *   <li>the connection stays open, except after the client's unbind (answered, then closed) and after
 *       command_length under 16 (generic_nack 0x02, unbind, close);</li>
 *   <li>nothing is logged at ERROR (the handler logs there when it caught an exception);</li>
 *   <li>an accepted submit_sm or data_sm reaches the operator queue as the client sent it.</li>
 * </ul>
 */
final class SessionCheck implements AutoCloseable {

    private static final int RESPONSE = 0x80000000;
    /** Executions on one engine before a fresh one: accepted and scheduled messages stay on its heap. */
    private static final int RUNS_PER_ENGINE = 20_000;

    private static final Set<Integer> BIND = Set.of(CommandStatus.ESME_ROK, CommandStatus.ESME_RINVSYSID,
            CommandStatus.ESME_RINVPASWD, CommandStatus.ESME_RBINDFAIL, CommandStatus.ESME_RALYBND);
    private static final Set<Integer> SUBMIT = Set.of(CommandStatus.ESME_ROK, CommandStatus.ESME_RINVBNDSTS,
            CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RINVSRCADR,
            CommandStatus.ESME_RINVDSTADR, CommandStatus.ESME_RSUBMITFAIL, CommandStatus.ESME_RINVSCHED,
            CommandStatus.ROUTER_ROPTEDOUT, CommandStatus.ROUTER_RNOBALANCE, CommandStatus.ROUTER_RNOPRICE);
    private static final Set<Integer> SUBMIT_MULTI = union(SUBMIT, Set.of(CommandStatus.ESME_RINVNUMDESTS));
    private static final Set<Integer> QUERY = Set.of(CommandStatus.ESME_ROK, CommandStatus.ESME_RINVBNDSTS,
            CommandStatus.ESME_RQUERYFAIL);
    private static final Set<Integer> CANCEL = Set.of(CommandStatus.ESME_ROK, CommandStatus.ESME_RINVBNDSTS,
            CommandStatus.ESME_RCANCELFAIL);
    private static final Set<Integer> REPLACE = Set.of(CommandStatus.ESME_ROK, CommandStatus.ESME_RINVBNDSTS,
            CommandStatus.ESME_RREPLACEFAIL);
    private static final Set<Integer> OK = Set.of(CommandStatus.ESME_ROK);

    private final SmppServerSettings settings = new SmppServerSettings("127.0.0.1", 0,
            SmppServerSettings.defaults(0).maxPduLength(), 16, 30_000, 120_000, 10_000, 10_000, "smsrouter");
    private final Path dir;
    private final Constructor<? extends ChannelHandler> handler;
    private final Logger ours = (Logger) LoggerFactory.getLogger("io.smsrouter");
    private final Level oursLevel;
    private final ErrorCollector errors = new ErrorCollector();
    private ChronicleJournal journal;
    private Engine engine;
    private int runs;
    private int generation;

    SessionCheck() {
        try {
            dir = Files.createTempDirectory("smpp-session-fuzz");
            // package-private in io.smsrouter.smpp.server: built as SmppServer builds it, through its constructor
            @SuppressWarnings("unchecked")
            Constructor<? extends ChannelHandler> c = (Constructor<? extends ChannelHandler>)
                    Class.forName("io.smsrouter.smpp.server.ClientSessionHandler")
                            .getDeclaredConstructor(SmppServerSettings.class, Engine.class);
            c.setAccessible(true);
            handler = c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        // every invalid PDU is logged at INFO: millions of lines while fuzzing; errors are what we look for
        oursLevel = ours.getLevel();
        ours.setLevel(Level.ERROR);
        errors.start();
        ours.addAppender(errors);
        newEngine();
    }

    private void newEngine() {
        closeEngine();
        List<Account> accounts = List.of(
                // billed (one unit per segment to 79...), deduplicating, sender allow-list
                Account.of("shop", "pw", null, Moderation.NONE, 500, 4, List.of("Shop")),
                // any sender, promo (quiet hours for numbers starting with 7), stop-word scan
                Account.of("any", "anypw", null, Moderation.AUTO, 500, 4, List.of(), TrafficClass.PROMO),
                // everything held for a moderator
                Account.of("mod", "modpw", null, Moderation.MANUAL, 500, 4, List.of(), TrafficClass.OTP));
        journal = new ChronicleJournal(dir.resolve("journal-" + generation++), "HOURLY", false);
        engine = new Engine(new AccountRegistry(accounts), new RouteTable(List.of(
                new Route(null, "79", null, List.of("opA")),
                new Route(null, "7", null, List.of("opA", "opB"), List.of(70, 30)))),
                List.of("opA", "opB"), journal, new LocalReceiptCorrelator(Duration.ofHours(1), 10_000),
                new ClientRegistry(), 1_000_000,
                new Moderator(StopWordAutomaton.build(StopWordList.parse("fuzz", "casino\nfree money\n"))),
                new LocalModerationQueue(), 1_000);
        engine.optOutPolicy(StopKeywords.defaults(), Set.of(TrafficClass.OTP));
        engine.optOuts().add(OptOut.global("79990000000", System.currentTimeMillis(), "fuzz"));
        engine.dedup(new DuplicateFilter(Map.of("shop", Duration.ofMinutes(10)), 100_000));
        engine.quietHours(new QuietHours(TimeZoneTable.of(Map.of("7", ZoneId.of("Europe/Moscow"))),
                SendingWindow.DEFAULT, Map.of(), Set.of()));
        engine.billing(new Billing(PriceTable.of(List.of(new PriceTable.Price(null, null, "79", 1_000_000))),
                Map.of("shop", 1_000_000_000_000L), false));
    }

    private void closeEngine() {
        if (journal != null) {
            Path old = dir.resolve("journal-" + (generation - 1));
            journal.close();
            journal = null;
            deleteTree(old);
        }
    }

    /** What the router wrote back, decoded, and whether the connection was still open. */
    record Outcome(List<Pdu> written, boolean open) {
    }

    /** Feeds {@code data} to a new session, checks every invariant and returns what it answered. */
    Outcome check(byte[] data) {
        if (++runs % RUNS_PER_ENGINE == 0) {
            newEngine();
        }
        errors.events.clear();
        EmbeddedChannel ch;
        try {
            ch = new EmbeddedChannel(new SmppFrameDecoder(settings.maxPduLength()), new SmppEncoder(),
                    handler.newInstance(settings, engine));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        List<Pdu> written;
        boolean open;
        List<Message> upstream = new ArrayList<>();
        try {
            // in up to three reads, each its own batch (journal append and flush), cut where the data says
            int cut1 = data.length == 0 ? 0 : Math.floorMod(Arrays.hashCode(data), data.length + 1);
            int cut2 = cut1 + (data.length - cut1) / 2;
            for (int[] read : new int[][] {{0, cut1}, {cut1, cut2}, {cut2, data.length}}) {
                if (ch.isOpen()) { // a closed connection reads nothing more
                    // a copy: the decoder owns what it reads and compacts it in place
                    ch.writeInbound(Unpooled.copiedBuffer(data, read[0], read[1] - read[0]));
                }
            }
            ch.runPendingTasks();
            written = written(ch);
            open = ch.isOpen();
        } catch (Exception e) {
            throw new AssertionError("the pipeline threw " + e, e);
        } finally {
            ch.finishAndReleaseAll();
            // nobody sends upstream here: what was queued is taken, and checked below
            for (String operator : List.of("opA", "opB")) {
                Message m;
                while ((m = engine.operatorQueue(operator).poll()) != null) {
                    upstream.add(m);
                }
            }
        }
        if (!errors.events.isEmpty()) {
            ILoggingEvent e = errors.events.peek();
            throw new AssertionError("logged at ERROR: " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": "
                    + e.getThrowableProxy().getMessage() + ")"));
        }
        List<Pdu> responses = new ArrayList<>();
        int unbinds = 0;
        for (Pdu p : written) {
            if (p.isResponse()) {
                responses.add(p);
                continue;
            }
            if (p.sequenceNumber() < 1) { // section 5.1.4: 0x00000001 to 0x7FFFFFFF
                throw new AssertionError("the router sent a request with sequence_number "
                        + Integer.toUnsignedString(p.sequenceNumber()) + ": " + p);
            }
            if (p.commandId() == CommandId.UNBIND) {
                unbinds++;
            } else if (p.commandId() != CommandId.DELIVER_SM) {
                throw new AssertionError("the router sent the request " + p);
            }
        }
        Expected expected = expect(data);
        if (responses.size() != expected.answers.size()) {
            throw new AssertionError("expected " + expected.answers.size() + " answers " + expected.answers
                    + ", got " + responses.size() + " " + responses);
        }
        Map<String, Pdu> accepted = new HashMap<>();
        for (int i = 0; i < responses.size(); i++) {
            Answer a = expected.answers.get(i);
            Pdu r = responses.get(i);
            a.check(r);
            if (a.request() != null && r instanceof MessageIdRespPdu m && m.commandStatus() == CommandStatus.ESME_ROK) {
                accepted.put(m.messageId(), a.request());
            }
        }
        for (Message m : upstream) {
            Pdu request = accepted.get(m.idString());
            if (request != null && !expected.changed.contains(m.idString())) {
                checkUpstream(request, SmppMessages.toSubmitSm(m));
            }
        }
        if (unbinds != (expected.broken ? 1 : 0)) {
            throw new AssertionError("the router sent " + unbinds + " unbind" + (expected.broken
                    ? " after losing the framing, expected 1" : " without losing the framing"));
        }
        if (open != !expected.closes) {
            throw new AssertionError(open ? "the connection is still open after " + expected.closer
                    : "the connection was closed, expected open: answers " + responses);
        }
        return new Outcome(written, open);
    }

    /** @param request the submit_sm or data_sm answered, whose message is checked when it goes upstream */
    private record Answer(String what, int commandId, int sequenceNumber, Set<Integer> statuses, Pdu request) {
        void check(Pdu p) {
            if (p.commandId() != commandId || p.sequenceNumber() != sequenceNumber
                    || !statuses.contains(p.commandStatus())) {
                throw new AssertionError("expected " + this + ", got " + p);
            }
            if (p instanceof MessageIdRespPdu m && m.commandId() != CommandId.DELIVER_SM_RESP
                    && (m.commandStatus() == CommandStatus.ESME_ROK) == m.messageId().isEmpty()) {
                throw new AssertionError("message_id \"" + m.messageId() + "\" with status 0x"
                        + Integer.toHexString(m.commandStatus()) + ": " + p);
            }
        }

        @Override
        public String toString() {
            return what + "(seq " + Integer.toUnsignedString(sequenceNumber) + ", status in " + statuses + ")";
        }
    }

    private static final class Expected {
        final List<Answer> answers = new ArrayList<>();
        boolean closes;
        boolean broken;
        String closer;
        /** ids of messages a cancel_sm or replace_sm may have changed */
        final Set<String> changed = new HashSet<>();
    }

    /** The answers SMPP 3.4 and the README call for, from the input alone. */
    private Expected expect(byte[] data) {
        Expected x = new Expected();
        for (Framing.Unit unit : Framing.of(data, settings.maxPduLength())) {
            if (unit instanceof Framing.Broken) {
                x.answers.add(nack(0, CommandStatus.ESME_RINVCMDLEN));
                x.closes = true;
                x.broken = true;
                x.closer = "command_length under 16";
                break;
            }
            if (unit instanceof Framing.Oversized o) {
                x.answers.add(nack(o.sequenceNumber(), CommandStatus.ESME_RINVCMDLEN));
                continue;
            }
            Framing.Frame f = (Framing.Frame) unit;
            Pdu p;
            try {
                p = SmppPduCodec.decode(Unpooled.wrappedBuffer(data, f.offset(), f.length()));
            } catch (SmppDecodeException e) {
                x.answers.add(nack(e.sequenceNumber(), e.status()));
                continue;
            }
            if (p.isResponse()) {
                continue; // nothing answers a response, whether or not the router asked for it
            }
            int seq = p.sequenceNumber();
            int id = p.commandId();
            switch (id) {
                case CommandId.BIND_TRANSMITTER, CommandId.BIND_RECEIVER, CommandId.BIND_TRANSCEIVER ->
                        x.answers.add(answer(id, seq, BIND));
                case CommandId.ENQUIRE_LINK -> x.answers.add(answer(id, seq, OK));
                case CommandId.UNBIND -> {
                    x.answers.add(answer(id, seq, OK));
                    x.closes = true;
                    x.closer = "unbind";
                }
                case CommandId.SUBMIT_SM, CommandId.DATA_SM -> x.answers.add(answer(id, seq, SUBMIT, p));
                case CommandId.SUBMIT_MULTI -> x.answers.add(answer(id, seq, SUBMIT_MULTI));
                case CommandId.QUERY_SM -> x.answers.add(answer(id, seq, QUERY));
                case CommandId.CANCEL_SM -> {
                    x.answers.add(answer(id, seq, CANCEL));
                    x.changed.add(((CancelSmPdu) p).messageId());
                }
                case CommandId.REPLACE_SM -> {
                    x.answers.add(answer(id, seq, REPLACE));
                    x.changed.add(((ReplaceSmPdu) p).messageId());
                }
                // deliver_sm, outbind, alert_notification: an SMSC's requests, not an ESME's
                default -> x.answers.add(nack(seq, CommandStatus.ESME_RINVCMDID));
            }
            if (x.closes) {
                break;
            }
        }
        return x;
    }

    private static Answer answer(int requestId, int seq, Set<Integer> statuses) {
        return answer(requestId, seq, statuses, null);
    }

    private static Answer answer(int requestId, int seq, Set<Integer> statuses, Pdu request) {
        return new Answer(CommandId.name(requestId | RESPONSE), requestId | RESPONSE, seq, statuses, request);
    }

    private static Answer nack(int seq, int status) {
        return new Answer("generic_nack", CommandId.GENERIC_NACK, seq, Set.of(status), null);
    }

    /**
     * What goes to the operator is what the client sent (SMPP 3.4 section 4.4.1 fields and every TLV,
     * in order), with only the changes SmppMessages documents: esm_class without its messaging-mode
     * bits, a receipt always requested, priority by traffic class, no schedule; data_sm goes as
     * submit_sm with its message_payload.
     */
    private static void checkUpstream(Pdu request, SmPdu up) {
        List<String> diffs = new ArrayList<>();
        if (request instanceof SmPdu r) {
            same(diffs, "service_type", r.serviceType(), up.serviceType());
            same(diffs, "source", r.sourceAddrTon() + "/" + r.sourceAddrNpi() + "/" + r.sourceAddr(),
                    up.sourceAddrTon() + "/" + up.sourceAddrNpi() + "/" + up.sourceAddr());
            same(diffs, "destination", r.destAddrTon() + "/" + r.destAddrNpi() + "/" + r.destinationAddr(),
                    up.destAddrTon() + "/" + up.destAddrNpi() + "/" + up.destinationAddr());
            same(diffs, "esm_class", r.esmClass() & ~0x03, up.esmClass());
            same(diffs, "protocol_id", r.protocolId(), up.protocolId());
            same(diffs, "validity_period", r.validityPeriod(), up.validityPeriod());
            same(diffs, "registered_delivery", (r.registeredDelivery() & ~0x03) | 0x01, up.registeredDelivery());
            same(diffs, "data_coding", r.dataCoding(), up.dataCoding());
            same(diffs, "short_message", HexFormat.of().formatHex(r.shortMessage()),
                    HexFormat.of().formatHex(up.shortMessage()));
        } else if (request instanceof DataSmPdu r) {
            same(diffs, "service_type", r.serviceType(), up.serviceType());
            same(diffs, "source", r.sourceAddrTon() + "/" + r.sourceAddrNpi() + "/" + r.sourceAddr(),
                    up.sourceAddrTon() + "/" + up.sourceAddrNpi() + "/" + up.sourceAddr());
            same(diffs, "destination", r.destAddrTon() + "/" + r.destAddrNpi() + "/" + r.destinationAddr(),
                    up.destAddrTon() + "/" + up.destAddrNpi() + "/" + up.destinationAddr());
            same(diffs, "esm_class", r.esmClass() & ~0x03, up.esmClass());
            same(diffs, "registered_delivery", (r.registeredDelivery() & ~0x03) | 0x01, up.registeredDelivery());
            same(diffs, "data_coding", r.dataCoding(), up.dataCoding());
            same(diffs, "short_message", "", HexFormat.of().formatHex(up.shortMessage()));
        }
        same(diffs, "tlvs", request.tlvs(), up.tlvs());
        if (!diffs.isEmpty()) {
            throw new AssertionError("sent upstream unlike the client's " + request + ": " + diffs);
        }
    }

    private static void same(List<String> diffs, String field, Object client, Object upstream) {
        if (!client.equals(upstream)) {
            diffs.add(field + " " + client + " became " + upstream);
        }
    }

    /** The outbound bytes as PDUs; each must be a whole, well-formed PDU. */
    private List<Pdu> written(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        try {
            Object o;
            while ((o = ch.readOutbound()) != null) {
                ByteBuf b = (ByteBuf) o;
                all.writeBytes(b);
                b.release();
            }
            List<Pdu> out = new ArrayList<>();
            while (all.isReadable()) {
                if (all.readableBytes() < Framing.HEADER_LENGTH || all.getUnsignedInt(all.readerIndex()) > all.readableBytes()) {
                    throw new AssertionError("the router wrote a partial PDU: " + ByteBufUtil.hexDump(all));
                }
                int at = all.readerIndex();
                try {
                    out.add(SmppPduCodec.decode(all));
                } catch (SmppDecodeException e) {
                    throw new AssertionError("the router wrote a malformed PDU (" + e.getMessage() + "): "
                            + ByteBufUtil.hexDump(all, at, all.readerIndex() - at), e);
                }
            }
            return out;
        } finally {
            all.release();
        }
    }

    @Override
    public void close() {
        closeEngine();
        ours.detachAppender(errors);
        ours.setLevel(oursLevel);
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory: what is left is harmless
        }
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        List<Integer> all = new ArrayList<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static final class ErrorCollector extends AppenderBase<ILoggingEvent> {
        final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                events.add(e);
            }
        }
    }
}
