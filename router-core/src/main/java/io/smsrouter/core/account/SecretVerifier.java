package io.smsrouter.core.account;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Verifies presented secrets against configured ones at most once per process: a success is
 * remembered under an HMAC-SHA256 of the presented secret (and its scope, such as the account it
 * was checked for) keyed with a random key made at start, so a repeat costs one HMAC and a map
 * lookup (about a microsecond) however slow the configured hash is, and the map holds no secret
 * (nor anything that could be checked offline without the key, which never leaves the process).
 *
 * <p>Failures are never remembered. Slow checks (a PBKDF2 hash) run on one daemon thread with a
 * queue of {@value #QUEUE} tasks, never on an event loop: a flood of wrong secrets costs at most that
 * thread's core, and when the queue is full a check is refused at once
 * ({@link RejectedExecutionException}) rather than waiting. Per-address failure limits
 * ({@link FailureLimiter}) keep one address from filling it.
 */
public final class SecretVerifier {

    static final int QUEUE = 32;
    /** Positive results only: one per account and key, so this is never reached in practice. */
    private static final int MAX_REMEMBERED = 100_000;

    private final ConcurrentHashMap<Digest, Object> verified = new ConcurrentHashMap<>();
    private final ThreadLocal<Mac> macs;
    private final ThreadPoolExecutor slow;

    private record Digest(long a, long b, long c, long d) {
    }

    public SecretVerifier() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
            }
        });
        this.slow = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "secret-verifier");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        slow.allowCoreThreadTimeOut(true);
    }

    private Digest digest(String scope, String presented) {
        Mac mac = macs.get();
        mac.update(scope.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        byte[] h = mac.doFinal((presented == null ? "" : presented).getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.wrap(h);
        return new Digest(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    /** What {@code presented} was verified as in {@code scope}, or null when it never was. */
    @SuppressWarnings("unchecked")
    public <T> T verified(String scope, String presented) {
        return (T) verified.get(digest(scope, presented));
    }

    /** Remembers a successful verification (only ever call it after one). */
    public void remember(String scope, String presented, Object what) {
        if (verified.size() < MAX_REMEMBERED) {
            verified.put(digest(scope, presented), what);
        }
    }

    /**
     * Runs a slow check on the verifier thread; the future completes there with its result, or
     * exceptionally with {@link RejectedExecutionException} at once when the queue is full.
     */
    public <T> CompletableFuture<T> submit(Supplier<T> check) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            slow.execute(() -> {
                try {
                    f.complete(check.get());
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Checks waiting or running on the verifier thread. */
    public int pending() {
        return slow.getQueue().size() + slow.getActiveCount();
    }
}
