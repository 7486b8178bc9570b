package io.smsrouter.core.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.correlation.Correlation;
import io.smsrouter.core.correlation.ReceiptCorrelator;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.MessageIdGenerator;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.message.ScheduleTime;
import io.smsrouter.core.moderation.HeldMessage;
import io.smsrouter.core.moderation.HoldReason;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.ModerationDecision;
import io.smsrouter.core.moderation.ModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.Verdict;
import io.smsrouter.core.moderation.MessageText;
import io.smsrouter.core.policy.LocalOptOutRegistry;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.core.policy.OptOutRegistry;
import io.smsrouter.core.policy.StopKeywords;
import io.smsrouter.core.route.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router's decisions, independent of any protocol: accept a message (account checks, route,
 * journal), hand it to its operator's queue, record what the operator said, match the operator's
 * receipt to our id and pass it to the client.
 *
 * <p>Thread-safe: adapters call it from their own event-loop threads. Each call appends its
 * journal event before anything of it becomes visible outside, so recovery ({@link #recover})
 * can rebuild the rest.
 */
public final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** Error code of a receipt for a message that no longer has any route after a restart. */
    public static final int NO_ROUTE_ERROR = 0x0B;
    /**
     * Error code of a message not sent because it repeats one sent within its account's
     * {@code dedupWindowSeconds} (state REJECTED, receipt {@code stat:REJECTD err:998}).
     */
    public static final int DUPLICATE_ERROR = 998;
    /**
     * Error code of a message whose validity ran out while it waited for an operator that could
     * take it (state UNDELIVERABLE, receipt {@code stat:UNDELIV err:997}).
     */
    public static final int VALIDITY_ERROR = 997;

    private final AccountRegistry accounts;
    /** Swapped whole by {@link #routes(RouteTable)}; each decision reads it once. */
    private volatile RouteTable routes;
    private final Journal journal;
    private final ReceiptCorrelator correlator;
    private final ClientRegistry clients;
    private final Map<String, OperatorQueue> operatorQueues;
    private final Map<String, TokenBucket> accountRates = new HashMap<>();
    /** In a cluster: messages each account with a {@code tps} offered this node (for its share of the rate). */
    private final Map<String, LongAdder> accountAttempts = new ConcurrentHashMap<>();
    /** Statuses of the last 2M messages (query_sm answers for those). */
    private final StatusTable statuses = new StatusTable(1 << 21);
    /** Receipts that arrived before the operator's submit_sm_resp was processed. */
    private final Cache<String, PendingReceipt> orphanReceipts;
    /** Accepted messages not yet taken by an operator (queued or scheduled), per traffic class. */
    private final AtomicInteger[] undelivered = new AtomicInteger[TrafficClass.values().length];
    private final Map<Long, Integer> retries = new ConcurrentHashMap<>();
    private final int maxUndelivered;
    private final Moderator moderator;
    /** Swapped only before {@link #recover} ({@link #moderationQueue(ModerationQueue)}: a cluster's shared queue). */
    private volatile ModerationQueue moderation;
    private final int maxHeld;
    private volatile MessageIdGenerator ids = new MessageIdGenerator(0);
    /** Added to every id this node issues: 0 on an embedded router, the node's slot in a cluster. */
    private volatile long idBase;
    /** The rest of the cluster, or null: an embedded router, whose operator queues are its own. */
    private volatile ClusterLink cluster;
    private final LongAdder shippedToCluster = new LongAdder();
    private final LongAdder takenFromCluster = new LongAdder();
    /** Accepted messages waiting for their schedule_delivery_time, soonest first. */
    private final ConcurrentSkipListSet<Scheduled> scheduled = new ConcurrentSkipListSet<>();
    private final Map<Long, Scheduled> scheduledById = new ConcurrentHashMap<>();
    private volatile MessageObserver observer;
    /** Whether an operator can take messages now (has a live bind); routes prefer those that can. */
    private volatile java.util.function.Predicate<String> operatorUp = id -> true;
    private final LongAdder failedOver = new LongAdder();
    /** Replaced once, before recovery, when the cluster shares opt-outs ({@link #sharePolicies}). */
    private volatile OptOutRegistry optOuts = new LocalOptOutRegistry();
    private volatile StopKeywords stopKeywords = StopKeywords.defaults();
    /** Traffic classes that may still be sent to a number that opted out (a code the subscriber asked for). */
    private volatile java.util.Set<TrafficClass> optOutExempt = java.util.EnumSet.of(TrafficClass.OTP);
    private final LongAdder optedOutRefusals = new LongAdder();
    /** Consents to advertising, asked for promo messages of accounts with {@code requireConsent}. */
    private volatile io.smsrouter.core.policy.ConsentRegistry consents = new io.smsrouter.core.policy.LocalConsentRegistry();
    /** Where opt-outs and consents are kept when the cluster shares them; null: this node's journal. */
    private volatile SharedPolicies shared;
    /** Serializes consent changes: ids in journal order, and the opt-out each implies beside it. */
    private final Object consentLock = new Object();
    private final LongAdder noConsentRefusals = new LongAdder();
    private volatile EngineMetrics metrics = EngineMetrics.NONE;
    /** One SMS per phone, or null: no account deduplicates. */
    private volatile io.smsrouter.core.policy.DuplicateFilter dedup;
    /** Sending windows of promo traffic, or null: no quiet hours. */
    private volatile io.smsrouter.core.policy.QuietHours quietHours;
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder expiredInQueue = new LongAdder();
    private final LongAdder moReceived = new LongAdder();
    private final LongAdder moUnrouted = new LongAdder();
    private final LongAdder quietDelayed = new LongAdder();
    /** Prepaid balances and prices, or null: nobody is billed. */
    private volatile Billing billing;
    /** Cluster mode with shared balances: the local {@link #billing} spends leases of them. */
    private volatile io.smsrouter.core.billing.CreditLeases credit;
    /** Why the journal cannot take new messages now (disk full, write failed), or null. */
    private volatile String journalProblem;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder submitted = new LongAdder();
    private final LongAdder receiptsIn = new LongAdder();
    private final LongAdder receiptsOut = new LongAdder();
    private final LongAdder heldCount = new LongAdder();
    private final LongAdder requeuedAtRecovery = new LongAdder();
    private final LongAdder[] decided = {new LongAdder(), new LongAdder(), new LongAdder()};

    private record PendingReceipt(DeliveryState state, int errorCode, long doneTimeMs) {
    }

    /** An early receipt read back by recovery, with the ids it was parked under. */
    private record Orphan(String operatorId, String upstreamId, PendingReceipt receipt) {
    }

    /** A message that goes to its operator's queue at {@code dueMs}. */
    private record Scheduled(long dueMs, Message message, String operatorId) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(dueMs, o.dueMs);
            return c != 0 ? c : Long.compare(message.id(), o.message.id());
        }
    }

    /**
     * Sees what happens to messages, for an adapter that keeps more than the status table (the
     * HTTP API's history and callbacks). Called on the thread that made the change; must be quick.
     */
    public interface MessageObserver {
        /** A note journaled for a message, live or replayed by recovery (before its receipts are dispatched). */
        void noted(long messageId, String key, String value);

        /** The operator took the message. */
        default void submitted(long messageId, String operatorId, String upstreamId) {
        }

        /** A held message was decided. */
        default void moderated(long messageId, Verdict verdict, String moderator, String reason) {
        }
    }

    /**
     * Upstream id journaled with {@link Journal#submitted} for a message this node handed to the
     * cluster ({@link ClusterLink#send}): the node that owns the operator's share sends it, so
     * recovery here must not send it again, and no operator id of that name exists.
     */
    public static final String SHIPPED_TO_CLUSTER = "@cluster";

    /**
     * The other nodes of a cluster, as the engine sees them. With a link set, accepted messages go
     * to the cluster instead of this node's operator queues (the node that owns a share of the
     * operator sends them, {@link #takeFromCluster}), and receipts matched here go to the cluster,
     * which hands each to a node where its account is bound. The engine's logic stays the same.
     */
    public interface ClusterLink {
        /**
         * Hands an accepted message, already journaled here, to the cluster for {@code operatorId}.
         * Called on the thread of a batch after its journal append; {@link #flush} follows.
         */
        void send(Message m, String operatorId);

        /**
         * Waits until every {@link #send} of the calling thread since its last flush is as durable
         * as {@code cluster.ack} promises (for {@code local}: not at all, the journal here has them);
         * throws when one failed. The link marks them shipped ({@link #markShipped}) when confirmed.
         */
        void flush();

        /**
         * {@link #flush} without waiting: the future completes when the calling thread's sends since
         * its last flush are as durable as {@code cluster.ack} promises, exceptionally when one
         * failed. By default it waits, as {@link #flush} does, and returns a completed future.
         */
        default java.util.concurrent.CompletableFuture<Void> flushAsync() {
            flush();
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        /**
         * The operator took a message sent from this node and gave it {@code upstreamId}; its
         * correlation is in this node's correlator. The cluster must share it (a receipt may come
         * to another node's bind) before it counts the message as done.
         */
        void sent(Message m, String operatorId, String upstreamId);

        /**
         * A message left for good without reaching an operator (refused, expired, cancelled).
         * Called for every such message; the link ignores those it did not give this node.
         */
        void done(long messageId);

        /** A receipt (or a subscriber's message) for an account, matched here, journaled here. */
        void receipt(Receipt r);

        /**
         * True when the link bills the charges of messages the cluster keeps outside its operator
         * path (held in a shared moderation queue, scheduled in a shared schedule): the engine hands
         * them to {@link #kept} with the batch and leaves their billing to the link (durable when
         * held, spent when scheduled, once the cluster confirmed the charge); false: the engine bills
         * them itself when they are stored.
         */
        default boolean billsKept() {
            return false;
        }

        /** With {@link #billsKept}: message {@code messageId} of the batch, charged {@code amount}, is kept (held or scheduled). */
        default void kept(long messageId, String accountId, long amount, boolean held) {
        }

        /** A client of this node took a receipt the cluster gave it ({@link ClientRegistry#dispatch}). */
        void forwarded(Receipt r);

        /**
         * Where scheduled messages wait, shared by the nodes, or null: each node keeps its own (and a
         * dead node's wait until it is started again).
         */
        default io.smsrouter.core.cluster.SharedSchedule schedule() {
            return null;
        }

        /** Every status this node sets, for a store every node reads ({@link #statusOf}); none by default. */
        default void status(MessageStatus s) {
        }

        /** The latest status another node (or this one) stored, or null: for ids this node does not know. */
        default MessageStatus statusOf(long messageId) {
            return null;
        }

        /**
         * The SMS log rows the query asks for, from a log every node writes and reads, or null: this
         * node's journal answers (the default). A slow call, not on an event loop.
         */
        default java.util.List<SmsLog.Row> smsLog(SmsLog.Query q) {
            return null;
        }
    }

    /**
     * Makes this engine a node of a cluster: ids from {@code idBase} on (see {@link
     * MessageIdGenerator#clusterBase}), accepted messages and matched receipts handed to {@code
     * link}. Before {@link #recover}, so that what recovery sends again goes to the cluster too.
     */
    public void cluster(ClusterLink link, long idBase) {
        this.cluster = link;
        statuses.also(link::status);
        this.idBase = idBase;
        this.ids = new MessageIdGenerator(0, idBase);
    }

    public ClusterLink cluster() {
        return cluster;
    }

    /**
     * Queues a message another node (or this one) accepted, which the cluster gave this node to
     * send on its share of {@code operatorId}'s binds. False when this node has no such operator.
     */
    public boolean takeFromCluster(Message m, String operatorId) {
        OperatorQueue q = operatorQueues.get(operatorId);
        if (q == null) {
            return false;
        }
        undelivered(m).incrementAndGet();
        takenFromCluster.increment();
        io.smsrouter.core.policy.DuplicateFilter d = dedup;
        if (d != null && d.applies(m.accountId()) && io.smsrouter.core.moderation.MessagePart.of(m) == null
                && d.firstOf(m) != 0) {
            // the same text to the same number, accepted by another node within the window: one phone's
            // messages come to one node (the cluster partitions by number), so it goes once
            duplicates.increment();
            beginBatch();
            try {
                endUnsent(m, operatorId, DeliveryState.REJECTED, DUPLICATE_ERROR);
            } finally {
                endBatch();
            }
            return true;
        }
        statuses.put(new MessageStatus(m.id(), m.accountId(), DeliveryState.ENROUTE, 0, operatorId,
                m.acceptedAtMs(), 0));
        q.offer(m);
        return true;
    }

    /**
     * Takes queued messages out of this node's operator queue again (the cluster moved their share to
     * another node, which sends them); returns them.
     */
    public List<Message> giveBackToCluster(String operatorId, java.util.function.Predicate<Message> which) {
        OperatorQueue q = operatorQueues.get(operatorId);
        List<Message> out = new ArrayList<>();
        if (q == null) {
            return out;
        }
        q.removeIf(which, m -> {
            undelivered(m).decrementAndGet();
            out.add(m);
        });
        return out;
    }

    /**
     * The cluster has these messages (the link calls this when its brokers confirm them, whatever
     * {@code cluster.ack} waited for): marked in the journal, so that recovery here does not ship
     * them again. Until then a restart ships them again (the owner skips those already sent).
     */
    public void markShipped(long[] messageIds, String[] operatorIds, int n) {
        markShipped(messageIds, operatorIds, n, true);
    }

    /** {@link #markShipped}; {@code billed} false: their billing is the link's ({@link ClusterLink#billsKept}). */
    public void markShipped(long[] messageIds, String[] operatorIds, int n, boolean billed) {
        // billed first, whatever the journal does: the cluster has them (a cluster that settles this
        // node's credit after its death counts them from here on)
        Billing bill = billed ? billing : null;
        if (bill != null) {
            for (int i = 0; i < n; i++) {
                if (bill.refundUndelivered()) {
                    bill.markDurable(messageIds[i]); // its receipt settles it
                } else {
                    bill.settle(messageIds[i]); // as recovery does on this event: the cluster sends it, it is billed
                }
            }
        }
        journal.beginBatch();
        try {
            for (int i = 0; i < n; i++) {
                journal.submitted(messageIds[i], operatorIds[i], SHIPPED_TO_CLUSTER);
            }
        } finally {
            journal.endBatch();
        }
    }

    /**
     * In a cluster with {@code refundUndelivered}: a final receipt of a message accepted here was
     * matched on another node (which has no charge for it). Its reservation here is spent when it was
     * delivered, refunded (journaled) when not; nothing when this node has no open charge for it (it
     * was matched here, or settled already).
     */
    public void receiptElsewhere(long messageId, DeliveryState state) {
        Billing bill = billing;
        if (bill == null || !bill.refundUndelivered() || !state.isFinal() || bill.charge(messageId) == null) {
            return;
        }
        if (state == DeliveryState.DELIVERED) {
            bill.settle(messageId); // not journaled: after a restart the reservation is spent when receipts expire
            return;
        }
        endRefund(beginRefund(messageId));
    }

    /** The cluster has this receipt (matched here): recovery here need not hand it on again. */
    public void receiptShipped(long messageId) {
        journal.receiptForwarded(messageId);
    }

    /**
     * The correlation of {@code upstreamId} reached this node from the one that sent the message:
     * a receipt that came here before it is applied now.
     */
    public void onCorrelated(String operatorId, String upstreamId) {
        PendingReceipt early = orphanReceipts.asMap().remove(orphanKey(operatorId, upstreamId));
        if (early != null) {
            beginBatch();
            try {
                onOperatorReceipt(operatorId, upstreamId, early.state, early.errorCode, early.doneTimeMs);
            } finally {
                endBatch();
            }
        }
    }

    /**
     * In a cluster: how many messages each account with a {@code tps} offered this node since the
     * last call (accepted or throttled), reset by the call.
     */
    public Map<String, Long> takeAccountAttempts() {
        Map<String, Long> out = new HashMap<>();
        accountAttempts.forEach((id, n) -> out.put(id, n.sumThenReset()));
        return out;
    }

    /** The accounts with a {@code tps}, and their rate. */
    public Map<String, Integer> accountRates() {
        Map<String, Integer> out = new HashMap<>();
        for (String id : accountRates.keySet()) {
            Account a = accounts.get(id);
            if (a != null) {
                out.put(id, a.tps());
            }
        }
        return out;
    }

    /**
     * In a cluster: this node may accept {@code share} (0..1) of the account's {@code tps}; the
     * nodes split it by what each is offered, so the account's rate holds across the cluster.
     */
    public void accountShare(String accountId, double share) {
        TokenBucket rate = accountRates.get(accountId);
        Account a = accounts.get(accountId);
        if (rate != null && a != null) {
            rate.rate(a.tps() * Math.max(0, Math.min(1, share)));
        }
    }

    /** Messages this node handed to the cluster, since start. */
    public long shippedToClusterCount() {
        return shippedToCluster.sum();
    }

    /** Messages the cluster gave this node to send, since start. */
    public long takenFromClusterCount() {
        return takenFromCluster.sum();
    }

    /** Where a receipt for a client goes: this node's sessions, or the cluster. */
    private void handOn(Receipt r) {
        ClusterLink c = cluster;
        if (c != null) {
            c.receipt(r);
        } else {
            clients.dispatch(r);
        }
    }

    /** Queues a message for its operator, or (in a cluster) ships it within the current batch. */
    private void enqueue(OperatorQueue q, Message m) {
        if (cluster == null) {
            q.offer(m);
            return;
        }
        Batch b = batches.get();
        boolean own = b.depth == 0;
        if (own) {
            beginBatch();
        }
        b.queues.add(q);
        b.messages.add(m);
        if (own) {
            endBatch();
        }
    }

    /**
     * Ships the batch's messages to the cluster and waits for what {@code cluster.ack} promises
     * (the link marks them shipped in the journal when the brokers confirm them), or with {@code
     * async} returns the future of that. Throws when the cluster did not take them.
     */
    private java.util.concurrent.CompletableFuture<Void> ship(ClusterLink c, Batch b,
            io.smsrouter.core.cluster.SharedSchedule shared, boolean async) {
        int n = b.messages.size();
        int later = shared == null ? 0 : b.scheduled.size();
        java.util.concurrent.CompletableFuture<Void> durable = DONE;
        try {
            for (int i = 0; i < n; i++) {
                c.send(b.messages.get(i), b.queues.get(i).operatorId());
            }
            for (int i = 0; i < later; i++) {
                Scheduled s = b.scheduled.get(i);
                shared.add(s.message(), s.operatorId(), s.dueMs());
            }
            Billing bill = billing;
            if (bill != null && c.billsKept()) {
                for (int i = 0; i < later; i++) {
                    keptCharge(c, bill, b.scheduled.get(i).message().id(), false);
                }
                if (moderation.shared()) {
                    for (int i = 0, h = b.held.size(); i < h; i++) {
                        keptCharge(c, bill, b.held.get(i).id(), true);
                    }
                }
            }
            if (async) {
                durable = c.flushAsync();
            } else {
                c.flush();
            }
        } finally {
            // shipped or not, they are not this node's any more (a restart ships them again)
            for (int i = 0; i < n; i++) {
                undelivered(b.messages.get(i)).decrementAndGet();
            }
            for (int i = 0; i < later; i++) {
                undelivered(b.scheduled.get(i).message()).decrementAndGet();
            }
        }
        shippedToCluster.add(n + later);
        return durable;
    }

    private static void keptCharge(ClusterLink c, Billing bill, long messageId, boolean held) {
        Billing.Charge ch = bill.charge(messageId);
        if (ch != null) {
            c.kept(messageId, ch.accountId(), ch.amount(), held);
        }
    }

    /**
     * A thread's batch: effects that must wait until the batch's journal events are appended
     * (messages handed to operator queues, receipts handed to clients).
     */
    private static final class Batch {
        int depth;
        final ArrayList<OperatorQueue> queues = new ArrayList<>();
        final ArrayList<Message> messages = new ArrayList<>();
        final ArrayList<Receipt> receipts = new ArrayList<>();
        final ArrayList<HeldMessage> held = new ArrayList<>();
        final ArrayList<Scheduled> scheduled = new ArrayList<>();
        /** ids of messages whose price was reserved in this batch (returned if the batch fails) */
        final ArrayList<Long> charged = new ArrayList<>();
        /** who sends the batch's messages (see {@link #origin}), and the origin last journaled in it */
        String origin;
        String originWritten;
    }

    private final ThreadLocal<Batch> batches = ThreadLocal.withInitial(Batch::new);

    /** An engine whose {@code auto} accounts hold nothing (no stop words); {@code manual} ones still hold. */
    public Engine(AccountRegistry accounts, RouteTable routes, Iterable<String> operatorIds, Journal journal,
                  ReceiptCorrelator correlator, ClientRegistry clients, int maxUndelivered) {
        this(accounts, routes, operatorIds, journal, correlator, clients, maxUndelivered,
                Moderator.withoutStopWords(), new LocalModerationQueue(), 100_000);
    }

    /**
     * @param maxHeld messages that may wait for a moderator at once; past it, messages that would be
     *                held are refused with OVERLOADED
     */
    public Engine(AccountRegistry accounts, RouteTable routes, Iterable<String> operatorIds, Journal journal,
                  ReceiptCorrelator correlator, ClientRegistry clients, int maxUndelivered,
                  Moderator moderator, ModerationQueue moderation, int maxHeld) {
        this.moderator = moderator;
        this.moderation = moderation;
        this.maxHeld = maxHeld;
        this.accounts = accounts;
        this.routes = routes;
        this.journal = journal;
        this.correlator = correlator;
        this.clients = clients;
        this.maxUndelivered = maxUndelivered;
        for (int i = 0; i < undelivered.length; i++) {
            undelivered[i] = new AtomicInteger();
        }
        Map<String, OperatorQueue> qs = new LinkedHashMap<>();
        for (String id : operatorIds) {
            qs.put(id, new OperatorQueue(id, undelivered.length, m -> classOf(m).lane()));
        }
        this.operatorQueues = Map.copyOf(qs);
        for (Account a : accounts.all()) {
            if (a.tps() > 0) {
                accountRates.put(a.id(), TokenBucket.perSecond(a.tps()));
            }
        }
        // maintenance on the calling thread: handing it to the common pool on every write costs a
        // thread wake-up per message on these 2-core machines (seen in EnginePathBenchmark)
        this.orphanReceipts = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(5)).build();
    }

    /**
     * What {@link #recover} found in the journal: {@code events} and {@code excerpts} read from the
     * journal (after the checkpoint when there was one), {@code checkpointRecords} read from the
     * checkpoint (-1: none used).
     */
    public record RecoveryReport(long events, int requeued, int awaitingReceipt, int receiptsToForward,
                                 int held, long highestId, long millis, long excerpts, long checkpointRecords) {
    }

    /** Where recovery checkpoints are kept (see {@link #checkpoints}), or null: no checkpoints. */
    private volatile java.nio.file.Path checkpointFile;
    /** Set by {@link #recover} when checkpoints are kept. */
    private volatile Checkpoint checkpoint;
    private volatile RecoveryReport lastRecovery;

    /** What {@link #recover} found at this start, or null before it ran. */
    public RecoveryReport lastRecovery() {
        return lastRecovery;
    }

    /**
     * Keeps checkpoints of recovery in {@code file} (set before {@link #recover}, which reads the
     * one there): {@link #checkpoint} writes one, and the next start reads it and only the journal
     * after it. Null: none (recovery reads every journal file kept).
     */
    public void checkpoints(java.nio.file.Path file) {
        this.checkpointFile = file;
    }

    /** What {@link #checkpoint} wrote: the journal excerpt it goes up to, its messages in flight, its size. */
    public record CheckpointReport(java.nio.file.Path file, long index, int inFlight, long records, long bytes,
                                   long millis) {
    }

    /**
     * Reads the journal appended since the last call into the checkpoint's state, so that
     * {@link #checkpoint} has little left to read (call it often, off the event loops). Returns the
     * excerpts read; 0 when checkpoints are not kept.
     */
    public long checkpointCatchUp() {
        Checkpoint c = checkpoint;
        return c == null ? 0 : c.catchUp();
    }

    /**
     * Writes a checkpoint of recovery: what is in flight as of the journal's last excerpt now,
     * written beside the old one and put in its place in one rename, after {@code beforePublish}
     * ran (it writes what must be at least as new, such as the opt-out snapshot; it throws to stop
     * the rename). A crash at any point leaves the old checkpoint or the new one, whole. Null when
     * checkpoints are not kept or {@link #recover} has not run.
     */
    public CheckpointReport checkpoint(Runnable beforePublish) throws java.io.IOException {
        Checkpoint c = checkpoint;
        if (c == null) {
            return null;
        }
        io.smsrouter.core.policy.DuplicateFilter d = dedup;
        Checkpoint.Written w = c.write(new Checkpoint.Live() {
            @Override
            public void statuses(long sinceMs, java.util.function.Consumer<MessageStatus> out) {
                statuses.forEach(s -> {
                    if (s.state().isFinal() && s.acceptedAtMs() >= sinceMs) {
                        out.accept(s);
                    }
                });
            }

            @Override
            public void dedup(Checkpoint.DedupSink out) {
                if (d != null) {
                    d.entries(out::entry);
                }
            }
        }, beforePublish);
        return w == null ? null : new CheckpointReport(c.file(), w.index(), w.messages(), w.records(), w.bytes(),
                w.millis());
    }

    private record Held(Message message, String operatorId) {
    }

    private record Awaiting(String operatorId, String upstreamId) {
    }

    /**
     * Rebuilds the in-memory state from the journal before traffic starts: messages accepted but
     * not confirmed by an operator go back to their operator's queue (the operator may see such a
     * message twice if it had taken it just before a crash), correlations of messages still
     * waiting for a receipt are restored, receipts not yet acknowledged by a client wait for its
     * bind, and new ids continue above the highest one issued.
     *
     * <p>With {@link #checkpoints} set and a whole checkpoint there whose excerpt the journal still
     * holds, this reads the checkpoint and then only the journal after it, so its cost grows with
     * what is in flight and with the traffic since the checkpoint; otherwise it reads the journal
     * from its start (every file retention keeps).
     */
    public RecoveryReport recover(Duration receiptValidity) {
        long t0 = System.nanoTime();
        long cutoff = System.currentTimeMillis() - receiptValidity.toMillis();
        Map<Long, Message> unsent = new LinkedHashMap<>();
        Map<Long, Correlation> open = new HashMap<>();
        Map<Long, Awaiting> awaiting = new HashMap<>();
        Map<Long, Receipt> toForward = new LinkedHashMap<>();
        Map<Long, String> operatorOf = new HashMap<>();
        Map<Long, Held> held = new LinkedHashMap<>();
        Map<String, Orphan> orphans = new LinkedHashMap<>();
        long[] counters = new long[3]; // events, highest id, excerpts
        Billing bill = billing;
        io.smsrouter.core.policy.DuplicateFilter d = dedup;
        Checkpoint.Listener replayed = new Checkpoint.Listener() {
            @Override
            public void excerpt(long index) {
                counters[2]++;
            }

            @Override
            public void open(Correlation c, String operatorId) {
                open.put(c.messageId(), c);
                if (!operatorId.isEmpty()) {
                    operatorOf.put(c.messageId(), operatorId);
                }
            }

            @Override
            public void status(MessageStatus s) {
                statuses.put(s);
            }

            @Override
            public void decision(ModerationDecision decision) {
                moderation.recordDecision(decision);
            }

            @Override
            public void dedup(long keyA, long keyB, long messageId, long atMs, long untilMs) {
                if (d != null) {
                    d.restore(keyA, keyB, messageId, atMs, untilMs);
                }
            }

            @Override
            public void accepted(Message m, String operatorId) {
                counters[0]++;
                counters[1] = Math.max(counters[1], m.id());
                if (d != null && d.applies(m.accountId())
                        && io.smsrouter.core.moderation.MessagePart.of(m) == null) {
                    d.firstOf(m); // the window goes on across the restart
                }
                unsent.put(m.id(), m);
                operatorOf.put(m.id(), operatorId);
                open.put(m.id(), Correlation.of(m));
            }

            @Override
            public void held(Message m, String operatorId) {
                counters[0]++;
                if ((m.id() >>> 52) == (idBase >>> 52)) {
                    // not one another node of a cluster accepted and this one decided: its id is that node's
                    counters[1] = Math.max(counters[1], m.id());
                }
                held.put(m.id(), new Held(m, operatorId));
                open.put(m.id(), Correlation.of(m));
            }

            @Override
            public void moderated(long id, int verdict, long atMs, String who, String reason) {
                counters[0]++;
                Held h = held.remove(id);
                if (h == null) {
                    return;
                }
                Verdict v = Verdict.fromCode(verdict);
                moderation.recordDecision(new ModerationDecision(id, h.message().accountId(), v, who, reason, atMs));
                if (v == Verdict.APPROVED) {
                    unsent.put(id, h.message());
                    operatorOf.put(id, h.operatorId());
                }
            }

            @Override
            public void submitted(long id, String operatorId, String upstreamId) {
                counters[0]++;
                unsent.remove(id);
                if (bill != null && !bill.refundUndelivered()) {
                    bill.settle(id);
                }
                if (open.containsKey(id)) {
                    awaiting.put(id, new Awaiting(operatorId, upstreamId));
                    operatorOf.put(id, operatorId);
                }
            }

            @Override
            public void failed(long id, int errorCode) {
                counters[0]++;
                unsent.remove(id);
                held.remove(id);
            }

            @Override
            public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
                counters[0]++;
                if (!state.isFinal()) {
                    return;
                }
                if (bill != null) {
                    bill.settle(id); // a refund, when due, was journaled before this
                }
                Correlation c = open.remove(id);
                awaiting.remove(id);
                String operatorId = operatorOf.remove(id);
                if (c == null) {
                    return;
                }
                if (c.submitTimeMs() >= cutoff) {
                    // query_sm and the status API answer for finished messages too
                    statuses.put(new MessageStatus(id, c.accountId(), state, errorCode, operatorId,
                            c.submitTimeMs(), doneTimeMs));
                }
                if (Message.wantsReceipt(c.registeredDelivery(), state)) {
                    toForward.put(id, toReceipt(c, state, errorCode, doneTimeMs));
                }
            }

            @Override
            public void receiptForwarded(long id) {
                counters[0]++;
                toForward.remove(id);
            }

            @Override
            public void optOut(boolean added, String accountId, String sender, String msisdn, long atMs,
                               String source) {
                counters[0]++;
                if (shared != null) {
                    return; // the cluster's store has the truth; what this node journaled before is history
                }
                try {
                    if (added) {
                        optOuts.add(new OptOut(accountId, sender, msisdn, atMs, source));
                    } else {
                        optOuts.remove(accountId, sender, msisdn);
                    }
                } catch (IllegalArgumentException malformed) {
                    log.warn("journal: opt-out event for {} not understood: {}", msisdn, malformed.getMessage());
                }
            }

            @Override
            public void consent(io.smsrouter.core.policy.Consent c) {
                counters[0]++;
                if (shared != null) {
                    return; // as for opt-outs
                }
                consents.record(c); // an entry also in the snapshot is kept once
            }

            @Override
            public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
                counters[0]++;
                if (bill == null) {
                    return;
                }
                switch (kind) {
                    case Journal.LEDGER_CHARGE -> bill.replayCharge(accountId, messageId, amount, atMs);
                    case Journal.LEDGER_REFUND -> bill.refundPart(accountId, messageId, amount);
                    case Journal.LEDGER_TOP_UP -> bill.topUp(accountId, amount);
                    case Journal.LEDGER_EARLIER -> bill.spentEarlier(accountId, amount);
                    default -> log.warn("journal: ledger event of unknown kind {} for {}", kind, accountId);
                }
            }

            @Override
            public void mobileOriginated(Receipt mo, String operatorId) {
                counters[0]++;
                counters[1] = Math.max(counters[1], mo.messageId());
                if (mo.doneTimeMs() >= cutoff) {
                    toForward.put(mo.messageId(), mo);
                }
            }

            @Override
            public void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                                      long doneTimeMs) {
                counters[0]++;
                if (doneTimeMs >= cutoff) {
                    orphans.put(orphanKey(operatorId, upstreamId), new Orphan(operatorId, upstreamId,
                            new PendingReceipt(state, errorCode, doneTimeMs)));
                }
            }

            @Override
            public void noted(long id, String key, String value) {
                counters[0]++;
                MessageObserver o = observer;
                if (o != null) {
                    o.noted(id, key, value);
                }
            }
        };
        java.nio.file.Path cpFile = checkpointFile;
        Checkpoint cp = cpFile == null ? null : new Checkpoint(cpFile, journal, receiptValidity.toMillis(), idBase);
        Checkpoint.Loaded loaded = cp == null ? null : Checkpoint.validate(cpFile);
        if (loaded != null && loaded.index() >= 0
                && !journal.replayAfter(loaded.index(), loaded.index(), new Journal.JournalListener() {
                })) {
            log.warn("recovery: checkpoint {} ignored: the journal no longer holds its excerpt {} (deleted); "
                    + "reading the whole journal", cpFile, loaded.index());
            loaded = null;
        }
        long checkpointEvents = -1;
        if (loaded != null) {
            Checkpoint.Listener both = Checkpoint.both(replayed, cp.fold());
            Checkpoint.read(cpFile, both);
            checkpointEvents = counters[0];
            counters[0] = 0;
            counters[1] = Math.max(counters[1], loaded.highestId());
            cp.startAt(loaded);
            journal.replayAfter(loaded.index(), Long.MAX_VALUE, both);
        } else {
            journal.replay(cp == null ? replayed : Checkpoint.both(replayed, cp.fold()));
        }
        if (cp != null) {
            cp.started();
            checkpoint = cp;
        }
        int awaitingCount = 0;
        for (Map.Entry<Long, Awaiting> e : awaiting.entrySet()) {
            Correlation c = open.get(e.getKey());
            if (c != null && c.submitTimeMs() >= cutoff) {
                // a correlator on disk has it already; a heap one is empty after a restart
                if (!SHIPPED_TO_CLUSTER.equals(e.getValue().upstreamId())
                        && correlator.get(e.getValue().operatorId(), e.getValue().upstreamId()) == null) {
                    correlator.put(e.getValue().operatorId(), e.getValue().upstreamId(), c);
                }
                statuses.put(new MessageStatus(c.messageId(), c.accountId(), DeliveryState.ENROUTE,
                        0, e.getValue().operatorId(), c.submitTimeMs(), 0));
                awaitingCount++;
            }
        }
        // marked in the journal before they go out again: each is a possible duplicate at the operator
        journal.beginBatch();
        try {
            long now = System.currentTimeMillis();
            for (Message m : unsent.values()) {
                if (!m.scheduleDeliveryTime().isEmpty() && dueTime(m) > now) {
                    continue; // still waiting for its time: it never went anywhere
                }
                String operatorId = operatorOf.get(m.id());
                journal.requeued(m.id(), operatorId == null ? "" : operatorId);
            }
        } finally {
            journal.endBatch();
        }
        int requeued = 0;
        for (Message m : unsent.values()) {
            if (release(m, operatorOf.get(m.id()))) {
                requeued++;
            }
        }
        requeuedAtRecovery.add(requeued);
        List<HeldMessage> stillHeld = new ArrayList<>(held.size());
        for (Held h : held.values()) {
            Message m = h.message();
            Account account = accounts.get(m.accountId());
            HoldReason why = account == null ? null : moderator.check(account, m);
            statuses.put(new MessageStatus(m.id(), m.accountId(), DeliveryState.ENROUTE, 0, h.operatorId(),
                    m.acceptedAtMs(), 0));
            stillHeld.add(moderator.describe(m, h.operatorId(), why == null ? HoldReason.STOP_WORD : why,
                    m.acceptedAtMs()));
        }
        // a shared queue keeps those another node decided meanwhile decided
        moderation.addAll(stillHeld);
        if (billing != null && moderation.shared()) {
            for (HeldMessage h : stillHeld) {
                billing.markDurable(h.id()); // the cluster's queue has them (or had them, and decided)
            }
        }
        for (Receipt r : toForward.values()) {
            handOn(r);
        }
        // receipts that came before their submit_sm_resp: applied now if the message still waits for
        // one (a receipt matched before the crash left no correlation behind), else kept for a while
        int orphansApplied = 0;
        for (Map.Entry<String, Orphan> e : orphans.entrySet()) {
            Orphan o = e.getValue();
            PendingReceipt p = o.receipt();
            if (correlator.get(o.operatorId(), o.upstreamId()) != null) {
                beginBatch();
                try {
                    onOperatorReceipt(o.operatorId(), o.upstreamId(), p.state, p.errorCode, p.doneTimeMs);
                } finally {
                    endBatch();
                }
                orphansApplied++;
            } else {
                orphanReceipts.put(e.getKey(), p);
            }
        }
        if (!orphans.isEmpty()) {
            log.info("recovery: {} receipts that had come before their operator's response: {} applied, {} kept "
                    + "for a late response", orphans.size(), orphansApplied, orphans.size() - orphansApplied);
        }
        ids = new MessageIdGenerator(counters[1], idBase);
        RecoveryReport report = new RecoveryReport(counters[0], requeued, awaitingCount, toForward.size(),
                held.size(), counters[1], (System.nanoTime() - t0) / 1_000_000, counters[2],
                loaded == null ? -1 : loaded.records());
        String from = loaded != null
                ? "checkpoint " + cpFile + " (" + loaded.records() + " records, written "
                + java.time.Instant.ofEpochMilli(loaded.writtenAtMs()) + ") and the journal after it"
                : cpFile != null ? "the whole journal (no usable checkpoint)" : "the whole journal";
        log.info("recovery in {} ms from {}: {} journal excerpts replayed ({} events); {} messages queued again "
                        + "(possible duplicates at the operator, marked 'requeued' in the journal), {} awaiting a "
                        + "receipt, {} receipts to forward, {} held for moderation", report.millis(), from,
                report.excerpts(), report.events(), report.requeued(), report.awaitingReceipt(),
                report.receiptsToForward(), report.held());
        lastRecovery = report;
        return report;
    }

    /**
     * Stops accepting new messages (ESME_RMSGQFUL) because the journal cannot take them; what was
     * accepted before is still delivered. Logged once per change of reason.
     */
    public void journalUnavailable(String why) {
        String before = journalProblem;
        journalProblem = why;
        if (!why.equals(before)) {
            log.error("not accepting messages: {}", why);
        }
    }

    /** The journal can be written again: accepting resumes. */
    public void journalAvailable() {
        String before = journalProblem;
        journalProblem = null;
        if (before != null) {
            log.info("accepting messages again: the journal can be written ({} before)", before);
        }
    }

    /** Why new messages are refused because of the journal, or null when they are not. */
    public String journalProblem() {
        return journalProblem;
    }

    /** Tries a journal append (outside any batch); true when it worked. */
    public boolean probeJournal() {
        try {
            journal.probe();
            return true;
        } catch (RuntimeException | InternalError e) {
            journalUnavailable("journal write failed: " + e);
            return false;
        }
    }

    public AccountRegistry accounts() {
        return accounts;
    }

    /** The route table in force. */
    public RouteTable routeTable() {
        return routes;
    }

    /**
     * Puts a new route table in force at once, for every message routed from now on (a reload).
     * Messages already queued for an operator stay there. Every operator it names must be one
     * this engine has a queue for.
     */
    public void routes(RouteTable table) {
        for (io.smsrouter.core.route.Route r : table.routes()) {
            for (String op : r.operators()) {
                if (!operatorQueues.containsKey(op)) {
                    throw new IllegalArgumentException("route " + r + " names operator '" + op
                            + "', which is not running (operators are added by a restart)");
                }
            }
        }
        this.routes = table;
    }

    public ClientRegistry clients() {
        return clients;
    }

    public Moderator moderator() {
        return moderator;
    }

    public ModerationQueue moderationQueue() {
        return moderation;
    }

    /**
     * Puts held messages in {@code queue} instead (a cluster's shared queue); before {@link
     * #recover}, which adds the journal's held messages to it.
     */
    public void moderationQueue(ModerationQueue queue) {
        this.moderation = queue;
    }

    public OperatorQueue operatorQueue(String operatorId) {
        return operatorQueues.get(operatorId);
    }

    public long nextId() {
        return ids.next();
    }

    /** The first of {@code n} consecutive new ids. */
    public long nextIds(int n) {
        return ids.nextBlock(n);
    }

    /**
     * Starts a batch on the calling thread (an adapter does so for each read batch of a
     * connection): the journal events of the calls that follow are appended together by
     * {@link #endBatch}, and what they hand on (messages to operators, receipts to clients) waits
     * until then. The adapter must not flush its responses before {@code endBatch} returns.
     */
    public void beginBatch() {
        if (batches.get().depth++ == 0) {
            journal.beginBatch();
        }
    }

    /**
     * Appends the batch's events to the journal, then releases its effects. If the append fails
     * the effects are dropped and the exception is thrown: the adapter must then discard its
     * unflushed responses (close the connection), since nothing of the batch was kept.
     */
    public void endBatch() {
        endBatch(false);
    }

    /**
     * {@link #endBatch} that does not wait for the cluster: the returned future completes when the
     * batch's messages are as durable as {@code cluster.ack} promises (at once without a cluster, or
     * when nothing was shipped), exceptionally when the cluster did not take them. The adapter then
     * sends its responses, or discards them (closes the connection) on failure; meanwhile its thread
     * goes on with the next batch. A journal failure is thrown as by {@link #endBatch}.
     */
    public java.util.concurrent.CompletableFuture<Void> endBatchAsync() {
        return endBatch(true);
    }

    private static final java.util.concurrent.CompletableFuture<Void> DONE =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    private java.util.concurrent.CompletableFuture<Void> endBatch(boolean async) {
        Batch b = batches.get();
        if (b.depth == 0 || --b.depth > 0) {
            return DONE;
        }
        try {
            journal.endBatch();
        } catch (RuntimeException | InternalError e) {
            for (int i = 0, n = b.messages.size(); i < n; i++) {
                undelivered(b.messages.get(i)).decrementAndGet();
            }
            for (int i = 0, n = b.scheduled.size(); i < n; i++) {
                undelivered(b.scheduled.get(i).message()).decrementAndGet();
            }
            Billing bill = billing;
            for (int i = 0, n = b.charged.size(); i < n; i++) {
                bill.unreserve(b.charged.get(i));
            }
            clearBatch(b);
            throw journalFailed(e);
        }
        ClusterLink link = cluster;
        RuntimeException notShipped = null;
        java.util.concurrent.CompletableFuture<Void> durable = DONE;
        io.smsrouter.core.cluster.SharedSchedule shared = link == null ? null : link.schedule();
        boolean keptHeld = link != null && billing != null && link.billsKept() && !b.held.isEmpty()
                && moderation.shared();
        if (link != null && (!b.messages.isEmpty() || (shared != null && !b.scheduled.isEmpty()) || keptHeld)) {
            try {
                durable = ship(link, b, shared, async);
            } catch (RuntimeException e) {
                // journaled here but not in the cluster: the caller must not acknowledge them (a
                // restart ships them, as possible duplicates); the batch's other effects still go
                notShipped = new IllegalStateException("cluster: the messages of this batch were not taken: "
                        + e.getMessage(), e);
            }
            b.queues.clear();
            b.messages.clear();
            if (shared != null) {
                b.scheduled.clear();
            }
        }
        OperatorQueue last = null;
        for (int i = 0, n = b.messages.size(); i < n; i++) {
            OperatorQueue q = b.queues.get(i);
            q.offerQuietly(b.messages.get(i));
            if (q != last && last != null) {
                last.signal();
            }
            last = q;
        }
        if (last != null) {
            last.signal();
        }
        for (int i = 0, n = b.receipts.size(); i < n; i++) {
            handOn(b.receipts.get(i));
        }
        RuntimeException notHeld = b.held.isEmpty() ? null : keepHeld(b.held);
        for (int i = 0, n = b.scheduled.size(); i < n; i++) {
            schedule(b.scheduled.get(i));
        }
        b.charged.clear();
        b.origin = null;
        b.originWritten = null;
        b.scheduled.clear();
        b.held.clear();
        b.queues.clear();
        b.messages.clear();
        b.receipts.clear();
        if (notShipped != null) {
            throw notShipped;
        }
        if (notHeld != null) {
            throw notHeld;
        }
        return durable;
    }

    /**
     * Puts journaled held messages in the moderation queue. When a shared queue cannot take them
     * (its store failed), they are ended in the journal (so that no recovery holds them again) and
     * the returned exception tells the caller not to acknowledge them; null when they are held.
     */
    private RuntimeException keepHeld(List<HeldMessage> held) {
        try {
            moderation.addAll(held);
            Billing bill = billing;
            ClusterLink link = cluster;
            if (bill != null && moderation.shared() && (link == null || !link.billsKept())) {
                for (int i = 0, n = held.size(); i < n; i++) {
                    bill.markDurable(held.get(i).id()); // the cluster's queue has it, whatever happens to this node
                }
            }
            return null;
        } catch (RuntimeException e) {
            notHeld(held);
            return new IllegalStateException("moderation: the held messages of this batch could not be stored: "
                    + e.getMessage(), e);
        }
    }

    /** Held messages journaled but not kept by the queue: ended in the journal, no receipt (never acknowledged). */
    private void notHeld(List<HeldMessage> held) {
        accepted.add(-held.size());
        heldCount.add(-held.size());
        Billing bill = billing;
        try {
            journal.beginBatch();
            try {
                long now = System.currentTimeMillis();
                for (HeldMessage h : held) {
                    Billing.Charge c = bill == null ? null : bill.refund(h.id());
                    if (c != null) {
                        journal.ledger(Journal.LEDGER_REFUND, c.accountId(), c.amount(), h.id(), now);
                    }
                    journal.failed(h.id(), 0);
                }
            } finally {
                journal.endBatch();
            }
        } catch (RuntimeException | InternalError e) {
            // a restart holds them again: possible duplicates of messages the client was not told about
            log.error("moderation: {} held messages not stored, and their end could not be journaled either: "
                    + "a restart holds them again ({})", held.size(), e.toString());
        }
    }

    private static void clearBatch(Batch b) {
        b.charged.clear();
        b.origin = null;
        b.originWritten = null;
        b.queues.clear();
        b.messages.clear();
        b.receipts.clear();
        b.held.clear();
        b.scheduled.clear();
    }

    /**
     * Checks, routes and journals a message. ACCEPTED means it is in the journal and queued for its
     * operator; anything else means nothing was kept.
     */
    public SubmitOutcome submit(Account account, Message m) {
        SubmitOutcome out = submitOne(account, m);
        metrics.submitted(account.id(), out, 1);
        return out;
    }

    private SubmitOutcome submitOne(Account account, Message m) {
        SubmitOutcome refused = refusal(account, m);
        if (refused != null) {
            return refused;
        }
        long due = m.scheduleDeliveryTime().isEmpty() ? 0 : dueTime(m);
        if (due < 0) {
            return SubmitOutcome.INVALID_SCHEDULE;
        }
        long opening = quietUntil(account, m, due);
        if (opening > 0) {
            m = m.withSchedule(ScheduleTime.absolute(opening));
            due = opening;
        }
        String operatorId = routes.select(m, classOf(m), operatorUp);
        OperatorQueue q = operatorId == null ? null : operatorQueues.get(operatorId);
        if (q == null) {
            return SubmitOutcome.NO_ROUTE;
        }
        io.smsrouter.core.policy.DuplicateFilter d = dedup;
        if (d != null && d.applies(account.id())
                && io.smsrouter.core.moderation.MessagePart.of(m) == null && d.firstOf(m) != 0) {
            return duplicate(m, operatorId);
        }
        SubmitOutcome out = charge(account, m, operatorId, q, due);
        if (out != SubmitOutcome.ACCEPTED && d != null) {
            d.forget(m);
        }
        return out;
    }

    /**
     * The epoch ms at which a promo message may reach its recipient when that is later than it
     * would go otherwise ({@code due}, 0 for now); 0 when quiet hours do not delay it.
     */
    private long quietUntil(Account account, Message m, long due) {
        io.smsrouter.core.policy.QuietHours quiet = quietHours;
        if (quiet == null || classOf(m) != TrafficClass.PROMO) {
            return 0;
        }
        long opening = quiet.nextOpening(account.id(), m.destination(), Math.max(due, m.acceptedAtMs()));
        if (opening > 0) {
            quietDelayed.increment();
        }
        return opening;
    }

    /**
     * Accepts a repeat of a message sent within the account's dedup window: journaled, answered OK
     * like any message, but ended at once (REJECTED, {@link #DUPLICATE_ERROR}) and never sent or
     * charged.
     */
    private SubmitOutcome duplicate(Message m, String operatorId) {
        boolean outermost = batches.get().depth == 0;
        beginBatch();
        try {
            writeOrigin();
            journal.accepted(m, operatorId);
            accepted.increment();
            duplicates.increment();
            undelivered(m).incrementAndGet(); // endUnsent counts it out
            endUnsent(m, operatorId, DeliveryState.REJECTED, DUPLICATE_ERROR);
        } catch (RuntimeException | InternalError e) {
            journalUnavailable("journal write failed: " + e);
            return SubmitOutcome.OVERLOADED;
        } finally {
            if (outermost) {
                try {
                    endBatch();
                } catch (RuntimeException e) {
                    return SubmitOutcome.OVERLOADED;
                }
            } else {
                endBatch();
            }
        }
        return SubmitOutcome.ACCEPTED;
    }

    /** Bills the message when its account is billed, then {@link #admit}s it. */
    private SubmitOutcome charge(Account account, Message m, String operatorId, OperatorQueue q, long due) {
        Billing bill = billing;
        if (bill == null || !bill.billed(account.id())) {
            return admit(m, operatorId, q, moderator.check(account, m), due);
        }
        long cost = bill.cost(account.id(), operatorId, m);
        if (cost < 0) {
            return SubmitOutcome.NO_PRICE;
        }
        if (!bill.reserve(account.id(), m.id(), cost, m.acceptedAtMs())) {
            SubmitOutcome short_ = leaseMore(account.id(), cost);
            if (short_ != null) {
                return short_;
            }
            if (!bill.reserve(account.id(), m.id(), cost, m.acceptedAtMs())) {
                return SubmitOutcome.NO_BALANCE;
            }
        }
        spentLease(account.id(), cost);
        // the charge goes into the same journal excerpt as the message: both or neither survive a crash
        boolean outermost = batches.get().depth == 0;
        SubmitOutcome out;
        beginBatch();
        try {
            out = charged(bill, m, cost, admit(m, operatorId, q, moderator.check(account, m), due));
        } finally {
            if (outermost) {
                try {
                    endBatch();
                } catch (RuntimeException e) {
                    out = SubmitOutcome.OVERLOADED; // endBatch returned the reservation
                }
            } else {
                endBatch();
            }
        }
        return out;
    }

    /**
     * After {@link #admit} of a message whose price is reserved: journals the charge in the
     * message's batch when it was accepted, else returns the reservation.
     */
    private SubmitOutcome charged(Billing bill, Message m, long cost, SubmitOutcome out) {
        if (out != SubmitOutcome.ACCEPTED) {
            bill.unreserve(m.id());
            return out;
        }
        journal.ledger(Journal.LEDGER_CHARGE, m.accountId(), cost, m.id(), m.acceptedAtMs());
        batches.get().charged.add(m.id());
        return out;
    }

    /**
     * The parts of one text, checked once, routed to one operator and accepted or refused
     * together ({@code whole} is the text as one message, for moderation). Each part's journal
     * event comes with a note ({@code noteKey}, {@code noteValue}) for the adapter's own record.
     * On a refusal nothing was kept.
     */
    public SubmitOutcome submitParts(Account account, java.util.List<Message> parts, Message whole,
                                     String noteKey, String noteValue) {
        SubmitOutcome out = submitAll(account, parts, whole, noteKey, noteValue);
        metrics.submitted(account.id(), out, parts.size());
        return out;
    }

    private SubmitOutcome submitAll(Account account, java.util.List<Message> parts, Message whole,
                                    String noteKey, String noteValue) {
        Message first = parts.get(0);
        SubmitOutcome refused = refusal(account, first);
        if (refused != null) {
            return refused;
        }
        long due = first.scheduleDeliveryTime().isEmpty() ? 0 : dueTime(first);
        if (due < 0) {
            return SubmitOutcome.INVALID_SCHEDULE;
        }
        long opening = quietUntil(account, first, due);
        if (opening > 0) {
            String at = ScheduleTime.absolute(opening);
            parts = parts.stream().map(p -> p.withSchedule(at)).toList();
            first = parts.get(0);
            due = opening;
        }
        String operatorId = routes.select(first, classOf(first), operatorUp);
        OperatorQueue q = operatorId == null ? null : operatorQueues.get(operatorId);
        if (q == null) {
            return SubmitOutcome.NO_ROUTE;
        }
        io.smsrouter.core.policy.DuplicateFilter d = dedup;
        if (d != null && d.applies(account.id()) && d.firstOf(whole) != 0) {
            return duplicateParts(parts, operatorId, noteKey, noteValue);
        }
        SubmitOutcome out = chargeParts(account, parts, whole, operatorId, q, due, noteKey, noteValue);
        if (out != SubmitOutcome.ACCEPTED && d != null) {
            d.forget(whole);
        }
        return out;
    }

    /** Every part of a text that repeats one sent within the dedup window: see {@link #duplicate}. */
    private SubmitOutcome duplicateParts(java.util.List<Message> parts, String operatorId, String noteKey,
                                         String noteValue) {
        beginBatch();
        try {
            for (Message m : parts) {
                journal.noted(m.id(), noteKey, noteValue);
                MessageObserver o = observer;
                if (o != null) {
                    o.noted(m.id(), noteKey, noteValue);
                }
                SubmitOutcome out = duplicate(m, operatorId);
                if (out != SubmitOutcome.ACCEPTED) {
                    return out;
                }
            }
        } finally {
            endBatch();
        }
        return SubmitOutcome.ACCEPTED;
    }

    private SubmitOutcome chargeParts(Account account, java.util.List<Message> parts, Message whole,
                                      String operatorId, OperatorQueue q, long due, String noteKey,
                                      String noteValue) {
        HoldReason hold = moderator.check(account, whole);
        if (hold != null && !moderation.available()) {
            return SubmitOutcome.CLUSTER_UNAVAILABLE;
        }
        if (hold != null && moderation.size() + parts.size() > maxHeld) {
            return SubmitOutcome.OVERLOADED;
        }
        Billing bill = billing;
        long[] costs = null;
        if (bill != null && bill.billed(account.id())) {
            costs = new long[parts.size()];
            for (int i = 0; i < costs.length; i++) {
                costs[i] = bill.cost(account.id(), operatorId, parts.get(i));
                if (costs[i] < 0) {
                    return SubmitOutcome.NO_PRICE;
                }
            }
            long total = 0;
            for (long c : costs) {
                total += c;
            }
            if (credit != null && bill.available(account.id()) < total) {
                SubmitOutcome short_ = leaseMore(account.id(), total);
                if (short_ != null) {
                    return short_;
                }
            }
            for (int i = 0; i < costs.length; i++) {
                Message m = parts.get(i);
                if (!bill.reserve(account.id(), m.id(), costs[i], m.acceptedAtMs())) {
                    for (int j = 0; j < i; j++) {
                        bill.unreserve(parts.get(j).id());
                    }
                    return SubmitOutcome.NO_BALANCE;
                }
            }
            spentLease(account.id(), total);
        }
        beginBatch();
        try {
            for (int i = 0; i < parts.size(); i++) {
                Message m = parts.get(i);
                try {
                    journal.noted(m.id(), noteKey, noteValue);
                } catch (RuntimeException | InternalError e) {
                    journalUnavailable("journal write failed: " + e);
                    if (costs != null) {
                        for (int j = i; j < parts.size(); j++) {
                            bill.unreserve(parts.get(j).id());
                        }
                    }
                    return SubmitOutcome.OVERLOADED;
                }
                MessageObserver o = observer;
                if (o != null) {
                    o.noted(m.id(), noteKey, noteValue);
                }
                SubmitOutcome out = admit(m, operatorId, q, hold, due);
                if (costs != null) {
                    out = charged(bill, m, costs[i], out);
                }
                if (out != SubmitOutcome.ACCEPTED) {
                    if (costs != null) {
                        for (int j = i + 1; j < parts.size(); j++) {
                            bill.unreserve(parts.get(j).id());
                        }
                    }
                    return out; // only a journal failure gets here: the batch fails as a whole
                }
            }
        } finally {
            endBatch();
        }
        return SubmitOutcome.ACCEPTED;
    }

    /** The account and capacity checks every message passes first; null when it passes them. */
    private SubmitOutcome refusal(Account account, Message m) {
        TokenBucket rate = accountRates.get(account.id());
        if (rate != null && cluster != null) {
            accountAttempts.computeIfAbsent(account.id(), k -> new LongAdder()).increment();
        }
        if (rate != null && !rate.tryAcquire()) {
            return SubmitOutcome.THROTTLED;
        }
        if (!account.senderAllowed(m.source())) {
            return SubmitOutcome.SENDER_NOT_ALLOWED;
        }
        if (m.destination().isEmpty()) {
            return SubmitOutcome.INVALID_DESTINATION;
        }
        OptOutRegistry optOuts = this.optOuts;
        if (optOuts.size() > 0 && optOuts.isOptedOut(account.id(), m.source(), m.destination())
                && !optOutExempt.contains(TrafficClass.of(m.priority(), account.trafficClass()))) {
            optedOutRefusals.increment();
            return SubmitOutcome.OPTED_OUT;
        }
        // a field read for every other account; one map lookup for a promo message of one that requires consent
        if (account.requireConsent() && TrafficClass.of(m.priority(), account.trafficClass()) == TrafficClass.PROMO
                && !consents.inForce(account.id(), m.source(), m.destination())) {
            noConsentRefusals.increment();
            return SubmitOutcome.NO_CONSENT;
        }
        if (undelivered[TrafficClass.of(m.priority(), account.trafficClass()).lane()].get() >= maxUndelivered
                || journalProblem != null) {
            return SubmitOutcome.OVERLOADED;
        }
        return null;
    }

    /** When a scheduled message is due (epoch ms; 0 when not scheduled), or -1 when its time is unreadable. */
    private static long dueTime(Message m) {
        try {
            return ScheduleTime.toEpochMillis(m.scheduleDeliveryTime(), m.acceptedAtMs());
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /**
     * Says who sends the messages submitted next in the calling thread's open batch (an SMPP bind
     * and its address, an API key): journaled once per batch before the first of them is, for the
     * SMS log. Ignored outside a batch.
     */
    public void origin(String who) {
        Batch b = batches.get();
        if (b.depth > 0) {
            b.origin = who;
        }
    }

    /**
     * Journals a fact about an accepted message for its adapter (a campaign's recipient, a click on
     * one of its links), in the calling thread's open batch when there is one, so that it lands in
     * the same excerpt as the message's own events; the observer sees it too, as it would at
     * recovery. Throws like any append when the journal cannot be written.
     */
    public void note(long messageId, String key, String value) {
        journal.noted(messageId, key, value);
        MessageObserver o = observer;
        if (o != null) {
            o.noted(messageId, key, value);
        }
    }

    /** The note key of an origin (message id 0; it applies to the messages after it in its excerpt). */
    public static final String ORIGIN_NOTE = "origin";

    private void writeOrigin() {
        Batch b = batches.get();
        String o = b.origin;
        if (o != null && !o.equals(b.originWritten)) {
            journal.noted(0, ORIGIN_NOTE, o);
            b.originWritten = o;
        }
    }

    /** Journals a message that passed every check, then holds, schedules or queues it. */
    private SubmitOutcome admit(Message m, String operatorId, OperatorQueue q, HoldReason hold, long due) {
        if (hold != null) {
            return hold(m, operatorId, hold);
        }
        // due is 0 for most messages (no schedule_delivery_time): no clock read for them
        boolean later = due > 0 && due > System.currentTimeMillis();
        if (later && cluster != null && cluster.schedule() != null && !cluster.schedule().available()) {
            return SubmitOutcome.CLUSTER_UNAVAILABLE; // the shared schedule's store is down: try again later
        }
        try {
            writeOrigin();
            journal.accepted(m, operatorId);
        } catch (RuntimeException | InternalError e) {
            journalUnavailable("journal write failed: " + e);
            return SubmitOutcome.OVERLOADED;
        }
        accepted.increment();
        undelivered(m).incrementAndGet();
        statuses.put(new MessageStatus(m.id(), m.accountId(), DeliveryState.ENROUTE, 0, operatorId,
                m.acceptedAtMs(), 0));
        Batch b = batches.get();
        if (later) {
            Scheduled s = new Scheduled(due, m, operatorId);
            if (b.depth > 0) {
                b.scheduled.add(s);
            } else {
                schedule(s);
            }
            return SubmitOutcome.ACCEPTED;
        }
        Message out = m.withoutSchedule();
        if (b.depth > 0) {
            b.queues.add(q);
            b.messages.add(out);
        } else {
            enqueue(q, out);
        }
        return SubmitOutcome.ACCEPTED;
    }

    private void schedule(Scheduled s) {
        ClusterLink link = cluster;
        io.smsrouter.core.cluster.SharedSchedule shared = link == null ? null : link.schedule();
        if (shared != null) {
            // outside a batch (recovery, a replaced message): stored now, and marked as the cluster's
            shared.put(s.message(), s.operatorId(), s.dueMs());
            undelivered(s.message()).decrementAndGet();
            markShipped(new long[] {s.message().id()}, new String[] {s.operatorId()}, 1);
            return;
        }
        scheduledById.put(s.message().id(), s);
        scheduled.add(s);
    }

    /**
     * Hands every scheduled message whose time has come to its operator's queue (or routes it
     * again when that operator is gone). Returns how many. Called every few hundred milliseconds.
     */
    public int releaseDue(long nowMs) {
        int n = 0;
        for (Scheduled s = firstScheduled(); s != null && s.dueMs() <= nowMs; s = firstScheduled()) {
            if (!scheduled.remove(s) || scheduledById.remove(s.message().id(), s) == false) {
                continue; // cancelled or replaced meanwhile
            }
            undelivered(s.message()).decrementAndGet(); // releaseNow counts it again
            releaseNow(s.message(), s.operatorId());
            n++;
        }
        return n;
    }

    private Scheduled firstScheduled() {
        try {
            return scheduled.first();
        } catch (java.util.NoSuchElementException empty) {
            return null;
        }
    }

    /** When the message goes to its operator (epoch ms), or 0 when it is not waiting for its schedule. */
    public long scheduledFor(long messageId) {
        Scheduled s = scheduledById.get(messageId);
        if (s != null) {
            return s.dueMs();
        }
        ClusterLink link = cluster;
        io.smsrouter.core.cluster.SharedSchedule shared = link == null ? null : link.schedule();
        return shared == null ? 0 : shared.dueOf(messageId);
    }

    public int scheduledCount() {
        ClusterLink link = cluster;
        io.smsrouter.core.cluster.SharedSchedule shared = link == null ? null : link.schedule();
        return scheduledById.size() + (shared == null ? 0 : (int) Math.min(Integer.MAX_VALUE, shared.size()));
    }

    /**
     * Tells routing which operators can take messages now. A route with several operators sends
     * only to those that can; when none can, messages wait in the queue of the one picked.
     */
    public void operatorHealth(java.util.function.Predicate<String> up) {
        this.operatorUp = up;
    }

    /**
     * Moves the messages queued for an operator that is down to another operator of their route
     * that is up; those whose route has none stay and wait for it. Returns how many moved.
     * Called when an operator has had no live bind for a while.
     */
    public int failover(String downOperatorId) {
        OperatorQueue from = operatorQueues.get(downOperatorId);
        if (from == null || from.size() == 0) {
            return 0;
        }
        java.util.function.Predicate<String> up = operatorUp;
        java.util.function.Predicate<String> elsewhere = id -> !id.equals(downOperatorId) && up.test(id);
        ArrayList<Message> stay = new ArrayList<>();
        int moved = 0;
        for (Message m = from.poll(); m != null; m = from.poll()) {
            io.smsrouter.core.route.Route r = routes.routeOf(m, classOf(m));
            String other = r == null ? null : r.pickOperator(elsewhere);
            OperatorQueue to = other == null || !elsewhere.test(other) ? null : operatorQueues.get(other);
            if (to == null) {
                stay.add(m);
                continue;
            }
            statuses.put(new MessageStatus(m.id(), m.accountId(), DeliveryState.ENROUTE, 0, other,
                    m.acceptedAtMs(), 0));
            to.offerQuietly(m);
            moved++;
        }
        for (int i = stay.size() - 1; i >= 0; i--) {
            from.retry(stay.get(i)); // back to the front, in their order
        }
        if (moved > 0) {
            failedOver.add(moved);
            for (OperatorQueue q : operatorQueues.values()) {
                if (q != from) {
                    q.signal();
                }
            }
            log.warn("operator {} is down: {} queued messages moved to other operators of their routes, {} wait for it",
                    downOperatorId, moved, stay.size());
        }
        return moved;
    }

    /** A message a bind of {@code operatorId} has sent and the operator not yet answered. */
    public record InFlight(String operatorId, Message message) {
    }

    /** {@link #carryForward(long, java.util.function.Supplier)} with no binds to ask. */
    public int carryForward(long acceptedBeforeMs) {
        return carryForward(acceptedBeforeMs, java.util.List::of);
    }

    /**
     * Journals again every message still waiting in the router (queued for an operator, scheduled,
     * held, or sent by a bind and not yet answered) that was accepted before
     * {@code acceptedBeforeMs}, so that the journal files before that time can be deleted without
     * losing it: recovery finds it in the newer files. Returns how many were written.
     *
     * <p>{@code inFlight} lists what the binds have sent and not had answered; it is asked before
     * and after the queues are read, so a message moving between a queue and a bind meanwhile is
     * seen in one place or the other. A message seen twice is written once. One whose answer comes
     * just before its copy is written may be sent again after a crash (a duplicate, never a loss).
     */
    public int carryForward(long acceptedBeforeMs, java.util.function.Supplier<? extends java.util.Collection<InFlight>> inFlight) {
        List<InFlight> sent = new ArrayList<>(inFlight.get());
        java.util.Set<Long> written = new java.util.HashSet<>();
        int[] n = new int[1];
        journal.beginBatch();
        try {
            for (OperatorQueue q : operatorQueues.values()) {
                q.forEach(m -> {
                    if (m.acceptedAtMs() < acceptedBeforeMs && written.add(m.id())) {
                        journal.accepted(m, q.operatorId());
                        n[0]++;
                    }
                });
            }
            sent.addAll(inFlight.get());
            for (InFlight f : sent) {
                Message m = f.message();
                if (m.acceptedAtMs() < acceptedBeforeMs && written.add(m.id())) {
                    journal.accepted(m, f.operatorId());
                    n[0]++;
                }
            }
            for (Scheduled s : scheduledById.values()) {
                if (s.message().acceptedAtMs() < acceptedBeforeMs && written.add(s.message().id())) {
                    journal.accepted(s.message(), s.operatorId());
                    n[0]++;
                }
            }
            // a shared queue keeps its messages itself (and holds other nodes' too)
            for (HeldMessage h : moderation.shared() ? List.<HeldMessage>of() : moderation.list()) {
                if (h.message().acceptedAtMs() < acceptedBeforeMs && written.add(h.message().id())) {
                    journal.held(h.message(), h.operatorId());
                    n[0]++;
                }
            }
        } finally {
            journal.endBatch();
        }
        return n[0];
    }

    /** Reports to {@code m} from now on (set before traffic starts). */
    public void metrics(EngineMetrics m) {
        this.metrics = m == null ? EngineMetrics.NONE : m;
    }

    /** Where the engine and its adapters report what they count and time. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /** The operators this engine has queues for. */
    public java.util.Set<String> operatorIds() {
        return operatorQueues.keySet();
    }

    /** The SMS log rows the query asks for, read from the journal (a slow call: not on an event loop). */
    public java.util.List<SmsLog.Row> smsLog(SmsLog.Query q) {
        ClusterLink link = cluster;
        java.util.List<SmsLog.Row> shared = link == null ? null : link.smsLog(q);
        return shared != null ? shared : SmsLog.read(journal, q);
    }

    /** This engine's journal, for readers beside the engine (a cluster's shared SMS log follows it). */
    public Journal journal() {
        return journal;
    }

    /** Deduplicates the messages of the filter's accounts from now on (before {@link #recover}). */
    public void dedup(io.smsrouter.core.policy.DuplicateFilter d) {
        this.dedup = d;
    }

    /** Holds promo messages outside their recipients' sending windows from now on. */
    public void quietHours(io.smsrouter.core.policy.QuietHours q) {
        this.quietHours = q;
    }

    /** Messages answered OK but not sent: repeats within their account's dedup window. */
    public long duplicateCount() {
        return duplicates.sum();
    }

    /** Promo messages scheduled for their recipient's next sending window. */
    public long quietHoursDelayedCount() {
        return quietDelayed.sum();
    }

    /**
     * Bills accounts from now on (before {@link #recover}, which reads the charges, refunds and
     * top-ups of the journal into it).
     */
    public void billing(Billing b) {
        this.billing = b;
    }

    /** The balances and prices, or null when nobody is billed. */
    public Billing billing() {
        return billing;
    }

    /**
     * Cluster mode with shared balances: {@link #billing}'s balances start at 0 and hold what this
     * node leased; each lease and return is journaled as a top-up ({@link #leased}).
     */
    public void credit(io.smsrouter.core.billing.CreditLeases leases) {
        this.credit = leases;
    }

    public io.smsrouter.core.billing.CreditLeases credit() {
        return credit;
    }

    /**
     * Journals credit leased to this node (negative: given back) and adds it to the local balance:
     * the {@link io.smsrouter.core.billing.CreditLeases.Ledger} of the cluster's leases.
     */
    public void leased(String accountId, long amount) {
        Billing bill = billing;
        if (bill == null || !bill.billed(accountId)) {
            return;
        }
        try {
            journal.ledger(Journal.LEDGER_TOP_UP, accountId, amount, 0, System.currentTimeMillis());
        } catch (RuntimeException | InternalError e) {
            throw journalFailed(e);
        }
        bill.topUp(accountId, amount);
    }

    /**
     * The account's figures: the whole cluster's with shared balances (may throw {@link
     * io.smsrouter.core.billing.CreditPool.Unavailable}), else this router's; null when it is not billed.
     */
    public Billing.Balance balance(String accountId) {
        io.smsrouter.core.billing.CreditLeases c = credit;
        if (c != null) {
            return c.pool().balance(accountId);
        }
        Billing bill = billing;
        return bill == null ? null : bill.balance(accountId);
    }

    /** The local credit does not cover {@code need}: null when a lease may cover it now, else the refusal. */
    private SubmitOutcome leaseMore(String accountId, long need) {
        io.smsrouter.core.billing.CreditLeases c = credit;
        if (c == null) {
            return SubmitOutcome.NO_BALANCE;
        }
        return switch (c.refill(accountId, need)) {
            case GRANTED -> null;
            case EMPTY -> SubmitOutcome.NO_BALANCE;
            case UNAVAILABLE -> SubmitOutcome.CLUSTER_UNAVAILABLE;
        };
    }

    private void spentLease(String accountId, long amount) {
        io.smsrouter.core.billing.CreditLeases c = credit;
        if (c != null) {
            c.spent(accountId, amount);
        }
    }

    /**
     * Adds {@code amount} to a billed account's balance, journaled first. False when the account
     * is not billed. Throws when the journal cannot take it (nothing changed then).
     */
    public boolean topUp(String accountId, long amount) {
        Billing bill = billing;
        if (bill == null || !bill.billed(accountId)) {
            return false;
        }
        io.smsrouter.core.billing.CreditLeases c = credit;
        if (c != null) {
            return c.pool().topUp(accountId, amount); // the shared balance, seen by every node's next lease
        }
        if (!bill.canTopUp(accountId, amount)) {
            throw new IllegalArgumentException("the balance would exceed " + io.smsrouter.core.billing.Amounts.format(
                    Billing.MAX_BALANCE));
        }
        try {
            journal.ledger(Journal.LEDGER_TOP_UP, accountId, amount, 0, System.currentTimeMillis());
        } catch (RuntimeException | InternalError e) {
            throw journalFailed(e);
        }
        bill.topUp(accountId, amount);
        return true;
    }

    /** The opt-out registry (read it; change it through {@link #optOut} and {@link #optIn}, which journal). */
    public OptOutRegistry optOuts() {
        return optOuts;
    }

    /**
     * Which MO texts are opt-out requests, and which traffic classes still go to a number that
     * opted out.
     */
    public void optOutPolicy(StopKeywords keywords, java.util.Set<TrafficClass> exempt) {
        this.stopKeywords = keywords;
        this.optOutExempt = exempt.isEmpty() ? java.util.EnumSet.noneOf(TrafficClass.class)
                : java.util.EnumSet.copyOf(exempt);
    }

    /**
     * Records an opt-out (journaled first). False when the same one was there already.
     *
     * @throws RuntimeException when the journal cannot take it (then nothing changed)
     */
    public boolean optOut(OptOut o) {
        SharedPolicies s = shared;
        if (s != null) {
            // the cluster's store first (it tells every node); throws ClusterUnavailableException when it cannot
            boolean created = s.optOut(o);
            optOuts.add(o);
            return created;
        }
        // journaled even when present already: replaying a second add changes nothing
        journal.optOut(true, o.accountId(), o.sender(), o.msisdn(), o.atMs(), o.source());
        return optOuts.add(o);
    }

    /** Withdraws the opt-out with exactly this key (journaled first). False when there was none. */
    public boolean optIn(String accountId, String sender, String msisdn, String source) {
        OptOut key = new OptOut(accountId, sender, msisdn, System.currentTimeMillis(), source);
        SharedPolicies s = shared;
        if (s != null) {
            boolean removed = s.optIn(key);
            optOuts.remove(key.accountId(), key.sender(), key.msisdn());
            return removed;
        }
        journal.optOut(false, key.accountId(), key.sender(), key.msisdn(), key.atMs(), source);
        return optOuts.remove(key.accountId(), key.sender(), key.msisdn());
    }

    /**
     * Opt-outs and consents kept by the cluster (cluster mode with PostgreSQL) instead of this
     * node's journal: every change is recorded there first, and the store tells every node (which
     * folds it into its registries, {@link #optOuts()} and {@link #consents()}, directly).
     */
    public interface SharedPolicies {
        /**
         * Records the opt-out for every node; true when it was not in force before.
         *
         * @throws io.smsrouter.core.cluster.ClusterUnavailableException when the store cannot take it (nothing changed)
         */
        boolean optOut(OptOut o);

        /** Withdraws the opt-out with this key (its {@code atMs} and {@code source}: when and by whom); true when there was one. */
        boolean optIn(OptOut key);

        /**
         * Records a consent history entry for every node and returns it with its cluster-wide id
         * (the entry's own id is a placeholder).
         */
        io.smsrouter.core.policy.Consent consent(io.smsrouter.core.policy.Consent entry);
    }

    /**
     * Makes opt-outs and consents the cluster's: from now on changes go to {@code store} first, and
     * {@code optOuts} and {@code consents} (loaded from it, kept current by the node) replace this
     * node's registries. Before {@link #recover}: the journal's opt-out and consent events are then
     * not replayed (the store has the truth, and an old event replayed would undo a newer change
     * made on another node).
     */
    public void sharePolicies(SharedPolicies store, OptOutRegistry optOuts,
                              io.smsrouter.core.policy.ConsentRegistry consents) {
        this.optOuts = java.util.Objects.requireNonNull(optOuts);
        this.consents = java.util.Objects.requireNonNull(consents);
        this.shared = store;
    }

    /** The consent registry (read it; change it through {@link #giveConsent} and {@link #withdrawConsent}, which journal). */
    public io.smsrouter.core.policy.ConsentRegistry consents() {
        return consents;
    }

    /** Source of the opt-out a consent withdrawal records, and the only one a new consent lifts. */
    public static final String CONSENT_OPT_OUT_SOURCE = "consent";
    /** How far ahead of the router's clock a consent's {@code givenAt} may be (the caller's clock may run ahead). */
    public static final long CONSENT_CLOCK_SKEW_MS = 60_000;

    /**
     * What a consent change did: the history entry recorded, whether consent is in force for its
     * scope afterwards, and the opt-outs it added (a withdrawal) or lifted (a new consent).
     */
    public record ConsentChange(io.smsrouter.core.policy.Consent entry, boolean inForce, List<OptOut> optOuts) {
    }

    /**
     * Records a subscriber's consent to advertising from {@code sender} of the account (null: every
     * sender), journaled first. When it is then in force, opt-outs that a withdrawal of consent
     * made ({@value #CONSENT_OPT_OUT_SOURCE}) are lifted for the scope it covers: the subscriber
     * signed up again. An opt-out from a STOP reply or the opt-out API stays: only the subscriber's
     * own channel, or the opt-out API, undoes those.
     *
     * @param givenAtMs when the subscriber gave it; not later than now (plus {@link #CONSENT_CLOCK_SKEW_MS})
     * @throws IllegalArgumentException for a bad number, source, evidence or time (nothing recorded)
     * @throws RuntimeException         when the journal cannot take it (nothing recorded)
     */
    public ConsentChange giveConsent(String accountId, String sender, String msisdn, String source, String evidence,
                                     long givenAtMs, String recordedBy) {
        synchronized (consentLock) {
            long now = System.currentTimeMillis();
            if (givenAtMs > now + CONSENT_CLOCK_SKEW_MS) {
                throw new IllegalArgumentException("givenAt is in the future: "
                        + java.time.Instant.ofEpochMilli(givenAtMs));
            }
            io.smsrouter.core.policy.Consent c = new io.smsrouter.core.policy.Consent(consents.lastId() + 1, true,
                    accountId, sender, msisdn, source, evidence, givenAtMs, now, recordedBy);
            c = recordConsent(c);
            List<OptOut> lifted = new ArrayList<>();
            for (OptOut o : optOuts.list(c.accountId(), c.msisdn(), 1000)) {
                if (CONSENT_OPT_OUT_SOURCE.equals(o.source()) && consents.inForce(c.accountId(), o.sender(), c.msisdn())
                        && optIn(o.accountId(), o.sender(), o.msisdn(), CONSENT_OPT_OUT_SOURCE)) {
                    lifted.add(o);
                }
            }
            return new ConsentChange(c, consents.inForce(c.accountId(), c.sender(), c.msisdn()), lifted);
        }
    }

    /**
     * Records that the subscriber withdrew consent to advertising from {@code sender} of the
     * account (null: from every sender), journaled first, and opts the number out of the same
     * scope (source {@value #CONSENT_OPT_OUT_SOURCE}), so that no message of any class but the
     * exempt ones ({@code compliance.optOutExempt}) goes to it any more. Recorded even when no
     * consent was on record: a subscriber's withdrawal is never refused.
     */
    public ConsentChange withdrawConsent(String accountId, String sender, String msisdn, String source,
                                         String evidence, String recordedBy) {
        synchronized (consentLock) {
            long now = System.currentTimeMillis();
            io.smsrouter.core.policy.Consent c = new io.smsrouter.core.policy.Consent(consents.lastId() + 1, false,
                    accountId, sender, msisdn, source, evidence, now, now, recordedBy);
            c = recordConsent(c);
            OptOut o = new OptOut(c.accountId(), c.sender(), c.msisdn(), now, CONSENT_OPT_OUT_SOURCE);
            List<OptOut> added = optOut(o) ? List.of(o) : List.of();
            return new ConsentChange(c, consents.inForce(c.accountId(), c.sender(), c.msisdn()), added);
        }
    }

    /** Journals the entry (or records it in the cluster's store, which gives its id) and adds it to the registry. */
    private io.smsrouter.core.policy.Consent recordConsent(io.smsrouter.core.policy.Consent c) {
        SharedPolicies s = shared;
        if (s != null) {
            c = s.consent(c);
        } else {
            try {
                journal.consent(c);
            } catch (RuntimeException | InternalError e) {
                throw journalFailed(e);
            }
        }
        consents.record(c);
        return c;
    }

    /** Promo messages refused because the recipient had no consent in force (accounts with requireConsent), since start. */
    public long noConsentRefusalCount() {
        return noConsentRefusals.sum();
    }

    /** Messages refused because the recipient had opted out, since start. */
    public long optedOutRefusalCount() {
        return optedOutRefusals.sum();
    }

    /**
     * A mobile-originated message from an operator (a subscriber's reply to {@code to}). A stop
     * keyword ({@code STOP}, {@code СТОП}...) opts {@code from} out of sender {@code to}: for each
     * account that lists that sender name, or, when none does, for every account (a reply cannot
     * say which account's message it answers; refusing too much is the lawful side). Returns the
     * opt-outs recorded.
     */
    public int onMobileOriginated(String operatorId, String from, String to, int dataCoding, int esmClass,
                                  byte[] shortMessage, byte[] optionalParameters) {
        String text = MessageText.toString(dataCoding, esmClass, shortMessage, optionalParameters);
        String keyword = stopKeywords.matchedKeyword(text);
        if (keyword == null || from == null || from.isEmpty() || to == null || to.isEmpty()) {
            log.debug("MO from {} to {} via {} is not an opt-out request", from, to, operatorId);
            forwardMo(operatorId, from, to, dataCoding, esmClass, shortMessage, optionalParameters);
            return 0;
        }
        java.util.List<Account> owners = new ArrayList<>();
        for (Account a : accounts.all()) {
            if (!a.senders().isEmpty() && a.senderAllowed(to)) {
                owners.add(a);
            }
        }
        if (owners.isEmpty()) {
            owners.addAll(accounts.all());
        }
        long now = System.currentTimeMillis();
        int n = 0;
        for (Account a : owners) {
            try {
                if (optOut(OptOut.sender(a.id(), to, from, now, "mo:" + keyword))) {
                    n++;
                }
            } catch (IllegalArgumentException notANumber) {
                log.warn("MO opt-out from {} to {} not recorded: {}", from, to, notANumber.getMessage());
                break;
            }
        }
        // after the opt-outs: when they cannot be recorded (the cluster's store is down) this throws before the
        // message is forwarded, the operator is told to try again, and the account gets the reply once
        forwardMo(operatorId, from, to, dataCoding, esmClass, shortMessage, optionalParameters);
        log.info("opt-out: {} replied {} to {} via {}: {} accounts may no longer send to it from {}", from, keyword,
                to, operatorId, n, to);
        return n;
    }

    /**
     * Hands a subscriber's message to each account that lists the number or name it was sent to
     * among its {@code senders}: journaled first (the caller answers the operator only after this
     * returns; it throws when the journal cannot take it, and the operator should then be told to
     * try again), then delivered like a receipt, waiting for a receiver bind if need be.
     */
    private void forwardMo(String operatorId, String from, String to, int dataCoding, int esmClass,
                           byte[] shortMessage, byte[] optionalParameters) {
        if (to == null || to.isEmpty()) {
            moUnrouted.increment();
            return;
        }
        java.util.List<Receipt> out = new ArrayList<>(1);
        long now = System.currentTimeMillis();
        for (Account a : accounts.all()) {
            if (!a.senders().isEmpty() && a.senderAllowed(to)) {
                out.add(Receipt.mo(nextId(), a.id(), from == null ? "" : from, to, esmClass & ~0x3C & 0xFF,
                        dataCoding, shortMessage, optionalParameters, now));
            }
        }
        if (out.isEmpty()) {
            moUnrouted.increment();
            log.debug("MO from {} to {} via {}: no account lists {} among its senders", from, to, operatorId, to);
            return;
        }
        beginBatch();
        try {
            for (Receipt mo : out) {
                journal.mobileOriginated(mo, operatorId);
                moReceived.increment();
                Batch b = batches.get();
                b.receipts.add(mo);
            }
        } finally {
            endBatch();
        }
    }

    /** Subscribers' messages forwarded to (or waiting for) their accounts, since start. */
    public long moReceivedCount() {
        return moReceived.sum();
    }

    /** Subscribers' messages to a number or name no account lists, since start (not kept). */
    public long moUnroutedCount() {
        return moUnrouted.sum();
    }

    /**
     * Ends every queued message whose validity has run out by {@code nowMs} (its
     * {@code validity_period}, or {@code defaultValidityMs} after its acceptance when it has none
     * or an unreadable one) while it waited for an operator: UNDELIVERABLE with
     * {@link #VALIDITY_ERROR}, and a receipt if the client asked. Returns how many.
     */
    public int expireQueued(long nowMs, long defaultValidityMs) {
        int n = 0;
        for (OperatorQueue q : operatorQueues.values()) {
            n += q.removeIf(m -> validUntil(m, defaultValidityMs) <= nowMs,
                    m -> endUnsent(m, q.operatorId(), DeliveryState.UNDELIVERABLE, VALIDITY_ERROR));
        }
        if (n > 0) {
            expiredInQueue.add(n);
            log.warn("{} queued messages reached the end of their validity with no operator taking them", n);
        }
        return n;
    }

    private static long validUntil(Message m, long defaultValidityMs) {
        if (!m.validityPeriod().isEmpty()) {
            try {
                return ScheduleTime.toEpochMillis(m.validityPeriod(), m.acceptedAtMs());
            } catch (IllegalArgumentException unreadable) {
                // the default then
            }
        }
        return m.acceptedAtMs() + defaultValidityMs;
    }

    /** Messages ended because their validity ran out in a queue, since start. */
    public long expiredInQueueCount() {
        return expiredInQueue.sum();
    }

    /** Messages moved to another operator because theirs was down, since start. */
    public long failedOverCount() {
        return failedOver.sum();
    }

    /** Installs the observer of notes and state changes (before {@link #recover}). */
    public void observe(MessageObserver o) {
        this.observer = o;
    }

    private SubmitOutcome hold(Message m, String operatorId, HoldReason why) {
        ModerationQueue queue = moderation;
        if (!queue.available()) {
            return SubmitOutcome.CLUSTER_UNAVAILABLE; // a shared queue's store is down: try again later
        }
        if (queue.size() >= maxHeld) {
            return SubmitOutcome.OVERLOADED;
        }
        try {
            writeOrigin();
            journal.held(m, operatorId);
        } catch (RuntimeException | InternalError e) {
            journalUnavailable("journal write failed: " + e);
            return SubmitOutcome.OVERLOADED;
        }
        accepted.increment();
        heldCount.increment();
        statuses.put(new MessageStatus(m.id(), m.accountId(), DeliveryState.ENROUTE, 0, operatorId,
                m.acceptedAtMs(), 0));
        HeldMessage h = moderator.describe(m, operatorId, why, m.acceptedAtMs());
        Batch b = batches.get();
        if (b.depth > 0) {
            b.held.add(h);
        } else if (keepHeld(List.of(h)) != null) {
            return SubmitOutcome.CLUSTER_UNAVAILABLE;
        }
        return SubmitOutcome.ACCEPTED;
    }

    /**
     * Hands an accepted message to its operator's queue; when that operator is gone from the
     * config (after a restart) the message is routed again, and when nothing routes it any more it
     * ends UNDELIVERABLE. False in that last case.
     */
    private boolean release(Message m, String operatorId) {
        long due = m.scheduleDeliveryTime().isEmpty() ? 0 : dueTime(m);
        if (due > System.currentTimeMillis()) {
            undelivered(m).incrementAndGet();
            statuses.put(new MessageStatus(m.id(), m.accountId(), DeliveryState.ENROUTE, 0, operatorId,
                    m.acceptedAtMs(), 0));
            schedule(new Scheduled(due, m, operatorId));
            return true;
        }
        return releaseNow(m, operatorId);
    }

    /** {@link #release} whatever the message's schedule says: its time has come. */
    private boolean releaseNow(Message m, String operatorId) {
        m = m.withoutSchedule();
        OperatorQueue q = operatorId == null ? null : operatorQueues.get(operatorId);
        if (q == null) {
            String other = routes.select(m, classOf(m), operatorUp);
            q = other == null ? null : operatorQueues.get(other);
        }
        undelivered(m).incrementAndGet();
        if (q == null) {
            endUnsent(m, operatorId, DeliveryState.UNDELIVERABLE, NO_ROUTE_ERROR);
            return false;
        }
        statuses.put(new MessageStatus(m.id(), m.accountId(), DeliveryState.ENROUTE, 0, q.operatorId(),
                m.acceptedAtMs(), 0));
        enqueue(q, m);
        return true;
    }

    /**
     * A moderator releases a held message to routing. False when it is not held (any more).
     * The decision is journaled before the message moves; if that fails, it stays held and the
     * exception is thrown.
     */
    public boolean approve(long messageId, String moderatorName, String reason) {
        HeldMessage h = decide(messageId, Verdict.APPROVED, moderatorName, reason);
        if (h == null) {
            return false;
        }
        release(h.message(), h.operatorId());
        return true;
    }

    /** A moderator refuses a held message: it ends REJECTED and the client gets a receipt saying so. */
    public boolean reject(long messageId, String moderatorName, String reason) {
        HeldMessage h = decide(messageId, Verdict.REJECTED, moderatorName, reason);
        if (h == null) {
            return false;
        }
        endHeld(h.message(), h.operatorId(), DeliveryState.REJECTED);
        return true;
    }

    /**
     * Ends every held message that has waited {@code maxWaitMs} or longer: EXPIRED, with a receipt.
     * Returns how many.
     */
    public int expireHeld(long maxWaitMs) {
        long deadline = System.currentTimeMillis() - maxWaitMs;
        int n = 0;
        ModerationQueue queue = moderation;
        if (!queue.available()) {
            return 0; // a shared queue's store is down: next time
        }
        for (HeldMessage h = queue.oldest(); h != null && h.heldAtMs() <= deadline; h = queue.oldest()) {
            HeldMessage taken = decide(h.id(), Verdict.EXPIRED, "system",
                    "not moderated within " + (maxWaitMs / 1000) + " s");
            if (taken != null) {
                endHeld(taken.message(), taken.operatorId(), DeliveryState.EXPIRED);
                n++;
            } else if (queue.shared()) {
                break; // another node is deciding about it (or expiring it): the rest next time
            }
        }
        return n;
    }

    private HeldMessage decide(long messageId, Verdict verdict, String moderatorName, String reason) {
        HeldMessage h = moderation.take(messageId);
        if (h == null) {
            return null;
        }
        long now = System.currentTimeMillis();
        String who = moderatorName == null || moderatorName.isBlank() ? "admin" : moderatorName;
        String why = reason == null ? "" : reason;
        if (moderation.shared()) {
            // another node may have accepted it: this journal gets the message too, so that a restart
            // here finishes what the decision started (an approved message is shipped again)
            writeForHeld(h, () -> {
                journal.beginBatch();
                try {
                    journal.held(h.message(), h.operatorId());
                    journal.moderated(messageId, verdict.ordinal(), now, who, why);
                } finally {
                    journal.endBatch();
                }
            });
        } else {
            writeForHeld(h, () -> journal.moderated(messageId, verdict.ordinal(), now, who, why));
        }
        decided[verdict.ordinal()].increment();
        moderation.recordDecision(new ModerationDecision(messageId, h.message().accountId(), verdict, who, why, now));
        MessageObserver o = observer;
        if (o != null) {
            o.moderated(messageId, verdict, who, why);
        }
        return h;
    }

    /**
     * A journal write about a message just taken out of the moderation queue: if it fails, the
     * message goes back to the queue and the journal counts as unavailable.
     */
    private void writeForHeld(HeldMessage h, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException | InternalError e) {
            moderation.add(h);
            throw journalFailed(e);
        }
    }

    /**
     * Marks the journal unavailable after a failed write and returns what to throw. A write into a
     * memory-mapped file on a full disk surfaces as an InternalError, which becomes an
     * IllegalStateException so that callers handle one kind.
     */
    private RuntimeException journalFailed(Throwable e) {
        journalUnavailable("journal write failed: " + e);
        return e instanceof RuntimeException r ? r : new IllegalStateException("journal write failed", e);
    }

    /** A held message that will never go upstream: its final state, and a receipt if asked for. */
    private void endHeld(Message m, String operatorId, DeliveryState state) {
        long now = System.currentTimeMillis();
        statuses.put(new MessageStatus(m.id(), m.accountId(), state, 0, operatorId, m.acceptedAtMs(), now));
        // held on another node of the cluster (a shared queue): its charge is there, the refund is made here
        boolean refund = beginRefund(m.id()) || refundShipped(m, operatorId);
        try {
            finalReceipt(Correlation.of(m), state, 0, now);
        } finally {
            endRefund(refund);
        }
    }

    /**
     * Returns the message's reserved price to its account, if it has one, journaling the refund
     * in a batch that the caller ends with {@link #endRefund} after the events that end the
     * message, so that the refund and the message's end are kept together. True when it did.
     */
    private boolean beginRefund(long messageId) {
        Billing bill = billing;
        Billing.Charge c = bill == null ? null : bill.refund(messageId);
        if (c == null) {
            return false;
        }
        beginBatch();
        journal.ledger(Journal.LEDGER_REFUND, c.accountId(), c.amount(), messageId, System.currentTimeMillis());
        return true;
    }

    /**
     * In a cluster, a message this node was given to send or to decide (accepted here or on another
     * node) has no open charge here: it was billed where it was accepted. Its refund is
     * made here, out of this node's spent figure, so that the cluster's sums stay right; journaled
     * like any refund (recovery takes it out of the spent figure the same way).
     */
    private boolean refundShipped(Message m, String operatorId) {
        Billing bill = billing;
        if (cluster == null || bill == null || !bill.billed(m.accountId())) {
            return false;
        }
        long cost = bill.cost(m.accountId(), operatorId, m);
        if (cost <= 0) {
            return false;
        }
        beginBatch();
        journal.ledger(Journal.LEDGER_REFUND, m.accountId(), cost, m.id(), System.currentTimeMillis());
        bill.refundPart(m.accountId(), m.id(), cost);
        return true;
    }

    private void endRefund(boolean began) {
        if (began) {
            endBatch();
        }
    }

    /**
     * Counts one more transient failure of a message upstream (an operator's system error) and
     * returns how many it has had, so the operator side can give up after a few.
     */
    public int countRetry(long messageId) {
        return retries.merge(messageId, 1, Integer::sum);
    }

    /** The operator accepted the message and gave it its own id. */
    public void onSubmitted(Message m, String operatorId, String upstreamId) {
        if (!retries.isEmpty()) {
            retries.remove(m.id());
        }
        journal.submitted(m.id(), operatorId, upstreamId);
        submitted.increment();
        MessageObserver o = observer;
        if (o != null) {
            o.submitted(m.id(), operatorId, upstreamId);
        }
        undelivered(m).decrementAndGet();
        metrics.toOperator(operatorId, m.acceptedAtMs());
        Billing bill = billing;
        if (bill != null && !bill.refundUndelivered()) {
            bill.settle(m.id()); // the operator took it: it bills it
        }
        correlator.put(operatorId, upstreamId, Correlation.of(m));
        ClusterLink link = cluster;
        if (link != null) {
            link.sent(m, operatorId, upstreamId);
        }
        PendingReceipt early = orphanReceipts.estimatedSize() == 0 ? null
                : orphanReceipts.asMap().remove(orphanKey(operatorId, upstreamId));
        if (early != null) {
            onOperatorReceipt(operatorId, upstreamId, early.state, early.errorCode, early.doneTimeMs);
        }
    }

    /** The operator refused the message for good: it ends UNDELIVERABLE and the client is told. */
    public void onSubmitFailed(Message m, String operatorId, int errorCode) {
        retries.remove(m.id());
        metrics.operatorRefused(operatorId, errorCode);
        endUnsent(m, operatorId, DeliveryState.UNDELIVERABLE, errorCode);
    }

    /** A message that never reached an operator ends here: journaled, its status set, the client told. */
    private void endUnsent(Message m, String operatorId, DeliveryState state, int errorCode) {
        boolean refund = beginRefund(m.id()) || refundShipped(m, operatorId);
        try {
            journal.failed(m.id(), errorCode);
            undelivered(m).decrementAndGet();
            ClusterLink link = cluster;
            if (link != null) {
                link.done(m.id());
            }
            long now = System.currentTimeMillis();
            statuses.put(new MessageStatus(m.id(), m.accountId(), state, errorCode, operatorId, m.acceptedAtMs(),
                    now));
            finalReceipt(Correlation.of(m), state, errorCode, now);
        } finally {
            endRefund(refund);
        }
    }

    /** A receipt from an operator, for its message id {@code upstreamId}. */
    public void onOperatorReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                                  long doneTimeMs) {
        Correlation c = correlator.get(operatorId, upstreamId);
        if (c == null) {
            // the submit_sm_resp may still be in flight on another bind; keep it for a while, journaled
            // first: the operator is told it arrived once this batch is appended
            journal.orphanReceipt(operatorId, upstreamId, state, errorCode, doneTimeMs);
            String key = orphanKey(operatorId, upstreamId);
            orphanReceipts.put(key, new PendingReceipt(state, errorCode, doneTimeMs));
            // the response may have been handled on its bind between the lookup and the put, after
            // onSubmitted looked for an early receipt: look again. Whoever removes the entry applies it.
            c = correlator.get(operatorId, upstreamId);
            if (c == null || orphanReceipts.asMap().remove(key) == null) {
                log.debug("receipt for unknown {} id {} kept for late correlation", operatorId, upstreamId);
                return;
            }
        }
        receiptsIn.increment();
        metrics.operatorReceipt(operatorId, state, c.submitTimeMs());
        if (state.isFinal()) {
            correlator.remove(operatorId, upstreamId);
        }
        MessageStatus prev = statuses.get(c.messageId());
        statuses.put(new MessageStatus(c.messageId(), c.accountId(), state, errorCode, operatorId,
                c.submitTimeMs(), state.isFinal() ? doneTimeMs : 0));
        if (prev != null && prev.state().isFinal()) {
            return; // a duplicate final receipt: the client already has one
        }
        Billing bill = billing;
        boolean refund = false;
        if (bill != null && state.isFinal() && bill.refundUndelivered()) {
            if (state == DeliveryState.DELIVERED) {
                bill.settle(c.messageId());
            } else {
                refund = beginRefund(c.messageId());
            }
        }
        try {
            finalReceipt(c, state, errorCode, doneTimeMs);
        } finally {
            endRefund(refund);
        }
    }

    private void finalReceipt(Correlation c, DeliveryState state, int errorCode, long doneTimeMs) {
        journal.receipt(c.messageId(), state, errorCode, doneTimeMs);
        if (state.isFinal()) {
            metrics.finished(c.accountId(), state);
        }
        if (state.isFinal() && Message.wantsReceipt(c.registeredDelivery(), state)) {
            Receipt r = toReceipt(c, state, errorCode, doneTimeMs);
            Batch b = batches.get();
            if (b.depth > 0) {
                b.receipts.add(r);
            } else {
                handOn(r);
            }
        }
    }

    private static Receipt toReceipt(Correlation c, DeliveryState state, int errorCode, long doneTimeMs) {
        return new Receipt(c.messageId(), c.accountId(), c.sourceTon(), c.sourceNpi(), c.source(), c.destTon(),
                c.destNpi(), c.destination(), state, errorCode, c.submitTimeMs(), doneTimeMs, c.textStart());
    }

    /**
     * Cancels a message that has not gone upstream yet (SMPP cancel_sm). It ends DELETED; a
     * receipt says so if the client asked for receipts. False when the message is unknown, not
     * the account's, or already with the operator.
     */
    public boolean cancel(String accountId, long messageId) {
        HeldMessage h = takeHeld(accountId, messageId);
        if (h != null) {
            writeForHeld(h, () -> journal.failed(messageId, 0));
            moderation.removed(messageId);
            endHeld(h.message(), h.operatorId(), DeliveryState.DELETED);
            forgetFirst(h.message());
            return true;
        }
        Scheduled later = takeScheduled(accountId, messageId);
        if (later != null) {
            endUnsent(later.message(), later.operatorId(), DeliveryState.DELETED, 0);
            forgetFirst(later.message());
            return true;
        }
        Message m = takeQueued(accountId, messageId);
        if (m == null) {
            return false;
        }
        MessageStatus s = statuses.get(m.id());
        endUnsent(m, s == null ? null : s.operatorId(), DeliveryState.DELETED, 0);
        forgetFirst(m);
        return true;
    }

    /** A cancelled message no longer makes a repeat of it a duplicate. */
    private void forgetFirst(Message m) {
        io.smsrouter.core.policy.DuplicateFilter d = dedup;
        if (d != null) {
            d.forget(m);
        }
    }

    /**
     * Replaces a message that has not gone upstream yet (SMPP replace_sm): the new version is
     * journaled under the same id and queued first. False when it cannot be replaced any more.
     */
    public boolean replace(String accountId, long messageId, java.util.function.UnaryOperator<Message> change) {
        long[] delta = new long[1]; // price change journaled with the new version
        boolean outermost = batches.get().depth == 0;
        boolean replaced;
        beginBatch();
        try {
            replaced = replaceInBatch(accountId, messageId, change, delta);
        } finally {
            if (outermost) {
                try {
                    endBatch();
                } catch (RuntimeException e) {
                    undoReprice(accountId, messageId, delta[0]);
                    throw e;
                }
            } else {
                endBatch();
            }
        }
        return replaced;
    }

    private boolean replaceInBatch(String accountId, long messageId, java.util.function.UnaryOperator<Message> change,
                                   long[] delta) {
        HeldMessage h = takeHeld(accountId, messageId);
        if (h != null) {
            Message updated = change.apply(h.message());
            if (!reprice(accountId, messageId, updated, h.operatorId(), delta)) {
                moderation.add(h);
                return false;
            }
            writeForHeld(h, () -> journal.held(updated, h.operatorId()));
            moderation.add(moderator.describe(updated, h.operatorId(), h.reason(), h.heldAtMs()));
            return true;
        }
        Scheduled later = takeScheduled(accountId, messageId);
        if (later != null) {
            Message updated = change.apply(later.message());
            if (!reprice(accountId, messageId, updated, later.operatorId(), delta)) {
                schedule(later);
                return false;
            }
            try {
                journal.accepted(updated, later.operatorId());
            } catch (RuntimeException | InternalError e) {
                schedule(later);
                throw journalFailed(e);
            }
            undelivered(later.message()).decrementAndGet(); // release counts it again
            release(updated, later.operatorId());
            return true;
        }
        MessageStatus s = statuses.get(messageId);
        Message old = takeQueued(accountId, messageId);
        if (old == null) {
            return false;
        }
        Message updated = change.apply(old);
        OperatorQueue q = operatorQueues.get(s.operatorId());
        if (!reprice(accountId, messageId, updated, q.operatorId(), delta)) {
            q.retry(old);
            return false;
        }
        journal.accepted(updated, q.operatorId());
        q.retry(updated);
        return true;
    }

    /**
     * A replaced message of a billed account costs what its new version costs: the difference is
     * reserved (false, nothing changed, when the balance does not cover it, or no price applies)
     * or returned, and journaled in the caller's batch. {@code delta[0]} gets the difference.
     */
    private boolean reprice(String accountId, long messageId, Message updated, String operatorId, long[] delta) {
        Billing bill = billing;
        Billing.Charge c = bill == null ? null : bill.charge(messageId);
        if (c == null) {
            return true; // not billed
        }
        long cost = bill.cost(accountId, operatorId, updated);
        if (cost < 0) {
            return false;
        }
        long diff = cost - c.amount();
        long now = System.currentTimeMillis();
        if (diff > 0) {
            if (!bill.reserve(accountId, messageId, diff, c.atMs())) {
                return false;
            }
            journal.ledger(Journal.LEDGER_CHARGE, accountId, diff, messageId, now);
        } else if (diff < 0) {
            bill.refundPart(accountId, messageId, -diff);
            journal.ledger(Journal.LEDGER_REFUND, accountId, -diff, messageId, now);
        }
        delta[0] = diff;
        return true;
    }

    /** The batch of a replace was not journaled: its price change is undone. */
    private void undoReprice(String accountId, long messageId, long diff) {
        Billing bill = billing;
        if (bill == null || diff == 0) {
            return;
        }
        if (diff > 0) {
            bill.refundPart(accountId, messageId, diff);
        } else {
            bill.replayCharge(accountId, messageId, -diff, System.currentTimeMillis());
        }
    }

    private HeldMessage takeHeld(String accountId, long messageId) {
        HeldMessage h = moderation.get(messageId);
        if (h == null || !h.message().accountId().equals(accountId)) {
            return null;
        }
        return moderation.take(messageId);
    }

    private Scheduled takeScheduled(String accountId, long messageId) {
        ClusterLink link = cluster;
        io.smsrouter.core.cluster.SharedSchedule shared = link == null ? null : link.schedule();
        if (shared != null && !scheduledById.containsKey(messageId)) {
            io.smsrouter.core.cluster.SharedSchedule.Entry e = shared.take(accountId, messageId);
            if (e == null) {
                return null;
            }
            undelivered(e.message()).incrementAndGet(); // this node's again, until it ends or is stored back
            return new Scheduled(e.dueMs(), e.message(), e.operatorId());
        }
        Scheduled s = scheduledById.get(messageId);
        if (s == null || !s.message().accountId().equals(accountId) || !scheduledById.remove(messageId, s)) {
            return null;
        }
        scheduled.remove(s);
        return s;
    }

    private Message takeQueued(String accountId, long messageId) {
        MessageStatus s = statuses.get(messageId);
        if (s == null || !s.accountId().equals(accountId) || s.operatorId() == null) {
            return null;
        }
        OperatorQueue q = operatorQueues.get(s.operatorId());
        return q == null ? null : q.remove(messageId);
    }

    /** The client acknowledged the receipt (deliver_sm_resp). */
    public void receiptForwarded(Receipt r) {
        journal.receiptForwarded(r.messageId());
        receiptsOut.increment();
        ClusterLink link = cluster;
        if (link != null) {
            link.forwarded(r);
        }
    }

    /** A session closed with this receipt unacknowledged: send it again elsewhere or later. */
    public void redeliver(Receipt r) {
        clients.dispatch(r);
    }

    public MessageStatus status(long messageId) {
        MessageStatus s = statuses.get(messageId);
        ClusterLink link = cluster;
        if (link != null && (s == null || !s.state().isFinal())) {
            // in a cluster, another node may have sent it or matched its receipt since
            try {
                MessageStatus shared = link.statusOf(messageId);
                if (shared != null && (s == null || shared.state().isFinal()
                        || shared.state() != DeliveryState.ENROUTE)) {
                    s = shared;
                }
            } catch (RuntimeException e) {
                log.debug("cluster: status of {} not read: {}", messageId, e.toString());
            }
        }
        return s;
    }

    /** The class a message travels in: its priority_flag's, or its account's. */
    public TrafficClass classOf(Message m) {
        if (m.priority() > 0 && m.priority() <= TrafficClass.PROMO_PRIORITY) {
            return TrafficClass.of(m.priority(), Account.DEFAULT_CLASS);
        }
        Account a = accounts.get(m.accountId());
        return a == null ? Account.DEFAULT_CLASS : a.trafficClass();
    }

    private AtomicInteger undelivered(Message m) {
        return undelivered[classOf(m).lane()];
    }

    /** Messages of this class accepted and not yet taken by an operator. */
    public int undeliveredCount(TrafficClass c) {
        return undelivered[c.lane()].get();
    }

    public int undeliveredCount() {
        int n = 0;
        for (AtomicInteger u : undelivered) {
            n += u.get();
        }
        return n;
    }

    public long acceptedCount() {
        return accepted.sum();
    }

    public long submittedCount() {
        return submitted.sum();
    }

    public long receiptsInCount() {
        return receiptsIn.sum();
    }

    public long receiptsOutCount() {
        return receiptsOut.sum();
    }

    /**
     * Messages queued again by recovery at this start: accepted before the restart with no
     * operator response journaled, so each may reach the operator twice.
     */
    public long requeuedAtRecoveryCount() {
        return requeuedAtRecovery.sum();
    }

    /** Messages held for moderation since start. */
    public long heldCount() {
        return heldCount.sum();
    }

    /** Moderation decisions of this kind since start. */
    public long decidedCount(Verdict verdict) {
        return decided[verdict.ordinal()].sum();
    }

    private static String orphanKey(String operatorId, String upstreamId) {
        return operatorId + '\u0000' + upstreamId;
    }
}
