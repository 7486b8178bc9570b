package io.smsrouter.core.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.MessageText;

import java.time.Duration;
import java.util.Map;

/**
 * One SMS per phone: per account, a window in which a message with the same sender and text to
 * the same number as an earlier one counts as its duplicate. Keys are 128-bit hashes of (account,
 * sender name ignoring case, the number's digits, the decoded text), so texts are not kept; an entry lives as long as its
 * account's window, and at most {@code maxEntries} are kept (the oldest go first past that).
 */
public final class DuplicateFilter {

    private record Key(long a, long b) {
    }

    private record First(long messageId, long atMs, long ttlNanos, long untilMs) {
    }

    /** Receives the filter's entries (see {@link #entries}). */
    public interface EntrySink {
        void entry(long keyA, long keyB, long messageId, long atMs, long untilMs);
    }

    /** Long enough for the longest SMPP text (message_payload up to 64 KB). */
    private static final ThreadLocal<char[]> TEXT = ThreadLocal.withInitial(() -> new char[65_536]);

    private final Map<String, Long> windowMs;
    private final Cache<Key, First> seen;

    /** @param windows each deduplicating account's window; accounts not in it are never deduplicated */
    public DuplicateFilter(Map<String, Duration> windows, long maxEntries) {
        this.windowMs = Map.copyOf(windows.entrySet().stream().filter(e -> !e.getValue().isZero())
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toMillis())));
        this.seen = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries)
                .expireAfter(new Expiry<Key, First>() {
                    @Override
                    public long expireAfterCreate(Key k, First v, long now) {
                        return v.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(Key k, First v, long now, long current) {
                        return v.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(Key k, First v, long now, long current) {
                        return current;
                    }
                }).build();
    }

    /** Whether the account's messages are deduplicated at all. */
    public boolean applies(String accountId) {
        return windowMs.containsKey(accountId);
    }

    /**
     * Records {@code m} as the first of its kind, or finds the first one sent within the window
     * before it (by acceptance time). Returns 0 when {@code m} is the first (and now recorded),
     * else the id of the first.
     */
    public long firstOf(Message m) {
        Long window = windowMs.get(m.accountId());
        if (window == null) {
            return 0;
        }
        long ttlMs = window - Math.max(0, System.currentTimeMillis() - m.acceptedAtMs());
        if (ttlMs <= 0) {
            return 0; // older than the window (read back from the journal): nothing to remember
        }
        First mine = new First(m.id(), m.acceptedAtMs(), ttlMs * 1_000_000L, m.acceptedAtMs() + window);
        First first = seen.asMap().compute(key(m), (k, old) ->
                old == null || m.acceptedAtMs() - old.atMs() >= window ? mine : old);
        return first.messageId() == m.id() ? 0 : first.messageId();
    }

    /** Forgets {@code m} if it is recorded as a first (its acceptance failed after all). */
    public void forget(Message m) {
        if (windowMs.containsKey(m.accountId())) {
            seen.asMap().computeIfPresent(key(m), (k, old) -> old.messageId() == m.id() ? null : old);
        }
    }

    /** Every entry still in its window (for a recovery checkpoint). */
    public void entries(EntrySink out) {
        long now = System.currentTimeMillis();
        seen.asMap().forEach((k, v) -> {
            if (v.untilMs() > now) {
                out.entry(k.a(), k.b(), v.messageId(), v.atMs(), v.untilMs());
            }
        });
    }

    /** An entry {@link #entries} gave, read back from a checkpoint (kept only until {@code untilMs}). */
    public void restore(long keyA, long keyB, long messageId, long atMs, long untilMs) {
        long ttlMs = untilMs - System.currentTimeMillis();
        if (ttlMs > 0) {
            seen.asMap().putIfAbsent(new Key(keyA, keyB), new First(messageId, atMs, ttlMs * 1_000_000L, untilMs));
        }
    }

    /** Recorded messages now (an estimate). */
    public long size() {
        return seen.estimatedSize();
    }

    private static Key key(Message m) {
        long a = 0x9E3779B97F4A7C15L;
        long b = 0xC2B2AE3D27D4EB4FL;
        a = mix(a, m.accountId());
        b = mix(b, m.accountId());
        String sender = m.source().toLowerCase(java.util.Locale.ROOT);
        a = mix(a, sender);
        b = mix(b, sender);
        String to = m.destination();
        for (int i = 0; i < to.length(); i++) {
            char c = to.charAt(i);
            if (c >= '0' && c <= '9') { // +7 916... and 7916... are one number
                a = step(a, c);
                b = step(b ^ 0x5bd1e995L, c);
            }
        }
        // the decoded text: the same words in GSM 7-bit, Latin-1 or UCS-2 are one text
        char[] buf = TEXT.get();
        int len = MessageText.decode(m.dataCoding(), m.esmClass(), m.shortMessage(), m.optionalParameters(), buf);
        for (int i = 0; i < len; i++) {
            a = step(a, buf[i]);
            b = step(b ^ 0x27d4eb2fL, buf[i]);
        }
        return new Key(fmix(a ^ len), fmix(b + len));
    }

    private static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = step(h, s.charAt(i));
        }
        return step(h, 0xFFFF); // a separator, so ("ab","c") and ("a","bc") differ
    }

    private static long step(long h, int v) {
        return (h ^ v) * 0x100000001B3L + (h >>> 29);
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
