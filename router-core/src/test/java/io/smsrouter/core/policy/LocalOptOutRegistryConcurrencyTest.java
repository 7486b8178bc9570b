package io.smsrouter.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers check entries that never change while a writer adds and removes others around them:
 * new numbers (several resizes a round), and other scopes of the very same numbers (a slot turns
 * into an overflow and back). No reader may ever see a wrong answer.
 */
class LocalOptOutRegistryConcurrencyTest {
    private static final int STABLE = 20_000;
    private static final int CHURN = 150_000;
    private static final int ROUNDS = 4;
    private static final int READERS = 3;

    private volatile LocalOptOutRegistry current;
    private volatile boolean done;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNeverGiveAWrongAnswerWhileEntriesAreAddedRemovedAndTheTableGrows() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        Set<Long> used = new HashSet<>();
        long[] stable = distinctNumbers(random, STABLE, used);
        int[] kinds = new int[STABLE];
        for (int i = 0; i < STABLE; i++) {
            kinds[i] = random.nextInt(3);
        }
        long[] churn = distinctNumbers(random, CHURN, used);
        long[] absent = distinctNumbers(random, STABLE, used);

        current = filled(stable, kinds);
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong checks = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            int offset = r * 997;
            Thread t = new Thread(() -> {
                long n = 0;
                while (!done && failure.get() == null) {
                    LocalOptOutRegistry registry = current;
                    for (int j = 0; j < 1000; j++, n++) {
                        int i = (int) ((n + offset) % STABLE);
                        OptOut o = LocalOptOutRegistryTest.optOut(kinds[i], i, stable[i]);
                        if (!registry.isOptedOut(o.accountId() == null ? "anyone" : o.accountId(),
                                o.sender() == null ? "anyName" : o.sender().toUpperCase(), o.msisdn())) {
                            failure.compareAndSet(null, "stable entry not found: " + o);
                        }
                        // "writer" is the account the churn uses on stable numbers; "ghost" is nobody's
                        if (kinds[i] != 0 && registry.isOptedOut("ghost", "ghost", o.msisdn())) {
                            failure.compareAndSet(null, "ghost found on a stable number: " + o);
                        }
                        if (registry.isOptedOut("ghost", "ghost", Long.toString(absent[i]))) {
                            failure.compareAndSet(null, "absent number found: " + absent[i]);
                        }
                        if (registry.isOptedOut("ghost", "ghost", Long.toString(churn[(int) (n % CHURN)]))) {
                            failure.compareAndSet(null, "ghost found on a churned number: " + churn[(int) (n % CHURN)]);
                        }
                    }
                    checks.addAndGet(1000);
                }
            }, "optout-reader-" + r);
            t.start();
            readers.add(t);
        }

        int resizes = 0;
        for (int round = 0; round < ROUNDS && failure.get() == null; round++) {
            LocalOptOutRegistry registry = current;
            int capacity = registry.capacity();
            for (int i = 0; i < CHURN; i++) {
                registry.add(OptOut.sender("writer", "w" + (i % 5), Long.toString(churn[i]), i, "api"));
                if (i < STABLE) {
                    // a second scope on a stable number: its slot becomes an overflow
                    registry.add(OptOut.sender("writer", "w", Long.toString(stable[i]), i, "api"));
                }
                if (registry.capacity() != capacity) {
                    capacity = registry.capacity();
                    resizes++;
                }
            }
            for (int i = 0; i < CHURN; i++) {
                assertThat(registry.remove("writer", "W" + (i % 5), Long.toString(churn[i]))).isTrue();
                if (i < STABLE) {
                    assertThat(registry.remove("writer", "w", Long.toString(stable[i]))).isTrue();
                }
            }
            assertThat(registry.size()).isEqualTo(STABLE);
            current = filled(stable, kinds); // a small table again, to grow it once more
        }
        done = true;
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(resizes).isGreaterThanOrEqualTo(ROUNDS * 3);
        assertThat(checks.get()).isGreaterThan(0);
    }

    private static LocalOptOutRegistry filled(long[] stable, int[] kinds) {
        LocalOptOutRegistry registry = new LocalOptOutRegistry();
        for (int i = 0; i < stable.length; i++) {
            registry.add(LocalOptOutRegistryTest.optOut(kinds[i], i, stable[i]));
        }
        return registry;
    }

    private static long[] distinctNumbers(SplittableRandom random, int n, Set<Long> used) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long number;
            do {
                number = 70_000_000_000L + random.nextLong(10_000_000_000L);
            } while (!used.add(number));
            out[i] = number;
        }
        return out;
    }
}
