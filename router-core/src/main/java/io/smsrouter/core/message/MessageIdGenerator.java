package io.smsrouter.core.message;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Router message ids: positive longs, strictly increasing within a process and, across restarts,
 * above anything issued before (the counter starts at the current time in microseconds and at
 * least one past the highest id found in the journal).
 */
public final class MessageIdGenerator {
    private final AtomicLong next;

    public MessageIdGenerator(long highestIssued) {
        long fromClock = System.currentTimeMillis() * 1000L;
        this.next = new AtomicLong(Math.max(fromClock, highestIssued + 1));
    }

    public long next() {
        return next.getAndIncrement();
    }

    /** The first of {@code n} consecutive ids (the parts of one long text). */
    public long nextBlock(int n) {
        return next.getAndAdd(n);
    }
}
