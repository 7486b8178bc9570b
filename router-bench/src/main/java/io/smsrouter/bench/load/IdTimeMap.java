package io.smsrouter.bench.load;

/**
 * Message id to a time stamp, for one thread: open addressing with linear probing and
 * backward-shift deletion, so that the millions of puts and removes of a run allocate nothing but
 * the occasional larger table (no boxed {@code Long}, no entry objects).
 */
final class IdTimeMap {
    /** Returned by {@link #remove} when the id is not in the map; never stored. */
    static final long MISSING = Long.MIN_VALUE;

    private String[] keys;
    private long[] values;
    private int mask;
    private int size;
    private int resizeAt;

    IdTimeMap(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2 - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new String[capacity];
        values = new long[capacity];
        mask = capacity - 1;
        resizeAt = capacity / 2;
    }

    int size() {
        return size;
    }

    /** Adds or replaces the value of {@code id}. */
    void put(String id, long value) {
        if (value == MISSING) {
            throw new IllegalArgumentException("MISSING cannot be stored");
        }
        int i = slot(id);
        String k;
        while ((k = keys[i]) != null) {
            if (k.equals(id)) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = id;
        values[i] = value;
        if (++size > resizeAt) {
            grow();
        }
    }

    /** The value of {@code id}, or {@link #MISSING}. */
    long get(String id) {
        int i = slot(id);
        String k;
        while ((k = keys[i]) != null) {
            if (k.equals(id)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return MISSING;
    }

    /** Removes {@code id} and returns its value, or {@link #MISSING} if it was not there. */
    long remove(String id) {
        int i = slot(id);
        String k;
        while ((k = keys[i]) != null) {
            if (k.equals(id)) {
                long v = values[i];
                deleteAt(i);
                return v;
            }
            i = (i + 1) & mask;
        }
        return MISSING;
    }

    private void deleteAt(int hole) {
        size--;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            String k = keys[j];
            if (k == null) {
                break;
            }
            int home = slot(k);
            // entry j may move into the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                keys[hole] = k;
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = null;
    }

    private void grow() {
        String[] oldKeys = keys;
        long[] oldValues = values;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private int slot(String id) {
        int h = id.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
