package io.smsrouter.cluster;

import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.HeldMessage;
import io.smsrouter.core.moderation.HoldReason;
import io.smsrouter.core.moderation.ModerationDecision;
import io.smsrouter.core.moderation.ModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's one moderation queue, in PostgreSQL (table {@code moderation_held}, migration V4):
 * every node lists, counts and decides the same held messages.
 *
 * <ul>
 *   <li>A hold is a row committed before the client's {@code submit_sm_resp}: the engine journals
 *   the batch, then {@link #addAll} inserts its held messages in one statement (one round trip per
 *   batch), then the responses go out. A node killed after the commit leaves the row for any
 *   other node to decide.</li>
 *   <li>A decision is taken once: {@link #take} locks the row ({@code SELECT ... FOR UPDATE SKIP
 *   LOCKED} on a row still undecided) in a transaction that stays open while the deciding node
 *   journals the decision; {@link #recordDecision} writes the verdict and commits. A second
 *   moderator, on any node, finds the row locked or decided and gets null: "not held".</li>
 *   <li>Decided rows stay as tombstones (their message bytes dropped after {@link #KEEP_MESSAGE_MS}),
 *   so that the accepting node's journal, which still says "held", cannot bring one back at its
 *   restart ({@code INSERT ... ON CONFLICT DO NOTHING}).</li>
 *   <li>{@link #size} is a count refreshed every {@link #REFRESH_MS} ms plus this node's own
 *   changes since: {@code moderation.maxHeld} holds for the whole queue, overshot at most by what
 *   the other nodes held within one refresh.</li>
 * </ul>
 */
public final class PgModerationQueue implements ModerationQueue, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgModerationQueue.class);
    static final long REFRESH_MS = 200;
    /** How often the ids this node remembers are checked for decisions taken elsewhere. */
    static final long PRUNE_MS = 30_000;
    /** Decided rows lose their message bytes after this long (the row itself stays). */
    static final long KEEP_MESSAGE_MS = 7L * 24 * 3600 * 1000;
    private static final int COLUMNS = 7;
    private static final int MAX_ROWS_PER_INSERT = 1000;
    private static final String ROW = "message_id, operator_id, reason, held_at_ms, message";
    /** The verdict column of a message its client cancelled (not a moderator's decision). */
    private static final String CANCELLED = "CANCELLED";
    private static final String UNDECIDED = " FROM moderation_held WHERE verdict IS NULL";

    private final DataSource db;
    private final String nodeId;
    private final long slotBits;
    private final Moderator moderator;
    /** Messages this node held (or recovered) and has not seen decided: get() of another id of ours is null. */
    private final Map<Long, Boolean> heldHere = new ConcurrentHashMap<>();
    /** Described messages by id (stop-word matches are found once per node, not per listing). */
    private final Map<Long, HeldMessage> described = new ConcurrentHashMap<>();
    private final ThreadLocal<Claim> claim = new ThreadLocal<>();
    private final AtomicInteger counted = new AtomicInteger();
    private final AtomicInteger changedSince = new AtomicInteger();
    /**
     * Inserts hold it shared from their statement to their {@link #changedSince} increment; the count
     * refresh holds it exclusively from its snapshot of {@link #changedSince} to its SELECT. Without it,
     * a row committed just before the SELECT but added to {@link #changedSince} just after the snapshot
     * was counted twice until the next refresh, refusing a message below {@code moderation.maxHeld}.
     */
    private final java.util.concurrent.locks.ReadWriteLock countLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final AtomicLong restored = new AtomicLong();
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong decisionsRestored = new AtomicLong();
    /** Decisions journaled here whose commit failed: written when PostgreSQL answers again. */
    private final java.util.concurrent.ConcurrentLinkedQueue<ModerationDecision> pending =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile long oldestAtMs;
    private volatile boolean up = true;
    private volatile boolean live;
    private volatile String problem;
    private final ScheduledExecutorService refresher;
    private long lastPurgeMs;
    private long lastPruneMs;

    /** A row locked by {@link #take} on this thread, in its open transaction. */
    private record Claim(Connection connection, long messageId) {
    }

    public PgModerationQueue(DataSource db, String nodeId, int slot, Moderator moderator) {
        this.db = db;
        this.nodeId = nodeId;
        this.slotBits = slot;
        this.moderator = moderator;
        refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "moderation-pg");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    /** Recovery is over: reports what it restored (rows the journal had and PostgreSQL lacked). */
    public void live() {
        live = true;
        long n = restored.get();
        if (n > 0) {
            log.warn("moderation: {} held messages of this node's journal were missing from PostgreSQL and were added "
                    + "(the node stopped between its journal write and the insert, before the client's response: "
                    + "a resend by the client is a duplicate)", n);
        }
        long d = decisionsRestored.get();
        if (d > 0) {
            log.warn("moderation: {} decisions journaled here were missing from PostgreSQL and were recorded "
                    + "(the node stopped before its commit)", d);
        }
    }

    /** INSERT statements (round trips) that held messages took since start: one per batch. */
    public long insertStatements() {
        return inserts.get();
    }

    /** Held messages restored from the journal at start (see {@link #live}). */
    public long restoredCount() {
        return restored.get();
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean available() {
        return up;
    }

    /** Why the queue is unavailable, or null. */
    public String problem() {
        return up ? null : problem;
    }

    @Override
    public void add(HeldMessage m) {
        Claim c = claim.get();
        if (c != null && c.messageId() == m.id()) {
            // given back (its decision failed) or replaced by a new version: the row keeps it, undecided
            claim.remove();
            try (Connection conn = c.connection()) {
                try (PreparedStatement s = conn.prepareStatement(
                        "UPDATE moderation_held SET operator_id = ?, message = ? WHERE message_id = ?")) {
                    s.setString(1, m.operatorId());
                    s.setBytes(2, Codec.message(m.message(), nodeId));
                    s.setLong(3, m.id());
                    s.executeUpdate();
                }
                conn.commit();
                described.put(m.id(), m);
            } catch (SQLException e) {
                throw failed("update of held message " + m.id(), e);
            }
            return;
        }
        addAll(List.of(m));
    }

    @Override
    public void addAll(List<HeldMessage> ms) {
        if (ms.isEmpty()) {
            return;
        }
        long inserted = 0;
        countLock.readLock().lock();
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            for (int from = 0; from < ms.size(); from += MAX_ROWS_PER_INSERT) {
                int n = Math.min(MAX_ROWS_PER_INSERT, ms.size() - from);
                StringBuilder sql = new StringBuilder(80 + n * 24).append("INSERT INTO moderation_held "
                        + "(message_id, account_id, operator_id, reason, held_at_ms, node_id, message) VALUES ");
                for (int i = 0; i < n; i++) {
                    sql.append(i == 0 ? "(?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?)");
                }
                sql.append(" ON CONFLICT (message_id) DO NOTHING");
                try (PreparedStatement s = conn.prepareStatement(sql.toString())) {
                    int p = 1;
                    for (int i = 0; i < n; i++) {
                        HeldMessage h = ms.get(from + i);
                        s.setLong(p++, h.id());
                        s.setString(p++, h.message().accountId());
                        s.setString(p++, h.operatorId());
                        s.setString(p++, h.reason().name());
                        s.setLong(p++, h.heldAtMs());
                        s.setString(p++, nodeId);
                        s.setBytes(p++, Codec.message(h.message(), nodeId));
                    }
                    inserted += s.executeUpdate();
                    inserts.incrementAndGet();
                }
            }
            changedSince.addAndGet((int) inserted);
        } catch (SQLException e) {
            changedSince.addAndGet((int) inserted); // rows of earlier statements are committed (autocommit)
            throw failed("insert of " + ms.size() + " held messages", e);
        } finally {
            countLock.readLock().unlock();
        }
        for (HeldMessage h : ms) {
            heldHere.put(h.id(), Boolean.TRUE);
            described.put(h.id(), h);
        }
        if (!live) {
            restored.addAndGet(inserted);
        }
    }

    @Override
    public HeldMessage take(long messageId) {
        Claim stale = claim.get();
        if (stale != null) {
            log.warn("moderation: a claim on message {} was left open on this thread; given back", stale.messageId());
            release(stale, true);
        }
        Connection conn = null;
        try {
            conn = db.getConnection();
            conn.setAutoCommit(false);
            HeldMessage h = null;
            try (PreparedStatement s = conn.prepareStatement("SELECT " + ROW + UNDECIDED
                    + " AND message_id = ? FOR UPDATE SKIP LOCKED")) {
                s.setLong(1, messageId);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        h = read(r);
                    }
                }
            }
            if (h == null) {
                conn.rollback();
                conn.close();
                return null;
            }
            claim.set(new Claim(conn, messageId));
            return h;
        } catch (SQLException e) {
            if (conn != null) {
                release(new Claim(conn, messageId), true);
            }
            throw failed("claim of held message " + messageId, e);
        }
    }

    @Override
    public void recordDecision(ModerationDecision d) {
        Claim c = claim.get();
        if (c != null && c.messageId() == d.messageId()) {
            claim.remove();
            try (Connection conn = c.connection()) {
                decide(conn, d, false);
                conn.commit();
            } catch (SQLException e) {
                // the journal here has the decision and the engine carries it out: PostgreSQL gets it as
                // soon as it answers again (nobody can decide meanwhile: taking needs PostgreSQL too)
                down(e);
                pending.add(d);
                log.warn("moderation: the decision about held message {} could not be committed ({}); it is "
                        + "written when PostgreSQL answers again", d.messageId(), e.toString());
            }
            forget(d.messageId());
            return;
        }
        // replayed from this node's journal at start: recorded unless PostgreSQL has a decision already
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            if (decide(conn, d, true) > 0) {
                decisionsRestored.incrementAndGet();
                forget(d.messageId());
            }
        } catch (SQLException e) {
            throw failed("decision about held message " + d.messageId(), e);
        }
    }

    private int decide(Connection conn, ModerationDecision d, boolean onlyIfUndecided) throws SQLException {
        return decide(conn, d, d.verdict().name(), onlyIfUndecided);
    }

    private int decide(Connection conn, ModerationDecision d, String verdict, boolean onlyIfUndecided)
            throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("UPDATE moderation_held SET verdict = ?, moderator = ?, "
                + "decision_reason = ?, decided_at_ms = ?, decided_by = ? WHERE message_id = ?"
                + (onlyIfUndecided ? " AND verdict IS NULL" : ""))) {
            s.setString(1, verdict);
            s.setString(2, d.moderator());
            s.setString(3, d.reason());
            s.setLong(4, d.atMs());
            s.setString(5, nodeId);
            s.setLong(6, d.messageId());
            return s.executeUpdate();
        }
    }

    @Override
    public void removed(long messageId) {
        Claim c = claim.get();
        if (c == null || c.messageId() != messageId) {
            return;
        }
        claim.remove();
        ModerationDecision cancel = new ModerationDecision(messageId, "", null, "client", "cancel_sm",
                System.currentTimeMillis());
        try (Connection conn = c.connection()) {
            decide(conn, cancel, CANCELLED, false);
            conn.commit();
        } catch (SQLException e) {
            down(e);
            pending.add(cancel); // journaled here as ended: as for a decision, written when PostgreSQL is back
        }
        forget(messageId);
    }

    /** A message decided (or cancelled) by this node: out of the count until the next refresh reads it. */
    private void forget(long messageId) {
        changedSince.decrementAndGet();
        heldHere.remove(messageId);
        described.remove(messageId);
    }

    private void release(Claim c, boolean rollback) {
        try (Connection conn = c.connection()) {
            if (rollback) {
                conn.rollback();
            }
        } catch (SQLException e) {
            log.debug("moderation: closing a claim failed: {}", e.toString());
        }
        if (claim.get() == c) {
            claim.remove();
        }
    }

    @Override
    public HeldMessage get(long messageId) {
        if ((messageId >>> 52) == slotBits && !heldHere.containsKey(messageId)) {
            return null; // this node's id, and this node never held it: only the accepting node holds
        }
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            try (PreparedStatement s = conn.prepareStatement("SELECT " + ROW + UNDECIDED + " AND message_id = ?")) {
                s.setLong(1, messageId);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return read(r);
                    }
                }
            }
        } catch (SQLException e) {
            throw failed("read of held message " + messageId, e);
        }
        if (heldHere.remove(messageId) != null) {
            described.remove(messageId); // decided on another node
        }
        return null;
    }

    @Override
    public List<HeldMessage> list() {
        List<HeldMessage> out = new ArrayList<>();
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            try (PreparedStatement s = conn.prepareStatement("SELECT " + ROW + UNDECIDED
                    + " ORDER BY held_at_ms, message_id")) {
                s.setFetchSize(1000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(read(r));
                    }
                }
            }
        } catch (SQLException e) {
            throw failed("listing of held messages", e);
        }
        if (described.size() > out.size()) {
            java.util.Set<Long> ids = new java.util.HashSet<>();
            out.forEach(h -> ids.add(h.id()));
            described.keySet().retainAll(ids);
        }
        return out;
    }

    @Override
    public HeldMessage oldest() {
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            try (PreparedStatement s = conn.prepareStatement("SELECT " + ROW + UNDECIDED
                    + " ORDER BY held_at_ms, message_id LIMIT 1")) {
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? read(r) : null;
                }
            }
        } catch (SQLException e) {
            throw failed("read of the oldest held message", e);
        }
    }

    @Override
    public long oldestHeldAtMs() {
        return oldestAtMs;
    }

    @Override
    public int size() {
        return Math.max(0, counted.get() + changedSince.get());
    }

    @Override
    public List<ModerationDecision> recentDecisions(int max) {
        List<ModerationDecision> out = new ArrayList<>();
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            try (PreparedStatement s = conn.prepareStatement("SELECT message_id, account_id, verdict, moderator, "
                    + "decision_reason, decided_at_ms FROM moderation_held WHERE verdict IN "
                    + "('APPROVED', 'REJECTED', 'EXPIRED') ORDER BY decided_at_ms DESC LIMIT ?")) {
                s.setInt(1, max);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new ModerationDecision(r.getLong(1), r.getString(2), Verdict.valueOf(r.getString(3)),
                                r.getString(4), r.getString(5) == null ? "" : r.getString(5), r.getLong(6)));
                    }
                }
            }
        } catch (SQLException e) {
            throw failed("read of the recent decisions", e);
        }
        return out;
    }

    private HeldMessage read(ResultSet r) throws SQLException {
        long id = r.getLong(1);
        HeldMessage known = described.get(id);
        if (known != null) {
            return known;
        }
        Message m = Codec.readMessage(r.getBytes(5)).message();
        HeldMessage h = moderator.describe(m, r.getString(2), HoldReason.valueOf(r.getString(3)), r.getLong(4));
        described.put(id, h);
        return h;
    }

    /** The count of held messages (and the probe of PostgreSQL), every {@link #REFRESH_MS} ms. */
    private void refresh() {
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            for (ModerationDecision d = pending.peek(); d != null; d = pending.peek()) {
                decide(conn, d, d.verdict() == null ? CANCELLED : d.verdict().name(), true);
                pending.poll();
            }
            countLock.writeLock().lock();
            try (PreparedStatement s = conn.prepareStatement("SELECT count(*), coalesce(min(held_at_ms), 0)"
                    + UNDECIDED)) {
                int changes = changedSince.get();
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    counted.set(r.getInt(1));
                    oldestAtMs = r.getLong(2);
                    changedSince.addAndGet(-changes);
                }
            } finally {
                countLock.writeLock().unlock();
            }
            long now = System.currentTimeMillis();
            if (now - lastPurgeMs > 3_600_000L) {
                lastPurgeMs = now;
                try (PreparedStatement s = conn.prepareStatement("UPDATE moderation_held SET message = NULL "
                        + "WHERE verdict IS NOT NULL AND decided_at_ms < ? AND message IS NOT NULL")) {
                    s.setLong(1, now - KEEP_MESSAGE_MS);
                    s.executeUpdate();
                }
            }
            if (now - lastPruneMs > PRUNE_MS) {
                lastPruneMs = now;
                prune(conn);
            }
            if (!up) {
                log.info("moderation: PostgreSQL answers again; messages are held again");
            }
            up = true;
        } catch (SQLException | RuntimeException e) {
            down(e);
        }
    }

    /** {@link #prune} now (tests); false when PostgreSQL failed. */
    boolean pruneNow() {
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(true);
            prune(conn);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Whether this node still remembers the message as held here (see {@link #prune}). */
    boolean remembers(long messageId) {
        return heldHere.containsKey(messageId) || described.containsKey(messageId);
    }

    /** Forgets what this node remembers of messages that other nodes decided. */
    private void prune(Connection conn) throws SQLException {
        java.util.Set<Long> known = new java.util.HashSet<>(heldHere.keySet());
        known.addAll(described.keySet());
        if (known.isEmpty()) {
            return;
        }
        try (PreparedStatement s = conn.prepareStatement("SELECT message_id FROM moderation_held "
                + "WHERE message_id = ANY(?) AND verdict IS NOT NULL")) {
            s.setArray(1, conn.createArrayOf("bigint", known.toArray(new Long[0])));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    heldHere.remove(r.getLong(1));
                    described.remove(r.getLong(1));
                }
            }
        }
    }

    private RuntimeException failed(String what, SQLException e) {
        down(e);
        return new IllegalStateException("moderation: PostgreSQL: " + what + " failed: " + e.getMessage(), e);
    }

    private void down(Exception e) {
        if (up) {
            log.warn("moderation: PostgreSQL does not answer ({}); messages that must be held are refused "
                    + "(ESME_RSYSERR, HTTP 503) until it does", e.toString());
        }
        problem = e.toString();
        up = false;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
