package io.smsrouter.cluster.pg;

import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.billing.CreditPool;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared balances in PostgreSQL (tables {@code balances} and {@code credit_leases}, migration
 * V3): a lease is one conditional update of the account's row (it grants what is asked while the
 * balance is large, a quarter of what is left as it runs low, nothing below the price asked for)
 * and the node's row in the same transaction. Every failure to reach the database is a {@link
 * CreditPool.Unavailable}.
 */
public final class PgCreditPool implements CreditPool {

    private static final String TAKE = """
            UPDATE balances b SET unleased = b.unleased - g.amount
            FROM (SELECT account_id, LEAST(unleased, GREATEST(?, LEAST(?, unleased / 4))) AS amount
                  FROM balances WHERE account_id = ? AND unleased >= ? FOR UPDATE) g
            WHERE b.account_id = g.account_id
            RETURNING g.amount""";
    private static final String LEASED = """
            INSERT INTO credit_leases (node_id, account_id, leased, takes) VALUES (?, ?, ?, ?)
            ON CONFLICT (node_id, account_id) DO UPDATE
            SET leased = credit_leases.leased + EXCLUDED.leased, takes = credit_leases.takes + EXCLUDED.takes""";

    private final DataSource db;
    private final String nodeId;
    private final AtomicLong statements = new AtomicLong();

    public PgCreditPool(DataSource db, String nodeId) {
        this.db = db;
        this.nodeId = nodeId;
    }

    /** Statements sent since start (each lease is two, in one transaction). */
    public long statements() {
        return statements.get();
    }

