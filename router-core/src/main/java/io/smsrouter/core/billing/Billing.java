package io.smsrouter.core.billing;

import io.smsrouter.core.message.Message;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prepaid balances: an account with a {@code balance} pays for each message when it is accepted
 * (the price of all its segments is reserved), and the reservation is settled when the message's
 * fate is known: spent when the operator took it (or, with {@code refundUndelivered}, when its
 * receipt says delivered), returned when it never reached an operator (rejected by a moderator,
 * cancelled, refused by the operator, no route) or, with {@code refundUndelivered}, when the
 * operator could not deliver it. Accounts without a balance are not billed at all.
 *
 * <p>For each billed account {@code available + reserved + spent == initial + topUps} holds at
 * every moment a reader can see (each step moves an amount between two of them). The engine
 * journals every charge, refund and top-up, so the same figures come back after a restart.
 */
public final class Billing {

    /** An account's figures, in {@link Amounts} units. */
    public record Balance(String accountId, long available, long reserved, long spent, long initial, long topUps) {
    }

    /** The price of one message, reserved from its account until the message is settled. */
    public record Charge(String accountId, long amount, long atMs) {
    }

    private static final class Ledger {
        final String accountId;
        final long initial;
        final AtomicLong available;
        final AtomicLong reserved = new AtomicLong();
        final AtomicLong spent = new AtomicLong();
        final AtomicLong topUps = new AtomicLong();

        Ledger(String accountId, long initial) {
            this.accountId = accountId;
            this.initial = initial;
            this.available = new AtomicLong(initial);
        }
    }

    private final PriceTable prices;
    private final boolean refundUndelivered;
    private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();
    private final Map<Long, Charge> open = new ConcurrentHashMap<>();

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
     * Reserves {@code amount} for a message; false (and nothing changed) when the account's
     * available balance is smaller.
     */
    public boolean reserve(String accountId, long messageId, long amount, long atMs) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return false;
        }
        long before;
        do {
            before = l.available.get();
            if (before < amount) {
                return false;
            }
        } while (!l.available.compareAndSet(before, before - amount));
        l.reserved.addAndGet(amount);
        open.put(messageId, new Charge(accountId, amount, atMs));
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
        l.available.addAndGet(-amount);
        l.reserved.addAndGet(amount);
        open.put(messageId, new Charge(accountId, amount, atMs));
    }

    /** The reservation of a message whose acceptance failed after all: as if never made. */
    public void unreserve(long messageId) {
        refund(messageId);
    }

    /** The message's reservation, or null when it has none (any more). */
    public Charge charge(long messageId) {
        return open.get(messageId);
    }

    /** Returns the message's reservation to its account; the charge, or null when there was none. */
    public Charge refund(long messageId) {
        Charge c = open.remove(messageId);
        if (c == null) {
            return null;
        }
        Ledger l = ledgers.get(c.accountId());
        if (l != null) {
            l.reserved.addAndGet(-c.amount());
            l.available.addAndGet(c.amount());
        }
        return c;
    }

    /** The message was billed for good: its reservation becomes spent. */
    public void settle(long messageId) {
        Charge c = open.remove(messageId);
        if (c == null) {
            return;
        }
        Ledger l = ledgers.get(c.accountId());
        if (l != null) {
            l.spent.addAndGet(c.amount());
            l.reserved.addAndGet(-c.amount());
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

    /** The most an account's balance may hold: a million times {@link Amounts#MAX}, far from overflow. */
    public static final long MAX_BALANCE = Amounts.MAX * 1000;

    /** Whether adding {@code amount} keeps the account's balance within {@link #MAX_BALANCE}. */
    public boolean canTopUp(String accountId, long amount) {
        Ledger l = ledgers.get(accountId);
        return l != null && amount >= 0 && l.available.get() + l.reserved.get() <= MAX_BALANCE - amount;
    }

    /** Adds to an account's balance; false when the account is not billed. */
    public boolean topUp(String accountId, long amount) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return false;
        }
        l.topUps.addAndGet(amount);
        l.available.addAndGet(amount);
        return true;
    }

    /** A refund read back from the journal whose charge is older than what the journal still holds. */
    public void refundSettled(String accountId, long amount) {
        Ledger l = ledgers.get(accountId);
        if (l != null) {
            l.spent.addAndGet(-amount);
            l.available.addAndGet(amount);
        }
    }

    /** Charges read back from journal files that retention removed: all spent by now. */
    public void spentEarlier(String accountId, long amount) {
        Ledger l = ledgers.get(accountId);
        if (l != null) {
            l.spent.addAndGet(amount);
            l.available.addAndGet(-amount);
        }
    }

    /** The account's figures, or null when it is not billed. */
    public Balance balance(String accountId) {
        Ledger l = ledgers.get(accountId);
        if (l == null) {
            return null;
        }
        // three reads: under traffic they can be a message apart
        long spent = l.spent.get();
        long reserved = l.reserved.get();
        long available = l.available.get();
        return new Balance(accountId, available, reserved, spent, l.initial, l.topUps.get());
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
