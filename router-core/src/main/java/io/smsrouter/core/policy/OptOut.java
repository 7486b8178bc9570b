package io.smsrouter.core.policy;

import java.util.Objects;

/**
 * A subscriber's withdrawal of consent: from then on, sending to {@code msisdn} in this scope is
 * against the law and fined per message. Three scopes:
 * <ul>
 *   <li>{@link Scope#GLOBAL}: {@code accountId} and {@code sender} null, no account may send to the number;</li>
 *   <li>{@link Scope#ACCOUNT}: {@code sender} null, no sender name of the account may;</li>
 *   <li>{@link Scope#SENDER}: only this sender name of the account may not.</li>
 * </ul>
 * The record is normalized on construction, so equal keys compare equal: the msisdn loses a
 * leading {@code +} and must then be 1 to 15 digits; the sender is lower-cased char by char
 * ({@link Character#toLowerCase(char)}), the way {@link LocalOptOutRegistry} compares it.
 *
 * @param accountId the account, null for a global opt-out
 * @param sender    the sender name (alphanumeric or a number), null for every sender of the account
 * @param msisdn    the subscriber's number, digits only
 * @param atMs      when it was recorded, epoch milliseconds
 * @param source    where it came from: {@code "api"}, {@code "admin"}, {@code "mo:STOP"} (the keyword)...
 */
public record OptOut(String accountId, String sender, String msisdn, long atMs, String source) {

    /** Whom the opt-out protects the subscriber from. */
    public enum Scope { GLOBAL, ACCOUNT, SENDER }

    /** Inclusive bound of {@code atMs}: {@link LocalOptOutRegistry} keeps it in 48 bits (year 10889). */
    public static final long MAX_AT_MS = (1L << 48) - 1;

    public OptOut {
        msisdn = Msisdn.normalize(Objects.requireNonNull(msisdn, "msisdn"));
        if (accountId != null && accountId.isBlank()) {
            throw new IllegalArgumentException("accountId must not be blank (null means global)");
        }
        if (sender != null) {
            if (accountId == null) {
                throw new IllegalArgumentException("a global opt-out has no sender: " + sender);
            }
            if (sender.isBlank()) {
                throw new IllegalArgumentException("sender must not be blank (null means every sender)");
            }
            sender = ScopeTable.normalizeSender(sender);
        }
        if (atMs < 0 || atMs > MAX_AT_MS) {
            throw new IllegalArgumentException("atMs out of range: " + atMs);
        }
        Objects.requireNonNull(source, "source");
    }

    public static OptOut global(String msisdn, long atMs, String source) {
        return new OptOut(null, null, msisdn, atMs, source);
    }

    public static OptOut account(String accountId, String msisdn, long atMs, String source) {
        return new OptOut(Objects.requireNonNull(accountId, "accountId"), null, msisdn, atMs, source);
    }

    public static OptOut sender(String accountId, String sender, String msisdn, long atMs, String source) {
        return new OptOut(Objects.requireNonNull(accountId, "accountId"), Objects.requireNonNull(sender, "sender"),
                msisdn, atMs, source);
    }

    public Scope scope() {
        return accountId == null ? Scope.GLOBAL : sender == null ? Scope.ACCOUNT : Scope.SENDER;
    }
}
