package io.smsrouter.core.engine;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, up to {@code burst} saved up, so short
 * bursts pass and the long-run rate is capped. Thread-safe; contention is per account or bind.
 */
public final class TokenBucket {
    private double ratePerNano;
    private double burst;
    private double tokens;
    private long lastNanos;

    private final LongSupplier clock;

    public TokenBucket(int ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    /** With a clock of its own (nanoseconds), for tests. */
    TokenBucket(int ratePerSecond, int burst, LongSupplier clock) {
        this.clock = clock;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.lastNanos = clock.getAsLong();
    }

    /** A bucket allowing one second's worth of burst. */
    public static TokenBucket perSecond(int ratePerSecond) {
        return new TokenBucket(ratePerSecond, ratePerSecond);
    }

    /**
     * A bucket that paces sends under a ceiling an operator counts per second: no window of one
     * second ever holds more than {@code ceilingPerSecond} acquisitions. The burst is a hundredth
     * of a second's worth (at least 1, so a timer that wakes a little late loses nothing), and
     * the rate is lowered by that burst less one: a bucket of burst b and rate r lets at most
     * b + r - 1 through in a half-open second. At 125/s that is burst 1 at 125/s; at 5,000/s,
     * burst 50 at 4,951/s.
     */
    public static TokenBucket pacing(int ceilingPerSecond) {
        return pacing(ceilingPerSecond, System::nanoTime);
    }

    static TokenBucket pacing(int ceilingPerSecond, LongSupplier clock) {
        int ceiling = Math.max(1, ceilingPerSecond);
        int burst = Math.max(1, ceiling / 100);
        return new TokenBucket(ceiling - burst + 1, burst, clock);
    }

    /**
     * Changes the rate from now on, with a burst of a quarter of a second of it (the nodes of a
     * cluster that split a rate among themselves each save up less, so that their bursts together
     * stay near the account's); tokens saved above the new burst are dropped.
     */
    public synchronized void rate(double ratePerSecond) {
        refill(clock.getAsLong());
        this.ratePerNano = Math.max(ratePerSecond, 0.01) / 1e9;
        this.burst = Math.max(1, ratePerSecond / 4);
        this.tokens = Math.min(tokens, burst);
    }

    public synchronized boolean tryAcquire() {
        refill(clock.getAsLong());
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Nanoseconds until a token will be available (0 if one is now). */
    public synchronized long nanosUntilAvailable() {
        refill(clock.getAsLong());
        return tokens >= 1 ? 0 : (long) ((1 - tokens) / ratePerNano) + 1;
    }

    private void refill(long now) {
        long elapsed = now - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            lastNanos = now;
        }
    }
}
