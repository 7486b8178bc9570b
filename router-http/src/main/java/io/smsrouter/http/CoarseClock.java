package io.smsrouter.http;

import io.micrometer.core.instrument.Clock;

import java.util.concurrent.locks.LockSupport;

/**
 * The metrics registry's clock: wall time read from a field that one daemon thread sets every
 * {@value #TICK_MS} ms, monotonic time as the system gives it.
 *
 * <p>Micrometer reads the wall clock twice for every latency it records (the time windows of a
 * timer's maximum and of its histogram check whether to rotate), and the router records four per
 * message: at full load those reads were 3% of the event loops' time. The windows rotate every
 * 40 s, so a wall time up to {@value #TICK_MS} ms old changes nothing that is exported.
 */
final class CoarseClock implements Clock {
    static final long TICK_MS = 10;
    static final CoarseClock INSTANCE = new CoarseClock();

    private volatile long wallMs = System.currentTimeMillis();

    private CoarseClock() {
        Thread t = new Thread(() -> {
            while (true) {
                LockSupport.parkNanos(TICK_MS * 1_000_000L);
                wallMs = System.currentTimeMillis();
            }
        }, "metrics-clock");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public long wallTime() {
        return wallMs;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }
}
