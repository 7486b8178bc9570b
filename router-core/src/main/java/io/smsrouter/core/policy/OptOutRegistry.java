package io.smsrouter.core.policy;

import java.util.List;
import java.util.function.Consumer;

/**
 * Who may no longer be sent to (see {@link OptOut} for the three scopes). Asked on every
 * message's path, so {@link #isOptedOut} must be cheap and allocate nothing; changes are rare.
 * {@link LocalOptOutRegistry} is the in-process implementation; a cluster one (a map folded from
 * a compacted topic, shared/ARCHITECTURE.md) can replace it. Persistence is the caller's: it
 * journals each change and recovery replays them, {@link #forEach} feeds snapshots.
 */
public interface OptOutRegistry {

    /**
     * Whether sending from {@code sender} of {@code accountId} to {@code msisdn} is forbidden: a
     * global entry for the number, an account-wide entry of the account, or an entry for this
     * sender of the account (compared case-insensitively). A number that is not 1 to 15 digits
     * with an optional {@code +} cannot have been added and answers false.
     *
     * @param accountId the sending account; null checks the global entries only
     * @param sender    the sender name; null checks the global and account-wide entries only
     */
    boolean isOptedOut(String accountId, String sender, String msisdn);

    /** Adds the opt-out; false when one with the same key (account, sender, msisdn) is present, which is then kept as it was. */
    boolean add(OptOut optOut);

    /**
     * Removes the entry with exactly this key (a null sender is the account-wide entry, not every
     * entry of the account); false when there is none.
     */
    boolean remove(String accountId, String sender, String msisdn);

    /**
     * Entries, newest first ({@code atMs} descending), at most {@code limit}.
     *
     * @param accountId the account whose entries to list (global entries are nobody's), null for all, global included
     * @param msisdn    only this number, null for all numbers
     */
    List<OptOut> list(String accountId, String msisdn, int limit);

    /** The number of entries. */
    long size();

    /** Every entry, in no particular order, as one consistent snapshot: changes wait until it returns. */
    void forEach(Consumer<OptOut> action);
}
