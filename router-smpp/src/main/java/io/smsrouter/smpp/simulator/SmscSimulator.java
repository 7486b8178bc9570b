package io.smsrouter.smpp.simulator;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.smsrouter.core.engine.TokenBucket;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.smpp.codec.InvalidPdu;
import io.smsrouter.smpp.codec.SmppEncoder;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.BindRespPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import io.smsrouter.smpp.receipt.ReceiptText;
import io.smsrouter.smpp.transport.InflightWindow;
import io.smsrouter.smpp.transport.SmppTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An operator SMSC for tests, demos and benchmarks: accepts binds, answers submit_sm with its own
 * message id after {@code submitLatencyMs}, and {@code dlrDelayMs} later sends a delivery receipt
 * (deliver_sm, esm_class 0x04, Appendix B text plus receipted_message_id and message_state) whose
 * final state is drawn from the configured mix. It can hold a tps ceiling, answering
 * ESME_RTHROTTLED above it, and drop every connection on demand.
 */
public final class SmscSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmscSimulator.class);

    private final SimulatorSettings settings;
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<SimSession> receivers = new CopyOnWriteArrayList<>();
    /**
     * Receipts that a closed connection could not deliver (not yet due, or sent but never
     * acknowledged): kept and sent on the next receiver bind, as a real SMSC does.
     */
    private final Queue<SmPdu> undeliveredReceipts = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong(0x10000000L);
    private final TokenBucket rate;
    private Channel listener;
    private final SslContext tls;

    private final LongAdder submits = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder receiptsSent = new LongAdder();
    private final LongAdder receiptsAcked = new LongAdder();

    public SmscSimulator(SimulatorSettings settings, EventLoopGroup group) {
        this(settings, group, null);
    }

    /** With {@code tls} (a server context) the simulator's port speaks SMPP over TLS only. */
    public SmscSimulator(SimulatorSettings settings, EventLoopGroup group, SslContext tls) {
        this.settings = settings;
        this.tls = tls;
        this.group = group;
        this.rate = settings.tps() > 0 ? TokenBucket.perSecond(settings.tps()) : null;
    }

    public InetSocketAddress start() throws InterruptedException {
        listener = SmppTransport.server(group)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("frame", new SmppFrameDecoder(settings.maxPduLength()))
                                .addLast("encoder", new SmppEncoder())
                                .addLast("session", new SimSession());
                    }
                })
                .bind(settings.host(), settings.port()).sync().channel();
        InetSocketAddress a = (InetSocketAddress) listener.localAddress();
        log.info("operator simulator listening on {}:{}{}", a.getHostString(), a.getPort(), tls != null ? " (TLS)" : "");
        return a;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Closes every connection (binds must reconnect); the listener stays open. */
    public void dropConnections() {
        log.info("operator simulator: dropping {} connections", channels.size());
        channels.close().awaitUninterruptibly(2000);
    }

    public long submitCount() {
        return submits.sum();
    }

    public long throttledCount() {
        return throttled.sum();
    }

    public long receiptsSent() {
        return receiptsSent.sum();
    }

    public long receiptsAcked() {
        return receiptsAcked.sum();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2000);
        }
        channels.close().awaitUninterruptibly(2000);
    }

    private DeliveryState drawState() {
        int r = ThreadLocalRandom.current().nextInt(100);
        if (r < settings.deliveredPercent()) {
            return DeliveryState.DELIVERED;
        }
        if (r < settings.deliveredPercent() + settings.undeliverablePercent()) {
            return DeliveryState.UNDELIVERABLE;
        }
        return DeliveryState.EXPIRED;
    }

    private record PendingReceipt(long dueNanos, SmPdu deliverSm) {
    }

    private final class SimSession extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private boolean bound;
        private boolean receives;
        private int nextSequence = 1;
        /** Receipts in due order: the delay is the same for all, so a FIFO is a timer wheel. */
        private final ArrayDeque<PendingReceipt> due = new ArrayDeque<>();
        private final InflightWindow<SmPdu> unacked = new InflightWindow<>(1 << 14);
        private boolean timerSet;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            receivers.remove(this);
            int kept = due.size() + unacked.size();
            for (PendingReceipt r : due) {
                undeliveredReceipts.add(r.deliverSm);
            }
            due.clear();
            unacked.clear(undeliveredReceipts::add);
            if (kept > 0) {
                log.info("operator simulator: connection closed; {} receipts kept for the next bind", kept);
                SimSession other = pickReceiver();
                if (other != null) {
                    other.ctx.executor().execute(other::takeUndelivered);
                }
            }
        }

        /** Queues, due now, the receipts that closed connections could not deliver. */
        private void takeUndelivered() {
            if (!ctx.channel().isActive()) {
                return; // closed meanwhile: the receipts stay for the next bind
            }
            long now = System.nanoTime();
            SmPdu d;
            while ((d = undeliveredReceipts.poll()) != null) {
                due.addLast(new PendingReceipt(now, d));
            }
            if (!timerSet) {
                armTimer();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof InvalidPdu bad) {
                ctx.write(HeaderOnlyPdu.genericNack(bad.status(), bad.sequenceNumber()), ctx.voidPromise());
                if (bad.fatal()) {
                    ctx.flush();
                    ctx.close();
                }
                return;
            }
            Pdu pdu = (Pdu) msg;
            switch (pdu.commandId()) {
                case CommandId.BIND_TRANSCEIVER, CommandId.BIND_TRANSMITTER, CommandId.BIND_RECEIVER -> bind((BindPdu) pdu);
                case CommandId.SUBMIT_SM -> submit((SmPdu) pdu);
                case CommandId.DATA_SM -> {
                    MessageIdRespPdu resp = (MessageIdRespPdu) pdu.createResponse();
                    resp.messageId(Long.toHexString(ids.incrementAndGet()));
                    ctx.write(resp, ctx.voidPromise());
                }
                case CommandId.ENQUIRE_LINK -> ctx.write(pdu.createResponse(), ctx.voidPromise());
                case CommandId.UNBIND -> ctx.writeAndFlush(pdu.createResponse()).addListener(ChannelFutureListener.CLOSE);
                case CommandId.DELIVER_SM_RESP -> {
                    if (unacked.remove(pdu.sequenceNumber()) != null) {
                        receiptsAcked.increment();
                    }
                }
                case CommandId.ENQUIRE_LINK_RESP, CommandId.UNBIND_RESP, CommandId.GENERIC_NACK -> {
                }
                default -> {
                    if (!pdu.isResponse()) {
                        Pdu resp = pdu.createResponse();
                        resp.commandStatus(CommandStatus.ESME_RINVCMDID);
                        ctx.write(resp, ctx.voidPromise());
                    }
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void bind(BindPdu b) {
            BindRespPdu resp = (BindRespPdu) b.createResponse();
            resp.systemId("smscsim");
            if (bound) {
                resp.commandStatus(CommandStatus.ESME_RALYBND);
            } else if (settings.systemId() != null && !settings.systemId().equals(b.systemId())) {
                resp.commandStatus(CommandStatus.ESME_RINVSYSID);
            } else if (settings.password() != null && !settings.password().equals(b.password())) {
                resp.commandStatus(CommandStatus.ESME_RINVPASWD);
            } else {
                bound = true;
                receives = b.commandId() != CommandId.BIND_TRANSMITTER;
                if (receives) {
                    receivers.add(this);
                    takeUndelivered();
                }
            }
            ctx.write(resp, ctx.voidPromise());
        }

        private void submit(SmPdu p) {
            MessageIdRespPdu resp = (MessageIdRespPdu) p.createResponse();
            if (!bound) {
                resp.commandStatus(CommandStatus.ESME_RINVBNDSTS);
                resp.messageId("");
                ctx.write(resp, ctx.voidPromise());
                return;
            }
            if (rate != null && !rate.tryAcquire()) {
                throttled.increment();
                resp.commandStatus(CommandStatus.ESME_RTHROTTLED);
                resp.messageId("");
                ctx.write(resp, ctx.voidPromise());
                return;
            }
            submits.increment();
            String id = Long.toHexString(ids.incrementAndGet());
            resp.messageId(id);
            if (settings.submitLatencyMs() > 0) {
                ctx.executor().schedule(() -> {
                    ctx.writeAndFlush(resp, ctx.voidPromise());
                }, settings.submitLatencyMs(), TimeUnit.MILLISECONDS);
            } else {
                ctx.write(resp, ctx.voidPromise());
            }
            if ((p.registeredDelivery() & 0x03) != 0) {
                SimSession target = receives ? this : pickReceiver();
                if (target != null) {
                    SmPdu dlr = receiptFor(p, id);
                    long dueNanos = System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(settings.submitLatencyMs() + settings.dlrDelayMs());
                    if (target == this) {
                        schedule(new PendingReceipt(dueNanos, dlr));
                    } else {
                        target.ctx.executor().execute(() -> target.schedule(new PendingReceipt(dueNanos, dlr)));
                    }
                }
            }
        }

        private SimSession pickReceiver() {
            List<SimSession> l = receivers;
            return l.isEmpty() ? null : l.get(ThreadLocalRandom.current().nextInt(l.size()));
        }

        private SmPdu receiptFor(SmPdu p, String id) {
            DeliveryState state = drawState();
            long now = System.currentTimeMillis();
            SmPdu d = new SmPdu(CommandId.DELIVER_SM);
            d.serviceType("");
            d.sourceAddrTon(p.destAddrTon());
            d.sourceAddrNpi(p.destAddrNpi());
            d.sourceAddr(p.destinationAddr());
            d.destAddrTon(p.sourceAddrTon());
            d.destAddrNpi(p.sourceAddrNpi());
            d.destinationAddr(p.sourceAddr());
            d.esmClass(0x04);
            d.scheduleDeliveryTime("");
            d.validityPeriod("");
            byte[] sm = p.shortMessage();
            d.shortMessage(ReceiptText.formatBytes(id, state, state == DeliveryState.DELIVERED ? 0 : 1, now,
                    now + settings.dlrDelayMs(), Arrays.copyOf(sm, Math.min(20, sm.length))));
            d.addTlv(Tlv.ofString(TlvTag.RECEIPTED_MESSAGE_ID, id));
            d.addTlv(Tlv.ofByte(TlvTag.MESSAGE_STATE, state.code()));
            return d;
        }

        private void schedule(PendingReceipt r) {
            if (!ctx.channel().isActive()) {
                undeliveredReceipts.add(r.deliverSm);
                return;
            }
            due.addLast(r);
            if (!timerSet) {
                armTimer();
            }
        }

        private void armTimer() {
            PendingReceipt head = due.peekFirst();
            if (head == null) {
                return;
            }
            timerSet = true;
            ctx.executor().schedule(this::sendDue, Math.max(0, head.dueNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        }

        private void sendDue() {
            timerSet = false;
            long now = System.nanoTime();
            boolean wrote = false;
            PendingReceipt r;
            while ((r = due.peekFirst()) != null && r.dueNanos - now <= 0) {
                due.pollFirst();
                SmPdu d = r.deliverSm;
                int seq = nextSequence();
                d.sequenceNumber(seq);
                SmPdu previous = unacked.put(seq, d);
                if (previous != null) { // the sequence numbers wrapped round to a receipt never acknowledged
                    undeliveredReceipts.add(previous); // send it again after the next bind
                }
                ctx.write(d, ctx.voidPromise());
                receiptsSent.increment();
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
            armTimer();
        }

        private int nextSequence() {
            int s = nextSequence;
            nextSequence = s == 0x7FFFFFFF ? 1 : s + 1;
            return s;
        }
    }
}
