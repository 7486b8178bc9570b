package io.smsrouter.smpp.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.OperatorQueue;
import io.smsrouter.core.engine.TokenBucket;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.smpp.codec.InvalidPdu;
import io.smsrouter.smpp.codec.SmppEncoder;
import io.smsrouter.smpp.codec.SmppFrameDecoder;
import io.smsrouter.smpp.message.SmppMessages;
import io.smsrouter.smpp.pdu.BindPdu;
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
import io.smsrouter.smpp.transport.ReadBatch;
import io.smsrouter.smpp.transport.SmppTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One transceiver bind of the router to an operator SMSC (SMPP 3.4 §2.2, the ESME side). It pulls
 * messages from the operator's queue while fewer than {@code window} submit_sm are unanswered,
 * paces itself under its share of the operator's tps, and gives back to the queue whatever it
 * cannot finish: on throttling, on a response timeout, and on a lost connection, after which it
 * reconnects with exponential backoff and jitter. Receipts from the operator are passed to the
 * engine and journaled before they are acknowledged.
 */
final class UpstreamBind {
    private static final Logger log = LoggerFactory.getLogger(UpstreamBind.class);
    private static final int MAX_TRANSIENT_ATTEMPTS = 5;

    private final OperatorSettings settings;
    private final String name;
    private final Engine engine;
    private final OperatorQueue queue;
    private final Bootstrap bootstrap;
    private final TokenBucket rate;

    private volatile boolean running;
    private volatile boolean taking = true;
    private volatile Session session;
    private int reconnectAttempt;

    UpstreamBind(OperatorSettings settings, int index, Engine engine, OperatorQueue queue, EventLoopGroup group) {
        this(settings, index, engine, queue, group, null);
    }

