package io.smsrouter.core.billing;

import java.util.List;
import java.util.Map;

/**
 * The balances of record that several routers share (cluster mode with PostgreSQL): each node
 * takes slices of an account's credit ({@link #take}) and spends them locally with no round trip
 * per message ({@link CreditLeases}). The pool's figures for an account hold
 * {@code unleased + sum(leased by each node) == initial + topUps}; what each node spent of its
 * leases comes from its {@link #report}s.
 *
 * <p>Every method may throw {@link Unavailable} when the store cannot answer; nothing changed then.
 */
public interface CreditPool {

    /** The store did not answer (or refused): a temporary condition, the caller tries again later. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Creates the accounts that are not in the store yet, with these starting balances; others stay as they are. */
    void seed(Map<String, Long> initialBalances);

    /**
     * Moves credit from the account's unleased balance to this node: at least {@code min} and at
     * most {@code want}, less than {@code want} when the balance runs low (a share of what is left,
     * so that other nodes still get some); 0, and nothing changed, when less than {@code min} is
     * left.
     */
    long take(String accountId, long min, long want);

    /** Moves credit this node leased back to the account's unleased balance. */
    void giveBack(String accountId, long amount);

    /** Adds to the account's balance, visible to every node's next {@link #take}. False when the account is not in the store. */
    boolean topUp(String accountId, long amount);

    /**
     * The account's figures across every node: {@code available} is what no node has spent or
     * reserved (unleased plus what nodes hold unspent), as fresh as the nodes' last reports; null
     * when the account is not in the store.
     */
    Billing.Balance balance(String accountId);

    /** What this node holds leased now, per account (taken minus given back), as the store has it. */
    Map<String, Long> leasedHere();

    /** This node's spent and reserved figures per account, overwriting its earlier report. */
    void report(List<Billing.Balance> local);
}
