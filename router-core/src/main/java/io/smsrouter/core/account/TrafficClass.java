package io.smsrouter.core.account;

import java.util.Locale;

/**
 * What a message is for, which decides how soon it goes: each class has its own lane in every
 * operator queue and the binds serve the lanes in this order, so one-time codes never wait
 * behind a campaign. A class is the account's ({@code trafficClass} in the config), unless the
 * message names one: SMPP {@code priority_flag} 1..3 or the HTTP request's {@code category}.
 */
public enum TrafficClass {
    /** one-time codes: worthless after a minute */
    OTP(3),
    /** service notices the subscriber asked for (order status, bank alerts) */
    SERVICE(2),
    /** transactional messages of a business to its customers */
    TRANSACTIONAL(1),
    /** advertising and campaigns */
    PROMO(0);

    private static final TrafficClass[] BY_PRIORITY = {PROMO, TRANSACTIONAL, SERVICE, OTP};

    /**
     * A message's priority value that selects promo whatever its account's class (an HTTP
     * {@code category: promo}, or an SMPP client's reserved priority_flag 4); operators get
     * priority_flag 0 for it.
     */
    public static final int PROMO_PRIORITY = 4;

    private final int priorityFlag;

    TrafficClass(int priorityFlag) {
        this.priorityFlag = priorityFlag;
    }

    /** The SMPP priority_flag that selects this class (0 selects the account's class). */
    public int priorityFlag() {
        return priorityFlag;
    }

    /** Lane index in an operator queue: 0 is served first. */
    public int lane() {
        return ordinal();
    }

    /** The class a message is in: its priority_flag's when 1..3 (4: promo), else the account's. */
    public static TrafficClass of(int priorityFlag, TrafficClass accountClass) {
        if (priorityFlag == PROMO_PRIORITY) {
            return PROMO;
        }
        return priorityFlag > 0 && priorityFlag < BY_PRIORITY.length ? BY_PRIORITY[priorityFlag] : accountClass;
    }

    /** The SMPP 3.4 priority_flag (0..3) to send upstream for a message's priority value. */
    public static int upstreamPriority(int priority) {
        return priority >= 0 && priority <= 3 ? priority : 0;
    }

    /** Lower-case name as in the config and the HTTP API. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From {@code otp}, {@code service}, {@code transactional}, {@code promo}; null for anything else. */
    public static TrafficClass parse(String s) {
        if (s == null) {
            return null;
        }
        for (TrafficClass c : values()) {
            if (c.id().equals(s.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        return null;
    }
}
