package io.smsrouter.bench.load;

/**
 * The send times of an open-loop run: message {@code i} (counted from 0 over all binds) is due at
 * {@code start + i / rate} seconds, whatever happened to the messages before it. Latency is
 * measured from this intended time, not from when the message actually went out, so a stall of the
 * system under test shows up in the latency of every message it delayed (the coordinated-omission
 * correction of wrk2). Integer arithmetic only, exact and free of overflow for any run shorter than
 * a few years.
 */
public final class OpenLoopSchedule {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long startNanos;
    private final long ratePerSecond;

    /**
     * @param startNanos    {@link System#nanoTime()} of message 0
     * @param ratePerSecond messages per second, all binds together, at least 1
     */
    public OpenLoopSchedule(long startNanos, long ratePerSecond) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 per second, was " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.ratePerSecond = ratePerSecond;
    }

    public long startNanos() {
        return startNanos;
    }

    public long ratePerSecond() {
        return ratePerSecond;
    }

    /** When message {@code index} is due. */
    public long intendedNanos(long index) {
        long whole = index / ratePerSecond;
        long rest = index % ratePerSecond;
        return startNanos + whole * NANOS_PER_SECOND + rest * NANOS_PER_SECOND / ratePerSecond;
    }

    /** How many messages are due at {@code nowNanos}: those whose intended time is at or before it. */
    public long dueCount(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        if (elapsed < 0) {
            return 0;
        }
        // an estimate from the elapsed time, then exact against intendedNanos (whose rounding it
        // can miss by one either way)
        long count = elapsed / NANOS_PER_SECOND * ratePerSecond
                + elapsed % NANOS_PER_SECOND * ratePerSecond / NANOS_PER_SECOND;
        while (count > 0 && intendedNanos(count - 1) > nowNanos) {
            count--;
        }
        while (intendedNanos(count) <= nowNanos) {
            count++;
        }
        return count;
    }
}
