package io.smsrouter.server.config;

/**
 * The HTTP listener: the JSON API, the moderator page, {@code /metrics} and {@code /health}
 * ({@code http:} in {@code conf/router.yaml}).
 *
 * @param host address to listen on; default {@value #DEFAULT_HOST} (every interface)
 * @param port TCP port, 0..65535, 0 picks a free port; default {@value #DEFAULT_PORT}
 */
public record HttpConfig(String host, int port, int maxRecipients) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_RECIPIENTS = 10_000;

    public HttpConfig(String host, int port) {
        this(host, port, DEFAULT_MAX_RECIPIENTS);
    }

    /** Every key at its default, as if {@code http:} were left out. */
    public static HttpConfig defaults() {
        return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT);
    }
}