    @Override
    public void seed(Map<String, Long> initialBalances) {
        run("seed the balances", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO balances (account_id, initial, unleased) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (Map.Entry<String, Long> e : initialBalances.entrySet()) {
                    s.setString(1, e.getKey());
                    s.setLong(2, e.getValue());
                    s.setLong(3, e.getValue());
                    s.addBatch();
                }
                s.executeBatch();
                statements.incrementAndGet();
            }
            return null;
        });
    }

    @Override
    public long take(String accountId, long min, long want) {
        return run("lease credit", c -> {
            long got = 0;
            try (PreparedStatement s = c.prepareStatement(TAKE)) {
                s.setLong(1, min);
                s.setLong(2, want);
                s.setString(3, accountId);
                s.setLong(4, min);
                statements.incrementAndGet();
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        got = r.getLong(1);
                    }
                }
            }
            if (got > 0) {
                moved(c, accountId, got, 1);
            }
            return got;
        });
    }

    @Override
    public void giveBack(String accountId, long amount) {
        run("give credit back", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE balances SET unleased = unleased + ? WHERE account_id = ?")) {
                s.setLong(1, amount);
                s.setString(2, accountId);
                s.executeUpdate();
                statements.incrementAndGet();
            }
            moved(c, accountId, -amount, 0);
            return null;
        });
    }

    private void moved(Connection c, String accountId, long amount, int takes) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LEASED)) {
            s.setString(1, nodeId);
            s.setString(2, accountId);
            s.setLong(3, amount);
            s.setInt(4, takes);
            s.executeUpdate();
            statements.incrementAndGet();
        }
    }

    @Override
    public boolean topUp(String accountId, long amount) {
        return run("top up", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE balances SET unleased = unleased + ?, top_ups = top_ups + ? WHERE account_id = ?")) {
                s.setLong(1, amount);
                s.setLong(2, amount);
                s.setString(3, accountId);
                statements.incrementAndGet();
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Billing.Balance balance(String accountId) {
        return run("read the balance", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT b.initial, b.top_ups, b.unleased, COALESCE(SUM(l.leased), 0), COALESCE(SUM(l.spent), 0),
                           COALESCE(SUM(l.reserved), 0)
                    FROM balances b LEFT JOIN credit_leases l ON l.account_id = b.account_id
                    WHERE b.account_id = ? GROUP BY b.account_id""")) {
                s.setString(1, accountId);
                statements.incrementAndGet();
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    long spent = r.getLong(5);
                    long reserved = r.getLong(6);
                    return new Billing.Balance(accountId, r.getLong(3) + r.getLong(4) - spent - reserved, reserved,
                            spent, r.getLong(1), r.getLong(2));
                }
            }
        });
    }

    @Override
    public Map<String, Long> leasedHere() {
        return run("read this node's leases", c -> {
            Map<String, Long> out = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT account_id, leased FROM credit_leases WHERE node_id = ?")) {
                s.setString(1, nodeId);
                statements.incrementAndGet();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.put(r.getString(1), r.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    /**
     * This node's billing figures read together with the operator partition offsets they are
     * exact up to (see {@code KafkaClusterNode.consistently}): {@code durable} is, per account, the
     * part of reserved that outlives this node.
     */
    public record Figures(List<Billing.Balance> balances, Map<String, Long> durable,
                          Map<org.apache.kafka.common.TopicPartition, Long> shippedTo) {
    }

    private volatile java.util.function.Supplier<Figures> figures;

    /**
     * From now on every {@link #report} writes what {@code source} reads (all accounts, their
     * durable part and the partition offsets, in one transaction) instead of what it is given, so
     * that a node that dies can be settled from its last report and Kafka ({@link #settle}).
     */
    public void reportFrom(java.util.function.Supplier<Figures> source) {
        this.figures = source;
    }

    /** This node runs: its row's {@code last_seen} is now, and none of its leases counts as settled. */
    public void alive(boolean clearSettled) {
        run("record this node as alive", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE cluster_nodes SET last_seen = now() WHERE node_id = ?")) {
                s.setString(1, nodeId);
                s.executeUpdate();
                statements.incrementAndGet();
            }
            if (clearSettled) {
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE credit_leases SET settled_at = NULL WHERE node_id = ? AND settled_at IS NOT NULL")) {
                    s.setString(1, nodeId);
                    s.executeUpdate();
                    statements.incrementAndGet();
                }
            }
            return null;
        });
    }

    @Override
    public void report(List<Billing.Balance> local) {
        java.util.function.Supplier<Figures> source = figures;
        if (source != null) {
            reportFigures(source.get());
            return;
        }
        run("report spending", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO credit_leases (node_id, account_id, spent, reserved, reported_at)
                    VALUES (?, ?, ?, ?, now())
                    ON CONFLICT (node_id, account_id) DO UPDATE
                    SET spent = EXCLUDED.spent, reserved = EXCLUDED.reserved, reported_at = now()""")) {
                for (Billing.Balance b : local) {
                    s.setString(1, nodeId);
                    s.setString(2, b.accountId());
                    s.setLong(3, b.spent());
                    s.setLong(4, b.reserved());
                    s.addBatch();
                }
                s.executeBatch();
                statements.incrementAndGet();
            }
            return null;
        });
    }

    private void reportFigures(Figures f) {
        run("report spending", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO credit_leases (node_id, account_id, spent, reserved, durable, reported_at)
                    VALUES (?, ?, ?, ?, ?, now())
                    ON CONFLICT (node_id, account_id) DO UPDATE
                    SET spent = EXCLUDED.spent, reserved = EXCLUDED.reserved, durable = EXCLUDED.durable,
                        reported_at = now()""")) {
                for (Billing.Balance b : f.balances()) {
                    s.setString(1, nodeId);
                    s.setString(2, b.accountId());
                    s.setLong(3, b.spent());
                    s.setLong(4, b.reserved());
                    s.setLong(5, f.durable().getOrDefault(b.accountId(), 0L));
                    s.addBatch();
                }
                s.executeBatch();
                statements.incrementAndGet();
            }
            writeMarks(c, nodeId, f.shippedTo());
            return null;
        });
    }

    private void writeMarks(Connection c, String node, Map<org.apache.kafka.common.TopicPartition, Long> marks)
            throws SQLException {
        if (marks.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO credit_marks (node_id, topic, kpartition, next_offset) VALUES (?, ?, ?, ?)
                ON CONFLICT (node_id, topic, kpartition) DO UPDATE SET next_offset = EXCLUDED.next_offset""")) {
            for (Map.Entry<org.apache.kafka.common.TopicPartition, Long> e : marks.entrySet()) {
                s.setString(1, node);
                s.setString(2, e.getKey().topic());
                s.setInt(3, e.getKey().partition());
                s.setLong(4, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
            statements.incrementAndGet();
        }
    }

    /** Nodes other than this one with unsettled leases that nobody has seen for {@code silentSeconds}. */
    public List<String> silentNodes(long silentSeconds) {
        return run("find silent nodes", c -> {
            List<String> out = new java.util.ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT DISTINCT l.node_id FROM credit_leases l JOIN cluster_nodes n ON n.node_id = l.node_id
                    WHERE l.node_id <> ? AND l.settled_at IS NULL AND n.last_seen < now() - make_interval(secs => ?)
                    ORDER BY l.node_id""")) {
                s.setString(1, nodeId);
                s.setLong(2, silentSeconds);
                statements.incrementAndGet();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** What a node charged per account in its records from some offsets up to {@code ends}. */
    public record Tail(Map<String, Long> charges, Map<org.apache.kafka.common.TopicPartition, Long> ends) {
    }

    /** Reads what a dead node charged in its records at or after the given offsets (a partition missing: from its start). */
    public interface ChargeReader {
        Tail chargesAfter(String node, Map<org.apache.kafka.common.TopicPartition, Long> from);
    }

    /** One account's settlement: what the dead node leased, what it spent in the end, what went back. */
    public record Settled(String node, String accountId, long leased, long charged, long afterReport, long back) {
    }

    /**
     * Settles {@code node}'s leases when nobody has seen it for {@code silentSeconds} (checked
     * again under its row's lock, so a node starting again waits for the settlement or prevents
     * it): what it spent is its last report's spent and durable figures plus the charges of its
     * records at or after its marks ({@code reader}); the rest of each lease goes back to the
     * account's unleased balance. Its rows then say settled, with spent equal to what it leased.
     * Empty when there was nothing to do (another node settled it, or it is alive).
     */
    public List<Settled> settle(String node, long silentSeconds, ChargeReader reader) {
        return run("settle the credit of node " + node, c -> {
            List<Settled> out = new java.util.ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT node_id FROM cluster_nodes WHERE node_id = ? AND last_seen < now() - make_interval(secs => ?)
                    FOR UPDATE SKIP LOCKED""")) {
                s.setString(1, node);
                s.setLong(2, silentSeconds);
                statements.incrementAndGet();
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return out; // seen again, or another node is settling it
                    }
                }
            }
            Map<String, long[]> rows = new java.util.TreeMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT account_id, leased, spent, durable FROM credit_leases
                    WHERE node_id = ? AND settled_at IS NULL FOR UPDATE""")) {
                s.setString(1, node);
                statements.incrementAndGet();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.put(r.getString(1), new long[]{r.getLong(2), r.getLong(3), r.getLong(4)});
                    }
                }
            }
            if (rows.isEmpty()) {
                return out;
            }
            Map<org.apache.kafka.common.TopicPartition, Long> marks = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT topic, kpartition, next_offset FROM credit_marks WHERE node_id = ?")) {
                s.setString(1, node);
                statements.incrementAndGet();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        marks.put(new org.apache.kafka.common.TopicPartition(r.getString(1), r.getInt(2)),
                                r.getLong(3));
                    }
                }
            }
            Tail tail = reader.chargesAfter(node, marks);
            Map<String, Long> after = tail.charges();
            try (PreparedStatement back = c.prepareStatement(
                    "UPDATE balances SET unleased = unleased + ? WHERE account_id = ?");
                 PreparedStatement row = c.prepareStatement("""
                         UPDATE credit_leases SET leased = leased - ?, spent = ?, reserved = 0, durable = 0,
                                settled_at = now()
                         WHERE node_id = ? AND account_id = ?""")) {
                for (Map.Entry<String, long[]> e : rows.entrySet()) {
                    long leased = e.getValue()[0];
                    long late = after.getOrDefault(e.getKey(), 0L);
                    long charged = e.getValue()[1] + e.getValue()[2] + late;
                    long give = Math.max(0, leased - charged);
                    back.setLong(1, give);
                    back.setString(2, e.getKey());
                    back.addBatch();
                    row.setLong(1, give);
                    row.setLong(2, charged);
                    row.setString(3, node);
                    row.setString(4, e.getKey());
                    row.addBatch();
                    out.add(new Settled(node, e.getKey(), leased, charged, late, give));
                }
                back.executeBatch();
                row.executeBatch();
                statements.addAndGet(2);
            }
            // its figures now count everything it wrote up to the ends read: were it to start and die
            // again before its next report, nothing would be counted twice
            writeMarks(c, node, tail.ends());
            return out;
        });
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** One transaction; any failure is {@link CreditPool.Unavailable} and rolls it back. */
    private <T> T run(String what, Work<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T out = work.run(c);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone: the transaction is rolled back with it
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new Unavailable("cluster.postgres: cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
