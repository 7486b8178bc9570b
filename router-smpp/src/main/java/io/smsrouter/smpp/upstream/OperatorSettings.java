package io.smsrouter.smpp.upstream;

/**
 * One operator SMSC and how the router binds to it (an entry under {@code operators:}).
 *
 * @param tps     whole-operator submit rate the router keeps below, split evenly over its binds; 0 = none
 * @param bindTps each bind's own ceiling, messages per second; 0 = none. With both, a bind keeps
 *                below the lower of its share of {@code tps} and {@code bindTps}
 */
public record OperatorSettings(String id, String host, int port, String systemId, String password,
                               String systemType, int binds, int window, int tps, int enquireLinkIntervalMs,
                               int responseTimeoutMs, int reconnectDelayMs, int maxReconnectDelayMs,
                               int maxPduLength, boolean sarConcatenation, int bindTps) {

    public OperatorSettings(String id, String host, int port, String systemId, String password,
                            String systemType, int binds, int window, int tps, int enquireLinkIntervalMs,
                            int responseTimeoutMs, int reconnectDelayMs, int maxReconnectDelayMs,
                            int maxPduLength, boolean sarConcatenation) {
        this(id, host, port, systemId, password, systemType, binds, window, tps, enquireLinkIntervalMs,
                responseTimeoutMs, reconnectDelayMs, maxReconnectDelayMs, maxPduLength, sarConcatenation, 0);
    }

    /** The rate one bind keeps below, messages per second; 0 = none. */
    public int perBindTps() {
        int share = tps > 0 ? Math.max(1, tps / binds) : 0;
        if (bindTps <= 0) {
            return share;
        }
        return share == 0 ? bindTps : Math.min(share, bindTps);
    }

    /** With UDH concatenation (the parts go upstream as they were accepted). */
    public OperatorSettings(String id, String host, int port, String systemId, String password,
                            String systemType, int binds, int window, int tps, int enquireLinkIntervalMs,
                            int responseTimeoutMs, int reconnectDelayMs, int maxReconnectDelayMs,
                            int maxPduLength) {
        this(id, host, port, systemId, password, systemType, binds, window, tps, enquireLinkIntervalMs,
                responseTimeoutMs, reconnectDelayMs, maxReconnectDelayMs, maxPduLength, false);
    }

    /** Without the password, so that logging the settings never logs it. */
    @Override
    public String toString() {
        return "OperatorSettings[id=" + id + ", host=" + host + ", port=" + port + ", systemId=" + systemId
                + ", password=***, systemType=" + systemType + ", binds=" + binds + ", window=" + window + ", tps=" + tps + ", bindTps=" + bindTps
                + ", enquireLinkIntervalMs=" + enquireLinkIntervalMs + ", responseTimeoutMs=" + responseTimeoutMs
                + ", reconnectDelayMs=" + reconnectDelayMs + ", maxReconnectDelayMs=" + maxReconnectDelayMs
                + ", maxPduLength=" + maxPduLength + ", sarConcatenation=" + sarConcatenation + "]";
    }
}
