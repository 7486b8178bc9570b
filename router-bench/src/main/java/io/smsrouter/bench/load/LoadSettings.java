package io.smsrouter.bench.load;

/**
 * What the load client does.
 *
 * @param host            SMPP endpoint
 * @param port            its port
 * @param systemId        bind system_id
 * @param password        bind password
 * @param binds           transceiver binds, at least 1
 * @param window          outstanding submit_sm per bind, at least 1
 * @param ratePerSecond   0: closed loop, each bind keeps its window full; otherwise open loop at this
 *                        many messages per second over all binds
 * @param warmupSeconds   load before the measured period, not counted
 * @param durationSeconds the measured period
 * @param drainSeconds    the longest wait after it for outstanding responses and receipts
 * @param textLength      characters per message
 * @param ucs2Percent     share of messages sent as UCS-2 (data_coding 8), 0..100
 * @param receipts        registered_delivery 1 (a receipt for every message) or 0
 * @param maxPduLength    largest PDU accepted from the peer
 * @param uniqueDestinations every message to a number not used before in the run (7916 and seven
 *                        digits from a counter), for a router that drops a repeat of the same text
 *                        to the same number as a duplicate; false: 1,024 numbers in turn
 */
public record LoadSettings(String host, int port, String systemId, String password, int binds, int window,
                           long ratePerSecond, int warmupSeconds, int durationSeconds, int drainSeconds,
                           int textLength, int ucs2Percent, boolean receipts, int maxPduLength,
                           boolean uniqueDestinations) {

    public LoadSettings(String host, int port, String systemId, String password, int binds, int window,
                        long ratePerSecond, int warmupSeconds, int durationSeconds, int drainSeconds,
                        int textLength, int ucs2Percent, boolean receipts, int maxPduLength) {
        this(host, port, systemId, password, binds, window, ratePerSecond, warmupSeconds, durationSeconds,
                drainSeconds, textLength, ucs2Percent, receipts, maxPduLength, false);
    }

    public LoadSettings {
        if (binds < 1 || window < 1) {
            throw new IllegalArgumentException("binds and window must be at least 1");
        }
        if (ratePerSecond < 0 || warmupSeconds < 0 || durationSeconds < 1 || drainSeconds < 0) {
            throw new IllegalArgumentException("rate, warmup and drain must be >= 0, duration >= 1");
        }
        if (textLength < 1 || ucs2Percent < 0 || ucs2Percent > 100) {
            throw new IllegalArgumentException("length must be >= 1, ucs2 percent 0..100");
        }
    }

    public boolean closedLoop() {
        return ratePerSecond == 0;
    }

    /** "max" for the closed loop, else the rate. */
    public String rateLabel() {
        return closedLoop() ? "max" : Long.toString(ratePerSecond);
    }
}
