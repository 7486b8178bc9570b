package io.smsrouter.core.policy;

import java.time.ZoneId;
import java.util.Map;

/**
 * When promo messages may reach a recipient: each account's sending window (or the default one)
 * in the recipient's local time, found from the destination prefix. A number no prefix matches,
 * and an account whose window is "any", get no quiet hours.
 */
public final class QuietHours {
    private final TimeZoneTable zones;
    private final SendingWindow defaultWindow;
    private final Map<String, SendingWindow> byAccount;
    private final java.util.Set<String> always;

    /**
     * @param byAccount accounts with a window of their own
     * @param always    accounts with no quiet hours at all
     */
    public QuietHours(TimeZoneTable zones, SendingWindow defaultWindow, Map<String, SendingWindow> byAccount,
                      java.util.Set<String> always) {
        this.zones = zones;
        this.defaultWindow = defaultWindow;
        this.byAccount = Map.copyOf(byAccount);
        this.always = java.util.Set.copyOf(always);
    }

    /**
     * 0 when a promo message of this account may go to {@code destination} at {@code nowMs};
     * otherwise the epoch millisecond at which it may.
     */
    public long nextOpening(String accountId, String destination, long nowMs) {
        if (always.contains(accountId)) {
            return 0;
        }
        ZoneId zone = zones.zoneOf(destination);
        if (zone == null) {
            return 0;
        }
        return byAccount.getOrDefault(accountId, defaultWindow).nextOpening(nowMs, zone);
    }
}
