package io.smsrouter.server.config;

import java.util.List;

/**
 * Consent rules ({@code compliance:} in {@code conf/router.yaml}).
 *
 * @param stopKeywords  words that, as a subscriber's whole reply (or its first word), opt the number
 *                      out of the sender it answers; compared ignoring case
 * @param optOutExempt  traffic classes still sent to a number that opted out (a code the subscriber
 *                      asked for right now)
 * @param timeZones     destination prefix → time zone file for quiet hours; null: no quiet hours
 * @param sendingWindow local hours of the recipient in which promo messages go out, for accounts
 *                      with no window of their own ({@code HH:MM-HH:MM}); default 09:00-21:00
 */
public record ComplianceConfig(List<String> stopKeywords, List<String> optOutExempt, java.nio.file.Path timeZones,
                               String sendingWindow) {

    public static final String DEFAULT_SENDING_WINDOW = "09:00-21:00";
    /** An account's {@code sendingWindow} that means no quiet hours. */
    public static final String ANY_TIME = "any";

    public ComplianceConfig(List<String> stopKeywords, List<String> optOutExempt) {
        this(stopKeywords, optOutExempt, null, null);
    }

    public static final List<String> DEFAULT_STOP_KEYWORDS = List.of("STOP", "СТОП", "ОТПИСКА", "UNSUBSCRIBE",
            "ОТПИСАТЬСЯ");
    public static final List<String> DEFAULT_EXEMPT = List.of("otp");

    public ComplianceConfig {
        stopKeywords = stopKeywords == null ? DEFAULT_STOP_KEYWORDS : List.copyOf(stopKeywords);
        optOutExempt = optOutExempt == null ? DEFAULT_EXEMPT : List.copyOf(optOutExempt);
        sendingWindow = sendingWindow == null ? DEFAULT_SENDING_WINDOW : sendingWindow;
    }

    public static ComplianceConfig defaults() {
        return new ComplianceConfig(null, null, null, null);
    }
}
