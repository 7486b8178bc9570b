package io.smsrouter.smpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.smsrouter.smpp.pdu.Pdu;

/**
 * Encodes outbound {@link Pdu}s, coalescing the ones written between two flushes into one pooled
 * I/O buffer of up to {@value #CHUNK} bytes. A session writes a window's worth of PDUs and then
 * flushes once; one buffer for all of them, instead of one each, saves per PDU an allocation (and
 * the leak detector's sampling of it), a promise, an entry in the channel's outbound buffer and an
 * iovec. Other messages (raw {@code ByteBuf}s) pass through in order: the PDUs before them go out
 * first.
 *
 * <p>A write with a real promise (one a caller listens to, such as write-then-close) is not
 * coalesced: it goes out in a buffer of its own, so its promise means that PDU. A PDU that cannot
 * be encoded fails its own promise ({@link EncoderException}; through {@code exceptionCaught} for
 * a void one) and leaves the others of the batch whole. PDUs written and never flushed are dropped
 * with the channel, as unflushed writes are.
 *
 * <p>One instance per channel (it holds the batch).
 */
public final class SmppEncoder extends ChannelOutboundHandlerAdapter {
    /** The most bytes coalesced in one buffer; a larger PDU gets a buffer of its size. */
    static final int CHUNK = 16 * 1024;

    private ByteBuf batch;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Pdu pdu)) {
            writeBatch(ctx);
            ctx.write(msg, promise);
            return;
        }
        int length;
        try {
            length = SmppPduCodec.encodedLength(pdu);
        } catch (RuntimeException e) {
            promise.setFailure(new EncoderException(e));
            return;
        }
        if (!promise.isVoid()) {
            writeBatch(ctx);
            ByteBuf own = ctx.alloc().ioBuffer(length, length);
            if (encodeInto(own, pdu, length, promise)) {
                ctx.write(own, promise);
            } else {
                own.release();
            }
            return;
        }
        if (batch != null && batch.writableBytes() < length) {
            writeBatch(ctx);
        }
        if (batch == null) {
            batch = ctx.alloc().ioBuffer(Math.max(CHUNK, length));
        }
        encodeInto(batch, pdu, length, promise);
    }

    /** Appends the PDU; on failure rewinds {@code out} to where it was and fails {@code promise}. */
    private static boolean encodeInto(ByteBuf out, Pdu pdu, int length, ChannelPromise promise) {
        int mark = out.writerIndex();
        try {
            SmppPduCodec.write(pdu, length, out);
            return true;
        } catch (RuntimeException e) {
            out.writerIndex(mark);
            promise.setFailure(new EncoderException(e));
            return false;
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writeBatch(ctx);
        ctx.flush();
    }

    private void writeBatch(ChannelHandlerContext ctx) {
        ByteBuf b = batch;
        if (b == null) {
            return;
        }
        batch = null;
        if (b.isReadable()) {
            ctx.write(b, ctx.voidPromise());
        } else {
            b.release();
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        discard();
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard();
    }

    private void discard() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
    }
}
