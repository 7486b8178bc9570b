package io.smsrouter.core.engine;

import io.smsrouter.core.message.Receipt;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bound client sessions per account, and the receipts that wait for a receiver bind of their
 * account. A receipt goes to the account's receiving sessions in turn; when none can take it, it
 * waits here and goes out when one binds or asks for more.
 */
public final class ClientRegistry {
    private final Map<String, List<ClientSession>> sessions = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedDeque<Receipt>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger rr = new AtomicInteger();

    public int bindCount(String accountId) {
        List<ClientSession> l = sessions.get(accountId);
        return l == null ? 0 : l.size();
    }

    /** Adds a session unless the account already has {@code maxBinds}; returns false then. */
    public synchronized boolean register(ClientSession s, int maxBinds) {
        List<ClientSession> l = sessions.computeIfAbsent(s.accountId(), k -> new CopyOnWriteArrayList<>());
        if (maxBinds > 0 && l.size() >= maxBinds) {
            return false;
        }
        l.add(s);
        return true;
    }

    public synchronized void unregister(ClientSession s) {
        List<ClientSession> l = sessions.get(s.accountId());
        if (l != null) {
            l.remove(s);
        }
    }

    private volatile java.util.function.Predicate<Receipt> interceptor;

    /**
     * Installs a handler that sees each receipt first and takes those that are not for SMPP
     * sessions (an HTTP message's callback); it returns true for a receipt it took.
     */
    public void intercept(java.util.function.Predicate<Receipt> handler) {
        this.interceptor = handler;
    }

    /** Sends the receipt to a receiving session of its account, or keeps it for later. */
    public void dispatch(Receipt r) {
        java.util.function.Predicate<Receipt> i = interceptor;
        if (i != null && i.test(r)) {
            return;
        }
        ConcurrentLinkedDeque<Receipt> q = pending.get(r.accountId());
        if ((q == null || q.isEmpty()) && tryDeliver(r)) {
            return;
        }
        pending.computeIfAbsent(r.accountId(), k -> new ConcurrentLinkedDeque<>()).add(r);
        drain(r.accountId());
    }

    /** Pushes waiting receipts of the account to its sessions while they take them. */
    public void drain(String accountId) {
        ConcurrentLinkedDeque<Receipt> q = pending.get(accountId);
        if (q == null) {
            return;
        }
        Receipt r;
        while ((r = q.pollFirst()) != null) {
            if (!tryDeliver(r)) {
                q.offerFirst(r);
                return;
            }
        }
    }

    public int pendingCount(String accountId) {
        ConcurrentLinkedDeque<Receipt> q = pending.get(accountId);
        return q == null ? 0 : q.size();
    }

    private boolean tryDeliver(Receipt r) {
        List<ClientSession> l = sessions.get(r.accountId());
        if (l == null || l.isEmpty()) {
            return false;
        }
        int n = l.size();
        int start = Math.floorMod(rr.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            ClientSession s;
            try {
                s = l.get((start + i) % n);
            } catch (IndexOutOfBoundsException raced) {
                return false;
            }
            if (s.receivesReceipts() && s.deliver(r)) {
                return true;
            }
        }
        return false;
    }
}
