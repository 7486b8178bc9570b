package io.smsrouter.core.policy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of a subscriber's consent history for advertising: a consent given ({@code granted})
 * or withdrawn. Entries are never changed or removed; the history of a number is what a company
 * shows a regulator (who agreed, to whom, when, how, on what evidence, and when it was recorded).
 *
 * <p>Which entry decides: for a sender name, the newest (by {@link #effectiveAtMs}) of the
 * account-wide entries ({@code sender} null) and that sender's entries; entries recorded later win
 * a tie. So a withdrawal from every sender after a consent for one sender ends both, a consent for
 * every sender after a withdrawal from one sender restores both, and a consent back-dated to before
 * a withdrawal is kept in the history but does not take effect.
 *
 * @param id          unique, increasing in the order entries are recorded (recovery uses it to read
 *                    an entry found both in the snapshot and in the journal once)
 * @param granted     true: consent given; false: withdrawn
 * @param accountId   the account (the company) it was given to
 * @param sender      the sender name it was given for, lower-cased like opt-outs compare it; null: every
 *                    sender of the account
 * @param msisdn      the subscriber's number, digits only (a leading {@code +} is dropped)
 * @param source      how it was given or withdrawn: one of {@link #SOURCES}
 * @param evidence    free text (a form id, a call recording, a URL), at most {@value #MAX_EVIDENCE_CHARS}
 *                    characters; empty when none
 * @param givenAtMs   when the subscriber gave it (a grant may be back-dated: a paper form signed last
 *                    week), epoch ms; for a withdrawal, when it was recorded
 * @param recordedAtMs when the router recorded it, epoch ms
 * @param recordedBy  who recorded it: {@code "api"} (the account's key), {@code "admin"}
 */
public record Consent(long id, boolean granted, String accountId, String sender, String msisdn, String source,
                      String evidence, long givenAtMs, long recordedAtMs, String recordedBy) {

    /** How a consent can be given or withdrawn. */
    public static final List<String> SOURCES = List.of("web", "paper", "sms", "call", "other");
    public static final int MAX_EVIDENCE_CHARS = 2000;

    public Consent {
        if (id <= 0) {
            throw new IllegalArgumentException("id must be positive: " + id);
        }
        Objects.requireNonNull(accountId, "accountId");
        if (accountId.isBlank()) {
            throw new IllegalArgumentException("accountId must not be blank");
        }
        // few distinct values, one copy each: a registry holds millions of entries, and replay
        // reads every string anew
        accountId = accountId.intern();
        msisdn = Msisdn.normalize(Objects.requireNonNull(msisdn, "msisdn"));
        if (sender != null) {
            if (sender.isBlank()) {
                throw new IllegalArgumentException("sender must not be blank (null means every sender)");
            }
            sender = ScopeTable.normalizeSender(sender).intern();
        }
        int sourceIndex = SOURCES.indexOf(Objects.requireNonNull(source, "source").toLowerCase(Locale.ROOT));
        if (sourceIndex < 0) {
            throw new IllegalArgumentException("source must be one of " + String.join(", ", SOURCES) + ": " + source);
        }
        source = SOURCES.get(sourceIndex);
        evidence = evidence == null ? "" : evidence;
        if (evidence.length() > MAX_EVIDENCE_CHARS) {
            throw new IllegalArgumentException("evidence must be at most " + MAX_EVIDENCE_CHARS + " characters, was "
                    + evidence.length());
        }
        if (givenAtMs < 0 || recordedAtMs < 0) {
            throw new IllegalArgumentException("times must not be negative");
        }
        recordedBy = recordedBy == null ? "" : recordedBy.intern();
    }

    /** When it takes effect: a consent when it was given, a withdrawal when it was recorded. */
    public long effectiveAtMs() {
        return granted ? givenAtMs : recordedAtMs;
    }
}
