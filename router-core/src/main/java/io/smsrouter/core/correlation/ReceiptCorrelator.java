package io.smsrouter.core.correlation;

/**
 * Maps an operator's message id back to ours, so that the operator's receipt can be matched.
 * Local (Caffeine) now; a shared implementation in cluster mode.
 */
public interface ReceiptCorrelator {

    void put(String operatorId, String upstreamId, Correlation correlation);

    /** The entry, or null when unknown or expired. */
    Correlation get(String operatorId, String upstreamId);

    void remove(String operatorId, String upstreamId);

    long size();
}
