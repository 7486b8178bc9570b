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
 *
 * <p>Every {@value #SETTLE_CHECK_MS} ms it also says it is alive, and settles the leases of nodes
 * nobody has seen for {@code settleAfter} ({@link PgCreditPool#settle}): what such a node spent is
 * its last report plus what its records in Kafka after that report charged.
 */
public final class ClusterBalances implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterBalances.class);
    static final long REPORT_MS = 1000;
    static final long SETTLE_CHECK_MS = 5000;

    /** Where a node's figures meet Kafka: read them consistently, count a dead node's later charges, hear heartbeats. */
    public interface Kafka extends PgCreditPool.ChargeReader {
        PgCreditPool.Figures figures(java.util.function.Supplier<Map<String, Long>> durable,
                                     java.util.function.Supplier<java.util.List<io.smsrouter.core.billing.Billing.Balance>> balances);

        long lastHeardMs(String nodeId);
    }

    private final Engine engine;
    private final PgCreditPool pool;
    private final ScheduledExecutorService reporter;
    private final Kafka kafka;
    private final java.time.Duration settleAfter;
    private volatile CreditLeases leases;

    private ClusterBalances(Engine engine, PgCreditPool pool, Kafka kafka, java.time.Duration settleAfter) {
        this.engine = engine;
        this.pool = pool;
        this.kafka = kafka;
        this.settleAfter = settleAfter;
        this.reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "router-balance-report");
            t.setDaemon(true);
            return t;
        });
    }

    /** Null when nobody is billed; else seeded (accounts already in the database keep their figures). */
    public static ClusterBalances open(DataSource db, String nodeId, Engine engine, Map<String, Long> balances) {
        return open(db, nodeId, engine, balances, null, java.time.Duration.ZERO);
    }

    /**
     * {@code kafka} null or {@code settleAfter} zero: no settling of dead nodes (this node still
     * reports what lets others settle it when {@code kafka} is given).
     */
    public static ClusterBalances open(DataSource db, String nodeId, Engine engine, Map<String, Long> balances,
                                       Kafka kafka, java.time.Duration settleAfter) {
        if (engine.billing() == null || balances.isEmpty()) {
            return null;
        }
        PgCreditPool pool = new PgCreditPool(db, nodeId);
        pool.seed(balances);
        pool.alive(true); // started again: its leases are its own again, whatever was settled meanwhile
        return new ClusterBalances(engine, pool, kafka, settleAfter);
    }

    public PgCreditPool pool() {
        return pool;
    }

    /** After the engine's recovery: reconciles this node's leases with the database and starts spending them. */
    public void recovered() {
        io.smsrouter.core.billing.Billing bill = engine.billing();
        if (kafka != null) {
            pool.reportFrom(() -> kafka.figures(() -> {
                Map<String, Long> d = new java.util.HashMap<>();
                for (io.smsrouter.core.billing.Billing.Balance b : bill.balances()) {
                    d.put(b.accountId(), bill.durable(b.accountId()));
                }
                return d;
            }, bill::balances));
        }
        CreditLeases l = new CreditLeases(pool, bill, engine::leased);
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
        reporter.scheduleWithFixedDelay(this::aliveAndSettle, SETTLE_CHECK_MS, SETTLE_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    private void aliveAndSettle() {
        try {
            pool.alive(false);
            if (kafka == null || settleAfter.isZero()) {
                return;
            }
            long silent = settleAfter.toSeconds();
            for (String node : pool.silentNodes(silent)) {
                long heard = kafka.lastHeardMs(node);
                if (heard > System.currentTimeMillis() - settleAfter.toMillis()) {
                    continue; // PostgreSQL has not seen it, but Kafka has: alive
                }
                for (PgCreditPool.Settled s : pool.settle(node, silent, kafka)) {
                    log.warn("balances: node {} silent for {} s, settled: {} leased {}, charged {} ({} of it after "
                                    + "its last report, from Kafka), {} back to the balance", s.node(), silent,
                            s.accountId(), s.leased(), s.charged(), s.afterReport(), s.back());
                }
            }
        } catch (io.smsrouter.core.billing.CreditPool.Unavailable e) {
            log.debug("balances: no word to PostgreSQL this time: {}", e.getMessage()); // PostgreSQL down: next round
        } catch (RuntimeException e) {
            log.warn("balances: settling silent nodes skipped: {}", e.toString());
        }
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
