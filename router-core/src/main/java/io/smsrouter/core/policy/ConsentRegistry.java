package io.smsrouter.core.policy;

import java.util.List;
import java.util.function.Consumer;

/**
 * Who agreed to receive advertising from whom: the consent histories of subscribers' numbers
 * ({@link Consent}). Asked on the path of every {@code promo} message of an account with
 * {@code requireConsent}, so {@link #inForce} must be cheap and allocate nothing; changes are
 * rare. {@link LocalConsentRegistry} is the in-process implementation; a cluster one (rows in
 * PostgreSQL, a map folded from them) can replace it. Persistence is the caller's: it journals
 * each entry before {@link #record}, recovery replays them and {@link #forEach} feeds snapshots.
 */
public interface ConsentRegistry {

    /**
     * Whether a consent of the number to messages of {@code sender} of {@code accountId} is in
     * force (see {@link Consent} for which entry decides). {@code sender} null asks about the
     * account-wide consent only. A number that is not 1 to 15 digits with an optional {@code +}
     * has none.
     */
    boolean inForce(String accountId, String sender, String msisdn);

    /**
     * Appends an entry to its number's history. False, and nothing changes, when an entry with
     * the same id is there already (read from a snapshot and again from the journal).
     */
    boolean record(Consent consent);

    /** The history of a number for an account, oldest first (in the order recorded); empty when none. */
    List<Consent> history(String accountId, String msisdn);

    /** Whether consent is in force for a sender name ({@code sender} null: every sender of the account). */
    record InForce(String sender, boolean inForce) {
    }

    /**
     * What is in force now for a number and account: the account-wide consent first (sender
     * null), then each sender name that has entries of its own, in the order they first appeared.
     */
    List<InForce> status(String accountId, String msisdn);

    /** The highest id recorded, 0 when none: new entries get ids above it. */
    long lastId();

    /** The number of entries, withdrawals included. */
    long size();

    /** Every entry, each number's in order, as one consistent snapshot: changes wait until it returns. */
    void forEach(Consumer<Consent> action);
}
