package io.smsrouter.smpp.simulator;

/**
 * How the operator SMSC simulator behaves.
 *
 * @param systemId         null to accept any system_id
 * @param password         null to accept any password
 * @param submitLatencyMs  delay before each submit_sm_resp
 * @param dlrDelayMs       delay from submit_sm_resp to the receipt
 * @param tps              submit_sm per second above which the simulator answers ESME_RTHROTTLED; 0 = none
 */
public record SimulatorSettings(String host, int port, String systemId, String password, int submitLatencyMs,
                                int dlrDelayMs, int deliveredPercent, int undeliverablePercent, int expiredPercent,
                                int tps, int maxPduLength) {

    public static SimulatorSettings defaults(int port) {
        return new SimulatorSettings("127.0.0.1", port, null, null, 0, 50, 100, 0, 0, 0, 65536);
    }

    public SimulatorSettings withTps(int newTps) {
        return new SimulatorSettings(host, port, systemId, password, submitLatencyMs, dlrDelayMs, deliveredPercent,
                undeliverablePercent, expiredPercent, newTps, maxPduLength);
    }

    /** Without the password, so that logging the settings never logs it. */
    @Override
    public String toString() {
        return "SimulatorSettings[host=" + host + ", port=" + port + ", systemId=" + systemId + ", password="
                + (password == null ? "null" : "***") + ", submitLatencyMs=" + submitLatencyMs + ", dlrDelayMs="
                + dlrDelayMs + ", deliveredPercent=" + deliveredPercent + ", undeliverablePercent="
                + undeliverablePercent + ", expiredPercent=" + expiredPercent + ", tps=" + tps + ", maxPduLength="
                + maxPduLength + "]";
    }
}
