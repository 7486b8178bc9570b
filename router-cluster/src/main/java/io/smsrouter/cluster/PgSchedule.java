package io.smsrouter.cluster;

import io.smsrouter.cluster.pg.PgStore;
import io.smsrouter.core.cluster.SharedSchedule;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scheduled messages in PostgreSQL (table {@code scheduled}, migration V5), shared by the nodes:
 * a node stores what it accepted for later with its batch (one multi-row insert before the client's
 * response), and every node claims what is due with {@code SELECT ... FOR UPDATE SKIP LOCKED},
 * hands it to Kafka for its operator, waits for Kafka's acknowledgement and deletes it in the same
 * transaction. A node that dies while it holds a claim rolls it back; another node claims it again
 * (a duplicate in Kafka then, which the share's owner skips if it sent the message already).
 */
final class PgSchedule implements SharedSchedule, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgSchedule.class);
    static final int CLAIM_BATCH = 500;
    static final long CLAIM_EVERY_MS = 200;

    /** Hands claimed messages to Kafka and waits until it has them all; throws when it does not. */
    interface Shipper {
        void shipNow(List<Entry> due);
    }

    private final PgStore pg;
    private final String nodeId;
    private final Engine engine;
    private final Shipper shipper;
    private final ThreadLocal<ArrayList<Entry>> pending = ThreadLocal.withInitial(ArrayList::new);
    private final AtomicLong claimed = new AtomicLong();
    private volatile long size;
    /** Whether the last statement reached PostgreSQL (the claim loop asks every 200 ms). */
    private volatile boolean up = true;
    private volatile boolean running = true;
    private final Thread claimer;

    PgSchedule(PgStore pg, String nodeId, Engine engine, Shipper shipper) {
        this.pg = pg;
        this.nodeId = nodeId;
        this.engine = engine;
        this.shipper = shipper;
        this.claimer = new Thread(this::claimLoop, "cluster-schedule");
        claimer.setDaemon(true);
    }

    void start() {
        claimer.start();
    }

    /** Messages this node claimed when due and handed to Kafka, since start. */
    long claimed() {
        return claimed.get();
    }

    @Override
    public void add(Message m, String operatorId, long dueMs) {
        pending.get().add(new Entry(m, operatorId, dueMs));
    }

    /** Stores the calling thread's {@link #add}s in one statement and marks them shipped; throws when it cannot. */
    void flushPending() {
        ArrayList<Entry> list = pending.get();
        if (list.isEmpty()) {
            return;
        }
        try {
            insert(list);
            mark(list);
        } finally {
            list.clear();
        }
    }

    @Override
    public void put(Message m, String operatorId, long dueMs) {
        insert(List.of(new Entry(m, operatorId, dueMs)));
    }

    private void insert(List<Entry> list) {
        try {
            insertNow(list);
        } catch (RuntimeException e) {
            up = false;
            throw e;
        }
    }

    private void insertNow(List<Entry> list) {
        pg.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO scheduled (id, account_id, operator_id, due_ms, node_id, message)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")) {
                for (Entry e : list) {
                    s.setLong(1, e.message().id());
                    s.setString(2, e.message().accountId());
                    s.setString(3, e.operatorId());
                    s.setLong(4, e.dueMs());
                    s.setString(5, nodeId);
                    s.setBytes(6, Codec.message(e.message(), nodeId));
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    private void mark(List<Entry> list) {
        long[] ids = new long[list.size()];
        String[] ops = new String[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i).message().id();
            ops[i] = list.get(i).operatorId();
        }
        engine.markShipped(ids, ops, ids.length, false); // billed by the link when Kafka has their charges
    }

    @Override
    public Entry take(String accountId, long messageId) {
        return pg.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM scheduled WHERE id = ? AND account_id = ? RETURNING operator_id, due_ms, message")) {
                s.setLong(1, messageId);
                s.setString(2, accountId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new Entry(Codec.readMessage(r.getBytes(3)).message(), r.getString(1),
                            r.getLong(2)) : null;
                }
            }
        });
    }

    @Override
    public long dueOf(long messageId) {
        return pg.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT due_ms FROM scheduled WHERE id = ?")) {
                s.setLong(1, messageId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean available() {
        return up;
    }

    private void claimLoop() {
        long counted = 0;
        long warned = 0;
        while (running) {
            try {
                int n = claimDue();
                if (!up) {
                    log.info("cluster: PostgreSQL answers again; scheduled messages are taken again");
                }
                up = true;
                if (System.currentTimeMillis() - counted > 1000) {
                    size = count();
                    counted = System.currentTimeMillis();
                }
                if (n < CLAIM_BATCH) {
                    Thread.sleep(CLAIM_EVERY_MS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                boolean database = !(e instanceof NotShipped);
                if (System.currentTimeMillis() - warned > 10_000) {
                    warned = System.currentTimeMillis();
                    log.warn("cluster: scheduled messages not claimed ({}); trying again", e.getMessage());
                }
                if (database && up) {
                    log.warn("cluster: PostgreSQL does not answer; messages that must wait for their time are "
                            + "refused (ESME_RSYSERR, HTTP 503) until it does");
                }
                up = !database; // Kafka refusing the claimed messages does not stop new ones being stored
                try {
                    Thread.sleep(CLAIM_EVERY_MS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Claims what is due, hands it to Kafka and deletes it, in one transaction; how many. */
    int claimDue() {
        return pg.inTransaction(c -> {
            List<Entry> due = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT operator_id, due_ms, message FROM scheduled WHERE due_ms <= ?
                    ORDER BY due_ms LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                s.setLong(1, System.currentTimeMillis());
                s.setInt(2, CLAIM_BATCH);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        due.add(new Entry(Codec.readMessage(r.getBytes(3)).message(), r.getString(1), r.getLong(2)));
                    }
                }
            }
            if (due.isEmpty()) {
                return 0;
            }
            try {
                shipper.shipNow(due); // throws when Kafka did not take them all: the claim rolls back
            } catch (RuntimeException e) {
                throw new NotShipped(e);
            }
            Long[] ids = new Long[due.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = due.get(i).message().id();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM scheduled WHERE id = ANY (?)")) {
                Array a = c.createArrayOf("bigint", ids);
                s.setArray(1, a);
                s.executeUpdate();
            }
            claimed.addAndGet(due.size());
            return due.size();
        });
    }

    /** Kafka did not take the claimed messages (PostgreSQL did answer). */
    private static final class NotShipped extends RuntimeException {
        NotShipped(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private long count() {
        return pg.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM scheduled");
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Override
    public void close() {
        running = false;
        claimer.interrupt();
        try {
            claimer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