    /** With {@code tls}, each connection starts with a TLS handshake (SNI and hostname checks against the operator's host). */
    UpstreamBind(OperatorSettings settings, int index, Engine engine, OperatorQueue queue, EventLoopGroup group,
                 SslContext tls) {
        this.settings = settings;
        this.name = settings.id() + "#" + index;
        this.engine = engine;
        this.queue = queue;
        int perBind = settings.perBindTps();
        this.rate = perBind > 0 ? TokenBucket.pacing(perBind) : null;
        int enquireSec = Math.max(1, settings.enquireLinkIntervalMs() / 1000);
        this.bootstrap = SmppTransport.client(group, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), settings.host(), settings.port()));
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(enquireSec * 3, enquireSec, 0, TimeUnit.SECONDS))
                                .addLast("frame", new SmppFrameDecoder(settings.maxPduLength()))
                                .addLast("encoder", new SmppEncoder())
                                .addLast("session", new Session());
                    }
                });
    }

    void start() {
        running = true;
        connect();
    }

    private void connect() {
        if (!running) {
            return;
        }
        bootstrap.connect(settings.host(), settings.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                log.warn("{}: cannot connect to {}:{}: {}", name, settings.host(), settings.port(),
                        f.cause() == null ? "?" : f.cause().toString());
                scheduleReconnect(f.channel());
            }
        });
    }

    private void scheduleReconnect(Channel ch) {
        if (!running) {
            return;
        }
        long base = Math.min((long) settings.maxReconnectDelayMs(),
                (long) settings.reconnectDelayMs() << Math.min(reconnectAttempt, 16));
        reconnectAttempt++;
        // jitter: binds of one operator must not all come back in the same millisecond
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        ch.eventLoop().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    boolean isBound() {
        Session s = session;
        return s != null && s.bound;
    }

    int outstandingCount() {
        Session s = session;
        return s == null ? 0 : s.outstandingCount;
    }

    void stopTaking() {
        taking = false;
    }

    /**
     * The messages this bind has sent and not had answered, read on its event loop (none when it
     * has no connection: a closing connection gives them back to the queue first).
     */
    java.util.concurrent.CompletableFuture<java.util.List<Message>> inFlight() {
        Session s = session;
        if (s == null || s.ctx == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(java.util.List.of());
        }
        java.util.concurrent.CompletableFuture<java.util.List<Message>> f = new java.util.concurrent.CompletableFuture<>();
        try {
            s.ctx.executor().execute(() -> {
                java.util.List<Message> l = new java.util.ArrayList<>(s.outstanding.size());
                s.outstanding.forEach(x -> l.add(x.message));
                f.complete(l);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.complete(java.util.List.of()); // its event loop is gone: so is the connection
        }
        return f;
    }

    void close() {
        running = false;
        Session s = session;
        if (s != null && s.ctx != null) {
            s.ctx.executor().execute(s::unbindAndClose);
        }
    }

    private record Inflight(Message message, long sentAtNanos) {
    }

    /** One TCP connection's life: bind, traffic, and hand-back of unfinished work when it ends. */
    private final class Session extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private volatile boolean bound;
        private final InflightWindow<Inflight> outstanding = new InflightWindow<>(settings.window());
        private volatile int outstandingCount;
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private final Runnable onWork = this::wake;
        private int nextSequence = 1;
        private long pausedUntilNanos;
        private int throttleBackoffMs;
        private boolean drainTimerSet;
        private ScheduledFuture<?> expiryTimer;
        private final ReadBatch batch = new ReadBatch(engine);

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            session = this;
            BindPdu bind = new BindPdu(CommandId.BIND_TRANSCEIVER);
            bind.systemId(settings.systemId());
            bind.password(settings.password());
            bind.systemType(settings.systemType() == null ? "" : settings.systemType());
            bind.interfaceVersion(0x34);
            bind.addressRange("");
            bind.sequenceNumber(nextSequence());
            ctx.writeAndFlush(bind, ctx.voidPromise());
            ctx.executor().schedule(() -> {
                if (!bound && ctx.channel().isActive()) {
                    log.warn("{}: no bind_resp within {} ms, reconnecting", name, settings.responseTimeoutMs());
                    ctx.close();
                }
            }, settings.responseTimeoutMs(), TimeUnit.MILLISECONDS);
            long checkMs = Math.max(50, Math.min(1000, settings.responseTimeoutMs() / 4));
            expiryTimer = ctx.executor().scheduleAtFixedRate(this::expireOutstanding, checkMs, checkMs,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            batch.end(ctx, log, name);
            boolean wasBound = bound;
            bound = false;
            if (expiryTimer != null) {
                expiryTimer.cancel(false);
            }
            queue.removeListener(onWork);
            if (!outstanding.isEmpty()) {
                log.warn("{}: connection lost with {} submit_sm unanswered; they go back to the queue", name,
                        outstanding.size());
                outstanding.clear(f -> queue.retry(f.message));
                outstandingCount = 0;
            }
            if (wasBound) {
                log.warn("{}: disconnected from {}:{}", name, settings.host(), settings.port());
            }
            if (session == this) {
                session = null;
            }
            scheduleReconnect(ctx.channel());
        }

        private void wake() {
            if (bound && drainScheduled.compareAndSet(false, true)) {
                ctx.executor().execute(this::drain);
            }
        }

        private int nextSequence() {
            int s = nextSequence;
            nextSequence = s == 0x7FFFFFFF ? 1 : s + 1;
            return s;
        }

        /** Sends queued messages while the window, the rate and the socket allow. */
        private void drain() {
            drainScheduled.set(false);
            if (!bound || !taking) {
                return;
            }
            long now = System.nanoTime();
            if (pausedUntilNanos - now > 0) {
                drainLater(pausedUntilNanos - now);
                return;
            }
            boolean wrote = false;
            while (outstanding.size() < settings.window() && ctx.channel().isWritable() && queue.size() > 0) {
                if (rate != null && !rate.tryAcquire()) {
                    drainLater(rate.nanosUntilAvailable());
                    break;
                }
                Message m = queue.poll(onWork);
                if (m == null) {
                    break;
                }
                SmPdu p = SmppMessages.toSubmitSm(m, settings.sarConcatenation());
                int seq = nextSequence();
                p.sequenceNumber(seq);
                Inflight previous = outstanding.put(seq, new Inflight(m, now));
                if (previous != null) { // the sequence numbers wrapped round to a request never answered
                    queue.retry(previous.message);
                }
                ctx.write(p, ctx.voidPromise());
                wrote = true;
            }
            outstandingCount = outstanding.size();
            if (wrote) {
                ctx.flush();
            }
        }

        private void drainLater(long nanos) {
            if (drainTimerSet) {
                return;
            }
            drainTimerSet = true;
            ctx.executor().schedule(() -> {
                drainTimerSet = false;
                drain();
            }, Math.max(1000, nanos), TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                drain();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            batch.begin();
            if (msg instanceof Pdu pdu) {
                try {
                    handle(pdu);
                } catch (RuntimeException e) {
                    log.error("{}: failed to handle {}", name, pdu, e);
                    if (!pdu.isResponse()) {
                        ctx.write(HeaderOnlyPdu.genericNack(CommandStatus.ESME_RSYSERR, pdu.sequenceNumber()),
                                ctx.voidPromise());
                    }
                }
            } else if (msg instanceof InvalidPdu bad) {
                log.warn("{}: invalid PDU from operator ({})", name, bad.reason());
                ctx.write(HeaderOnlyPdu.genericNack(bad.status(), bad.sequenceNumber()), ctx.voidPromise());
                if (bad.fatal()) {
                    ctx.flush();
                    ctx.close();
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // journal the batch before its deliver_sm_resp go out: an operator's receipt is
            // acknowledged only once it is kept
            if (!batch.end(ctx, log, name)) {
                return;
            }
            drain();
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent h && !h.isSuccess() && running) {
                log.warn("{}: TLS handshake with {}:{} failed: {}", name, settings.host(), settings.port(),
                        h.cause().getMessage());
            }
            if (evt instanceof IdleStateEvent e) {
                if (e.state() == IdleState.READER_IDLE) {
                    log.warn("{}: operator silent for {} ms, reconnecting", name, settings.enquireLinkIntervalMs() * 3);
                    ctx.close();
                } else if (e.state() == IdleState.WRITER_IDLE && bound) {
                    HeaderOnlyPdu el = new HeaderOnlyPdu(CommandId.ENQUIRE_LINK);
                    el.sequenceNumber(nextSequence());
                    ctx.writeAndFlush(el, ctx.voidPromise());
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof SSLHandshakeException
                    || cause instanceof DecoderException && cause.getCause() instanceof SSLHandshakeException) {
                log.debug("{}: TLS error: {}", name, cause.toString()); // the handshake event said it
            } else if (running) {
                log.warn("{}: connection error: {}", name, cause.toString());
            } else {
                log.debug("{}: connection error while stopping: {}", name, cause.toString());
            }
            ctx.close();
        }

        private void handle(Pdu pdu) {
            switch (pdu.commandId()) {
                case CommandId.SUBMIT_SM_RESP -> submitResp((MessageIdRespPdu) pdu);
                case CommandId.DELIVER_SM -> deliverSm((SmPdu) pdu);
                case CommandId.BIND_TRANSCEIVER_RESP -> bindResp(pdu);
                case CommandId.ENQUIRE_LINK -> ctx.write(pdu.createResponse(), ctx.voidPromise());
                case CommandId.UNBIND -> {
                    log.info("{}: operator unbinds", name);
                    bound = false;
                    ctx.writeAndFlush(pdu.createResponse()).addListener(ChannelFutureListener.CLOSE);
                }
                case CommandId.DATA_SM -> {
                    MessageIdRespPdu resp = (MessageIdRespPdu) pdu.createResponse();
                    resp.messageId("");
                    ctx.write(resp, ctx.voidPromise());
                }
                case CommandId.GENERIC_NACK -> {
                    Inflight f = outstanding.remove(pdu.sequenceNumber());
                    if (f != null) {
                        outstandingCount = outstanding.size();
                        onRefused(f, pdu.commandStatus());
                    }
                }
                case CommandId.UNBIND_RESP -> ctx.close();
                case CommandId.ENQUIRE_LINK_RESP, CommandId.ALERT_NOTIFICATION -> {
                    // keepalive answered / nothing to answer
                }
                default -> {
                    if (!pdu.isResponse()) {
                        ctx.write(HeaderOnlyPdu.genericNack(CommandStatus.ESME_RINVCMDID, pdu.sequenceNumber()),
                                ctx.voidPromise());
                    }
                }
            }
        }

        private void bindResp(Pdu resp) {
            if (resp.commandStatus() != CommandStatus.ESME_ROK) {
                log.warn("{}: bind refused by operator: {}", name, CommandStatus.name(resp.commandStatus()));
                ctx.close();
                return;
            }
            bound = true;
            reconnectAttempt = 0;
            log.info("{}: bound to {}:{} as {}", name, settings.host(), settings.port(), settings.systemId());
            queue.addListener(onWork);
            drain();
        }

        private void submitResp(MessageIdRespPdu resp) {
            Inflight f = outstanding.remove(resp.sequenceNumber());
            if (f == null) {
                return; // answered after we timed it out and queued it again
            }
            outstandingCount = outstanding.size();
            int status = resp.commandStatus();
            engine.metrics().operatorResponse(settings.id(), System.nanoTime() - f.sentAtNanos);
            if (status == CommandStatus.ESME_ROK) {
                throttleBackoffMs = 0;
                engine.onSubmitted(f.message, settings.id(), resp.messageId());
                return;
            }
            onRefused(f, status);
        }

        private void onRefused(Inflight f, int status) {
            switch (status) {
                case CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RMSGQFUL -> {
                    // the operator asks us to slow down: pause this bind, retry the message first
                    engine.metrics().operatorThrottled(settings.id());
                    throttleBackoffMs = Math.min(1000, Math.max(10, throttleBackoffMs * 2));
                    pausedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(throttleBackoffMs);
                    queue.retry(f.message);
                }
                case CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RSUBMITFAIL, CommandStatus.ESME_RX_T_APPN,
                     CommandStatus.ESME_RUNKNOWNERR -> {
                    if (engine.countRetry(f.message.id()) < MAX_TRANSIENT_ATTEMPTS) {
                        queue.retry(f.message);
                    } else {
                        engine.onSubmitFailed(f.message, settings.id(), status);
                    }
                }
                default -> engine.onSubmitFailed(f.message, settings.id(), status);
            }
        }

        private void deliverSm(SmPdu p) {
            MessageIdRespPdu resp = (MessageIdRespPdu) p.createResponse();
            resp.messageId("");
            int type = p.esmClass() & 0x3C;
            if (type == 0x04 || type == 0x20) {
                receipt(p);
            } else {
                // a subscriber's message: forwarded to the account that owns the number or name it
                // answers, and a stop keyword is an opt-out from that sender
                try {
                    engine.onMobileOriginated(settings.id(), p.sourceAddr(), p.destinationAddr(), p.dataCoding(),
                            p.esmClass(), p.shortMessage(), SmppMessages.encodeTlvs(p.tlvs()));
                } catch (RuntimeException e) {
                    // not kept (the journal refused it): the operator must send it again
                    log.warn("{}: MO from {} to {} not accepted, the operator will retry: {}", name, p.sourceAddr(),
                            p.destinationAddr(), e.toString());
                    resp.commandStatus(CommandStatus.ESME_RX_T_APPN);
                }
            }
            ctx.write(resp, ctx.voidPromise());
        }

        private void receipt(SmPdu p) {
            Tlv idTlv = p.tlv(TlvTag.RECEIPTED_MESSAGE_ID);
            Tlv stateTlv = p.tlv(TlvTag.MESSAGE_STATE);
            Tlv errTlv = p.tlv(TlvTag.NETWORK_ERROR_CODE);
            String upstreamId;
            DeliveryState state;
            int err;
            if (idTlv != null && stateTlv != null) {
                // the TLVs say it all: no need to parse the text (the common case, and the fast one)
                upstreamId = idTlv.asCString();
                state = DeliveryState.fromCode(stateTlv.asUnsigned());
                err = state == DeliveryState.DELIVERED ? 0 : networkError(errTlv, p);
            } else {
                ReceiptText.Parsed text = ReceiptText.parse(p.shortMessage());
                upstreamId = idTlv != null ? idTlv.asCString() : text.id();
                state = stateTlv != null ? DeliveryState.fromCode(stateTlv.asUnsigned())
                        : text.state() != null ? text.state() : DeliveryState.UNKNOWN;
                err = Math.max(0, text.errorCode());
            }
            if (upstreamId == null || upstreamId.isEmpty()) {
                log.warn("{}: receipt without a message id ignored: {}", name, p);
                return;
            }
            engine.onOperatorReceipt(settings.id(), upstreamId, state, err, System.currentTimeMillis());
        }

        /** network_error_code (type, 2-byte code) when present, else the receipt text's err field. */
        private int networkError(Tlv errTlv, SmPdu p) {
            if (errTlv != null && errTlv.value().length == 3) {
                byte[] v = errTlv.value();
                return ((v[1] & 0xFF) << 8) | (v[2] & 0xFF);
            }
            return Math.max(0, ReceiptText.parse(p.shortMessage()).errorCode());
        }

        private void expireOutstanding() {
            if (outstanding.isEmpty()) {
                return;
            }
            long limit = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(settings.responseTimeoutMs());
            int before = outstanding.size();
            outstanding.removeIf(f -> f.sentAtNanos - limit < 0, f -> queue.retry(f.message));
            int expired = before - outstanding.size();
            if (expired > 0) {
                log.warn("{}: {} submit_sm unanswered after {} ms; queued again", name, expired,
                        settings.responseTimeoutMs());
                outstandingCount = outstanding.size();
                drain();
            }
        }

        private void unbindAndClose() {
            if (bound) {
                bound = false;
                HeaderOnlyPdu unbind = new HeaderOnlyPdu(CommandId.UNBIND);
                unbind.sequenceNumber(nextSequence());
                ctx.writeAndFlush(unbind, ctx.voidPromise());
                ctx.executor().schedule(() -> {
                    ctx.close();
                }, 500, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        }
    }
}
