package io.smsrouter.smpp.server;

/**
 * Settings of the client-facing SMPP listener (keys under {@code smpp:} in the config).
 *
 * @param windowSize max receipts (deliver_sm) outstanding to one session before they wait
 */
public record SmppServerSettings(String host, int port, int maxPduLength, int windowSize,
                                 int enquireLinkIntervalMs, int idleTimeoutMs, int responseTimeoutMs,
                                 int bindTimeoutMs, String systemId) {

    public static SmppServerSettings defaults(int port) {
        return new SmppServerSettings("127.0.0.1", port, 65536, 1000, 30_000, 120_000, 10_000, 10_000, "smsrouter");
    }
}
