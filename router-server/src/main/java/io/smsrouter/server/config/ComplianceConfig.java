package io.smsrouter.server.config;

import java.util.List;

/**
 * Consent rules ({@code compliance:} in {@code conf/router.yaml}).
 *
 * @param stopKeywords  words that, as a subscriber's whole reply (or its first word), opt the number
 *                      out of the sender it answers; compared ignoring case
 * @param optOutExempt  traffic classes still sent to a number that opted out (a code the subscriber
 *                      asked for right now)
 */
public record ComplianceConfig(List<String> stopKeywords, List<String> optOutExempt) {

    public static final List<String> DEFAULT_STOP_KEYWORDS = List.of("STOP", "СТОП", "ОТПИСКА", "UNSUBSCRIBE",
            "ОТПИСАТЬСЯ");
    public static final List<String> DEFAULT_EXEMPT = List.of("otp");

    public ComplianceConfig {
        stopKeywords = stopKeywords == null ? DEFAULT_STOP_KEYWORDS : List.copyOf(stopKeywords);
        optOutExempt = optOutExempt == null ? DEFAULT_EXEMPT : List.copyOf(optOutExempt);
    }

    public static ComplianceConfig defaults() {
        return new ComplianceConfig(null, null);
    }
}
