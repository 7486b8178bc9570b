package io.smsrouter.bench.otp;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.smsrouter.bench.load.OpenLoopSchedule;
import io.smsrouter.smpp.codec.InvalidPdu;
import io.smsrouter.smpp.codec.SmppEncoder;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.transport.SmppTransport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The OTP sender of {@code scripts/bench --otp-rate}: one transceiver bind of its own (the OTP
 * account, whose traffic class is otp), on an event loop of its own, sending submit_sm open loop
 * on an {@link OpenLoopSchedule}: message {@code i} is due at its slot and carries {@code i} in its
 * text ({@link OtpText}), so its arrival at the operator can be timed from that slot. No receipts
 * are asked for (registered_delivery 0): the latency that counts ends at the operator. What
 * happens to each message goes to an {@link OtpRecorder}.
 *
 * <p>At most {@code window} submit_sm are unanswered; a message due while the window is full goes
 * out as soon as a response frees a slot, its latency still counted from its slot.
 */
public final class OtpStream implements AutoCloseable {
    static final String SOURCE = "OTP";
    private static final long MIN_PACING_NANOS = 100_000;

    private final String host;
    private final int port;
    private final String systemId;
    private final String password;
    private final int window;
    private final EventLoopGroup group = SmppTransport.newGroup("otp-io", 1);
    private final EventLoop loop = group.next();
    private final CompletableFuture<Void> bound = new CompletableFuture<>();

    // ---- the event loop's ----
    private OtpRecorder recorder;
    private OpenLoopSchedule schedule;
    private ChannelHandlerContext ctx;
    private boolean isBound;
    private boolean closing;
    private boolean running;
    private long endNanos;
    private long nextIndex;
    private int outstanding;
    private ScheduledFuture<?> timer;

