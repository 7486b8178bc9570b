package io.smsrouter.core.engine;

import io.smsrouter.core.message.Receipt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bound client sessions per account, and the receipts that wait for a receiver bind of their
 * account. A receipt goes to the account's receiving sessions in turn; when none can take it, it
 * waits here and goes out when one binds or asks for more. A client that stops reading costs a
 * bounded amount of heap: past {@code maxInMemory} waiting receipts of one account, the rest wait
 * in a {@link ReceiptOverflow} file (and, as always, in the journal).
 */
public final class ClientRegistry {
    private static final Logger log = LoggerFactory.getLogger(ClientRegistry.class);
    private final Map<String, List<ClientSession>> sessions = new ConcurrentHashMap<>();
    private final Map<String, Waiting> pending = new ConcurrentHashMap<>();
    private final AtomicInteger rr = new AtomicInteger();
    private final ReceiptOverflow overflow;
    private final int maxInMemory;
    private final AtomicBoolean overflowWarned = new AtomicBoolean();

    /** Every waiting receipt on the heap, however many (tests, and the bench's short runs). */
    public ClientRegistry() {
        this(null, Integer.MAX_VALUE);
    }

    /**
     * At most {@code maxInMemory} waiting receipts per account on the heap; the rest in
     * {@code overflow}, read back as the account's sessions take receipts again.
     */
    public ClientRegistry(ReceiptOverflow overflow, int maxInMemory) {
        if (maxInMemory < 1) {
            throw new IllegalArgumentException("maxInMemory must be at least 1: " + maxInMemory);
        }
        this.overflow = overflow;
        this.maxInMemory = maxInMemory;
    }

    public int bindCount(String accountId) {
        List<ClientSession> l = sessions.get(accountId);
        return l == null ? 0 : l.size();
    }

    /** The accounts with at least one bound session that takes receipts (receiver or transceiver). */
    public java.util.Set<String> accountsWithReceivers() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        sessions.forEach((account, l) -> {
            for (ClientSession s : l) {
                if (s.receivesReceipts()) {
                    out.add(account);
                    return;
                }
            }
        });
        return out;
    }

    /** In a cluster: the account's binds on the other nodes (as their last heartbeats said). */
    private volatile java.util.function.ToIntFunction<String> bindsElsewhere = a -> 0;

    /** Counts the binds other nodes of a cluster hold against each account's {@code maxBinds}. */
    public void bindsElsewhere(java.util.function.ToIntFunction<String> f) {
        this.bindsElsewhere = f;
    }

    /** The number of sessions bound per account. */
    public Map<String, Integer> bindCounts() {
        Map<String, Integer> out = new java.util.HashMap<>();
        sessions.forEach((a, l) -> {
            if (!l.isEmpty()) {
                out.put(a, l.size());
            }
        });
        return out;
    }

    /**
     * Adds a session unless the account already has {@code maxBinds} (here, and in a cluster on
     * the other nodes too); returns false then.
     */
    public synchronized boolean register(ClientSession s, int maxBinds) {
        List<ClientSession> l = sessions.computeIfAbsent(s.accountId(), k -> new CopyOnWriteArrayList<>());
        if (maxBinds > 0 && l.size() + bindsElsewhere.applyAsInt(s.accountId()) >= maxBinds) {
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

    /**
     * Offers the receipt only to the handler of {@link #intercept} (an HTTP message's callback);
     * true when it took it. Cluster mode: the node that accepted an HTTP message has its callback.
     */
    public boolean offerToInterceptor(Receipt r) {
        java.util.function.Predicate<Receipt> i = interceptor;
        return i != null && i.test(r);
    }

    /** Sends the receipt to a receiving session of its account, or keeps it for later. */
    public void dispatch(Receipt r) {
        java.util.function.Predicate<Receipt> i = interceptor;
        if (i != null && i.test(r)) {
            return;
        }
        Waiting w = pending.get(r.accountId());
        if ((w == null || w.isEmpty()) && tryDeliver(r)) {
            return;
        }
        waiting(r.accountId()).add(r);
        drain(r.accountId());
    }

    /** Pushes waiting receipts of the account to its sessions while they take them. */
    public void drain(String accountId) {
        Waiting w = pending.get(accountId);
        if (w == null) {
            return;
        }
        Receipt r;
        while ((r = w.poll()) != null) {
            if (!tryDeliver(r)) {
                w.putBack(r);
                return;
            }
        }
    }

    /** Receipts of the account waiting for a session to take them, on the heap and on disk. */
    public int pendingCount(String accountId) {
        Waiting w = pending.get(accountId);
        return w == null ? 0 : (int) Math.min(Integer.MAX_VALUE, w.inMemory() + w.onDisk());
    }

    /** Of {@link #pendingCount}, those on the heap: at most about {@code maxInMemory} per account. */
    public int pendingInMemory(String accountId) {
        Waiting w = pending.get(accountId);
        return w == null ? 0 : w.inMemory();
    }

    /** Of {@link #pendingCount}, those spilled to disk. */
    public long pendingOnDisk(String accountId) {
        Waiting w = pending.get(accountId);
        return w == null ? 0 : w.onDisk();
    }

    private Waiting waiting(String accountId) {
        return pending.computeIfAbsent(accountId, Waiting::new);
    }

    /**
     * The receipts of one account that no session could take: the oldest on the heap (at most
     * {@code maxInMemory}), the rest in the overflow file in order. Once some are on disk, new ones
     * go there too, so the account's receipts leave in the order they came.
     */
    private final class Waiting {
        private final String accountId;
        private final ArrayDeque<Receipt> memory = new ArrayDeque<>();
        private volatile int inMemory;
        private volatile long onDisk;

        Waiting(String accountId) {
            this.accountId = accountId;
        }

        boolean isEmpty() {
            return inMemory == 0 && onDisk == 0;
        }

        int inMemory() {
            return inMemory;
        }

        long onDisk() {
            return onDisk;
        }

        synchronized void add(Receipt r) {
            if (overflow != null && (onDisk > 0 || memory.size() >= maxInMemory)) {
                try {
                    overflow.push(r);
                    onDisk++;
                    return;
                } catch (IOException | UncheckedIOException e) {
                    warnOverflow(e); // the heap, then: a receipt is never dropped
                }
            }
            memory.addLast(r);
            inMemory = memory.size();
        }

        synchronized Receipt poll() {
            if (memory.isEmpty() && onDisk > 0) {
                refill();
            }
            Receipt r = memory.pollFirst();
            inMemory = memory.size();
            return r;
        }

        /** A receipt polled but not taken goes back to the front. */
        synchronized void putBack(Receipt r) {
            memory.addFirst(r);
            inMemory = memory.size();
        }

        private void refill() {
            try {
                int n = overflow.poll(accountId, Math.max(1, maxInMemory / 2), memory::addLast);
                onDisk = overflow.count(accountId);
                if (n == 0 && onDisk > 0) {
                    throw new IOException(onDisk + " receipts counted on disk but none could be read");
                }
            } catch (IOException | UncheckedIOException e) {
                warnOverflow(e);
                onDisk = overflow.count(accountId);
            }
        }

    }

    private void warnOverflow(Exception e) {
        if (overflowWarned.compareAndSet(false, true)) {
            log.warn("cannot use the waiting-receipts files in {} ({}): receipts wait on the heap; they are in the "
                    + "journal either way", overflow.dir(), e.toString());
        }
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
