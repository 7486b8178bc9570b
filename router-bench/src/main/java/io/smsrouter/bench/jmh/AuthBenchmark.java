package io.smsrouter.bench.jmh;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.account.Secret;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What authenticating an HTTP request by API key costs once its key is known (issue 9): the
 * router looks the presented key up by an HMAC-SHA256 under a per-process key
 * ({@link AccountRegistry#apiKeyAccount}), whether the key is configured plain or as a PBKDF2 hash
 * verified once before. 100 accounts, half of them with hashed keys (1,000 iterations here: the
 * lookup does not depend on them).
 *
 * <p>{@code hashedKnown}: a hashed key verified before; {@code plainKnown}: a plain key;
 * {@code unknown}: a wrong key (the fast answer "not known"; the slow check behind it is what
 * the per-address limit and the verifier's queue bound). Baseline {@code plainHashMap}: the
 * lookup the router did before, a HashMap keyed by the plain key (whose String.equals ends at
 * the first differing character, so its time said how much of a guess was right).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class AuthBenchmark {

    private AccountRegistry registry;
    private final Map<String, Account> byPlainKey = new HashMap<>();
    private String hashedKey;
    private String plainKey;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String key = "k-account-" + i + "-0123456789abcdef";
            String configured = i % 2 == 0 ? Secret.hash(key.toCharArray(), 1_000, random) : key;
            Account a = Account.of("acc" + i, "pw", configured, Moderation.NONE, 0, 4, List.of());
            accounts.add(a);
            byPlainKey.put(key, a);
        }
        registry = new AccountRegistry(accounts);
        hashedKey = "k-account-42-0123456789abcdef";
        plainKey = "k-account-43-0123456789abcdef";
        if (registry.verifyApiKey(hashedKey).get(10, TimeUnit.SECONDS) == null
                || registry.apiKeyAccount(plainKey) == null) {
            throw new IllegalStateException("keys not known after setup");
        }
    }

    @Benchmark
    public Account hashedKnown() {
        return registry.apiKeyAccount(hashedKey);
    }

    @Benchmark
    public Account plainKnown() {
        return registry.apiKeyAccount(plainKey);
    }

    @Benchmark
    public Account unknown() {
        return registry.apiKeyAccount("k-account-42-0123456789abcdeX");
    }

    @Benchmark
    public Account plainHashMap() {
        return byPlainKey.get(plainKey);
    }

    /** One PBKDF2 verification at the default iterations: the one-time cost of a hashed secret. */
    public static void main(String[] args) {
        String h = Secret.hash("secret1".toCharArray(), Secret.DEFAULT_ITERATIONS, new SecureRandom());
        Secret s = Secret.parse(h);
        for (int i = 0; i < 8; i++) {
            long t = System.nanoTime();
            boolean ok = s.matches("secret1");
            System.out.printf("PBKDF2-HMAC-SHA256, %d iterations: %.1f ms (%s)%n", Secret.DEFAULT_ITERATIONS,
                    (System.nanoTime() - t) / 1e6, ok);
        }
    }
}
