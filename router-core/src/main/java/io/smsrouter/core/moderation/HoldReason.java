package io.smsrouter.core.moderation;

/** Why a message waits for a moderator. */
public enum HoldReason {
    /** the account's mode is {@code manual}: every message is held */
    MANUAL,
    /** the account's mode is {@code auto} and the text or the sender name has a stop word */
    STOP_WORD,
    /**
     * another part of the same concatenated message is held (or a stop word spans the boundary
     * between this part and its neighbour), so that a long message is not delivered in pieces
     */
    PART
}
