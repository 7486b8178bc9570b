package io.smsrouter.core.correlation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;

/**
 * Correlation on the heap with Caffeine: entries expire after the receipt validity (receipts can
 * come days late) and the map is bounded so a flood of unanswered messages cannot exhaust memory.
 */
public final class LocalReceiptCorrelator implements ReceiptCorrelator {
    private final Cache<Key, Correlation> cache;

    private record Key(String operatorId, String upstreamId) {
    }

    public LocalReceiptCorrelator(Duration validity, long maxEntries) {
        this.cache = Caffeine.newBuilder().executor(Runnable::run)
                .expireAfterWrite(validity)
                .maximumSize(maxEntries)
                .build();
    }

    @Override
    public void put(String operatorId, String upstreamId, Correlation correlation) {
        cache.put(new Key(operatorId, upstreamId), correlation);
    }

    @Override
    public Correlation get(String operatorId, String upstreamId) {
        return cache.getIfPresent(new Key(operatorId, upstreamId));
    }

    @Override
    public void remove(String operatorId, String upstreamId) {
        cache.invalidate(new Key(operatorId, upstreamId));
    }

    @Override
    public long size() {
        return cache.estimatedSize();
    }
}