    public OtpStream(String host, int port, String systemId, String password, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1");
        }
        this.host = host;
        this.port = port;
        this.systemId = systemId;
        this.password = password;
        this.window = window;
    }

    /** Connects and binds; throws when the bind is refused or takes longer than the timeout. */
    public void connect(long timeoutMs) throws InterruptedException, TimeoutException {
        ChannelFuture f = SmppTransport.client(loop, (int) timeoutMs)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("frame", new SmppFrameDecoder(65536))
                                .addLast("encoder", new SmppEncoder())
                                .addLast("session", new Session());
                    }
                })
                .connect(host, port);
        f.addListener(cf -> {
            if (!cf.isSuccess()) {
                bound.completeExceptionally(cf.cause());
            }
        });
        try {
            bound.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("OTP bind to " + host + ":" + port + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /**
     * Sends every message the recorder's schedule has due before {@code endNanos}, from now on,
     * telling the recorder; returns at once.
     */
    public void start(OtpRecorder recorder, long endNanos) {
        loop.execute(() -> {
            this.recorder = recorder;
            this.schedule = recorder.schedule();
            this.endNanos = endNanos;
            running = true;
            pump();
        });
    }

    /** Moves the end of the stream (earlier or later), from any thread. */
    public void endAt(long endNanos) {
        loop.execute(() -> {
            this.endNanos = endNanos;
            if (running) {
                pump();
            }
        });
    }

    /** Waits until every message written is answered and every acked one reached the operator, or the timeout. */
    public static boolean awaitDrained(OtpRecorder recorder, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!recorder.drained()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void pump() {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        long due = schedule.dueCount(now);
        boolean wrote = false;
        while (nextIndex < due && schedule.intendedNanos(nextIndex) - endNanos < 0 && canSend()) {
            send(nextIndex++);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (schedule.intendedNanos(nextIndex) - endNanos >= 0) {
            running = false; // done: the last due message is out
            return;
        }
        if (ctx == null || !ctx.channel().isActive()) {
            running = false;
            recorder.unsent(schedule.dueCount(endNanos - 1) - nextIndex);
            return;
        }
        if (nextIndex >= due && timer == null) {
            long wait = Math.max(MIN_PACING_NANOS, schedule.intendedNanos(nextIndex) - now);
            timer = loop.schedule(() -> {
                timer = null;
                pump();
            }, wait, TimeUnit.NANOSECONDS);
        }
        // otherwise the window is full: the next response pumps again
    }

    private boolean canSend() {
        return isBound && !closing && outstanding < window && ctx.channel().isWritable();
    }

    private void send(long index) {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM);
        p.sourceAddrTon(5).sourceAddrNpi(0).sourceAddr(SOURCE)
                .destAddrTon(1).destAddrNpi(1).destinationAddr(destination(index))
                .registeredDelivery(0)
                .dataCoding(0)
                .shortMessage(OtpText.of(index));
        p.sequenceNumber(sequenceOf(index));
        outstanding++;
        ctx.write(p, ctx.voidPromise());
        recorder.sent(index, System.nanoTime());
    }

    static String destination(long index) {
        return "7999" + String.format("%07d", index % 10_000_000);
    }

    /** Sequence numbers are the index plus one, wrapping within 1..0x7FFFFFFF. */
    static int sequenceOf(long index) {
        return (int) (index % 0x7FFFFFFFL) + 1;
    }

    /** The index of an answered sequence number: the newest one that maps to it, not ahead of what was sent. */
    static long indexOf(int sequence, long nextIndex) {
        long low = sequence - 1L;
        long cycles = (nextIndex - 1 - low) / 0x7FFFFFFFL;
        return low + Math.max(0, cycles) * 0x7FFFFFFFL;
    }

    @Override
    public void close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            running = false;
            if (timer != null) {
                timer.cancel(false);
            }
            if (ctx == null || !ctx.channel().isActive()) {
                closed.complete(null);
                return;
            }
            ctx.channel().closeFuture().addListener(f -> closed.complete(null));
            closing = true;
            if (isBound) {
                HeaderOnlyPdu unbind = new HeaderOnlyPdu(CommandId.UNBIND);
                unbind.sequenceNumber(0x7FFFFFFF);
                ctx.writeAndFlush(unbind, ctx.voidPromise());
            } else {
                ctx.close();
            }
        });
        try {
            closed.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // close below anyway
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }

    private final class Session extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext c) {
            ctx = c;
        }

        @Override
        public void channelActive(ChannelHandlerContext c) {
            BindPdu bind = new BindPdu(CommandId.BIND_TRANSCEIVER).systemId(systemId).password(password);
            bind.sequenceNumber(0x7FFFFFFE);
            c.writeAndFlush(bind, c.voidPromise());
            c.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            if (!bound.isDone()) {
                bound.completeExceptionally(new IllegalStateException("connection closed before bind_resp"));
            }
            isBound = false;
            // what was unanswered is lost with the connection: count it as refused (approximately the
            // last ones written: responses come in order from the router)
            long now = System.nanoTime();
            for (long i = nextIndex - outstanding; recorder != null && i < nextIndex; i++) {
                recorder.answered(i, CommandStatus.ESME_RSYSERR, now);
            }
            outstanding = 0;
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            if (msg instanceof InvalidPdu bad) {
                c.writeAndFlush(HeaderOnlyPdu.genericNack(bad.status(), bad.sequenceNumber()), c.voidPromise());
                if (bad.fatal()) {
                    c.close();
                }
                return;
            }
            Pdu pdu = (Pdu) msg;
            switch (pdu.commandId()) {
                case CommandId.SUBMIT_SM_RESP, CommandId.GENERIC_NACK -> {
                    if (pdu.sequenceNumber() == 0x7FFFFFFE && !isBound) {
                        bindFailed(c, pdu);
                        return;
                    }
                    if (recorder == null || outstanding == 0) {
                        return; // nothing of ours is outstanding: stray
                    }
                    outstanding--;
                    int status = pdu.commandId() == CommandId.GENERIC_NACK && pdu.commandStatus() == 0
                            ? CommandStatus.ESME_RSYSERR : pdu.commandStatus();
                    recorder.answered(indexOf(pdu.sequenceNumber(), nextIndex), status, System.nanoTime());
                    pump();
                }
                case CommandId.BIND_TRANSCEIVER_RESP -> {
                    if (pdu.commandStatus() == CommandStatus.ESME_ROK) {
                        isBound = true;
                        bound.complete(null);
                    } else {
                        bindFailed(c, pdu);
                    }
                }
                case CommandId.DELIVER_SM -> {
                    MessageIdRespPdu resp = new MessageIdRespPdu(CommandId.DELIVER_SM_RESP);
                    resp.sequenceNumber(pdu.sequenceNumber());
                    c.writeAndFlush(resp, c.voidPromise());
                }
                case CommandId.ENQUIRE_LINK -> c.writeAndFlush(pdu.createResponse(), c.voidPromise());
                case CommandId.UNBIND -> {
                    closing = true;
                    c.writeAndFlush(pdu.createResponse()).addListener(f -> c.close());
                }
                case CommandId.UNBIND_RESP -> c.close();
                default -> {
                    if (!pdu.isResponse()) {
                        c.writeAndFlush(HeaderOnlyPdu.genericNack(CommandStatus.ESME_RINVCMDID, pdu.sequenceNumber()),
                                c.voidPromise());
                    }
                }
            }
        }

        private void bindFailed(ChannelHandlerContext c, Pdu resp) {
            bound.completeExceptionally(new IllegalStateException("bind_transceiver refused: "
                    + CommandStatus.name(resp.commandStatus())));
            closing = true;
            c.close();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext c) {
            if (c.channel().isWritable()) {
                pump();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            c.close();
        }
    }
}
