package io.smsrouter.server.config;

/**
 * An upstream operator SMSC the router submits to as an SMPP 3.4 ESME ({@code operators[]} in
 * {@code conf/router.yaml}).
 *
 * @param id                    the name routes refer to, 1..32 letters, digits, '.', '_' or '-'; required
 * @param host                  SMSC host name or address; required
 * @param port                  SMSC TCP port, 0..65535; required
 * @param systemId              {@code system_id} to bind with, 1..15 printable ASCII characters (SMPP 3.4 section 4.1.1); required
 * @param password              bind password, 0..8 printable ASCII characters (SMPP 3.4 section 4.1.1); required
 * @param systemType            {@code system_type}, 0..12 printable ASCII characters; default ""
 * @param binds                 parallel transceiver binds, 1..64; default {@value #DEFAULT_BINDS}
 * @param window                outstanding {@code submit_sm} per bind, 1..10000; default {@value #DEFAULT_WINDOW}
 * @param tps                   rate limit for the whole operator (all binds), messages per second,
 *                              0 = unlimited; default {@value #DEFAULT_TPS}
 * @param enquireLinkIntervalMs {@code enquire_link} interval on a quiet bind, ms; default {@value #DEFAULT_ENQUIRE_LINK_INTERVAL_MS}
 * @param responseTimeoutMs     how long a request may go unanswered before it counts as
 *                              failed, ms; default {@value #DEFAULT_RESPONSE_TIMEOUT_MS}
 * @param reconnectDelayMs      first delay before reconnecting a lost bind, ms; grows after each failed attempt;
 *                              default {@value #DEFAULT_RECONNECT_DELAY_MS}
 * @param maxReconnectDelayMs   ceiling of that delay, ms, at least {@code reconnectDelayMs};
 *                              default {@value #DEFAULT_MAX_RECONNECT_DELAY_MS}
 * @param concatenation         how the parts of a long text the router split (HTTP API) are tied
 *                              together upstream: {@code udh} (a concatenation header in the text) or
 *                              {@code sar} (the sar_* TLVs); default {@value #DEFAULT_CONCATENATION}
 * @param tls                   connect over TLS (1.3 or 1.2); default false
 * @param tlsTrust              PEM certificates trusted for the operator's certificate (its CA, or the
 *                              certificate itself); null: the JDK's trust store. Only with {@code tls}
 * @param tlsVerifyHostname     the operator's certificate must name {@code host} (a DNS or IP
 *                              subject alternative name); default true
 * @param bindTps               each bind's own rate limit, messages per second, 0 = none (operators
 *                              often state a ceiling per bind); with {@code tps} too, a bind keeps below
 *                              the lower of its share of {@code tps} and this; default 0
 */
public record OperatorConfig(String id, String host, int port, String systemId, String password, String systemType,
                             int binds, int window, int tps, int enquireLinkIntervalMs, int responseTimeoutMs,
                             int reconnectDelayMs, int maxReconnectDelayMs, String concatenation, boolean tls,
                             java.nio.file.Path tlsTrust, boolean tlsVerifyHostname, int bindTps) {

    public OperatorConfig(String id, String host, int port, String systemId, String password, String systemType,
                          int binds, int window, int tps, int enquireLinkIntervalMs, int responseTimeoutMs,
                          int reconnectDelayMs, int maxReconnectDelayMs, String concatenation, boolean tls,
                          java.nio.file.Path tlsTrust, boolean tlsVerifyHostname) {
        this(id, host, port, systemId, password, systemType, binds, window, tps, enquireLinkIntervalMs,
                responseTimeoutMs, reconnectDelayMs, maxReconnectDelayMs, concatenation, tls, tlsTrust,
                tlsVerifyHostname, 0);
    }

    public OperatorConfig(String id, String host, int port, String systemId, String password, String systemType,
                          int binds, int window, int tps, int enquireLinkIntervalMs, int responseTimeoutMs,
                          int reconnectDelayMs, int maxReconnectDelayMs, String concatenation) {
        this(id, host, port, systemId, password, systemType, binds, window, tps, enquireLinkIntervalMs,
                responseTimeoutMs, reconnectDelayMs, maxReconnectDelayMs, concatenation, false, null, true);
    }

    /** The same operator reached over TLS, trusting {@code trust} (null: the JDK's trust store). */
    public OperatorConfig withTls(java.nio.file.Path trust, boolean verifyHostname) {
        return new OperatorConfig(id, host, port, systemId, password, systemType, binds, window, tps,
                enquireLinkIntervalMs, responseTimeoutMs, reconnectDelayMs, maxReconnectDelayMs, concatenation, true,
                trust, verifyHostname, bindTps);
    }

    public static final String DEFAULT_CONCATENATION = "udh";
    public static final java.util.List<String> CONCATENATIONS = java.util.List.of("udh", "sar");

    public OperatorConfig(String id, String host, int port, String systemId, String password, String systemType,
                          int binds, int window, int tps, int enquireLinkIntervalMs, int responseTimeoutMs,
                          int reconnectDelayMs, int maxReconnectDelayMs) {
        this(id, host, port, systemId, password, systemType, binds, window, tps, enquireLinkIntervalMs,
                responseTimeoutMs, reconnectDelayMs, maxReconnectDelayMs, DEFAULT_CONCATENATION);
    }

    public static final String DEFAULT_SYSTEM_TYPE = "";
    public static final int DEFAULT_BINDS = 1;
    public static final int MAX_BINDS = 64;
    public static final int DEFAULT_WINDOW = 64;
    public static final int MAX_WINDOW = 10_000;
    public static final int DEFAULT_TPS = 0;
    public static final int DEFAULT_ENQUIRE_LINK_INTERVAL_MS = 30_000;
    public static final int DEFAULT_RESPONSE_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_RECONNECT_DELAY_MS = 1_000;
    public static final int DEFAULT_MAX_RECONNECT_DELAY_MS = 30_000;

    @Override
    public String toString() {
        return "OperatorConfig[id=" + id + ", host=" + host + ", port=" + port + ", systemId=" + systemId
                + ", password=***, systemType=" + systemType + ", binds=" + binds + ", window=" + window
                + ", tps=" + tps + ", bindTps=" + bindTps + ", enquireLinkIntervalMs=" + enquireLinkIntervalMs
                + ", responseTimeoutMs=" + responseTimeoutMs + ", reconnectDelayMs=" + reconnectDelayMs
                + ", maxReconnectDelayMs=" + maxReconnectDelayMs + ", concatenation=" + concatenation + ", tls=" + tls
                + ", tlsTrust=" + tlsTrust + ", tlsVerifyHostname=" + tlsVerifyHostname + "]";
    }
}
