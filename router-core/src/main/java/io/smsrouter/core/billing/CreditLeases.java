package io.smsrouter.core.billing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's leases of shared credit ({@link CreditPool}): the local {@link Billing} spends what
 * this node leased, so a message costs no round trip to the store. When an account's local credit
 * falls below half a slice, a background thread takes the next slice; only when it runs out
 * before that (a burst, or the first message) does the submitting thread take one itself. A
 * slice is two seconds of the account's recent spending, at least 32 messages' worth.
 *
 * <p>Each lease is journaled by the {@link Ledger} after the store granted it, each return before
 * the store takes it back; {@link #reconcile} after recovery journals any difference the store
 * has (a crash between the two), so the store's figure is the one that counts.
 */
public final class CreditLeases implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CreditLeases.class);

    /** After the pool said "empty", how long a node believes it before asking again. */
    static final long EMPTY_FOR_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** A slice covers this much of the recent spending rate. */
    private static final long SLICE_SECONDS = 2;
    /** A slice is at least this many times the price that asked for it. */
    private static final long MIN_SLICE_MESSAGES = 32;

    /** Where this node's leases are journaled and applied to its {@link Billing}. */
    public interface Ledger {
        /** Journals {@code amount} as leased to this node (negative: given back) and adds it to the local balance. */
        void leased(String accountId, long amount);
    }

    /** What a synchronous {@link #refill} got. */
    public enum Refill {
        /** the local credit may cover the message now: reserve again */
        GRANTED,
        /** the account's shared balance does not cover it */
        EMPTY,
        /** the store did not answer */
        UNAVAILABLE
    }

    private static final class State {
        /** nanoTime before which the pool is believed empty (nanoTime may be negative: start in the past). */
        volatile long emptyUntil = System.nanoTime() - 1;
        volatile long slice;
        final AtomicBoolean refilling = new AtomicBoolean();
        final AtomicLong spentInWindow = new AtomicLong();
        volatile long windowStart = System.nanoTime();
    }

    private final CreditPool pool;
    private final Billing billing;
    private final Ledger ledger;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ExecutorService refiller;
    private final AtomicLong takes = new AtomicLong();
    private volatile boolean closed;
    private Map<String, long[]> reported = new HashMap<>();

    public CreditLeases(CreditPool pool, Billing billing, Ledger ledger) {
        this.pool = pool;
        this.billing = billing;
        this.ledger = ledger;
        this.refiller = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "router-credit");
            t.setDaemon(true);
            return t;
        });
    }

    public CreditPool pool() {
        return pool;
    }

    /** Leases taken from the store since start (round trips that moved credit here). */
    public long takes() {
        return takes.get();
    }

    /**
     * After recovery: journals what the store says this node holds beyond (or short of) what the
     * journal says, so that a crash between a lease and its journal entry loses nothing.
     */
    public void reconcile() {
        Map<String, Long> store = pool.leasedHere();
        for (Billing.Balance b : billing.balances()) {
            long diff = store.getOrDefault(b.accountId(), 0L) - b.topUps();
            if (diff != 0) {
                if (diff < 0) {
                    log.warn("billing: the journal says this node leased {} more of {} than the store has; "
                            + "the store's figure counts", -diff, b.accountId());
                } else {
                    log.info("billing: {} leased of {} before a crash was not journaled; journaled now", diff,
                            b.accountId());
                }
                ledger.leased(b.accountId(), diff);
            }
        }
    }

    /**
     * The local credit of the account does not cover {@code need}: takes a slice on the calling
     * thread (one thread per account at a time; the others wait and find the credit it took).
     */
    public Refill refill(String accountId, long need) {
        State s = state(accountId);
        if (closed || System.nanoTime() - s.emptyUntil < 0) {
            return Refill.EMPTY;
        }
        synchronized (s) {
            if (billing.available(accountId) >= need) {
                return Refill.GRANTED;
            }
            try {
                // what it holds counts: the last fraction of a price left in the pool still completes one
                long have = Math.max(0, billing.available(accountId));
                long got = pool.take(accountId, need - have, Math.max(need, slice(s, need)));
                if (got <= 0) {
                    s.emptyUntil = System.nanoTime() + EMPTY_FOR_NANOS;
                    return Refill.EMPTY;
                }
                takes.incrementAndGet();
                ledger.leased(accountId, got);
                return Refill.GRANTED;
            } catch (CreditPool.Unavailable e) {
                return Refill.UNAVAILABLE;
            }
        }
    }

    /** A reservation of {@code amount} was made: counts it, and takes the next slice ahead of need when low. */
    public void spent(String accountId, long amount) {
        State s = state(accountId);
        s.spentInWindow.addAndGet(amount);
        long now = System.nanoTime();
        long started = s.windowStart;
        if (now - started > TimeUnit.SECONDS.toNanos(1)) {
            long spent = s.spentInWindow.getAndSet(0);
            s.windowStart = now;
            s.slice = Math.max(s.slice / 2, spent * TimeUnit.SECONDS.toNanos(SLICE_SECONDS) / (now - started));
        }
        long slice = slice(s, amount);
        if (billing.available(accountId) >= slice / 2 || closed || now - s.emptyUntil < 0
                || !s.refilling.compareAndSet(false, true)) {
            return;
        }
        try {
            refiller.execute(() -> {
                try {
                    synchronized (s) {
                        if (!closed && billing.available(accountId) < slice / 2) {
                            long got = pool.take(accountId, 1, slice);
                            if (got <= 0) {
                                s.emptyUntil = System.nanoTime() + EMPTY_FOR_NANOS;
                            } else {
                                takes.incrementAndGet();
                                ledger.leased(accountId, got);
                            }
                        }
                    }
                } catch (CreditPool.Unavailable e) {
                    log.debug("billing: no lease of {} taken ahead: {}", accountId, e.getMessage());
                } catch (RuntimeException e) {
                    log.warn("billing: a lease of {} taken ahead failed: {}", accountId, e.toString());
                } finally {
                    s.refilling.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            s.refilling.set(false);
        }
    }

    private static long slice(State s, long price) {
        return Math.max(s.slice, price * MIN_SLICE_MESSAGES);
    }

    /** Sends this node's spent and reserved figures to the store when they changed since the last report. */
    public void report() {
        List<Billing.Balance> changed = new ArrayList<>();
        Map<String, long[]> now = new HashMap<>();
        for (Billing.Balance b : billing.balances()) {
            long[] v = {b.spent(), b.reserved()};
            now.put(b.accountId(), v);
            long[] was = reported.get(b.accountId());
            if (was == null || was[0] != v[0] || was[1] != v[1]) {
                changed.add(b);
            }
        }
        if (!changed.isEmpty()) {
            pool.report(changed);
        }
        reported = now;
    }

    private State state(String accountId) {
        return states.computeIfAbsent(accountId, k -> new State());
    }

    /**
     * Stops taking leases, reports, and gives back what this node holds unreserved (journaled
     * first: a crash before the store takes it back leaves it with this node, see {@link #reconcile}).
     */
    @Override
    public void close() {
        closed = true;
        refiller.shutdown();
        try {
            refiller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Billing.Balance b : billing.balances()) {
            State s = state(b.accountId());
            synchronized (s) {
                long back = billing.available(b.accountId());
                if (back <= 0) {
                    continue;
                }
                try {
                    ledger.leased(b.accountId(), -back);
                    pool.giveBack(b.accountId(), back);
                } catch (RuntimeException e) {
                    log.warn("billing: {} of {} not given back at shutdown ({}); the store gives it back to this "
                            + "node at its next start", back, b.accountId(), e.toString());
                }
            }
        }
        try {
            report();
        } catch (RuntimeException e) {
            log.warn("billing: the last report to the store failed: {}", e.toString());
        }
    }
}
