package io.smsrouter.core.moderation;

import java.util.List;

/**
 * The held messages, oldest first. The embedded router keeps them in memory (rebuilt from the
 * journal at start); a cluster puts the same interface on a shared store.
 *
 * <p>{@link #take} is the only way out of the queue and is atomic, so two moderators deciding
 * about the same message at once cannot both win.
 *
 * <p>A {@linkplain #shared() shared} queue (a cluster's, in PostgreSQL) may keep what {@link #take}
 * returned claimed until the same thread ends the claim: {@link #recordDecision} for that message
 * (decided), {@link #add} (given back, or replaced by a new version), or {@link #removed}
 * (cancelled by its client). The engine always ends a claim in one of these ways.
 */
public interface ModerationQueue {

    void add(HeldMessage message);

    /**
     * Adds several at once (one round trip for a shared queue). Throws when they could not be
     * kept; then none of them is held.
     */
    default void addAll(List<HeldMessage> messages) {
        for (int i = 0, n = messages.size(); i < n; i++) {
            add(messages.get(i));
        }
    }

    /**
     * True when the queue lives outside this process and outlives it (a cluster's store, where
     * every node sees it): this node's journal need not carry held messages forward, and a node
     * may decide about a message another node accepted.
     */
    default boolean shared() {
        return false;
    }

    /**
     * False when the queue cannot take a message now (its store is down): a message that must be
     * held is then refused with a temporary error instead of being accepted.
     */
    default boolean available() {
        return true;
    }

    /** A message {@link #take}n for its client's cancel left for good, without a moderator's decision. */
    default void removed(long messageId) {
    }

    /** Removes and returns the message, or null when it is not (or no longer) held. */
    HeldMessage take(long messageId);

    HeldMessage get(long messageId);

    /** A snapshot, oldest first. */
    List<HeldMessage> list();

    /** The oldest held message, or null. */
    HeldMessage oldest();

    int size();

    /**
     * When the oldest held message was held (epoch ms), 0 when none is; for gauges: a shared queue
     * answers from its last refresh, without a round trip.
     */
    default long oldestHeldAtMs() {
        HeldMessage h = oldest();
        return h == null ? 0 : h.heldAtMs();
    }

    /** Remembers a decision for the moderators' "recently decided" list. */
    void recordDecision(ModerationDecision decision);

    /** The latest decisions, newest first. */
    List<ModerationDecision> recentDecisions(int max);
}
