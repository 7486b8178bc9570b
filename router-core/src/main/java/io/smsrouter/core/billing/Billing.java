package io.smsrouter.core.billing;

import io.smsrouter.core.message.Message;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepaid balances: an account with a {@code balance} pays for each message when it is accepted
 * (the price of all its segments is reserved), and the reservation is settled when the message's
 * fate is known: spent when the operator took it (or, with {@code refundUndelivered}, when its
 * receipt says delivered), returned when it never reached an operator (rejected by a moderator,
 * cancelled, refused by the operator, no route) or, with {@code refundUndelivered}, when the
 * operator could not deliver it. Accounts without a balance are not billed at all.
 *
 * <p>For each billed account {@code available + reserved + spent == initial + topUps}, in every
 * {@link #balance} a reader gets: an account's figures change under its own lock, together.
 * The engine journals every charge, refund and top-up, so the same figures come back after a
 * restart.
 */
public final class Billing {

    /** An account's figures, in {@link Amounts} units. */
    public record Balance(String accountId, long available, long reserved, long spent, long initial, long topUps) {
    }

    /** The price of one message, reserved from its account until the message is settled. */
    public record Charge(String accountId, long amount, long atMs) {
    }

    /** One account's figures; every field is read and written under the instance's lock. */
    private static final class Ledger {
        final String accountId;
        final long initial;
        long available;
        long reserved;
        long spent;
        long topUps;
        /** Of {@link #reserved}: the charges marked {@link #markDurable durable}. */
        long durable;

        Ledger(String accountId, long initial) {
            this.accountId = accountId;
            this.initial = initial;
            this.available = initial;
        }
    }

    /** The most an account's balance may hold: a thousand times {@link Amounts#MAX}, far from overflow. */
    public static final long MAX_BALANCE = Amounts.MAX * 1000;

    private final PriceTable prices;
    private final boolean refundUndelivered;
    private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();
    private final Map<Long, Charge> open = new ConcurrentHashMap<>();
    /** Open charges whose message is kept where this node's loss cannot take it ({@link #markDurable}). */
    private final java.util.Set<Long> durableIds = ConcurrentHashMap.newKeySet();

    /**
     * @param initialBalances the starting balance of each billed account (its config's
     *                        {@code balance}); accounts not in it are not billed
     */
    public Billing(PriceTable prices, Map<String, Long> initialBalances, boolean refundUndelivered) {
        this.prices = prices;
        this.refundUndelivered = refundUndelivered;
        initialBalances.forEach((id, initial) -> ledgers.put(id, new Ledger(id, initial)));
    }

    public boolean billed(String accountId) {
        return ledgers.containsKey(accountId);
    }

    public boolean refundUndelivered() {
        return refundUndelivered;
    }

    /** The price of the message through this operator, or -1 when no price applies. */
    public long cost(String accountId, String operatorId, Message m) {
        long each = prices.perSegment(accountId, operatorId, m.destination());
        return each < 0 ? -1 : each * Segments.of(m);
    }

    /**
     * Reserves {@code amount} for a message (added to what it has reserved already); false, and
     * nothing changed, when the account's available balance is smaller.
     */
    public boolean reserve(String accountId, long messageId, long amount, long atMs) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return false;
        }
        synchronized (l) {
            if (l.available < amount) {
                return false;
            }
            l.available -= amount;
            l.reserved += amount;
            open.merge(messageId, new Charge(accountId, amount, atMs),
                    (a, b) -> new Charge(a.accountId(), a.amount() + b.amount(), a.atMs()));
            if (!durableIds.isEmpty() && durableIds.contains(messageId)) {
                l.durable += amount; // more of a charge already marked
            }
        }
        return true;
    }

    /**
     * A charge read back from the journal: reserved whatever the balance is now (it was covered
     * when it was made).
     */
    public void replayCharge(String accountId, long messageId, long amount, long atMs) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return; // the account is no longer billed: its old charges do not matter
        }
        synchronized (l) {
            l.available -= amount;
            l.reserved += amount;
            open.merge(messageId, new Charge(accountId, amount, atMs),
                    (a, b) -> new Charge(a.accountId(), a.amount() + b.amount(), a.atMs()));
            if (!durableIds.isEmpty() && durableIds.contains(messageId)) {
                l.durable += amount; // more of a charge already marked
            }
        }
    }

    /** The reservation of a message whose acceptance failed after all: as if never made. */
    public void unreserve(long messageId) {
        refund(messageId);
    }

    /** The message's reservation, or null when it has none (any more). */
    public Charge charge(long messageId) {
        return open.get(messageId);
    }

    /** Returns the message's whole reservation to its account; the charge, or null when there was none. */
    public Charge refund(long messageId) {
        Charge c = open.get(messageId);
        if (c == null) {
            return null;
        }
        Ledger l = ledgers.get(c.accountId());
        if (l == null) {
            open.remove(messageId);
            return c;
        }
        synchronized (l) {
            c = open.remove(messageId); // under the lock: a concurrent refund or settle takes it once
            if (c == null) {
                return null;
            }
            notDurable(l, messageId, c.amount());
            l.reserved -= c.amount();
            l.available += c.amount();
        }
        return c;
    }

    /**
     * Returns {@code amount} of a message's reservation (all of it at most); a refund read back
     * from the journal whose charge is settled already, or older than what the journal holds,
     * comes back out of the spent money.
     */
    public void refundPart(String accountId, long messageId, long amount) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return;
        }
        synchronized (l) {
            Charge c = open.get(messageId);
            long fromReserved = c == null ? 0 : Math.min(amount, c.amount());
            if (c != null) {
                notDurable(l, messageId, fromReserved);
                if (fromReserved == c.amount()) {
                    open.remove(messageId);
                    durableIds.remove(messageId);
                } else {
                    open.put(messageId, new Charge(c.accountId(), c.amount() - fromReserved, c.atMs()));
                }
            }
            l.reserved -= fromReserved;
            l.spent -= amount - fromReserved;
            l.available += amount;
        }
    }

    /** The message was billed for good: its reservation becomes spent. */
    public void settle(long messageId) {
        Charge c = open.get(messageId);
        if (c == null) {
            return;
        }
        Ledger l = ledgers.get(c.accountId());
        if (l == null) {
            open.remove(messageId);
            return;
        }
        synchronized (l) {
            c = open.remove(messageId);
            if (c == null) {
                return;
            }
            notDurable(l, messageId, c.amount());
            l.spent += c.amount();
            l.reserved -= c.amount();
        }
    }

    /**
     * The message's reservation stays open, but the message is kept where the loss of this node
     * cannot take it (another node's store, or the cluster's log): a cluster that settles this
     * node's credit after its death counts it as spent ({@link #durable}). Nothing when the message
     * has no open charge.
     */
    public void markDurable(long messageId) {
        Charge c = open.get(messageId);
        if (c == null) {
            return;
        }
        Ledger l = ledgers.get(c.accountId());
        if (l == null) {
            return;
        }
        synchronized (l) {
            c = open.get(messageId);
            if (c != null && durableIds.add(messageId)) {
                l.durable += c.amount();
            }
        }
    }

    /** Whether the message's open charge is {@link #markDurable durable}. */
    public boolean isDurable(long messageId) {
        return !durableIds.isEmpty() && durableIds.contains(messageId);
    }

    /** Of the account's reserved money, what {@link #markDurable} marked; 0 when it is not billed. */
    public long durable(String accountId) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return 0;
        }
        synchronized (l) {
            return l.durable;
        }
    }

    /** Under {@code l}'s lock: {@code amount} of a message's charge leaves the reserved money. */
    private void notDurable(Ledger l, long messageId, long amount) {
        if (!durableIds.isEmpty() && durableIds.contains(messageId)) { // empty outside a cluster: no boxing then
            l.durable -= amount;
            if (!open.containsKey(messageId)) {
                durableIds.remove(messageId);
            }
        }
    }

    /** Settles every reservation made before {@code beforeMs} (no receipt will come for them any more). */
    public int settleOlderThan(long beforeMs) {
        int n = 0;
        for (Map.Entry<Long, Charge> e : open.entrySet()) {
            if (e.getValue().atMs() < beforeMs) {
                settle(e.getKey());
                n++;
            }
        }
        return n;
    }

    /** Whether adding {@code amount} keeps the account's balance within {@link #MAX_BALANCE}. */
    public boolean canTopUp(String accountId, long amount) {
        Ledger l = ledgers.get(accountId);
        if (l == null || amount < 0) {
            return false;
        }
        synchronized (l) {
            return l.available + l.reserved <= MAX_BALANCE - amount;
        }
    }

    /** Adds to an account's balance; false when the account is not billed. */
    public boolean topUp(String accountId, long amount) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return false;
        }
        synchronized (l) {
            l.topUps += amount;
            l.available += amount;
        }
        return true;
    }

    /** Charges read back from journal files that retention removed: all spent by now. */
    public void spentEarlier(String accountId, long amount) {
        Ledger l = ledgers.get(accountId);
        if (l != null) {
            synchronized (l) {
                l.spent += amount;
                l.available -= amount;
            }
        }
    }

    /** The account's available balance, 0 when it is not billed. */
    public long available(String accountId) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return 0;
        }
        synchronized (l) {
            return l.available;
        }
    }

    /** The account's figures, read together, or null when it is not billed. */
    public Balance balance(String accountId) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return null;
        }
        synchronized (l) {
            return new Balance(accountId, l.available, l.reserved, l.spent, l.initial, l.topUps);
        }
    }

    /** Every billed account's figures. */
    public java.util.List<Balance> balances() {
        return ledgers.keySet().stream().sorted().map(this::balance).toList();
    }

    /** Messages whose price is reserved now. */
    public int openCharges() {
        return open.size();
    }
}
