package io.smsrouter.core.account;

/** Moderation mode of an account (shared/SPEC.md §4). */
public enum Moderation {
    NONE, AUTO, MANUAL;

    public static Moderation parse(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
