package io.smsrouter.smpp.upstream;

/**
 * One operator SMSC and how the router binds to it (an entry under {@code operators:}).
 *
 * @param tps whole-operator submit rate the router keeps below, split evenly over its binds; 0 = none
 */
public record OperatorSettings(String id, String host, int port, String systemId, String password,
                               String systemType, int binds, int window, int tps, int enquireLinkIntervalMs,
                               int responseTimeoutMs, int reconnectDelayMs, int maxReconnectDelayMs,
                               int maxPduLength, boolean sarConcatenation) {

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
                + ", password=***, systemType=" + systemType + ", binds=" + binds + ", window=" + window + ", tps=" + tps
                + ", enquireLinkIntervalMs=" + enquireLinkIntervalMs + ", responseTimeoutMs=" + responseTimeoutMs
                + ", reconnectDelayMs=" + reconnectDelayMs + ", maxReconnectDelayMs=" + maxReconnectDelayMs
                + ", maxPduLength=" + maxPduLength + ", sarConcatenation=" + sarConcatenation + "]";
    }
}
