package io.smsrouter.core.moderation;

/**
 * A decision about a held message: who made it, when and why. Every decision is journaled
 * before it takes effect.
 *
 * @param moderator who decided ({@code system} for an expiry)
 * @param reason    free text; empty when none was given
 */
public record ModerationDecision(long messageId, String accountId, Verdict verdict, String moderator,
                                 String reason, long atMs) {
}
