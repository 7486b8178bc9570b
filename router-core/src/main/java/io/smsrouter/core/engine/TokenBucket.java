package io.smsrouter.core.engine;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, up to {@code burst} saved up, so short
 * bursts pass and the long-run rate is capped. Thread-safe; contention is per account or bind.
 */
public final class TokenBucket {
    private double ratePerNano;
    private double burst;
    private double tokens;
    private long lastNanos;

    public TokenBucket(int ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.lastNanos = System.nanoTime();
    }

    /** A bucket allowing one second's worth of burst. */
    public static TokenBucket perSecond(int ratePerSecond) {
        return new TokenBucket(ratePerSecond, ratePerSecond);
    }

    /**
     * Changes the rate from now on, with a burst of a quarter of a second of it (the nodes of a
     * cluster that split a rate among themselves each save up less, so that their bursts together
     * stay near the account's); tokens saved above the new burst are dropped.
     */
    public synchronized void rate(double ratePerSecond) {
        refill(System.nanoTime());
        this.ratePerNano = Math.max(ratePerSecond, 0.01) / 1e9;
        this.burst = Math.max(1, ratePerSecond / 4);
        this.tokens = Math.min(tokens, burst);
    }

    public synchronized boolean tryAcquire() {
        refill(System.nanoTime());
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Nanoseconds until a token will be available (0 if one is now). */
    public synchronized long nanosUntilAvailable() {
        refill(System.nanoTime());
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
