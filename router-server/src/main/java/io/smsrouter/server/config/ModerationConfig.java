package io.smsrouter.server.config;

import java.nio.file.Path;

/**
 * Moderation ({@code moderation:} in {@code conf/router.yaml}); the mode is chosen per account,
 * see {@link AccountConfig#moderation()}.
 *
 * @param stopWords the stop-word file, absolute (a relative one in the file is resolved against the
 *                  working directory), known to exist when loaded; null when none is configured,
 *                  then {@code auto} moderation holds nothing
 * @param maxWaitSeconds how long a held message waits for a moderator before it expires
 *                       ({@code stat:EXPIRED})
 * @param maxHeld        how many messages may wait at once; past it, messages that would be held are
 *                       refused with ESME_RMSGQFUL (in cluster mode with {@code cluster.postgres}: all
 *                       the cluster's held messages, its one queue in PostgreSQL)
 */
public record ModerationConfig(Path stopWords, int maxWaitSeconds, int maxHeld) {
    public static final int DEFAULT_MAX_WAIT_SECONDS = 3600;
    public static final int DEFAULT_MAX_HELD = 100_000;

    /** No stop-word file, as if {@code moderation:} were left out. */
    public static ModerationConfig defaults() {
        return new ModerationConfig(null, DEFAULT_MAX_WAIT_SECONDS, DEFAULT_MAX_HELD);
    }
}
