package io.smsrouter.core.account;

import org.slf4j.Logger;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts authentication failures per address ({@link IpKey}: an IPv4 address or an IPv6 /64) in
 * fixed windows that start at an address's first failure: once an address has {@code limit}
 * failures in its window, {@link #blockedForMs} says how long it must wait, and the caller refuses
 * its attempts without checking their secrets until the window ends. Other addresses are not
 * affected, and nothing here sleeps.
 *
 * <p>Logging without flooding: the first {@value #LOGGED_PER_WINDOW} failures of an address in a
 * window are logged with their detail, then one line when it reaches the limit, then one summary
 * when its window is over (failures, refusals, lines left out). At most {@value #MAX_TRACKED}
 * addresses are tracked; past that, ended windows are dropped first, then new addresses go
 * uncounted (logged once a minute) rather than growing the heap without bound.
 *
 * <p>Thread-safe: SMPP and HTTP event loops call it at once.
 */
public final class FailureLimiter {

    public static final long WINDOW_MS = 60_000;
    static final int LOGGED_PER_WINDOW = 3;
    static final int MAX_TRACKED = 100_000;

    private final Logger log;
    private final String what;
    private final String configKey;
    private final int limit;
    private final LongSupplier clockMs;
    private final ConcurrentHashMap<IpKey, Window> windows = new ConcurrentHashMap<>();
    private volatile long untrackedWarnedAtMs = Long.MIN_VALUE;

    private static final class Window {
        final long startMs;
        int failures;
        int refused;
        int notLogged;

        Window(long startMs) {
            this.startMs = startMs;
        }
    }

    /**
     * @param what      what fails, plural, for the log: "failed SMPP binds"
     * @param configKey the key that sets {@code limit}, named in the log
     * @param limit     failures per address per window; 0 turns the limit off (failures are still logged)
     */
    public FailureLimiter(Logger log, String what, String configKey, int limit, LongSupplier clockMs) {
        this.log = log;
        this.what = what;
        this.configKey = configKey;
        this.limit = limit;
        this.clockMs = clockMs;
    }

    public FailureLimiter(Logger log, String what, String configKey, int limit) {
        this(log, what, configKey, limit, System::currentTimeMillis);
    }

    public int limit() {
        return limit;
    }

    /**
     * How long {@code a} must still wait before its next attempt is checked, ms; 0 when it may try
     * now. A blocked attempt is counted for the window's summary.
     */
    public long blockedForMs(InetAddress a) {
        if (limit <= 0 || a == null) {
            return 0;
        }
        Window w = windows.get(IpKey.of(a));
        if (w == null) {
            return 0;
        }
        long now = clockMs.getAsLong();
        synchronized (w) {
            long left = w.startMs + WINDOW_MS - now;
            if (left <= 0 || w.failures < limit) {
                return 0;
            }
            w.refused++;
            return left;
        }
    }

    /**
     * Records a failure of {@code a}, logging it when it is among the first of its window.
     *
     * @param detail what failed, without any secret: "system_id 'shop': wrong password"
     * @return the failures of {@code a} in the current window, this one included
     */
    public int recordFailure(InetAddress a, String detail) {
        if (a == null) {
            log.warn("{} from an unknown address: {}", what, detail);
            return 1;
        }
        IpKey key = IpKey.of(a);
        long now = clockMs.getAsLong();
        if (!windows.containsKey(key) && windows.size() >= MAX_TRACKED) {
            sweep();
            if (windows.size() >= MAX_TRACKED) {
                if (now - untrackedWarnedAtMs >= WINDOW_MS) {
                    untrackedWarnedAtMs = now;
                    log.warn("{}: {} addresses already counted; {} from new addresses are not limited this minute",
                            what, windows.size(), what);
                }
                return 1;
            }
        }
        Window[] ended = new Window[1];
        Window w = windows.compute(key, (k, old) -> {
            if (old != null && now - old.startMs < WINDOW_MS) {
                return old;
            }
            ended[0] = old;
            return new Window(now);
        });
        if (ended[0] != null) {
            summary(key, ended[0]);
        }
        int n;
        boolean logIt;
        synchronized (w) {
            n = ++w.failures;
            logIt = n <= LOGGED_PER_WINDOW;
            if (!logIt && n != limit) {
                w.notLogged++;
            }
        }
        if (logIt) {
            log.warn("{} {}: {} ({} in this minute{})", key, singular(), detail, n,
                    limit > 0 ? ", limit " + limit : "");
        }
        if (limit > 0 && n == limit) {
            log.warn("{}: {} {} within a minute ({}): its attempts are refused without being checked until {}",
                    key, n, what, configKey, Instant.ofEpochMilli(w.startMs + WINDOW_MS));
        }
        return n;
    }

    private String singular() {
        return what.endsWith("s") ? what.substring(0, what.length() - 1) : what;
    }

    /** Drops windows that are over, logging the summary of each that had more than was logged. */
    public void sweep() {
        long now = clockMs.getAsLong();
        for (Iterator<Map.Entry<IpKey, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<IpKey, Window> e = it.next();
            if (now - e.getValue().startMs >= WINDOW_MS && windows.remove(e.getKey(), e.getValue())) {
                summary(e.getKey(), e.getValue());
            }
        }
    }

    private void summary(IpKey key, Window w) {
        synchronized (w) {
            if (w.refused > 0 || w.notLogged > 0) {
                log.warn("{}: in the minute from {}: {} {}, {} attempts refused unchecked, {} failures not logged",
                        key, Instant.ofEpochMilli(w.startMs), w.failures, what, w.refused, w.notLogged);
            }
        }
    }

    /** Addresses with a window open (for tests and metrics). */
    public int tracked() {
        return windows.size();
    }
}
