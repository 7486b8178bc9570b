package io.smsrouter.core.cluster;

import io.smsrouter.core.message.Message;

/**
 * Scheduled messages (and promo messages waiting for their sending window) kept where every node
 * of a cluster finds them, so that they go out on time whichever node died: when one is due,
 * exactly one live node claims it and hands it to its operator's share. The engine uses it
 * instead of its own memory when the cluster link offers one ({@code Engine.ClusterLink#schedule}).
 */
public interface SharedSchedule {

    /** A message waiting for its time: {@code dueMs} epoch ms. */
    record Entry(Message message, String operatorId, long dueMs) {
    }

    /**
     * Adds a message accepted in the calling thread's batch; it is stored, with the batch's other
     * messages, by the link's {@code flush}, which throws when it could not be, and marks it
     * shipped in the journal when it is.
     */
    void add(Message m, String operatorId, long dueMs);

    /** Stores a message now (outside a batch: recovery, a replaced message); throws when it cannot. */
    void put(Message m, String operatorId, long dueMs);

    /**
     * Removes and returns the account's waiting message, or null when it is not waiting any more
     * (sent, cancelled) or not the account's. Throws when the store cannot answer.
     */
    Entry take(String accountId, long messageId);

    /** When the message is due (epoch ms), 0 when it is not waiting. */
    long dueOf(long messageId);

    /** About how many wait (refreshed every second or so). */
    long size();

    /**
     * False when the store is down (as last seen, within a fraction of a second): a message that
     * must wait is then refused with a temporary error instead of being accepted.
     */
    default boolean available() {
        return true;
    }
}
