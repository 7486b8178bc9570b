package io.smsrouter.server.tools;

import java.util.function.IntConsumer;

/**
 * A map from long keys to byte values with no per-entry objects: two parallel arrays, open
 * addressing with linear probing, doubled past {@value #LOAD_PERCENT}% load. A slot costs 9
 * bytes, so an entry costs 13 to 26 bytes depending on where the last doubling left it: ten
 * million message ids take at most ~260 MB, where a {@code HashMap<Long, Byte>} needs ~60 bytes
 * an entry. Key {@code 0} is kept aside, since it marks a free slot. Not thread-safe; no removal.
 */
final class LongByteMap {
    private static final int LOAD_PERCENT = 70;

    private long[] keys;
    private byte[] values;
    private int mask;
    private int size;
    private int resizeAt;
    private boolean hasZero;
    private byte zeroValue;

    LongByteMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected * 100L / LOAD_PERCENT)) - 1) << 1;
        allocate(capacity);
    }

    /** The value for {@code key} (0..255), or -1 when there is none. */
    int get(long key) {
        if (key == 0) {
            return hasZero ? zeroValue & 0xFF : -1;
        }
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i] & 0xFF;
            }
            if (k == 0) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    void put(long key, int value) {
        if (key == 0) {
            if (!hasZero) {
                hasZero = true;
                size++;
            }
            zeroValue = (byte) value;
            return;
        }
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] = (byte) value;
                return;
            }
            if (k == 0) {
                keys[i] = key;
                values[i] = (byte) value;
                if (++size > resizeAt) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    /** Each value (0..255), in no particular order. */
    void forEachValue(IntConsumer action) {
        if (hasZero) {
            action.accept(zeroValue & 0xFF);
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                action.accept(values[i] & 0xFF);
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new byte[capacity];
        mask = capacity - 1;
        resizeAt = (int) (capacity * (long) LOAD_PERCENT / 100);
    }

    private void grow() {
        if (keys.length >= 1 << 30) {
            throw new IllegalStateException("more than " + resizeAt + " messages");
        }
        long[] oldKeys = keys;
        byte[] oldValues = values;
        allocate(keys.length << 1);
        for (int j = 0; j < oldKeys.length; j++) {
            long k = oldKeys[j];
            if (k != 0) {
                int i = slot(k);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = oldValues[j];
            }
        }
    }
}
