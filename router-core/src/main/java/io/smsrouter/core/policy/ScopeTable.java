package io.smsrouter.core.policy;

import java.util.Arrays;

/**
 * The (account, sender) pairs that have opt-outs, each given a small int id, so that the opt-out
 * table stores an int per entry instead of two strings. Id {@value #GLOBAL} is the global scope;
 * an account-wide scope has a null sender. Ids are never reused or dropped: there are as many as
 * distinct (account, sender) pairs ever opted out from, a few per account.
 *
 * <p>Not thread-safe by itself: {@link LocalOptOutRegistry} changes it under its write lock and
 * reads it under an optimistic read, so every read here checks its indexes against the arrays it
 * holds and loops a bounded number of times: an inconsistent view must give a wrong answer (that
 * validation then discards), never an exception or an endless loop.
 */
final class ScopeTable {
    static final int GLOBAL = 0;
    static final int NONE = -1;

    private String[] accounts = new String[16];
    private String[] senders = new String[16];
    private int size = 1; // id 0, global, has a null account and is never in the index
    private int[] index = new int[32]; // ids, 0 = empty, linear probing

    int size() {
        return size;
    }

    String account(int id) {
        return accounts[id];
    }

    String sender(int id) {
        return senders[id];
    }

    /**
     * Whether an entry of scope {@code id} forbids {@code sender} of {@code account} to send: it is
     * global, or the account's own scope, or the scope of this sender of the account.
     */
    boolean covers(int id, String account, String sender) {
        if (id == GLOBAL) {
            return true;
        }
        if (account == null) {
            return false;
        }
        String[] acc = accounts;
        String[] snd = senders;
        if (id < 0 || id >= acc.length || id >= snd.length || !account.equals(acc[id])) {
            return false;
        }
        String own = snd[id];
        return own == null || sender != null && sameSender(own, sender);
    }

    /** The id of (account, sender), or {@link #NONE}. A null account is {@link #GLOBAL}; senders compare case-insensitively. */
    int find(String account, String sender) {
        if (account == null) {
            return sender == null ? GLOBAL : NONE;
        }
        int[] idx = index;
        String[] acc = accounts;
        String[] snd = senders;
        int mask = idx.length - 1;
        int i = hash(account, sender) & mask;
        for (int probes = 0; probes < idx.length; probes++) {
            int id = idx[i];
            if (id == 0) {
                return NONE;
            }
            if (id < acc.length && id < snd.length && account.equals(acc[id]) && sameSender(snd[id], sender)) {
                return id;
            }
            i = (i + 1) & mask;
        }
        return NONE;
    }

    /** The id of (account, normalized sender), created if new; a sender scope also creates its account's scope. */
    int intern(String account, String normalizedSender) {
        int id = find(account, normalizedSender);
        if (id != NONE) {
            return id;
        }
        if (normalizedSender != null) {
            // the hot path then skips the sender probe for accounts without any scope
            intern(account, null);
        }
        if (size == accounts.length) {
            accounts = Arrays.copyOf(accounts, size * 2);
            senders = Arrays.copyOf(senders, size * 2);
        }
        id = size;
        accounts[id] = account;
        senders[id] = normalizedSender;
        size++;
        if (size * 2 > index.length) {
            int[] bigger = new int[index.length * 2];
            for (int other = 1; other < size; other++) {
                place(bigger, other);
            }
            index = bigger;
        } else {
            place(index, id);
        }
        return id;
    }

    private void place(int[] idx, int id) {
        int mask = idx.length - 1;
        int i = hash(accounts[id], senders[id]) & mask;
        while (idx[i] != 0) {
            i = (i + 1) & mask;
        }
        idx[i] = id;
    }

    private static int hash(String account, String sender) {
        int h = account.hashCode() * 0x9E3779B9 + senderHash(sender);
        return h ^ (h >>> 16);
    }

    // ---------------------------------------------------------------- sender names

    /**
     * Char by char {@link Character#toLowerCase(char)}, not {@link String#toLowerCase}: the hot
     * path compares a message's sender to a stored one without creating a lower-cased copy, and
     * both sides must fold the same way (String's own folding is locale- and context-dependent).
     */
    static String normalizeSender(String sender) {
        char[] out = new char[sender.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Character.toLowerCase(sender.charAt(i));
        }
        return new String(out);
    }

    /** Whether {@code query} equals the normalized {@code stored} ignoring case; both null is equal. */
    static boolean sameSender(String stored, String query) {
        if (stored == null || query == null) {
            return stored == query;
        }
        int n = stored.length();
        if (query.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (stored.charAt(i) != Character.toLowerCase(query.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int senderHash(String sender) {
        if (sender == null) {
            return 0;
        }
        int h = 1;
        for (int i = 0, n = sender.length(); i < n; i++) {
            h = 31 * h + Character.toLowerCase(sender.charAt(i));
        }
        return h;
    }
}
