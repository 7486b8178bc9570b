package io.smsrouter.core.moderation;

import java.util.List;

/**
 * The held messages, oldest first. The embedded router keeps them in memory (rebuilt from the
 * journal at start); a cluster puts the same interface on a shared store.
 *
 * <p>{@link #take} is the only way out of the queue and is atomic, so two moderators deciding
 * about the same message at once cannot both win.
 */
public interface ModerationQueue {

    void add(HeldMessage message);

    /** Removes and returns the message, or null when it is not (or no longer) held. */
    HeldMessage take(long messageId);

    HeldMessage get(long messageId);

    /** A snapshot, oldest first. */
    List<HeldMessage> list();

    /** The oldest held message, or null. */
    HeldMessage oldest();

    int size();

    /** Remembers a decision for the moderators' "recently decided" list. */
    void recordDecision(ModerationDecision decision);

    /** The latest decisions, newest first. */
    List<ModerationDecision> recentDecisions(int max);
}
