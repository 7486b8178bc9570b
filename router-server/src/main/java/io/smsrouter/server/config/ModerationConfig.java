package io.smsrouter.server.config;

import java.nio.file.Path;

/**
 * Moderation ({@code moderation:} in {@code conf/router.yaml}); the mode is chosen per account,
 * see {@link AccountConfig#moderation()}.
 *
 * @param stopWords the stop-word file, absolute (a relative one in the file is resolved against the
 *                  working directory), known to exist when loaded; null when none is configured,
 *                  then {@code auto} moderation holds nothing
 */
public record ModerationConfig(Path stopWords) {

    /** No stop-word file, as if {@code moderation:} were left out. */
    public static ModerationConfig defaults() {
        return new ModerationConfig(null);
    }
}
