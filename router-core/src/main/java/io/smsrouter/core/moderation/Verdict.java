package io.smsrouter.core.moderation;

/** How a held message's wait ended. */
public enum Verdict {
    /** a moderator released it to routing */
    APPROVED,
    /** a moderator refused it; the client gets a receipt with {@code stat:REJECTD} */
    REJECTED,
    /** nobody decided within the maximum wait; the client gets {@code stat:EXPIRED} */
    EXPIRED;

    public static Verdict fromCode(int code) {
        Verdict[] all = values();
        return code >= 0 && code < all.length ? all[code] : REJECTED;
    }
}
