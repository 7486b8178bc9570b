package io.smsrouter.server.config;

/**
 * Administration ({@code admin:} in {@code conf/router.yaml}).
 *
 * @param token                  bearer token for the admin and moderation endpoints and the moderator
 *                               page's login, plain or a hash from {@code scripts/hash-secret}
 *                               ({@code pbkdf2-sha256$...}); default {@value #DEFAULT_TOKEN}
 * @param sessionIdleSeconds     a moderator page session (the cookie given at login) ends after this
 *                               many seconds without a request, 1..86400; default
 *                               {@value #DEFAULT_SESSION_IDLE_SECONDS} (30 minutes). The open page polls
 *                               every 2 s, so this ends sessions of closed pages and sleeping laptops
 * @param sessionLifetimeSeconds a moderator page session ends this many seconds after its login,
 *                               whatever its use, 1..604800; default
 *                               {@value #DEFAULT_SESSION_LIFETIME_SECONDS} (12 hours)
 */
public record AdminConfig(String token, int sessionIdleSeconds, int sessionLifetimeSeconds) {

    public static final String DEFAULT_TOKEN = "change-me";
    public static final int DEFAULT_SESSION_IDLE_SECONDS = 1800;
    public static final int DEFAULT_SESSION_LIFETIME_SECONDS = 43_200;
    public static final int MAX_SESSION_IDLE_SECONDS = 86_400;
    public static final int MAX_SESSION_LIFETIME_SECONDS = 604_800;

    /** The token with sessions at their defaults. */
    public AdminConfig(String token) {
        this(token, DEFAULT_SESSION_IDLE_SECONDS, DEFAULT_SESSION_LIFETIME_SECONDS);
    }

    /** Every key at its default, as if {@code admin:} were left out. */
    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_TOKEN);
    }

    /** True while the token is still the shipped default, which anyone can read in the docs. */
    public boolean isDefaultToken() {
        return DEFAULT_TOKEN.equals(token);
    }

    @Override
    public String toString() {
        return "AdminConfig[token=***, sessionIdleSeconds=" + sessionIdleSeconds + ", sessionLifetimeSeconds="
                + sessionLifetimeSeconds + "]";
    }
}
