package io.smsrouter.cluster.pg;

import io.smsrouter.core.billing.CreditLeases;
import io.smsrouter.core.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A node's part of the shared balances (issue 12): seeds the accounts' rows at open, and after
 * recovery makes the engine spend credit leases of them ({@link CreditLeases}), reporting its
 * spending every second; at close it gives back what it holds unreserved.
 */
public final class ClusterBalances implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterBalances.class);
    static final long REPORT_MS = 1000;

    private final Engine engine;
    private final PgCreditPool pool;
    private final ScheduledExecutorService reporter;
    private volatile CreditLeases leases;

    private ClusterBalances(Engine engine, PgCreditPool pool) {
        this.engine = engine;
        this.pool = pool;
        this.reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "router-balance-report");
            t.setDaemon(true);
            return t;
        });
    }

    /** Null when nobody is billed; else seeded (accounts already in the database keep their figures). */
    public static ClusterBalances open(DataSource db, String nodeId, Engine engine, Map<String, Long> balances) {
        if (engine.billing() == null || balances.isEmpty()) {
            return null;
        }
        PgCreditPool pool = new PgCreditPool(db, nodeId);
        pool.seed(balances);
        return new ClusterBalances(engine, pool);
    }

    public PgCreditPool pool() {
        return pool;
    }

    /** After the engine's recovery: reconciles this node's leases with the database and starts spending them. */
    public void recovered() {
        CreditLeases l = new CreditLeases(pool, engine.billing(), engine::leased);
        l.reconcile();
        engine.credit(l);
        leases = l;
        reporter.scheduleWithFixedDelay(() -> {
            try {
                l.report();
            } catch (RuntimeException e) {
                log.debug("balances: report skipped: {}", e.getMessage());
            }
        }, REPORT_MS, REPORT_MS, TimeUnit.MILLISECONDS);
    }

    /** Leases taken since start. */
    public long takes() {
        CreditLeases l = leases;
        return l == null ? 0 : l.takes();
    }

    @Override
    public void close() {
        reporter.shutdownNow();
        CreditLeases l = leases;
        if (l != null) {
            l.close();
        }
    }
}
