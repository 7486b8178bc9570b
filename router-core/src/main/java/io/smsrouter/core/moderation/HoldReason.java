package io.smsrouter.core.moderation;

/** Why a message waits for a moderator. */
public enum HoldReason {
    /** the account's mode is {@code manual}: every message is held */
    MANUAL,
    /** the account's mode is {@code auto} and the text or the sender name has a stop word */
    STOP_WORD
}
