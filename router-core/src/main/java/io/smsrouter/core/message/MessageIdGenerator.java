package io.smsrouter.core.message;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Router message ids: positive longs, strictly increasing within a process and, across restarts,
 * above anything issued before (the counter starts at the current time in microseconds and at
 * least one past the highest id found in the journal). In a cluster each node adds its own
 * {@code base} ({@link #clusterBase}), so that no two nodes ever issue the same id.
 */
public final class MessageIdGenerator {
    private final AtomicLong next;

    public MessageIdGenerator(long highestIssued) {
        this(highestIssued, 0);
    }

    /** Ids from {@code base} plus the time in microseconds, and above {@code highestIssued}. */
    public MessageIdGenerator(long highestIssued, long base) {
        long fromClock = base + System.currentTimeMillis() * 1000L;
        this.next = new AtomicLong(Math.max(fromClock, highestIssued + 1));
    }

    /** Node slots of a cluster: ids of slot s start at {@code s << 52}. */
    public static final int CLUSTER_SLOTS = 64;

    /**
     * The base of cluster node slot {@code slot} (0 to 63): the time in microseconds stays below
     * 2^52 until the year 2112, so the slot's bits never meet the clock's, and ids stay positive.
     */
    public static long clusterBase(int slot) {
        if (slot < 0 || slot >= CLUSTER_SLOTS) {
            throw new IllegalArgumentException("cluster slot must be 0 to " + (CLUSTER_SLOTS - 1) + ": " + slot);
        }
        return (long) slot << 52;
    }

    public long next() {
        return next.getAndIncrement();
    }

    /** The first of {@code n} consecutive ids (the parts of one long text). */
    public long nextBlock(int n) {
        return next.getAndAdd(n);
    }
}
