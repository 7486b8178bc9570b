package io.smsrouter.smpp.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.FailureLimiter;
import io.smsrouter.core.engine.ClientSession;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.MessageStatus;
import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.smpp.codec.InvalidPdu;
import io.smsrouter.smpp.message.SmppMessages;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.BindRespPdu;
import io.smsrouter.smpp.pdu.CancelSmPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.DataSmPdu;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.MultiDestination;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.QuerySmPdu;
import io.smsrouter.smpp.pdu.QuerySmRespPdu;
import io.smsrouter.smpp.pdu.ReplaceSmPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.SubmitMultiPdu;
import io.smsrouter.smpp.pdu.SubmitMultiRespPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import io.smsrouter.smpp.pdu.UnsuccessSme;
import io.smsrouter.smpp.transport.InflightWindow;
import io.smsrouter.smpp.transport.ReadBatch;
import io.smsrouter.smpp.transport.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection (SMPP 3.4 §2.2, the SMSC side of a session): bind, then requests answered
 * as each is done, responses written during a read batch and flushed once at its end; receipts
 * pushed as deliver_sm with a window of unacknowledged ones.
 *
 * <p>Everything here runs on the channel's event loop, except {@link #deliver}, which the engine
 * calls from any thread: it only queues the receipt and wakes the loop.
 */
