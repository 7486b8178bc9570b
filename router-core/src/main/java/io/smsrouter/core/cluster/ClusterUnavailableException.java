package io.smsrouter.core.cluster;

/**
 * The cluster's shared store (PostgreSQL in cluster mode) cannot take a change now; nothing was
 * changed. The HTTP API answers 503 {@code cluster_unavailable}, an operator's message is answered
 * with a temporary error so that it comes again. The message says what, never a secret.
 */
public class ClusterUnavailableException extends RuntimeException {
    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
