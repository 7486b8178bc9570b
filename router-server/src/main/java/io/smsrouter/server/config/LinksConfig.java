package io.smsrouter.server.config;

/**
 * Tracked short links of campaigns ({@code links:} in {@code conf/router.yaml}, SPEC §8).
 *
 * @param shortBase the public base of short links: a campaign with {@code trackLinks} replaces each
 *                  link of its text by {@code shortBase + "/" + code} (7 characters), and
 *                  {@code GET /l/{code}} of this router's HTTP listener must answer there (directly,
 *                  or through a proxy that maps the path). An absolute {@code http://} or
 *                  {@code https://} URL with a host, without user name, query or {@code #fragment},
 *                  of printable ASCII (an international domain in its {@code xn--} form), at most
 *                  {@value #MAX_SHORT_BASE_LENGTH} characters (each costs SMS length); a trailing
 *                  {@code /} is dropped. Default {@value #DEFAULT_SHORT_BASE}
 */
public record LinksConfig(String shortBase) {

    public static final String DEFAULT_SHORT_BASE = "http://127.0.0.1:8080/l";
    public static final int MAX_SHORT_BASE_LENGTH = 100;

    public LinksConfig {
        shortBase = shortBase == null ? DEFAULT_SHORT_BASE : shortBase;
    }

    /** Every key at its default, as if {@code links:} were left out. */
    public static LinksConfig defaults() {
        return new LinksConfig(null);
    }
}