final class ClientSessionHandler extends ChannelInboundHandlerAdapter implements ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSessionHandler.class);
    private static final DateTimeFormatter FINAL_DATE = DateTimeFormatter.ofPattern("yyMMddHHmmss'000+'")
            .withZone(ZoneOffset.UTC);

    /** BINDING: a hashed password is being verified off the loop; reading is paused meanwhile. */
    private enum State { OPEN, BINDING, BOUND, UNBINDING, CLOSED }

    private final SmppServerSettings settings;
    private final Engine engine;
    private final AccountRegistry accounts;
    private final FailureLimiter bindFailures;

    private ChannelHandlerContext ctx;
    private volatile State state = State.OPEN;
    private Account account;
    private int bindCommand;
    private boolean registered;
    private ScheduledFuture<?> bindTimer;
    private ScheduledFuture<?> responseTimer;

    private final Queue<Receipt> toSend = new ConcurrentLinkedQueue<>();
    private final AtomicInteger receiptsHeld = new AtomicInteger(); // queued + outstanding
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final InflightWindow<Outstanding> outstanding;
    private int nextSequence = 1;
    private boolean receiptAcked;
    private final ReadBatch batch;
    /** Who sends this session's messages, for the SMS log: {@code smpp:<system_id>@<address>:<port>}. */
    private String origin;
    /** When the current read started, and how many submits it answered (for the latency metric). */
    private long readStartNanos;
    private int answered;
    /** The responses of the read batch in progress: written when the batch is kept (see {@link #endRead}). */
    private final ArrayList<Pdu> replies = new ArrayList<>();
    /** The batch in progress answered an unbind: the connection closes after its responses. */
    private boolean closeAfterReplies;
    /** An unbind was answered (or framing lost): nothing read after it is handled. */
    private boolean closing;
    /**
     * Read batches whose responses wait for the cluster to confirm their messages (cluster mode
     * with {@code ack: replicated}), oldest first: their responses go out in this order, each once
     * its batch is confirmed and those before it went. Event loop only.
     */
    private final java.util.ArrayDeque<Waiting> waiting = new java.util.ArrayDeque<>(2);
    /**
     * How long a session's reading pauses after a read batch in which a submit was refused with
     * ESME_RMSGQFUL (its class queue full, or the journal's disk): a client that resends at once
     * would otherwise make the router decode and refuse hundreds of thousands of submits a second,
     * CPU and garbage taken from every other session (an OTP bind's latency among them), while
     * nothing it sends can be taken before the queue drains. TCP holds what it sends meanwhile.
     */
    static final long FULL_QUEUE_PAUSE_MS = 20;
    /**
     * The longest such pause: each batch with a refusal doubles the next pause up to this, each
     * batch that had a submit accepted and none refused halves it down to
     * {@link #FULL_QUEUE_PAUSE_MS}, so a session that keeps resending into a full queue is read
     * about as fast as the queue drains.
     */
    static final long MAX_FULL_QUEUE_PAUSE_MS = 320;
    /** A submit of the current read batch was refused because a queue is full. */
    private boolean refusedFull;
    /** A submit of the current read batch was accepted. */
    private boolean acceptedAny;
    /** The next pause after a refusing batch, milliseconds. */
    private long nextFullQueuePauseMs = FULL_QUEUE_PAUSE_MS;
    /** Set while reading is paused after such a batch ({@link #FULL_QUEUE_PAUSE_MS}). */
    private ScheduledFuture<?> fullQueuePause;

    private record Waiting(java.util.concurrent.CompletableFuture<Void> durable, List<Pdu> replies, boolean close,
                           long readStartNanos, int answered) {
    }

    private record Outstanding(Receipt receipt, long sentAtNanos) {
    }

    /** A session with failed binds counted for itself only (tests that build one session alone). */
    ClientSessionHandler(SmppServerSettings settings, Engine engine) {
        this(settings, engine, bindFailureLimiter(settings));
    }

    ClientSessionHandler(SmppServerSettings settings, Engine engine, FailureLimiter bindFailures) {
        this.settings = settings;
        this.engine = engine;
        this.bindFailures = bindFailures;
        this.accounts = engine.accounts();
        this.outstanding = new InflightWindow<>(settings.windowSize());
        this.batch = new ReadBatch(engine);
    }

    // ---- ClientSession, called by the engine from any thread ----

    @Override
    public String accountId() {
        return account == null ? "" : account.id();
    }

    @Override
    public boolean receivesReceipts() {
        return state == State.BOUND
                && (bindCommand == CommandId.BIND_RECEIVER || bindCommand == CommandId.BIND_TRANSCEIVER);
    }

    @Override
    public boolean deliver(Receipt r) {
        // a client that does not read what we write takes no more: its receipts wait in the registry,
        // bounded on the heap, instead of piling up in the channel's outbound buffer
        if (state != State.BOUND || !ctx.channel().isActive() || !ctx.channel().isWritable()) {
            return false;
        }
        if (receiptsHeld.incrementAndGet() > settings.windowSize()) {
            receiptsHeld.decrementAndGet();
            return false;
        }
        toSend.add(r);
        if (flushScheduled.compareAndSet(false, true)) {
            ctx.channel().eventLoop().execute(this::sendQueuedReceipts);
        }
        return true;
    }

    private void sendQueuedReceipts() {
        flushScheduled.set(false);
        Receipt r;
        boolean wrote = false;
        while ((r = toSend.poll()) != null) {
            if (state != State.BOUND) {
                receiptsHeld.decrementAndGet();
                engine.redeliver(r);
                continue;
            }
            int seq = nextSequence();
            SmPdu p = SmppMessages.deliverSm(r);
            p.sequenceNumber(seq);
            Outstanding previous = outstanding.put(seq, new Outstanding(r, System.nanoTime()));
            if (previous != null) { // the sequence numbers wrapped round to a deliver_sm never answered
                receiptsHeld.decrementAndGet();
                engine.redeliver(previous.receipt);
            }
            ctx.write(p, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private int nextSequence() {
        int s = nextSequence;
        nextSequence = s == 0x7FFFFFFF ? 1 : s + 1;
        return s;
    }

    // ---- channel events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        bindTimer = ctx.executor().schedule(() -> {
            if (state == State.OPEN || state == State.BINDING) {
                log.info("{}: no bind within {} ms, closing", remote(), settings.bindTimeoutMs());
                ctx.close();
            }
        }, settings.bindTimeoutMs(), TimeUnit.MILLISECONDS);
        long checkMs = Math.max(100, Math.min(1000, settings.responseTimeoutMs() / 2));
        responseTimer = ctx.executor().scheduleAtFixedRate(this::expireOutstanding, checkMs, checkMs,
                TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        batch.end(ctx, log, remote());
        state = State.CLOSED;
        if (bindTimer != null) {
            bindTimer.cancel(false);
        }
        if (responseTimer != null) {
            responseTimer.cancel(false);
        }
        if (registered) {
            engine.clients().unregister(this);
            registered = false;
        }
        // receipts this session had taken but the client never acknowledged go to another bind or wait
        List<Receipt> back = new ArrayList<>(outstanding.size() + toSend.size());
        outstanding.clear(o -> back.add(o.receipt));
        Receipt r;
        while ((r = toSend.poll()) != null) {
            back.add(r);
        }
        receiptsHeld.set(0);
        for (Receipt b : back) {
            engine.redeliver(b);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            io.netty.util.ReferenceCountUtil.release(msg); // after an unbind: the connection is closing
            return;
        }
        if (readStartNanos == 0) {
            readStartNanos = System.nanoTime();
        }
        batch.begin();
        if (msg instanceof Pdu pdu) {
            try {
                handle(pdu);
            } catch (RuntimeException e) {
                log.error("{}: failed to handle {}", remote(), pdu, e);
                if (!pdu.isResponse()) {
                    reply(HeaderOnlyPdu.genericNack(CommandStatus.ESME_RSYSERR, pdu.sequenceNumber()));
                }
            }
        } else if (msg instanceof InvalidPdu bad) {
            log.info("{}: invalid PDU ({}), answering generic_nack 0x{}", remote(), bad.reason(),
                    Integer.toHexString(bad.status()));
            // a request we could not parse gets generic_nack; the session goes on unless framing is lost
            reply(HeaderOnlyPdu.genericNack(bad.status(), bad.sequenceNumber()));
            if (bad.fatal()) {
                HeaderOnlyPdu unbind = new HeaderOnlyPdu(CommandId.UNBIND);
                unbind.sequenceNumber(nextSequence()); // section 5.1.4: from 1, never 0
                // last, after the responses of what came before in this read, once they are kept
                lastReply(unbind);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        boolean kept = endRead(ctx);
        answered = 0;
        readStartNanos = 0;
        if (!kept) {
            return;
        }
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            // the client is not reading its responses: stop reading its requests until it does
            ctx.channel().config().setAutoRead(false);
        }
        if (refusedFull) {
            refusedFull = false;
            pauseAfterFullQueue();
        } else if (acceptedAny && nextFullQueuePauseMs > FULL_QUEUE_PAUSE_MS) {
            nextFullQueuePauseMs = Math.max(FULL_QUEUE_PAUSE_MS, nextFullQueuePauseMs / 2);
        }
        acceptedAny = false;
        if (receiptAcked) {
            receiptAcked = false;
            if (account != null) {
                engine.clients().drain(account.id());
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            if (mayRead()) {
                // (while a hashed password is being verified, reading stays paused until the answer)
                ctx.channel().config().setAutoRead(true);
            }
            if (receivesReceipts()) {
                engine.clients().drain(account.id()); // receipts refused while it was not writable
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.READER_IDLE) {
                log.info("{}: nothing received for {} ms, closing", remote(), settings.idleTimeoutMs());
                ctx.close();
            } else if (e.state() == IdleState.WRITER_IDLE && state == State.BOUND) {
                HeaderOnlyPdu el = new HeaderOnlyPdu(CommandId.ENQUIRE_LINK);
                el.sequenceNumber(nextSequence());
                ctx.writeAndFlush(el, ctx.voidPromise());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("{}: connection error: {}", remote(), cause.toString());
        ctx.close();
    }

    // ---- requests ----

    private void handle(Pdu pdu) {
        int cmd = pdu.commandId();
        if (pdu.isResponse()) {
            handleResponse(pdu);
            return;
        }
        switch (cmd) {
            case CommandId.BIND_TRANSMITTER, CommandId.BIND_RECEIVER, CommandId.BIND_TRANSCEIVER ->
                    bind((BindPdu) pdu);
            case CommandId.ENQUIRE_LINK -> reply(pdu.createResponse());
            case CommandId.UNBIND -> {
                state = State.UNBINDING;
                if (batch.isOpen()) {
                    // after the responses to what came before it, which may still wait for the cluster
                    lastReply(pdu.createResponse());
                } else {
                    closing = true;
                    ctx.writeAndFlush(pdu.createResponse()).addListener(ChannelFutureListener.CLOSE);
                }
            }
            case CommandId.SUBMIT_SM, CommandId.DATA_SM, CommandId.SUBMIT_MULTI, CommandId.QUERY_SM,
                 CommandId.CANCEL_SM, CommandId.REPLACE_SM -> {
                if (state != State.BOUND || bindCommand == CommandId.BIND_RECEIVER) {
                    Pdu resp = pdu.createResponse();
                    resp.commandStatus(CommandStatus.ESME_RINVBNDSTS);
                    reply(resp);
                    return;
                }
                switch (cmd) {
                    case CommandId.SUBMIT_SM -> submit((SmPdu) pdu);
                    case CommandId.DATA_SM -> dataSm((DataSmPdu) pdu);
                    case CommandId.SUBMIT_MULTI -> submitMulti((SubmitMultiPdu) pdu);
                    case CommandId.QUERY_SM -> query((QuerySmPdu) pdu);
                    case CommandId.CANCEL_SM -> cancel((CancelSmPdu) pdu);
                    default -> replace((ReplaceSmPdu) pdu);
                }
            }
            // deliver_sm, outbind and alert_notification go from an SMSC to an ESME, never to us
            default -> reply(HeaderOnlyPdu.genericNack(CommandStatus.ESME_RINVCMDID, pdu.sequenceNumber()));
        }
    }

    private void reply(Pdu resp) {
        if (batch.isOpen()) {
            replies.add(resp);
        } else {
            ctx.write(resp, ctx.voidPromise());
        }
    }

    /** The read batch's last PDU to write: the connection closes after it, and nothing read later is handled. */
    private void lastReply(Pdu p) {
        replies.add(p);
        closeAfterReplies = true;
        closing = true;
    }

    /**
     * Writes a bind's response at once, after the responses before it in this read (requests
     * before a bind accept no message, so none of them waits for anything): what follows it
     * (receipts for a receiver) must come after it.
     */
    private io.netty.channel.ChannelFuture writeNow(Pdu resp) {
        for (int i = 0, n = replies.size(); i < n; i++) {
            ctx.write(replies.get(i), ctx.voidPromise());
        }
        replies.clear();
        return ctx.writeAndFlush(resp);
    }

    /**
     * Ends the read batch: journals it and, once the engine says its messages are as durable as
     * promised, writes its responses. Without a cluster (or with {@code ack: local}) that is now;
     * with {@code ack: replicated} it is when Kafka confirms them, while this event loop goes on
     * reading. False when the batch was not kept: the connection is closed without its responses.
     */
    private boolean endRead(ChannelHandlerContext ctx) {
        java.util.concurrent.CompletableFuture<Void> durable = batch.endAsync(ctx, log, remote());
        if (durable == null) {
            replies.clear();
            closeAfterReplies = false;
            return false;
        }
        if (waiting.isEmpty() && durable.isDone() && !durable.isCompletedExceptionally()) {
            writeReplies(replies, closeAfterReplies, readStartNanos, answered);
        } else {
            waiting.add(new Waiting(durable, new ArrayList<>(replies), closeAfterReplies, readStartNanos, answered));
            // one batch of a connection waits for the cluster at a time, as when the loop itself waited
            // (more in flight per partition made Kafka's idempotent producer stall after a broker died);
            // the loop serves the other connections meanwhile
            ctx.channel().config().setAutoRead(false);
            durable.whenComplete((v, e) -> ctx.executor().execute(this::writeConfirmed));
        }
        replies.clear();
        closeAfterReplies = false;
        return true;
    }

    /** Writes the responses of the waiting batches that are confirmed, oldest first (event loop). */
    private void writeConfirmed() {
        boolean wrote = false;
        Waiting w;
        while ((w = waiting.peek()) != null && w.durable().isDone()) {
            waiting.poll();
            if (w.durable().isCompletedExceptionally()) {
                Throwable why = w.durable().handle((v, e) -> e).join();
                log.error("{}: the cluster did not take a batch's messages ({}); closing the connection without "
                        + "answering them (they are sent again at this node's restart, as possible duplicates)",
                        remote(), why == null ? "?" : why.getMessage());
                waiting.clear();
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                waiting.clear();
                return;
            }
            writeReplies(w.replies(), w.close(), w.readStartNanos(), w.answered());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (mayRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * Whether reading may go on: no hashed password being verified, no batch waiting for the
     * cluster, the client reading its responses, no pause after a full queue.
     */
    private boolean mayRead() {
        return state != State.BINDING && waiting.isEmpty() && fullQueuePause == null && ctx.channel().isWritable();
    }

    /**
     * Stops reading for the next pause ({@link #FULL_QUEUE_PAUSE_MS} doubling up to
     * {@link #MAX_FULL_QUEUE_PAUSE_MS}; a pause under way is not made longer).
     */
    private void pauseAfterFullQueue() {
        if (fullQueuePause != null || !ctx.channel().isActive()) {
            return;
        }
        long pauseMs = nextFullQueuePauseMs;
        nextFullQueuePauseMs = Math.min(MAX_FULL_QUEUE_PAUSE_MS, pauseMs * 2);
        ctx.channel().config().setAutoRead(false);
        fullQueuePause = ctx.executor().schedule(() -> {
            fullQueuePause = null;
            if (ctx.channel().isActive() && mayRead()) {
                ctx.channel().config().setAutoRead(true);
            }
        }, pauseMs, TimeUnit.MILLISECONDS);
    }

    private void writeReplies(List<Pdu> rs, boolean close, long readStart, int submits) {
        for (int i = 0, n = rs.size(); i < n; i++) {
            if (close && i == n - 1) {
                ctx.writeAndFlush(rs.get(i)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.write(rs.get(i), ctx.voidPromise());
            }
        }
        if (submits > 0 && account != null) {
            // from the read to the write of the answers: decoding, checks, journal, the cluster, encoding
            engine.metrics().clientResponse(account.id(), System.nanoTime() - readStart, submits);
        }
    }

    /** The per-address counter of failed binds that a server shares between its sessions. */
    static FailureLimiter bindFailureLimiter(SmppServerSettings settings) {
        return new FailureLimiter(log, "failed SMPP binds", "smpp.bindFailuresPerIpPerMinute",
                settings.bindFailuresPerIpPerMinute());
    }

    /**
     * Section 4.1: an address over its failed-bind limit is refused (ESME_RBINDFAIL, then the
     * connection is closed) before anything is looked up; then the system_id (ESME_RINVSYSID), the
     * account's {@code allowedIps} (ESME_RBINDFAIL: checked before the password, so a refused
     * address learns nothing about it and costs no hash), its {@code clientCert} (ESME_RBINDFAIL,
     * likewise before the password: without the certificate it cannot be guessed) and the
     * password (ESME_RINVPASWD). A hashed
     * password not verified before is checked on the verifier's thread while this session stops
     * reading; a busy verifier is ESME_RBINDFAIL.
     */
    private void bind(BindPdu b) {
        BindRespPdu resp = (BindRespPdu) b.createResponse();
        resp.systemId(settings.systemId());
        if (b.interfaceVersion() >= 0x34) {
            resp.addTlv(Tlv.ofByte(TlvTag.SC_INTERFACE_VERSION, 0x34));
        }
        if (state != State.OPEN) {
            resp.commandStatus(CommandStatus.ESME_RALYBND);
            reply(resp);
            return;
        }
        InetAddress ip = remoteIp();
        if (bindFailures.blockedForMs(ip) > 0) {
            // not even the system_id is looked at: the attempt tells the client nothing
            state = State.UNBINDING;
            resp.commandStatus(CommandStatus.ESME_RBINDFAIL);
            writeNow(resp).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Account a = accounts.get(b.systemId());
        if (a == null) {
            refuse(resp, ip, CommandStatus.ESME_RINVSYSID, b, "unknown system_id");
            return;
        }
        if (!a.allowedIps().allows(ip)) {
            refuse(resp, ip, CommandStatus.ESME_RBINDFAIL, b, "address not in the account's allowedIps");
            return;
        }
        String certificate = clientCertificateProblem(a);
        if (certificate != null) {
            refuse(resp, ip, CommandStatus.ESME_RBINDFAIL, b, certificate);
            return;
        }
        switch (accounts.checkPassword(a, b.password())) {
            case OK -> bound(b, a, resp);
            case WRONG -> refuse(resp, ip, CommandStatus.ESME_RINVPASWD, b, "wrong password");
            case NEEDS_VERIFICATION -> {
                state = State.BINDING;
                ctx.channel().config().setAutoRead(false);
                accounts.verifyPassword(a, b.password()).whenComplete((ok, busy) -> ctx.executor().execute(() -> {
                    if (state != State.BINDING) {
                        return; // closed meanwhile
                    }
                    state = State.OPEN;
                    ctx.channel().config().setAutoRead(true);
                    if (busy != null) {
                        logBusy();
                        resp.commandStatus(CommandStatus.ESME_RBINDFAIL);
                        writeNow(resp);
                    } else if (Boolean.TRUE.equals(ok)) {
                        bound(b, a, resp);
                    } else {
                        refuse(resp, ip, CommandStatus.ESME_RINVPASWD, b, "wrong password");
                        ctx.flush();
                    }
                }));
            }
        }
    }

    /**
     * Null when the account may bind on this connection; otherwise why not. An account pinned to a
     * client certificate binds only over TLS with that certificate.
     */
    private String clientCertificateProblem(Account a) {
        if (a.clientCertSha256() == null) {
            return null;
        }
        String presented = TlsContexts.peerCertificateSha256(ctx.pipeline());
        if (a.admitsClientCertificate(presented)) {
            return null;
        }
        return "the account requires its client certificate (sha256 " + a.clientCertSha256() + "), got "
                + (presented != null ? "sha256 " + presented
                : ctx.pipeline().get(SslHandler.class) == null ? "a plain TCP connection"
                : "a TLS connection without a client certificate");
    }

    /** Binds refused because the verifier's queue was full since the last line about it. */
    private static final AtomicInteger BUSY_REFUSED = new AtomicInteger();
    private static volatile long busyLoggedAtMs;

    /** At most one line a second, however many binds a full verifier queue refuses. */
    private void logBusy() {
        int n = BUSY_REFUSED.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - busyLoggedAtMs >= 1000) {
            busyLoggedAtMs = now;
            BUSY_REFUSED.addAndGet(-n);
            log.warn("{}: bind refused with ESME_RBINDFAIL: the password verifier's queue is full ({} such binds "
                    + "since the last line)", remote(), n);
        }
    }

    private void refuse(BindRespPdu resp, InetAddress ip, int status, BindPdu b, String why) {
        bindFailures.recordFailure(ip, "bind from " + remote() + " as '" + printable(b.systemId()) + "' refused with 0x"
                + Integer.toHexString(status) + ": " + why);
        resp.commandStatus(status);
        reply(resp);
    }

    private void bound(BindPdu b, Account a, BindRespPdu resp) {
        this.account = a;
        this.bindCommand = b.commandId();
        this.state = State.BOUND;
        if (!engine.clients().register(this, a.maxBinds())) {
            this.state = State.OPEN;
            this.account = null;
            log.warn("{}: bind refused for '{}': maxBinds {} reached", remote(), a.id(), a.maxBinds());
            resp.commandStatus(CommandStatus.ESME_RBINDFAIL);
            writeNow(resp);
            return;
        }
        registered = true;
        origin = "smpp:" + a.id() + "@" + remote();
        if (bindTimer != null) {
            bindTimer.cancel(false);
        }
        log.info("{}: bound {} as {}", remote(), a.id(), CommandId.name(b.commandId()));
        writeNow(resp);
        if (receivesReceipts()) {
            engine.clients().drain(a.id());
        }
    }

    /** A client's string as it may appear in a log line: printable ASCII, at most 16 characters. */
    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 16));
        for (int i = 0; i < s.length() && i < 16; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.toString();
    }

    private InetAddress remoteIp() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    private void submit(SmPdu p) {
        MessageIdRespPdu resp = (MessageIdRespPdu) p.createResponse();
        Message m = SmppMessages.fromSubmitSm(engine.nextId(), account.id(), p, System.currentTimeMillis());
        accept(m, resp);
    }

    private void dataSm(DataSmPdu p) {
        MessageIdRespPdu resp = (MessageIdRespPdu) p.createResponse();
        Message m = SmppMessages.fromDataSm(engine.nextId(), account.id(), p, System.currentTimeMillis());
        accept(m, resp);
    }

    private void accept(Message m, MessageIdRespPdu resp) {
        answered++;
        engine.origin(origin);
        SubmitOutcome outcome = engine.submit(account, m);
        int status = SubmitStatus.of(outcome);
        if (status == CommandStatus.ESME_RMSGQFUL) {
            refusedFull = true;
        } else if (status == CommandStatus.ESME_ROK) {
            acceptedAny = true;
        }
        resp.commandStatus(status);
        resp.messageId(status == CommandStatus.ESME_ROK ? m.idString() : "");
        reply(resp);
    }

    /** Each SME destination becomes its own message; distribution lists are not supported. */
    private void submitMulti(SubmitMultiPdu p) {
        SubmitMultiRespPdu resp = (SubmitMultiRespPdu) p.createResponse();
        String firstId = null;
        List<UnsuccessSme> failed = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (MultiDestination d : p.destinations()) {
            if (d.destFlag() != 1) {
                failed.add(new UnsuccessSme(0, 0, d.address(), CommandStatus.ESME_RINVDLNAME));
                continue;
            }
            SmPdu single = new SmPdu(CommandId.SUBMIT_SM);
            single.serviceType(p.serviceType());
            single.sourceAddrTon(p.sourceAddrTon());
            single.sourceAddrNpi(p.sourceAddrNpi());
            single.sourceAddr(p.sourceAddr());
            single.destAddrTon(d.ton());
            single.destAddrNpi(d.npi());
            single.destinationAddr(d.address());
            single.esmClass(p.esmClass());
            single.protocolId(p.protocolId());
            single.priorityFlag(p.priorityFlag());
            single.scheduleDeliveryTime(p.scheduleDeliveryTime());
            single.validityPeriod(p.validityPeriod());
            single.registeredDelivery(p.registeredDelivery());
            single.dataCoding(p.dataCoding());
            single.shortMessage(p.shortMessage());
            single.addTlvs(p.tlvs());
            Message m = SmppMessages.fromSubmitSm(engine.nextId(), account.id(), single, now);
            engine.origin(origin);
            int status = SubmitStatus.of(engine.submit(account, m));
            if (status == CommandStatus.ESME_RMSGQFUL) {
                refusedFull = true;
            }
            if (status == CommandStatus.ESME_ROK) {
                acceptedAny = true;
                if (firstId == null) {
                    firstId = m.idString();
                }
            } else {
                failed.add(new UnsuccessSme(d.ton(), d.npi(), d.address(), status));
            }
        }
        if (firstId == null) {
            resp.commandStatus(failed.isEmpty() ? CommandStatus.ESME_RINVNUMDESTS : CommandStatus.ESME_RSUBMITFAIL);
            resp.messageId("");
        } else {
            resp.messageId(firstId);
        }
        resp.unsuccessSmes().addAll(failed);
        reply(resp);
    }

    /** cancel_sm of one message by id, while it is still queued in the router (not gone upstream). */
    private void cancel(CancelSmPdu p) {
        long id = parseId(p.messageId());
        boolean ok = id >= 0 && engine.cancel(account.id(), id);
        Pdu resp = p.createResponse();
        resp.commandStatus(ok ? CommandStatus.ESME_ROK : CommandStatus.ESME_RCANCELFAIL);
        reply(resp);
    }

    /** replace_sm of a message still queued in the router: new text, times and receipt request. */
    private void replace(ReplaceSmPdu p) {
        long id = parseId(p.messageId());
        boolean ok = id >= 0 && engine.replace(account.id(), id, old -> new Message(old.id(), old.accountId(),
                old.serviceType(), old.sourceTon(), old.sourceNpi(), old.source(), old.destTon(), old.destNpi(),
                old.destination(), old.esmClass(), old.protocolId(), old.priority(),
                p.scheduleDeliveryTime().isEmpty() ? old.scheduleDeliveryTime() : p.scheduleDeliveryTime(),
                p.validityPeriod().isEmpty() ? old.validityPeriod() : p.validityPeriod(),
                p.registeredDelivery(), old.dataCoding(), p.shortMessage(), old.optionalParameters(),
                old.acceptedAtMs()));
        Pdu resp = p.createResponse();
        resp.commandStatus(ok ? CommandStatus.ESME_ROK : CommandStatus.ESME_RREPLACEFAIL);
        reply(resp);
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void query(QuerySmPdu q) {
        QuerySmRespPdu resp = (QuerySmRespPdu) q.createResponse();
        resp.messageId(q.messageId());
        long id = parseId(q.messageId());
        MessageStatus s = id < 0 ? null : engine.status(id);
        if (s == null || !s.accountId().equals(account.id())) {
            resp.commandStatus(CommandStatus.ESME_RQUERYFAIL);
            resp.finalDate("");
            reply(resp);
            return;
        }
        resp.finalDate(s.finalAtMs() == 0 ? "" : FINAL_DATE.format(Instant.ofEpochMilli(s.finalAtMs())));
        resp.messageState(s.state().code());
        resp.errorCode(Math.min(255, s.errorCode()));
        reply(resp);
    }

    // ---- responses from the client ----

    private void handleResponse(Pdu pdu) {
        switch (pdu.commandId()) {
            case CommandId.DELIVER_SM_RESP, CommandId.GENERIC_NACK -> {
                Outstanding o = outstanding.remove(pdu.sequenceNumber());
                if (o == null) {
                    return; // a response to nothing we sent, or to an enquire_link: ignore it
                }
                receiptsHeld.decrementAndGet();
                receiptAcked = true;
                if (pdu.commandStatus() == CommandStatus.ESME_ROK) {
                    engine.receiptForwarded(o.receipt);
                } else {
                    // the client refused it for now: try again in a while, not in a tight loop
                    log.info("{}: receipt {} refused with 0x{}, retrying later", remote(), o.receipt.messageId(),
                            Integer.toHexString(pdu.commandStatus()));
                    Receipt r = o.receipt;
                    ctx.executor().schedule(() -> engine.redeliver(r), 1, TimeUnit.SECONDS);
                }
            }
            case CommandId.UNBIND_RESP -> {
                // the answer to our shutdown unbind; an unbind_resp to nothing we sent is ignored like
                // any other response, the session goes on
                if (state == State.UNBINDING) {
                    ctx.close();
                }
            }
            default -> {
                // enquire_link_resp and anything else: nothing to do
            }
        }
    }

    private void expireOutstanding() {
        if (outstanding.isEmpty()) {
            return;
        }
        long limit = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(settings.responseTimeoutMs());
        List<Receipt> expired = new ArrayList<>();
        outstanding.removeIf(o -> o.sentAtNanos - limit < 0, o -> expired.add(o.receipt));
        if (!expired.isEmpty()) {
            log.info("{}: {} receipts not acknowledged within {} ms, sending again", remote(), expired.size(),
                    settings.responseTimeoutMs());
            receiptsHeld.addAndGet(-expired.size());
            for (Receipt r : expired) {
                engine.redeliver(r);
            }
        }
    }

    /** Router shutdown: ask the client to unbind; the connection closes on its unbind_resp. */
    void unbindForShutdown() {
        if (state == State.BOUND) {
            state = State.UNBINDING;
            HeaderOnlyPdu unbind = new HeaderOnlyPdu(CommandId.UNBIND);
            unbind.sequenceNumber(nextSequence());
            ctx.writeAndFlush(unbind, ctx.voidPromise());
            ctx.executor().schedule(() -> {
                ctx.close();
            }, 1, TimeUnit.SECONDS);
        } else {
            ctx.close();
        }
    }

    private String remote() {
        Channel ch = ctx == null ? null : ctx.channel();
        if (ch != null && ch.remoteAddress() instanceof InetSocketAddress a) {
            return a.getHostString() + ":" + a.getPort();
        }
        return "?";
    }
}
