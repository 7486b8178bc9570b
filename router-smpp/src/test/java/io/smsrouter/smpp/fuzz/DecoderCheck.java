package io.smsrouter.smpp.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smsrouter.smpp.codec.InvalidPdu;
import io.smsrouter.smpp.codec.SmppDecodeException;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.codec.SmppPduCodec;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.Pdu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder's invariants over an arbitrary byte stream, checked the way the server reads: through
 * {@link SmppFrameDecoder} in a channel, the stream given whole and again in uneven pieces.
 * <ul>
 *   <li>nothing is thrown: every unit of the stream comes out as a {@link Pdu} or an {@link InvalidPdu};</li>
 *   <li>the units are the ones {@link Framing} finds, in order, and nothing follows a fatal one;</li>
 *   <li>a whole frame is refused exactly when {@link SpecLayout} (chapter 4's tables) says it is
 *       malformed, with the status it names (README, "SMPP status codes the router answers"); an
 *       {@link InvalidPdu} carries the frame's command_id and sequence_number, one of the documented
 *       statuses, ESME_RINVCMDID exactly when the command_id is not an SMPP 3.4 one, and is fatal only
 *       for command_length under 16;</li>
 *   <li>decoding reads nothing past the frame: the codec run on the frame followed by other bytes
 *       gives the same result and stops at the frame's end;</li>
 *   <li>a decoded PDU encodes again, to the very bytes it came from (a response sent without body
 *       and an error message_id response with an empty body are the only rewritings), and its
 *       encoding decodes to an equal PDU.</li>
 * </ul>
 */
final class DecoderCheck {

    /** Smaller than the server's 65536 so that skipping an oversized PDU and going on fits a fuzz input. */
    static final int MAX_PDU_LENGTH = 1024;

    private DecoderCheck() {
    }

    /** Checks every invariant; throws AssertionError naming the one broken. Returns what was decoded. */
    static List<Object> check(byte[] data) {
        List<Framing.Unit> expected = Framing.of(data, MAX_PDU_LENGTH);
        List<Object> whole = decode(data, new int[] {data.length});
        List<Object> pieces = decode(data, pieces(data));
        if (!describe(whole).equals(describe(pieces))) {
            throw new AssertionError("decoding depends on how the bytes arrive: at once " + describe(whole)
                    + ", in pieces " + describe(pieces));
        }
        if (whole.size() != expected.size()) {
            throw new AssertionError("expected " + expected.size() + " units " + expected + ", decoded "
                    + describe(whole));
        }
        for (int i = 0; i < expected.size(); i++) {
            Framing.Unit unit = expected.get(i);
            Object out = whole.get(i);
            if (unit instanceof Framing.Broken) {
                expectInvalid(out, new InvalidPdu(0, 0, CommandStatus.ESME_RINVCMDLEN, true, null), unit);
            } else if (unit instanceof Framing.Oversized o) {
                expectInvalid(out, new InvalidPdu(o.commandId(), o.sequenceNumber(), CommandStatus.ESME_RINVCMDLEN,
                        false, null), unit);
            } else {
                checkFrame(data, (Framing.Frame) unit, out);
            }
        }
        return whole;
    }

    private static void checkFrame(byte[] data, Framing.Frame f, Object out) {
        byte[] frame = Arrays.copyOfRange(data, f.offset(), f.offset() + f.length());
        Object direct = decodeAmidOtherBytes(frame);
        if (!describe(out).equals(describe(direct))) {
            throw new AssertionError("the codec alone decodes " + describe(direct) + " where the channel gave "
                    + describe(out) + " for " + hex(frame));
        }
        int deserved = SpecLayout.expectedStatus(frame);
        int got = out instanceof InvalidPdu bad ? bad.status() : 0;
        if (got != deserved) {
            throw new AssertionError("SMPP 3.4 and the README call for " + (deserved == 0 ? "a PDU"
                    : "status 0x" + Integer.toHexString(deserved)) + ", the decoder gave " + describe(out)
                    + " for " + hex(frame));
        }
        if (out instanceof InvalidPdu bad) {
            if (bad.fatal() || bad.commandId() != f.commandId() || bad.sequenceNumber() != f.sequenceNumber()) {
                throw new AssertionError(bad + " does not name the frame " + f);
            }
            int s = bad.status();
            if (s != CommandStatus.ESME_RINVMSGLEN && s != CommandStatus.ESME_RINVCMDLEN
                    && s != CommandStatus.ESME_RINVCMDID && s != CommandStatus.ESME_RINVDESTFLAG
                    && s != CommandStatus.ESME_RINVOPTPARSTREAM) {
                throw new AssertionError("undocumented decode status 0x" + Integer.toHexString(s) + " in " + bad);
            }
            if ((s == CommandStatus.ESME_RINVCMDID) == CommandId.isKnown(f.commandId())) {
                throw new AssertionError(bad + " for command_id 0x" + Integer.toHexString(f.commandId()));
            }
            return;
        }
        Pdu pdu = (Pdu) out;
        if (pdu.commandId() != f.commandId() || pdu.commandStatus() != f.commandStatus()
                || pdu.sequenceNumber() != f.sequenceNumber()) {
            throw new AssertionError(pdu + " has another header than " + f);
        }
        if (pdu.toString().isEmpty()) {
            throw new AssertionError("empty toString");
        }
        byte[] encoded = encode(pdu, frame);
        if (!rewritten(pdu, frame) && !Arrays.equals(encoded, frame)) {
            throw new AssertionError(pdu + " decoded from " + hex(frame) + " encodes as " + hex(encoded));
        }
        Pdu again;
        try {
            again = SmppPduCodec.decode(Unpooled.wrappedBuffer(encoded));
        } catch (SmppDecodeException e) {
            throw new AssertionError("the encoding " + hex(encoded) + " of " + pdu + " does not decode: "
                    + e.getMessage(), e);
        }
        if (again.getClass() != pdu.getClass() || !Arrays.equals(encode(again, encoded), encoded)) {
            throw new AssertionError(pdu + " encoded and decoded becomes " + again);
        }
    }

    /**
     * The two rewritings the codec documents: a response without body decodes with empty fields (and
     * gets a body when encoded), and a submit_sm_resp or data_sm_resp with an error status, an empty
     * message_id and no TLVs is encoded without body (SMPP 3.4 section 4.4.2).
     */
    private static boolean rewritten(Pdu pdu, byte[] frame) {
        if (frame.length == Framing.HEADER_LENGTH && pdu.isResponse()) {
            return true;
        }
        return pdu instanceof MessageIdRespPdu m && m.commandStatus() != 0
                && m.commandId() != CommandId.DELIVER_SM_RESP && m.messageId().isEmpty() && m.tlvs().isEmpty();
    }

    private static byte[] encode(Pdu pdu, byte[] from) {
        ByteBuf buf = Unpooled.buffer();
        try {
            int length = SmppPduCodec.encodedLength(pdu);
            SmppPduCodec.encode(pdu, buf);
            if (buf.readableBytes() != length) {
                throw new AssertionError("encodedLength " + length + " but " + buf.readableBytes() + " bytes written");
            }
            return ByteBufUtil.getBytes(buf);
        } catch (RuntimeException e) {
            throw new AssertionError(pdu + " decoded from " + hex(from) + " cannot be encoded: " + e, e);
        } finally {
            buf.release();
        }
    }

    /**
     * The frame decoded by the codec from a buffer where it sits between other bytes (NULs after it, so
     * a read past its end would find a terminator or a length instead of failing).
     */
    private static Object decodeAmidOtherBytes(byte[] frame) {
        byte[] around = new byte[3 + frame.length + 64];
        Arrays.fill(around, 0, 3, (byte) 0x7F);
        System.arraycopy(frame, 0, around, 3, frame.length);
        ByteBuf buf = Unpooled.wrappedBuffer(around);
        buf.readerIndex(3);
        Object out;
        try {
            out = SmppPduCodec.decode(buf);
        } catch (SmppDecodeException e) {
            out = new InvalidPdu(e.commandId(), e.sequenceNumber(), e.status(), false, e.getMessage());
        } catch (RuntimeException e) {
            throw new AssertionError("the codec threw " + e + " on " + hex(frame), e);
        }
        if (buf.readerIndex() != 3 + frame.length) {
            throw new AssertionError("the codec stopped at " + (buf.readerIndex() - 3) + " in a frame of "
                    + frame.length + " bytes: " + hex(frame));
        }
        return out;
    }

    /** Everything the decoder emits for {@code data} fed in pieces of the given sizes, then at end of stream. */
    static List<Object> decode(byte[] data, int[] pieceSizes) {
        EmbeddedChannel channel = new EmbeddedChannel(new SmppFrameDecoder(MAX_PDU_LENGTH));
        List<Object> out = new ArrayList<>();
        try {
            int at = 0;
            for (int size : pieceSizes) {
                // a copy: the decoder owns what it reads and compacts it in place
                channel.writeInbound(Unpooled.copiedBuffer(data, at, size));
                at += size;
                drain(channel, out);
            }
            channel.finish();
            drain(channel, out);
        } catch (RuntimeException e) {
            throw new AssertionError("the decoder threw " + e, e);
        } finally {
            channel.finishAndReleaseAll();
        }
        return out;
    }

    private static void drain(EmbeddedChannel channel, List<Object> out) {
        Object o;
        while ((o = channel.readInbound()) != null) {
            if (!(o instanceof Pdu) && !(o instanceof InvalidPdu)) {
                throw new AssertionError("the decoder emitted " + o.getClass().getName());
            }
            if (!out.isEmpty() && out.get(out.size() - 1) instanceof InvalidPdu last && last.fatal()) {
                throw new AssertionError("the decoder emitted " + o + " after the fatal " + last);
            }
            out.add(o);
        }
    }

    /** Uneven pieces, from 1 to 37 bytes, chosen from the data so that a finding replays the same way. */
    private static int[] pieces(byte[] data) {
        List<Integer> sizes = new ArrayList<>();
        int seed = Arrays.hashCode(data);
        int left = data.length;
        while (left > 0) {
            seed = seed * 1103515245 + 12345;
            int size = Math.min(left, 1 + ((seed >>> 16) & 0x7FFF) % 37);
            sizes.add(size);
            left -= size;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    static String describe(Object o) {
        if (o instanceof Pdu p) {
            ByteBuf buf = Unpooled.buffer();
            try {
                SmppPduCodec.encode(p, buf);
                return p.getClass().getSimpleName() + ":" + ByteBufUtil.hexDump(buf);
            } catch (RuntimeException e) {
                return p.getClass().getSimpleName() + ":unencodable(" + e.getMessage() + ")";
            } finally {
                buf.release();
            }
        }
        if (o instanceof InvalidPdu bad) {
            return "invalid(0x" + Integer.toHexString(bad.commandId()) + ", seq " + bad.sequenceNumber() + ", 0x"
                    + Integer.toHexString(bad.status()) + (bad.fatal() ? ", fatal" : "") + ")";
        }
        return String.valueOf(o);
    }

    static String describe(List<Object> all) {
        List<String> out = new ArrayList<>(all.size());
        for (Object o : all) {
            out.add(describe(o));
        }
        return out.toString();
    }

    private static void expectInvalid(Object out, InvalidPdu expected, Framing.Unit unit) {
        if (!(out instanceof InvalidPdu bad) || bad.commandId() != expected.commandId()
                || bad.sequenceNumber() != expected.sequenceNumber() || bad.status() != expected.status()
                || bad.fatal() != expected.fatal()) {
            throw new AssertionError("expected " + describe(expected) + " for " + unit + ", decoded " + describe(out));
        }
    }

    static String hex(byte[] bytes) {
        return bytes.length <= 256 ? ByteBufUtil.hexDump(bytes)
                : ByteBufUtil.hexDump(bytes, 0, 256) + "...(" + bytes.length + " bytes)";
    }
}
