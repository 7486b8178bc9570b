package io.smsrouter.cluster;

import io.smsrouter.cluster.pg.PgStore;
import io.smsrouter.core.engine.MessageStatus;
import io.smsrouter.core.message.DeliveryState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message statuses shared by the nodes (table {@code message_status}, migration V8): every status
 * a node sets is queued and written in batches every 200 ms (one batched upsert that never moves a
 * message's state back), and a node asked about a message it does not know, or knows only as
 * en route, reads it here. Rows older than the receipt validity are deleted every ten minutes.
 */
final class PgStatuses implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgStatuses.class);
    static final long WRITE_EVERY_MS = 200;
    static final int MAX_QUEUED = 500_000;
    static final int BATCH = 5_000;

    private final PgStore pg;
    private final Duration keep;
    private final ConcurrentLinkedQueue<MessageStatus> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    PgStatuses(PgStore pg, Duration keep) {
        this.pg = pg;
        this.keep = keep;
        this.writer = new Thread(this::writeLoop, "cluster-statuses");
        writer.setDaemon(true);
        writer.start();
    }

    static int rank(DeliveryState s) {
        return s.isFinal() ? 2 : s == DeliveryState.ENROUTE ? 0 : 1;
    }

    /** Queues a status (the engine's thread: no round trip); the oldest are dropped when PostgreSQL is away long. */
    void put(MessageStatus s) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.add(s);
    }

    /** The stored status, or null; throws when PostgreSQL does not answer (about 2 s at most). */
    MessageStatus get(long messageId) {
        return pg.inTransactionOnce(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT account_id, state, error, operator_id, "
                    + "accepted_ms, final_ms FROM message_status WHERE id = ?")) {
                s.setLong(1, messageId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new MessageStatus(messageId, r.getString(1),
                            DeliveryState.values()[r.getShort(2)], r.getInt(3), r.getString(4), r.getLong(5),
                            r.getLong(6)) : null;
                }
            }
        });
    }

    /** Statuses written, and dropped because too many waited, since start. */
    long written() {
        return written.get();
    }

    long dropped() {
        return dropped.get();
    }

    private void writeLoop() {
        long cleaned = System.currentTimeMillis();
        long warned = 0;
        List<MessageStatus> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                MessageStatus s;
                while (batch.size() < BATCH && (s = queue.poll()) != null) {
                    queued.decrementAndGet();
                    batch.add(s);
                }
                if (!batch.isEmpty()) {
                    write(batch);
                    written.addAndGet(batch.size());
                    batch.clear();
                }
                if (System.currentTimeMillis() - cleaned > 600_000) {
                    cleaned = System.currentTimeMillis();
                    clean();
                }
                if (queue.isEmpty()) {
                    if (!running) {
                        return;
                    }
                    Thread.sleep(WRITE_EVERY_MS);
                }
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() - warned > 10_000) {
                    warned = System.currentTimeMillis();
                    log.warn("cluster: {} message statuses not written yet ({}); trying again", batch.size(),
                            e.getMessage());
                }
                if (!running) {
                    return;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException stop) {
                    running = false;
                }
            }
        }
    }

    private void write(List<MessageStatus> batch) {
        long now = System.currentTimeMillis();
        pg.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO message_status (id, account_id, state, rank, error, operator_id, accepted_ms,
                                                final_ms, updated_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, rank = EXCLUDED.rank,
                        error = EXCLUDED.error, operator_id = COALESCE(EXCLUDED.operator_id, message_status.operator_id),
                        final_ms = EXCLUDED.final_ms, updated_ms = EXCLUDED.updated_ms
                    WHERE EXCLUDED.rank >= message_status.rank""")) {
                for (MessageStatus m : batch) {
                    s.setLong(1, m.messageId());
                    s.setString(2, m.accountId());
                    s.setShort(3, (short) m.state().ordinal());
                    s.setShort(4, (short) rank(m.state()));
                    s.setInt(5, m.errorCode());
                    s.setString(6, m.operatorId());
                    s.setLong(7, m.acceptedAtMs());
                    s.setLong(8, m.finalAtMs());
                    s.setLong(9, now);
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    private void clean() {
        long before = System.currentTimeMillis() - keep.toMillis();
        int n = pg.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM message_status WHERE updated_ms < ?")) {
                s.setLong(1, before);
                return s.executeUpdate();
            }
        });
        if (n > 0) {
            log.info("cluster: {} message statuses older than {} h deleted", n, keep.toHours());
        }
    }

    /** Writes what is queued (for up to 5 s), then stops. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
    }
}
