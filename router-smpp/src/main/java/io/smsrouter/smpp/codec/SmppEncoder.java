package io.smsrouter.smpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.smsrouter.smpp.pdu.Pdu;

/**
 * Writes each outbound {@link Pdu} into a pooled I/O buffer of exactly its encoded size. Stateless:
 * one {@link #INSTANCE} serves every channel.
 */
@Sharable
public final class SmppEncoder extends MessageToByteEncoder<Pdu> {

    public static final SmppEncoder INSTANCE = new SmppEncoder();

    private SmppEncoder() {
        super(Pdu.class, true);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Pdu msg, boolean preferDirect) {
        int length = SmppPduCodec.encodedLength(msg);
        return ctx.alloc().ioBuffer(length, length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Pdu msg, ByteBuf out) {
        SmppPduCodec.encode(msg, out);
    }
}
