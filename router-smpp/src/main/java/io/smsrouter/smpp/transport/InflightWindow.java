package io.smsrouter.smpp.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Requests awaiting their response on one SMPP session, keyed by sequence number. Sequence numbers
 * of a session are consecutive, so a slot array indexed by {@code seq & mask} stands in for a hash
 * map: no hashing, no probing, no allocation. The array is several times the window, so a slot is
 * normally free again long before its index comes round.
 *
 * <p>A peer may answer out of order, though, and hold one request while it answers hundreds of
 * later ones. The slot's request is then still awaiting its answer, well within the response
 * timeout: it is kept, and the newer request goes to a small overflow map until one of them is
 * answered. (Handing the older one back as unanswered would send it again: a duplicate at the
 * peer.) Only the caller's response timeout decides that a request went unanswered.
 *
 * <p>Not thread-safe: owned by the session's event loop.
 */
public final class InflightWindow<T> {
    private final int[] seqs;
    private final Object[] values;
    private final int mask;
    private Map<Integer, T> overflow; // made on the first collision
    private int size;

    /** @param window the most requests that may be outstanding at once */
    public InflightWindow(int window) {
        int capacity = Integer.highestOneBit(Math.max(64, window * 4) - 1) << 1; // next power of two
        this.seqs = new int[capacity];
        this.values = new Object[capacity];
        this.mask = capacity - 1;
    }

    /**
     * Stores a request; returns the request stored before under the same sequence number (only
     * possible once the sequence numbers have wrapped round), or null.
     */
    @SuppressWarnings("unchecked")
    public T put(int seq, T value) {
        int i = seq & mask;
        T inSlot = (T) values[i];
        if (inSlot != null && seqs[i] != seq) {
            if (overflow == null) {
                overflow = new HashMap<>();
            }
            T old = overflow.put(seq, value);
            if (old == null) {
                size++;
            }
            return old;
        }
        seqs[i] = seq;
        values[i] = value;
        if (inSlot != null) {
            return inSlot;
        }
        size++;
        return takeOverflow(seq);
    }

    /** Removes and returns the request with this sequence number, or null if there is none. */
    @SuppressWarnings("unchecked")
    public T remove(int seq) {
        int i = seq & mask;
        T v = (T) values[i];
        if (v != null && seqs[i] == seq) {
            values[i] = null;
            size--;
            return v;
        }
        return takeOverflow(seq);
    }

    /** Removes and returns the overflow's request with this sequence number, or null. */
    private T takeOverflow(int seq) {
        if (overflow == null || overflow.isEmpty()) {
            return null;
        }
        T o = overflow.remove(seq);
        if (o != null) {
            size--;
        }
        return o;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Visits every outstanding request. */
    public void forEach(Consumer<T> action) {
        removeIf(v -> {
            action.accept(v);
            return false;
        }, v -> { });
    }

    /** Removes every request that matches, passing each to {@code removed}. */
    @SuppressWarnings("unchecked")
    public void removeIf(Predicate<T> test, Consumer<T> removed) {
        if (size == 0) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            T v = (T) values[i];
            if (v != null && test.test(v)) {
                values[i] = null;
                size--;
                removed.accept(v);
            }
        }
        if (overflow != null && !overflow.isEmpty()) {
            List<T> taken = new ArrayList<>(); // handed over after the walk: the consumer may put again
            for (Iterator<T> it = overflow.values().iterator(); it.hasNext(); ) {
                T v = it.next();
                if (test.test(v)) {
                    it.remove();
                    size--;
                    taken.add(v);
                }
            }
            taken.forEach(removed);
        }
    }

    /** Removes everything, passing each to {@code removed}. */
    public void clear(Consumer<T> removed) {
        removeIf(v -> true, removed);
    }
}
