package io.smsrouter.server.config;

/**
 * The client-facing SMPP 3.4 listener ({@code smpp:} in {@code conf/router.yaml}).
 *
 * @param host                  address to listen on; default {@value #DEFAULT_HOST} (every interface)
 * @param port                  TCP port, 0..65535, 0 picks a free port; default {@value #DEFAULT_PORT}
 * @param maxPduLength          largest {@code command_length} accepted, bytes, 64..1048576; a larger
 *                              one is a framing error (SMPP 3.4 section 3.2); default {@value #DEFAULT_MAX_PDU_LENGTH}
 * @param windowSize            receipts (deliver_sm) unanswered per client session, 1..1000000; more wait
 *                              in the router until the client answers; default {@value #DEFAULT_WINDOW_SIZE}
 * @param enquireLinkIntervalMs how often the router sends {@code enquire_link} on a quiet session, ms;
 *                              default {@value #DEFAULT_ENQUIRE_LINK_INTERVAL_MS}
 * @param idleTimeoutMs         a session that sent nothing (not even {@code enquire_link}) for this long is
 *                              closed, ms; default {@value #DEFAULT_IDLE_TIMEOUT_MS}
 * @param responseTimeoutMs     how long a {@code deliver_sm} to a client may go unanswered, ms;
 *                              default {@value #DEFAULT_RESPONSE_TIMEOUT_MS}
 * @param bindTimeoutMs         time allowed from connect to bind, ms; default {@value #DEFAULT_BIND_TIMEOUT_MS}
 * @param receiptsInMemory      receipts (and MO messages) waiting for one account's receiver binds that
 *                              are kept on the heap, 1..10000000; more wait in files under the journal
 *                              directory ({@code receipts-waiting/}), so a client that stops reading
 *                              costs bounded memory; default {@value #DEFAULT_RECEIPTS_IN_MEMORY}
 * @param maxConnections        client connections open at once, bound or not, 1..1000000; one more is closed
 *                              as soon as it is accepted; default {@value #DEFAULT_MAX_CONNECTIONS}
 * @param maxConnectionsPerIp   client connections open at once from one IPv4 address or IPv6 /64,
 *                              1..1000000; default {@value #DEFAULT_MAX_CONNECTIONS_PER_IP}
 * @param bindFailuresPerIpPerMinute failed binds (unknown system_id, wrong password, address not allowed)
 *                              from one IPv4 address or IPv6 /64 within a minute after which its binds are
 *                              refused with ESME_RBINDFAIL without being checked until that minute is over,
 *                              0..1000000, 0 = no limit; default {@value #DEFAULT_BIND_FAILURES_PER_IP_PER_MINUTE}
 * @param tls                   a second listener speaking SMPP over TLS ({@code smpp.tls}, see
 *                              {@link TlsConfig}); null: none
 */
public record SmppConfig(String host, int port, int maxPduLength, int windowSize,
                         int enquireLinkIntervalMs, int idleTimeoutMs, int responseTimeoutMs, int bindTimeoutMs,
                         int receiptsInMemory, int maxConnections, int maxConnectionsPerIp,
                         int bindFailuresPerIpPerMinute, TlsConfig tls) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 2775;
    public static final int DEFAULT_MAX_PDU_LENGTH = 65536;
    public static final int MIN_MAX_PDU_LENGTH = 64;
    public static final int MAX_MAX_PDU_LENGTH = 1_048_576;
    public static final int DEFAULT_WINDOW_SIZE = 1000;
    public static final int MAX_WINDOW_SIZE = 1_000_000;
    public static final int DEFAULT_ENQUIRE_LINK_INTERVAL_MS = 30_000;
    public static final int DEFAULT_IDLE_TIMEOUT_MS = 120_000;
    public static final int DEFAULT_RESPONSE_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_BIND_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_RECEIPTS_IN_MEMORY = 10_000;
    public static final int MAX_RECEIPTS_IN_MEMORY = 10_000_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1_000;
    public static final int DEFAULT_BIND_FAILURES_PER_IP_PER_MINUTE = 10;
    public static final int MAX_LIMIT = 1_000_000;

    public SmppConfig(String host, int port, int maxPduLength, int windowSize, int enquireLinkIntervalMs,
                      int idleTimeoutMs, int responseTimeoutMs, int bindTimeoutMs) {
        this(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs, responseTimeoutMs,
                bindTimeoutMs, DEFAULT_RECEIPTS_IN_MEMORY);
    }

    public SmppConfig(String host, int port, int maxPduLength, int windowSize, int enquireLinkIntervalMs,
                      int idleTimeoutMs, int responseTimeoutMs, int bindTimeoutMs, int receiptsInMemory) {
        this(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs, responseTimeoutMs,
                bindTimeoutMs, receiptsInMemory, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP,
                DEFAULT_BIND_FAILURES_PER_IP_PER_MINUTE);
    }

    public SmppConfig(String host, int port, int maxPduLength, int windowSize, int enquireLinkIntervalMs,
                      int idleTimeoutMs, int responseTimeoutMs, int bindTimeoutMs, int receiptsInMemory,
                      int maxConnections, int maxConnectionsPerIp, int bindFailuresPerIpPerMinute) {
        this(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs, responseTimeoutMs,
                bindTimeoutMs, receiptsInMemory, maxConnections, maxConnectionsPerIp, bindFailuresPerIpPerMinute, null);
    }

    public SmppConfig withReceiptsInMemory(int n) {
        return new SmppConfig(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs,
                responseTimeoutMs, bindTimeoutMs, n, maxConnections, maxConnectionsPerIp, bindFailuresPerIpPerMinute,
                tls);
    }

    /** The same listener with an SMPP-over-TLS listener beside it (null: none). */
    public SmppConfig withTls(TlsConfig newTls) {
        return new SmppConfig(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs,
                responseTimeoutMs, bindTimeoutMs, receiptsInMemory, maxConnections, maxConnectionsPerIp,
                bindFailuresPerIpPerMinute, newTls);
    }

    /** The same with other admission limits (connections, failed binds). */
    public SmppConfig withAdmission(int maxConnections, int maxConnectionsPerIp, int bindFailuresPerIpPerMinute) {
        return new SmppConfig(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs,
                responseTimeoutMs, bindTimeoutMs, receiptsInMemory, maxConnections, maxConnectionsPerIp,
                bindFailuresPerIpPerMinute, tls);
    }

    public SmppConfig withBindTimeoutMs(int ms) {
        return new SmppConfig(host, port, maxPduLength, windowSize, enquireLinkIntervalMs, idleTimeoutMs,
                responseTimeoutMs, ms, receiptsInMemory, maxConnections, maxConnectionsPerIp,
                bindFailuresPerIpPerMinute, tls);
    }

    /** Every key at its default, as if {@code smpp:} were left out. */
    public static SmppConfig defaults() {
        return new SmppConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_PDU_LENGTH, DEFAULT_WINDOW_SIZE,
                DEFAULT_ENQUIRE_LINK_INTERVAL_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_RESPONSE_TIMEOUT_MS,
                DEFAULT_BIND_TIMEOUT_MS);
    }
}
