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

    @Override
    public void report(List<Billing.Balance> local) {
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
