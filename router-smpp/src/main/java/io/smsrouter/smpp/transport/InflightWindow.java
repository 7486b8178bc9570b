package io.smsrouter.smpp.transport;

import java.util.function.Consumer;

/**
 * Requests awaiting their response on one SMPP session, keyed by sequence number. Sequence numbers
 * of a session are consecutive, so a slot array indexed by {@code seq & mask} replaces a hash map:
 * no hashing, no probing, no allocation. The array is several times the window, so a slot is only
 * reused after that many newer requests; the entry found there then is a request that was never
 * answered, and {@link #put} hands it back for the caller to treat as timed out.
 *
 * <p>Not thread-safe: owned by the session's event loop.
 */
public final class InflightWindow<T> {
    private final int[] seqs;
    private final Object[] values;
    private final int mask;
    private int size;

    /** @param window the most requests that may be outstanding at once */
    public InflightWindow(int window) {
        int capacity = Integer.highestOneBit(Math.max(64, window * 4) - 1) << 1; // next power of two
        this.seqs = new int[capacity];
        this.values = new Object[capacity];
        this.mask = capacity - 1;
    }

    /** Stores a request; returns a stale unanswered request that occupied the slot, or null. */
    @SuppressWarnings("unchecked")
    public T put(int seq, T value) {
        int i = seq & mask;
        T old = (T) values[i];
        seqs[i] = seq;
        values[i] = value;
        if (old == null) {
            size++;
        }
        return old;
    }

    /** Removes and returns the request with this sequence number, or null if there is none. */
    @SuppressWarnings("unchecked")
    public T remove(int seq) {
        int i = seq & mask;
        T v = (T) values[i];
        if (v == null || seqs[i] != seq) {
            return null;
        }
        values[i] = null;
        size--;
        return v;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Visits every outstanding request. */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<T> action) {
        if (size == 0) {
            return;
        }
        for (Object v : values) {
            if (v != null) {
                action.accept((T) v);
            }
        }
    }

    /** Removes every request that matches, passing each to {@code removed}. */
    @SuppressWarnings("unchecked")
    public void removeIf(java.util.function.Predicate<T> test, Consumer<T> removed) {
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
    }

    /** Removes everything, passing each to {@code removed}. */
    public void clear(Consumer<T> removed) {
        removeIf(v -> true, removed);
    }
}
