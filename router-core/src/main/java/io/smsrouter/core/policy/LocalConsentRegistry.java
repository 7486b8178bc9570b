package io.smsrouter.core.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The in-process {@link ConsentRegistry}: one immutable {@code Entry} per number in a
 * {@link ConcurrentHashMap} keyed by the number's digits, replaced whole when the number gets a
 * new history entry. The check on a message is one map lookup with the destination as it came
 * (a String already), then, for a number of one account, two fields of its entry (a scan of
 * the accounts and sender names otherwise); nothing is allocated unless the destination starts
 * with {@code +}.
 *
 * <p>Each entry keeps, per account, the decision of {@link Consent}'s rule folded as entries
 * arrive: the newest account-wide entry, and the sender entries newer than it. Folding in the
 * order recorded gives the same state in a live router and after a replay.
 *
 * <p>Threads: readers never lock; writers are serialized by a mutex (consents come through an
 * HTTP API, not per message). About 250 bytes per number with one consent, plus the evidence text.
 */
public final class LocalConsentRegistry implements ConsentRegistry {
    private final ConcurrentHashMap<String, Entry> byNumber = new ConcurrentHashMap<>();
    private final Object writeMutex = new Object();
    private volatile long lastId;
    private volatile long size;

    /** What is in force for one account and number. */
    private static final class State {
        static final Consent[] NO_SENDERS = new Consent[0];
        static final State EMPTY = new State(null, NO_SENDERS);
        /** the newest account-wide entry, or null */
        final Consent base;
        /** the newest entry of each sender name that is newer than {@code base} */
        final Consent[] senders;

        State(Consent base, Consent[] senders) {
            this.base = base;
            this.senders = senders;
        }

        boolean inForce(String sender) {
            if (sender != null) {
                for (Consent c : senders) {
                    if (ScopeTable.sameSender(c.sender(), sender)) {
                        return c.granted();
                    }
                }
            }
            return base != null && base.granted();
        }

        State with(Consent c) {
            long at = c.effectiveAtMs();
            if (base != null && at < base.effectiveAtMs()) {
                return this; // older than what decides every sender now: history only
            }
            if (c.sender() == null) {
                int newer = 0;
                for (Consent s : senders) {
                    newer += s.effectiveAtMs() > at ? 1 : 0;
                }
                if (newer == 0) {
                    return new State(c, NO_SENDERS);
                }
                Consent[] kept = new Consent[newer];
                int k = 0;
                for (Consent s : senders) {
                    if (s.effectiveAtMs() > at) {
                        kept[k++] = s;
                    }
                }
                return new State(c, kept);
            }
            for (int i = 0; i < senders.length; i++) {
                if (senders[i].sender().equals(c.sender())) {
                    if (at < senders[i].effectiveAtMs()) {
                        return this;
                    }
                    Consent[] s = senders.clone();
                    s[i] = c;
                    return new State(base, s);
                }
            }
            Consent[] s = Arrays.copyOf(senders, senders.length + 1);
            s[senders.length] = c;
            return new State(base, s);
        }
    }

    /**
     * One number: its accounts' states and its whole history, oldest first. Immutable. A number of
     * one account (nearly all) has that account's answer in its own fields, so the check reads
     * the map's node, key and this object, not three more arrays and objects.
     */
    private static final class Entry {
        final String[] accounts;
        final State[] states;
        final Consent[] history;
        /** the account when there is exactly one, else null */
        final String onlyAccount;
        /** its account-wide consent is in force */
        final boolean onlyGranted;
        /** it has sender entries newer than the account-wide one: ask {@code states[0]} */
        final boolean onlyHasSenders;

        Entry(String[] accounts, State[] states, Consent[] history) {
            this.accounts = accounts;
            this.states = states;
            this.history = history;
            boolean one = accounts.length == 1;
            this.onlyAccount = one ? accounts[0] : null;
            this.onlyGranted = one && states[0].inForce(null);
            this.onlyHasSenders = one && states[0].senders.length > 0;
        }

        boolean inForce(String accountId, String sender) {
            if (onlyAccount != null) {
                if (!onlyAccount.equals(accountId)) {
                    return false;
                }
                return sender == null || !onlyHasSenders ? onlyGranted : states[0].inForce(sender);
            }
            State s = state(accountId);
            return s != null && s.inForce(sender);
        }

        State state(String accountId) {
            for (int i = 0; i < accounts.length; i++) {
                if (accounts[i].equals(accountId)) {
                    return states[i];
                }
            }
            return null;
        }

        Entry with(Consent c) {
            Consent[] h = Arrays.copyOf(history, history.length + 1);
            h[history.length] = c;
            for (int i = 0; i < accounts.length; i++) {
                if (accounts[i].equals(c.accountId())) {
                    State[] s = states.clone();
                    s[i] = states[i].with(c);
                    return new Entry(accounts, s, h);
                }
            }
            String[] a = Arrays.copyOf(accounts, accounts.length + 1);
            a[accounts.length] = c.accountId();
            State[] s = Arrays.copyOf(states, states.length + 1);
            s[states.length] = State.EMPTY.with(c);
            return new Entry(a, s, h);
        }
    }

    private static final Entry NONE = new Entry(new String[0], new State[0], new Consent[0]);

    @Override
    public boolean inForce(String accountId, String sender, String msisdn) {
        if (msisdn == null || msisdn.isEmpty() || accountId == null) {
            return false;
        }
        Entry e = byNumber.get(msisdn.charAt(0) == '+' ? msisdn.substring(1) : msisdn);
        return e != null && e.inForce(accountId, sender);
    }

    @Override
    public boolean record(Consent c) {
        synchronized (writeMutex) {
            Entry e = byNumber.getOrDefault(c.msisdn(), NONE);
            for (Consent h : e.history) {
                if (h.id() == c.id()) {
                    return false;
                }
            }
            byNumber.put(c.msisdn(), e.with(c));
            size = size + 1;
            if (c.id() > lastId) {
                lastId = c.id();
            }
            return true;
        }
    }

    @Override
    public List<Consent> history(String accountId, String msisdn) {
        Entry e = entry(msisdn);
        List<Consent> out = new ArrayList<>();
        if (e != null) {
            for (Consent c : e.history) {
                if (c.accountId().equals(accountId)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    @Override
    public List<InForce> status(String accountId, String msisdn) {
        List<InForce> out = new ArrayList<>();
        Entry e = entry(msisdn);
        State s = e == null ? null : e.state(accountId);
        out.add(new InForce(null, s != null && s.inForce(null)));
        if (s != null) {
            Set<String> senders = new LinkedHashSet<>();
            for (Consent c : e.history) {
                if (c.accountId().equals(accountId) && c.sender() != null) {
                    senders.add(c.sender());
                }
            }
            senders.forEach(name -> out.add(new InForce(name, s.inForce(name))));
        }
        return out;
    }

    private Entry entry(String msisdn) {
        long packed = Msisdn.pack(msisdn);
        return packed == Msisdn.INVALID ? null : byNumber.get(Msisdn.normalize(msisdn));
    }

    @Override
    public long lastId() {
        return lastId;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void forEach(Consumer<Consent> action) {
        synchronized (writeMutex) {
            for (Entry e : byNumber.values()) {
                for (Consent c : e.history) {
                    action.accept(c);
                }
            }
        }
    }
}
