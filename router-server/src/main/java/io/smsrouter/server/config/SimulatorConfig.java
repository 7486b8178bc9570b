package io.smsrouter.server.config;

/**
 * The operator SMSC simulator started inside the router process, so that the shipped config works
 * with nothing else installed ({@code simulator:} in {@code conf/router.yaml}).
 *
 * @param enabled              start it; default {@value #DEFAULT_ENABLED}
 * @param host                 address to listen on; default {@value #DEFAULT_HOST}
 * @param port                 TCP port, 0..65535, 0 picks a free port; default {@value #DEFAULT_PORT}
 * @param systemId             the only {@code system_id} it accepts; null = any
 * @param password             the only password it accepts; null = any
 * @param submitLatencyMs      delay before each {@code submit_sm_resp}, ms; default {@value #DEFAULT_SUBMIT_LATENCY_MS}
 * @param dlrDelayMs           delay from {@code submit_sm_resp} to the delivery receipt, ms; default {@value #DEFAULT_DLR_DELAY_MS}
 * @param deliveredPercent     share of receipts with {@code stat:DELIVRD}, 0..100; default {@value #DEFAULT_DELIVERED_PERCENT}
 * @param undeliverablePercent share with {@code stat:UNDELIV}, 0..100; default {@value #DEFAULT_UNDELIVERABLE_PERCENT}
 * @param expiredPercent       share with {@code stat:EXPIRED}, 0..100; default {@value #DEFAULT_EXPIRED_PERCENT};
 *                             the three percentages add up to 100
 * @param tps                  submit rate ceiling, messages per second, above it the answer is
 *                             {@code ESME_RTHROTTLED}; 0 = no ceiling; default {@value #DEFAULT_TPS}
 * @param tls                  its port speaks SMPP over TLS with this certificate and key
 *                             ({@code simulator.tls: {cert, key}}); null: plain TCP
 */
public record SimulatorConfig(boolean enabled, String host, int port, String systemId, String password,
                              int submitLatencyMs, int dlrDelayMs, int deliveredPercent, int undeliverablePercent,
                              int expiredPercent, int tps, TlsConfig tls) {

    public SimulatorConfig(boolean enabled, String host, int port, String systemId, String password,
                           int submitLatencyMs, int dlrDelayMs, int deliveredPercent, int undeliverablePercent,
                           int expiredPercent, int tps) {
        this(enabled, host, port, systemId, password, submitLatencyMs, dlrDelayMs, deliveredPercent,
                undeliverablePercent, expiredPercent, tps, null);
    }

    public static final boolean DEFAULT_ENABLED = false;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2776;
    public static final int DEFAULT_SUBMIT_LATENCY_MS = 0;
    public static final int DEFAULT_DLR_DELAY_MS = 50;
    public static final int DEFAULT_DELIVERED_PERCENT = 100;
    public static final int DEFAULT_UNDELIVERABLE_PERCENT = 0;
    public static final int DEFAULT_EXPIRED_PERCENT = 0;
    public static final int DEFAULT_TPS = 0;

    /** Every key at its default, as if {@code simulator:} were left out: not started. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig(DEFAULT_ENABLED, DEFAULT_HOST, DEFAULT_PORT, null, null, DEFAULT_SUBMIT_LATENCY_MS,
                DEFAULT_DLR_DELAY_MS, DEFAULT_DELIVERED_PERCENT, DEFAULT_UNDELIVERABLE_PERCENT, DEFAULT_EXPIRED_PERCENT,
                DEFAULT_TPS);
    }

    @Override
    public String toString() {
        return "SimulatorConfig[enabled=" + enabled + ", host=" + host + ", port=" + port + ", systemId=" + systemId
                + ", password=" + (password == null ? "null" : "***") + ", submitLatencyMs=" + submitLatencyMs
                + ", dlrDelayMs=" + dlrDelayMs + ", deliveredPercent=" + deliveredPercent
                + ", undeliverablePercent=" + undeliverablePercent + ", expiredPercent=" + expiredPercent
                + ", tps=" + tps + ", tls=" + (tls != null) + "]";
    }
}
