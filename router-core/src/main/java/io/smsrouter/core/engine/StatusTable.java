package io.smsrouter.core.engine;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latest status of the most recent messages, for query_sm and the status API. Message ids are
 * consecutive, so a slot array indexed by {@code id & mask} holds the last {@code capacity}
 * messages with one array write per update: no hashing, no eviction bookkeeping, no lock (a
 * bounded cache with these properties cost a thread wake-up and a lock per message). A slot is
 * reused by the message {@code capacity} ids later; a lookup checks the id, so an old id is
 * reported unknown, never as another message's status.
 */
final class StatusTable {
    private final AtomicReferenceArray<MessageStatus> slots;
    private final int mask;

    StatusTable(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPowerOfTwo);
        }
        this.slots = new AtomicReferenceArray<>(capacityPowerOfTwo);
        this.mask = capacityPowerOfTwo - 1;
    }

    /** Also told every status put (a cluster's shared store of statuses), or null. */
    private volatile java.util.function.Consumer<MessageStatus> also;

    void also(java.util.function.Consumer<MessageStatus> c) {
        this.also = c;
    }

    void put(MessageStatus s) {
        slots.set((int) (s.messageId() & mask), s);
        java.util.function.Consumer<MessageStatus> c = also;
        if (c != null) {
            c.accept(s);
        }
    }

    /** Every status held now (for a checkpoint; a slot written meanwhile may be seen either way). */
    void forEach(java.util.function.Consumer<MessageStatus> out) {
        for (int i = 0; i < slots.length(); i++) {
            MessageStatus s = slots.get(i);
            if (s != null) {
                out.accept(s);
            }
        }
    }

    MessageStatus get(long messageId) {
        MessageStatus s = slots.get((int) (messageId & mask));
        return s != null && s.messageId() == messageId ? s : null;
    }
}
