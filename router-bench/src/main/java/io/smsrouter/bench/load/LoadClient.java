package io.smsrouter.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
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
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The load generator: {@code binds} SMPP 3.4 transceiver sessions (section 2.2, the ESME side) on
 * one event-loop thread of its own, sending submit_sm either closed loop (every response frees a
 * window slot that is filled at once) or open loop (on an {@link OpenLoopSchedule}), answering every
 * deliver_sm, and matching each delivery receipt to the message id its submit_sm_resp gave.
 *
 * <p>Everything mutable lives on that one thread, so the state is plain fields and arrays: per bind
 * a window of slots indexed by the low bits of the sequence number (no map lookup per response),
 * and one {@link IdTimeMap} of acked ids still waiting for their receipt, shared by all binds
 * because a receipt may come back on another bind, and even before its submit_sm_resp (it then
 * waits in a second map until the response arrives).
 *
 * <p>Latency is taken from the intended send time: in the closed loop the moment the message was
 * written, in the open loop its slot in the schedule, so that a stall of the peer counts against
 * every message it held back, not only the few already in flight.
 */
public final class LoadClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoadClient.class);
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final long SECOND = 1_000_000_000L;
    /** Open loop: the pacing timer never fires more often than this; a send may be this late. */
    private static final long MIN_PACING_NANOS = 100_000;
    private static final int DESTINATIONS = 1024;

    private enum Phase { IDLE, SENDING, DRAINING, DONE }

    private final LoadSettings settings;
    private final Consumer<String> out;
    private final Supplier<String> extraStatus;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final List<Session> sessions = new ArrayList<>();
    private final Payloads payloads;
    private final String[] destinations = new String[DESTINATIONS];
    private final long base = System.nanoTime();
    private final CompletableFuture<LoadResult> result = new CompletableFuture<>();

    // ---- everything below belongs to the event-loop thread ----
    private Phase phase = Phase.IDLE;
    private long startNanos;
    private long warmupEndNanos;
    private long endNanos;
    private long drainStartNanos;
    private long lastSampleNanos;
    private OpenLoopSchedule schedule;
    private long nextIndex;
    private long behind;
    private long messageIndex;
    private int destinationIndex;
    /** uniqueDestinations: 7916 and the seven digits of the next number, counted up in place. */
    private final char[] uniqueDestination = "79160000000".toCharArray();
    private int roundRobin;
    private long inFlight;
    private ScheduledFuture<?> pumpTimer;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    private final IdTimeMap awaitingReceipt = new IdTimeMap(1 << 16);
    private final IdTimeMap earlyReceipts = new IdTimeMap(1 << 10);
    private long awaitingMeasured;

    private long sent;
    private long acked;
    private long rejected;
    private final Map<Integer, Long> rejectedByStatus = new TreeMap<>();
    private long delivered;
    private long receiptsTotal;
    private long strayResponses;
    private int connectionsLost;

    private final Histogram submitWarmup = newHistogram();
    private final Histogram submitMeasured = newHistogram();
    private final Histogram receiptMeasured = newHistogram();
    private final Histogram submitInterval = newHistogram();
    private long intervalSent;
    private long intervalAcked;
    private long intervalReceipts;
    private final List<Sample> samples = new ArrayList<>();
    private final SslContext tls;

    /**
     * @param out         where progress lines go
     * @param extraStatus appended to each progress line (the router's queue, say); "" for nothing.
     *                    Called on the client's event loop, so it must be thread-safe and quick
     */
    public LoadClient(LoadSettings settings, Consumer<String> out, Supplier<String> extraStatus) {
        this(settings, out, extraStatus, null);
    }

    /** With {@code tls} (a client context) every bind connects over TLS, checking the host name. */
    public LoadClient(LoadSettings settings, Consumer<String> out, Supplier<String> extraStatus, SslContext tls) {
        this.settings = settings;
        this.tls = tls;
        this.out = out;
        this.extraStatus = extraStatus;
        this.group = SmppTransport.newGroup("load-io", 1);
        this.loop = group.next();
        this.payloads = new Payloads(settings.textLength(), settings.receipts());
        for (int i = 0; i < DESTINATIONS; i++) {
            destinations[i] = "7916" + String.format("%07d", 1_000_000 + i * 7919 % 9_000_000);
        }
    }

    private static Histogram newHistogram() {
        return new Histogram(HIGHEST_MICROS, 3);
    }

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, nanos / 1000)));
    }

    /** Connects and binds every session; throws if any bind fails or takes longer than the timeout. */
    public void connect(long timeoutMs) throws InterruptedException, TimeoutException {
        List<CompletableFuture<Void>> bound = new ArrayList<>();
        for (int i = 0; i < settings.binds(); i++) {
            Session s = new Session(i);
            sessions.add(s);
            bound.add(s.bound);
            ChannelFuture f = SmppTransport.client(loop, (int) timeoutMs)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), settings.host(),
                                        settings.port()));
                            }
                            ch.pipeline()
                                    .addLast("frame", new SmppFrameDecoder(settings.maxPduLength()))
                                    .addLast("encoder", new SmppEncoder())
                                    .addLast("session", s);
                        }
                    })
                    .connect(settings.host(), settings.port());
            f.addListener(cf -> {
                if (!cf.isSuccess()) {
                    s.bound.completeExceptionally(cf.cause());
                }
            });
        }
        try {
            CompletableFuture.allOf(bound.toArray(new CompletableFuture[0])).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("bind to " + settings.host() + ":" + settings.port() + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private Runnable measuredStart = () -> {
    };
    private Runnable measuredEnd = () -> {
    };

    /**
     * Runs {@code start} when the measured period begins (the warmup ends) and {@code end} when it
     * ends (the drain begins), on the client's event loop; before {@link #run}.
     */
    public void onMeasuredPeriod(Runnable start, Runnable end) {
        this.measuredStart = start;
        this.measuredEnd = end;
    }

    /** Runs warmup, measured period and drain; returns when done. */
    public LoadResult run() throws InterruptedException, ExecutionException {
        loop.execute(this::start);
        return result.get();
    }

    /** Unbinds every session, waits briefly for the unbind_resp, then stops the event loop. */
    @Override
    public void close() {
        List<ChannelFuture> closed = new ArrayList<>();
        for (Session s : sessions) {
            if (s.ctx != null) {
                Channel ch = s.ctx.channel();
                closed.add(ch.closeFuture());
                loop.execute(s::unbind);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ChannelFuture f : closed) {
            f.awaitUninterruptibly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            f.channel().close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }

    // ---- the run, on the event loop ----

    private void start() {
        long now = System.nanoTime();
        startNanos = now;
        lastSampleNanos = now;
        warmupEndNanos = now + TimeUnit.SECONDS.toNanos(settings.warmupSeconds());
        endNanos = warmupEndNanos + TimeUnit.SECONDS.toNanos(settings.durationSeconds());
        phase = Phase.SENDING;
        timers.add(loop.scheduleAtFixedRate(this::tick, SECOND, SECOND, TimeUnit.NANOSECONDS));
        timers.add(loop.schedule(measuredStart, warmupEndNanos - now, TimeUnit.NANOSECONDS));
        timers.add(loop.schedule(() -> checkEnd(System.nanoTime()), endNanos - now, TimeUnit.NANOSECONDS));
        if (settings.closedLoop()) {
            for (Session s : sessions) {
                s.fill(now);
                s.flushIfWritten();
            }
        } else {
            schedule = new OpenLoopSchedule(now, settings.ratePerSecond());
            pump(now);
        }
    }

    private boolean measured(long intendedNanos) {
        return intendedNanos - warmupEndNanos >= 0 && intendedNanos - endNanos < 0;
    }

    /** Leaves the sending phase once the measured period is over. */
    private void checkEnd(long now) {
        if (phase == Phase.SENDING && now - endNanos >= 0) {
            if (now - lastSampleNanos >= SECOND / 2) {
                sample(now); // the run's last second, before the drain's first
            }
            phase = Phase.DRAINING;
            drainStartNanos = now;
            measuredEnd.run();
            if (schedule != null) {
                behind = Math.max(0, schedule.dueCount(endNanos - 1) - nextIndex);
            }
            if (pumpTimer != null) {
                pumpTimer.cancel(false);
                pumpTimer = null;
            }
            timers.add(loop.schedule(this::finish, settings.drainSeconds(), TimeUnit.SECONDS));
            checkDrained();
        }
    }

    private void checkDrained() {
        if (phase == Phase.DRAINING && inFlight == 0 && (!settings.receipts() || awaitingMeasured == 0)) {
            finish();
        }
    }

    /** Open loop: sends every message that is due and fits in a window, then sets the next wake-up. */
    private void pump(long now) {
        if (phase != Phase.SENDING) {
            return;
        }
        long due = schedule.dueCount(now);
        while (nextIndex < due) {
            long intended = schedule.intendedNanos(nextIndex);
            if (intended - endNanos >= 0) {
                break;
            }
            Session s = nextSessionWithRoom();
            if (s == null) {
                break; // every window is full: the backlog goes out as responses free slots
            }
            s.send(intended);
            nextIndex++;
        }
        for (Session s : sessions) {
            s.flushIfWritten();
        }
        checkEnd(now);
        if (phase == Phase.SENDING && nextIndex >= due && pumpTimer == null) {
            long wait = Math.max(MIN_PACING_NANOS, schedule.intendedNanos(nextIndex) - now);
            pumpTimer = loop.schedule(() -> {
                pumpTimer = null;
                pump(System.nanoTime());
            }, wait, TimeUnit.NANOSECONDS);
        }
    }

    private Session nextSessionWithRoom() {
        int n = sessions.size();
        for (int i = 0; i < n; i++) {
            Session s = sessions.get(roundRobin);
            roundRobin = roundRobin + 1 == n ? 0 : roundRobin + 1;
            if (s.canSend()) {
                return s;
            }
        }
        return null;
    }

    private void tick() {
        long now = System.nanoTime();
        checkEnd(now);
        if (phase == Phase.DONE) {
            return;
        }
        // the end-of-run check may just have taken this second's sample
        if (now - lastSampleNanos >= SECOND / 10) {
            sample(now);
        }
        if (phase == Phase.SENDING && schedule != null) {
            pump(now);
        }
    }

    /**
     * Closes the current interval: one {@link Sample} and one progress line, rates per second of
     * the interval's actual length (a second, or less for the last one).
     */
    private void sample(long now) {
        long length = Math.max(1, now - lastSampleNanos);
        lastSampleNanos = now;
        // an interval is named after its middle: the tick of second 3 of a 3 s warmup is warmup
        long middle = now - length / 2;
        String name = middle - endNanos >= 0 ? "drain" : middle - warmupEndNanos < 0 ? "warmup" : "run";
        long p99 = submitInterval.getTotalCount() == 0 ? 0 : submitInterval.getValueAtPercentile(99);
        Histogram soFar = submitMeasured.getTotalCount() > 0 ? submitMeasured : submitWarmup;
        long p99SoFar = soFar.getTotalCount() == 0 ? 0 : soFar.getValueAtPercentile(99);
        int second = (int) Math.max(1, Math.round(Math.ceil((now - startNanos) / 1e9 - 0.05)));
        Sample sample = new Sample(second, name, perSecond(intervalSent, length), perSecond(intervalAcked, length),
                perSecond(intervalReceipts, length), inFlight, p99);
        samples.add(sample);
        String extra = extraStatus.get();
        out.accept(String.format("%5ds %-6s msg/s=%-7d inflight=%-6d receipts/s=%-7d submit_p99=%dus (this second %dus)%s",
                sample.second(), name, sample.ackedPerSecond(), inFlight, sample.receiptsPerSecond(), p99SoFar, p99,
                extra.isEmpty() ? "" : " " + extra));
        intervalSent = 0;
        intervalAcked = 0;
        intervalReceipts = 0;
        submitInterval.reset();
    }

    private static long perSecond(long count, long nanos) {
        return Math.round(count * 1e9 / nanos);
    }

    private void finish() {
        if (phase == Phase.DONE) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastSampleNanos >= SECOND / 10 && intervalAcked + intervalReceipts + intervalSent > 0) {
            sample(now); // the drain's last part second
        }
        phase = Phase.DONE;
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        if (pumpTimer != null) {
            pumpTimer.cancel(false);
        }
        long lost = settings.receipts() ? awaitingMeasured : 0;
        result.complete(new LoadResult(sent, acked, rejected, Map.copyOf(rejectedByStatus), delivered, lost,
                sent - acked - rejected, behind, receiptsTotal, earlyReceipts.size(), strayResponses, connectionsLost,
                endNanos - warmupEndNanos, TimeUnit.NANOSECONDS.toMillis(now - drainStartNanos), submitMeasured,
                receiptMeasured, List.copyOf(samples)));
    }

    // ---- bookkeeping, called by the sessions ----

    private void onSent(long intendedNanos) {
        intervalSent++;
        inFlight++;
        if (measured(intendedNanos)) {
            sent++;
        }
    }

    private void onSubmitResp(int status, String messageId, long intendedNanos, long now) {
        inFlight--;
        if (phase == Phase.DONE) {
            return;
        }
        long latency = now - intendedNanos;
        boolean measured = measured(intendedNanos);
        record(submitInterval, latency);
        if (status != CommandStatus.ESME_ROK) {
            if (measured) {
                rejected++;
                rejectedByStatus.merge(status, 1L, Long::sum);
            }
            return;
        }
        intervalAcked++;
        if (measured) {
            acked++;
            record(submitMeasured, latency);
        } else {
            record(submitWarmup, latency);
        }
        if (!settings.receipts() || messageId.isEmpty()) {
            return;
        }
        long receiptAt = earlyReceipts.remove(messageId);
        if (receiptAt != IdTimeMap.MISSING) {
            // the receipt overtook its response (another bind, or the same read batch)
            if (measured) {
                delivered++;
                record(receiptMeasured, receiptAt + base - intendedNanos);
            }
            return;
        }
        awaitingReceipt.put(messageId, intendedNanos - base);
        if (measured) {
            awaitingMeasured++;
        }
    }

    private void onReceipt(String messageId, long now) {
        if (phase == Phase.DONE) {
            return;
        }
        receiptsTotal++;
        intervalReceipts++;
        if (messageId == null) {
            return;
        }
        long rel = awaitingReceipt.remove(messageId);
        if (rel == IdTimeMap.MISSING) {
            earlyReceipts.put(messageId, now - base);
            return;
        }
        long intended = rel + base;
        if (measured(intended)) {
            awaitingMeasured--;
            delivered++;
            record(receiptMeasured, now - intended);
        }
    }

    private void onReadComplete(Session s) {
        long now = System.nanoTime();
        if (phase == Phase.SENDING) {
            if (schedule == null) {
                s.fill(now);
            } else {
                pump(now);
            }
        }
        s.flushIfWritten();
        if (phase == Phase.SENDING) {
            checkEnd(now);
        }
        checkDrained();
    }

    private void onSessionLost(Session s) {
        if (phase == Phase.DONE) {
            return;
        }
        connectionsLost++;
        inFlight -= s.outstanding;
        s.outstanding = 0;
        log.warn("bind #{} closed by the peer during the run", s.index);
        boolean anyAlive = false;
        for (Session o : sessions) {
            anyAlive |= o.alive();
        }
        if (!anyAlive && phase != Phase.IDLE) {
            out.accept("bench: every bind is closed; ending the run");
            if (phase == Phase.SENDING) {
                phase = Phase.DRAINING;
                drainStartNanos = System.nanoTime();
            }
            finish();
        } else {
            checkDrained();
        }
    }

    private SmPdu nextSubmit(Session s) {
        boolean ucs2 = settings.ucs2Percent() > 0 && Payloads.isUcs2(messageIndex, settings.ucs2Percent());
        messageIndex++;
        SmPdu p = ucs2 ? s.ucs2Submit : s.latinSubmit;
        if (settings.uniqueDestinations()) {
            p.destinationAddr(nextUniqueDestination());
            return p;
        }
        p.destinationAddr(destinations[destinationIndex]);
        destinationIndex = destinationIndex + 1 == DESTINATIONS ? 0 : destinationIndex + 1;
        return p;
    }

    /**
     * The next of 10 million numbers 7916xxxxxxx, none repeated before the last is used (about
     * 100 s at 100,000 msg/s; then they start again from the first).
     */
    private String nextUniqueDestination() {
        char[] d = uniqueDestination;
        for (int i = d.length - 1; i >= 4; i--) {
            if (d[i] != '9') {
                d[i]++;
                return new String(d);
            }
            d[i] = '0';
        }
        return new String(d);
    }

    /**
     * One transceiver bind. Window slots are indexed by the low bits of the sequence number; the
     * high bits change with every use of the slot, so a response is matched by one array read and
     * a stale or foreign sequence number is recognised.
     */
    private final class Session extends ChannelInboundHandlerAdapter {
        final int index;
        final CompletableFuture<Void> bound = new CompletableFuture<>();
        ChannelHandlerContext ctx;
        boolean isBound;
        boolean closing;
        boolean written;
        int outstanding;

        private final int slotBits;
        private final int slotMask;
        private final int[] slotSequence;
        private final long[] slotIntended;
        private final int[] freeSlots;
        private int freeCount;
        private int generation = 1;
        private int requestSequence = 1;

        // written and encoded synchronously on this thread, so one instance each can be reused
        final SmPdu latinSubmit = payloads.newSubmit(false);
        final SmPdu ucs2Submit = payloads.newSubmit(true);
        private final MessageIdRespPdu deliverSmResp = new MessageIdRespPdu(CommandId.DELIVER_SM_RESP);

        Session(int index) {
            this.index = index;
            int window = settings.window();
            this.slotBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, window - 1));
            this.slotMask = (1 << slotBits) - 1;
            this.slotSequence = new int[window];
            this.slotIntended = new long[window];
            this.freeSlots = new int[window];
            for (int i = 0; i < window; i++) {
                freeSlots[i] = window - 1 - i;
            }
            this.freeCount = window;
        }

        boolean alive() {
            return ctx != null && ctx.channel().isActive() && !closing;
        }

        boolean canSend() {
            return isBound && !closing && freeCount > 0 && ctx.channel().isWritable();
        }

        void send(long intendedNanos) {
            int slot = freeSlots[--freeCount];
            int seq;
            do {
                seq = ((generation++ << slotBits) | slot) & 0x7FFFFFFF;
            } while (seq == 0);
            slotSequence[slot] = seq;
            slotIntended[slot] = intendedNanos;
            outstanding++;
            SmPdu p = nextSubmit(this);
            p.sequenceNumber(seq);
            ctx.write(p, ctx.voidPromise());
            written = true;
            onSent(intendedNanos);
        }

        /** Closed loop: fills the window; the whole batch counts as sent at {@code now}. */
        void fill(long now) {
            if (now - endNanos >= 0) {
                return;
            }
            while (canSend()) {
                send(now);
            }
        }

        void flushIfWritten() {
            if (written) {
                written = false;
                ctx.flush();
            }
        }

        void unbind() {
            if (ctx == null || !ctx.channel().isActive()) {
                return;
            }
            closing = true;
            if (!isBound) {
                ctx.close();
                return;
            }
            HeaderOnlyPdu unbind = new HeaderOnlyPdu(CommandId.UNBIND);
            unbind.sequenceNumber(0x7FFFFFFF);
            ctx.writeAndFlush(unbind, ctx.voidPromise());
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            BindPdu bind = new BindPdu(CommandId.BIND_TRANSCEIVER)
                    .systemId(settings.systemId())
                    .password(settings.password());
            bind.sequenceNumber(requestSequence++);
            ctx.writeAndFlush(bind, ctx.voidPromise());
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!bound.isDone()) {
                bound.completeExceptionally(new IllegalStateException("connection closed before bind_resp"));
            }
            if (!closing) {
                onSessionLost(this);
            }
            isBound = false;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                onReadComplete(this);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof InvalidPdu bad) {
                log.warn("bind #{}: undecodable PDU from the peer: {}", index, bad.reason());
                ctx.write(HeaderOnlyPdu.genericNack(bad.status(), bad.sequenceNumber()), ctx.voidPromise());
                written = true;
                if (bad.fatal()) {
                    ctx.flush();
                    ctx.close();
                }
                return;
            }
            Pdu pdu = (Pdu) msg;
            switch (pdu.commandId()) {
                case CommandId.SUBMIT_SM_RESP -> response(pdu.sequenceNumber(), pdu.commandStatus(),
                        ((MessageIdRespPdu) pdu).messageId());
                case CommandId.DELIVER_SM -> deliver((SmPdu) pdu);
                case CommandId.GENERIC_NACK -> response(pdu.sequenceNumber(),
                        pdu.commandStatus() == CommandStatus.ESME_ROK ? CommandStatus.ESME_RSYSERR : pdu.commandStatus(),
                        "");
                case CommandId.BIND_TRANSCEIVER_RESP -> {
                    if (pdu.commandStatus() == CommandStatus.ESME_ROK) {
                        isBound = true;
                        bound.complete(null);
                    } else {
                        bound.completeExceptionally(new IllegalStateException("bind_transceiver refused: "
                                + CommandStatus.name(pdu.commandStatus())));
                        closing = true;
                        ctx.close();
                    }
                }
                case CommandId.ENQUIRE_LINK -> {
                    ctx.write(pdu.createResponse(), ctx.voidPromise());
                    written = true;
                }
                case CommandId.UNBIND -> {
                    closing = true;
                    ctx.writeAndFlush(pdu.createResponse()).addListener(f -> ctx.close());
                    if (phase != Phase.DONE) {
                        log.warn("bind #{}: the peer unbound during the run", index);
                        onSessionLost(this);
                    }
                }
                case CommandId.UNBIND_RESP -> ctx.close();
                case CommandId.ENQUIRE_LINK_RESP -> {
                }
                default -> {
                    if (!pdu.isResponse()) {
                        ctx.write(HeaderOnlyPdu.genericNack(CommandStatus.ESME_RINVCMDID, pdu.sequenceNumber()),
                                ctx.voidPromise());
                        written = true;
                    }
                }
            }
        }

        private void response(int seq, int status, String messageId) {
            int slot = seq & slotMask;
            if (slot >= slotSequence.length || slotSequence[slot] != seq || seq == 0) {
                strayResponses++;
                return;
            }
            long now = System.nanoTime();
            slotSequence[slot] = 0;
            freeSlots[freeCount++] = slot;
            outstanding--;
            onSubmitResp(status, messageId, slotIntended[slot], now);
        }

        private void deliver(SmPdu d) {
            deliverSmResp.sequenceNumber(d.sequenceNumber());
            ctx.write(deliverSmResp, ctx.voidPromise());
            written = true;
            if (ReceiptIds.isDeliveryReceipt(d)) {
                onReceipt(ReceiptIds.of(d), System.nanoTime());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            onReadComplete(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("bind #{}: {}", index, cause.toString());
            ctx.close();
        }
    }
}
