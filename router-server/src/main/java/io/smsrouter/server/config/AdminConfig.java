package io.smsrouter.server.config;

/**
 * Administration ({@code admin:} in {@code conf/router.yaml}).
 *
 * @param token bearer token for the admin and moderation endpoints and the moderator page;
 *              default {@value #DEFAULT_TOKEN}
 */
public record AdminConfig(String token) {

    public static final String DEFAULT_TOKEN = "change-me";

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
        return "AdminConfig[token=***]";
    }
}
