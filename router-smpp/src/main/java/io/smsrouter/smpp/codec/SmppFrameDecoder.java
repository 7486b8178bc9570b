package io.smsrouter.smpp.codec;

import static io.smsrouter.smpp.pdu.CommandStatus.ESME_RINVCMDLEN;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into SMPP PDUs by command_length (SMPP 3.4 section 3.2) and decodes
 * each one; emits {@code Pdu} or {@link InvalidPdu} objects.
 *
 * <p>command_length is checked before anything is buffered:
 * <ul>
 *   <li>below 16: the stream cannot be resynchronised. Emits a fatal {@link InvalidPdu}
 *       (ESME_RINVCMDLEN, command_id and sequence 0) and drops every later byte; the handler answers
 *       generic_nack and closes.</li>
 *   <li>above {@code maxPduLength}: once the 16-byte header is in, emits a non-fatal
 *       {@link InvalidPdu} (ESME_RINVCMDLEN, with the PDU's command_id and sequence number) and then
 *       skips exactly command_length bytes as they arrive, without buffering them, so the session
 *       goes on with the next PDU.</li>
 *   <li>otherwise: waits for the whole PDU and decodes it in place in the cumulation buffer; a
 *       {@link SmppDecodeException} becomes a non-fatal {@link InvalidPdu}.</li>
 * </ul>
 *
 * <p>One instance per channel (it holds the skip state).
 */
public final class SmppFrameDecoder extends ByteToMessageDecoder {

    private final int maxPduLength;
    private long bytesToDiscard;
    private boolean broken;

    /** @param maxPduLength the largest command_length accepted, at least 16 */
    public SmppFrameDecoder(int maxPduLength) {
        if (maxPduLength < SmppPduCodec.HEADER_LENGTH) {
            throw new IllegalArgumentException("maxPduLength must be at least 16, was " + maxPduLength);
        }
        this.maxPduLength = maxPduLength;
    }

    public int maxPduLength() {
        return maxPduLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (bytesToDiscard > 0) {
            discard(in);
            if (bytesToDiscard > 0) {
                return;
            }
        }
        int readable = in.readableBytes();
        if (readable < 4) {
            return;
        }
        int start = in.readerIndex();
        long commandLength = in.getUnsignedInt(start);
        if (commandLength < SmppPduCodec.HEADER_LENGTH) {
            broken = true;
            in.skipBytes(readable);
            out.add(new InvalidPdu(0, 0, ESME_RINVCMDLEN, true,
                    "command_length " + commandLength + " is shorter than the 16-byte header"));
            return;
        }
        if (commandLength > maxPduLength) {
            if (readable < SmppPduCodec.HEADER_LENGTH) {
                return; // the header tells which sequence number the generic_nack must carry
            }
            int commandId = in.getInt(start + 4);
            int seq = in.getInt(start + 12);
            out.add(new InvalidPdu(commandId, seq, ESME_RINVCMDLEN, false,
                    "command_length " + commandLength + " is over the limit of " + maxPduLength));
            bytesToDiscard = commandLength;
            discard(in);
            return;
        }
        if (readable < commandLength) {
            return;
        }
        // decoded in place: the codec reads only inside this PDU's command_length (every read is
        // checked against its end) and leaves the reader index just after it, so no slice per frame
        try {
            out.add(SmppPduCodec.decode(in));
        } catch (SmppDecodeException e) {
            out.add(new InvalidPdu(e.commandId(), e.sequenceNumber(), e.status(), false, e.getMessage()));
        }
    }

    private void discard(ByteBuf in) {
        int n = (int) Math.min(bytesToDiscard, in.readableBytes());
        in.skipBytes(n);
        bytesToDiscard -= n;
    }
}
