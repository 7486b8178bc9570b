package io.smsrouter.server.config;

/**
 * The HTTP listener: the JSON API, the moderator page, {@code /metrics} and {@code /health}
 * ({@code http:} in {@code conf/router.yaml}).
 *
 * @param host address to listen on; default {@value #DEFAULT_HOST} (every interface)
 * @param port TCP port, 0..65535, 0 picks a free port; default {@value #DEFAULT_PORT}
 * @param authFailuresPerIpPerMinute requests answered 401 (no or a wrong key or token) from one IPv4
 *             address or IPv6 /64 within a minute after which its requests (but /health and /metrics) are
 *             answered 429 with Retry-After, unchecked, until that minute is over; 0..1000000, 0 = no limit;
 *             default {@value #DEFAULT_AUTH_FAILURES_PER_IP_PER_MINUTE}
 * @param tls  HTTPS on a port of its own ({@code http.tls}, see {@link TlsConfig}; no {@code clientCa});
 *             the plain port keeps serving; null: no HTTPS
 */
public record HttpConfig(String host, int port, int maxRecipients, int authFailuresPerIpPerMinute, TlsConfig tls) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_RECIPIENTS = 10_000;
    public static final int DEFAULT_AUTH_FAILURES_PER_IP_PER_MINUTE = 20;

    public HttpConfig(String host, int port, int maxRecipients, int authFailuresPerIpPerMinute) {
        this(host, port, maxRecipients, authFailuresPerIpPerMinute, null);
    }

    /** The same listener with HTTPS beside it (null: none). */
    public HttpConfig withTls(TlsConfig newTls) {
        return new HttpConfig(host, port, maxRecipients, authFailuresPerIpPerMinute, newTls);
    }

    public HttpConfig(String host, int port, int maxRecipients) {
        this(host, port, maxRecipients, DEFAULT_AUTH_FAILURES_PER_IP_PER_MINUTE);
    }

    public HttpConfig(String host, int port) {
        this(host, port, DEFAULT_MAX_RECIPIENTS);
    }

    public HttpConfig withAuthFailuresPerIpPerMinute(int n) {
        return new HttpConfig(host, port, maxRecipients, n, tls);
    }

    /** Every key at its default, as if {@code http:} were left out. */
    public static HttpConfig defaults() {
        return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT);
    }
}
