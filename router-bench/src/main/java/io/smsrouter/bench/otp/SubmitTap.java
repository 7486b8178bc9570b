package io.smsrouter.bench.otp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.transport.SmppTransport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sees every submit_sm the operator simulator receives, the moment it is decoded, without
 * touching the simulator: the simulator runs its connections on an event-loop group the bench
 * creates, and this group puts a handler right after each connection's {@link SmppFrameDecoder}
 * when the connection registers, on its own event loop, after the simulator's initializer has
 * built the pipeline and before the first byte is read. The handler calls the {@link Listener}
 * with the decoded PDU and {@link System#nanoTime()}, then passes the PDU on unchanged.
 *
 * <p>A stopgap until the simulator offers such a hook itself (a submit listener in
 * {@code SmscSimulator}); {@link #tapped()} and the listener's count of every submit against the
 * simulator's {@code submitCount()} show that nothing went past it.
 */
public final class SubmitTap {
    static final String HANDLER_NAME = "bench-submit-tap";

    /** Told of each submit_sm; called on the simulator's event loop, so it must be quick. */
    public interface Listener {
        void submitArrived(SmPdu submit, long nanoTime);
    }

    private SubmitTap() {
    }

    /** An event-loop group like {@link SmppTransport#newGroup}, tapping every SMPP connection registered on it. */
    public static Group group(String name, int threads, Listener listener) {
        return new Group(threads, SmppTransport.threadFactory(name), SmppTransport.ioHandlerFactory(),
                new Handler(listener));
    }

    /** The group; counts the connections it tapped. */
    public static final class Group extends MultiThreadIoEventLoopGroup {
        private final Handler handler;
        private final AtomicInteger tapped = new AtomicInteger();

        Group(int threads, java.util.concurrent.ThreadFactory threadFactory, IoHandlerFactory factory,
              Handler handler) {
            super(threads, threadFactory, factory);
            this.handler = handler;
        }

        /** Connections that got the handler (the listening socket has no frame decoder and is not counted). */
        public int tapped() {
            return tapped.get();
        }

        @Override
        public ChannelFuture register(Channel channel) {
            return tapWhenRegistered(super.register(channel));
        }

        @Override
        public ChannelFuture register(ChannelPromise promise) {
            return tapWhenRegistered(super.register(promise));
        }

        private ChannelFuture tapWhenRegistered(ChannelFuture f) {
            f.addListener(done -> {
                if (done.isSuccess()) {
                    tap(f.channel());
                }
            });
            return f;
        }

        private void tap(Channel ch) {
            ChannelPipeline p = ch.pipeline();
            ChannelHandlerContext decoder = p.context(SmppFrameDecoder.class);
            if (decoder != null && p.get(HANDLER_NAME) == null) {
                p.addAfter(decoder.name(), HANDLER_NAME, handler);
                tapped.incrementAndGet();
            }
        }
    }

    @ChannelHandler.Sharable
    static final class Handler extends ChannelInboundHandlerAdapter {
        private final Listener listener;

        Handler(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof SmPdu p && p.commandId() == CommandId.SUBMIT_SM) {
                listener.submitArrived(p, System.nanoTime());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
