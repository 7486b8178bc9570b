package io.smsrouter.smpp.server;

/**
 * Settings of the client-facing SMPP listener (keys under {@code smpp:} in the config).
 *
 * @param windowSize max receipts (deliver_sm) outstanding to one session before they wait
 * @param maxConnections      client connections open at once; one more is closed when accepted
 * @param maxConnectionsPerIp the same per IPv4 address or IPv6 /64
 * @param bindFailuresPerIpPerMinute failed binds of an address in a minute after which its binds are
 *                            refused unchecked (ESME_RBINDFAIL) for the rest of that minute; 0: no limit
 */
public record SmppServerSettings(String host, int port, int maxPduLength, int windowSize,
                                 int enquireLinkIntervalMs, int idleTimeoutMs, int responseTimeoutMs,
                                 int bindTimeoutMs, String systemId, int maxConnections, int maxConnectionsPerIp,
                                 int bindFailuresPerIpPerMinute) {

    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1_000;
    public static final int DEFAULT_BIND_FAILURES_PER_IP_PER_MINUTE = 10;

    public SmppServerSettings(String host, int port, int maxPduLength, int windowSize, int enquireLinkIntervalMs,
                              int idleTimeoutMs, int responseTimeoutMs, int bindTimeoutMs, String systemId) {
        this(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs, responseTimeoutMs,
                bindTimeoutMs, systemId, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP,
                DEFAULT_BIND_FAILURES_PER_IP_PER_MINUTE);
    }

    public static SmppServerSettings defaults(int port) {
        return new SmppServerSettings("127.0.0.1", port, 65536, 1000, 30_000, 120_000, 10_000, 10_000, "smsrouter");
    }
}
