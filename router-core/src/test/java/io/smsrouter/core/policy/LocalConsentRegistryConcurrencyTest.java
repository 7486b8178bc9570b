package io.smsrouter.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers never lock: while writers record consents and withdrawals, readers on other threads
 * must never see an exception, never lose a consent that nothing withdraws, and once they saw a
 * withdrawal that nothing undoes, never see the consent again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalConsentRegistryConcurrencyTest {
    private static final long T = 1_780_000_000_000L;
    private static final int NUMBERS = 20_000;

    @Test
    void shouldGiveReadersAConsistentAnswerWhileWritersRecord() throws Exception {
        LocalConsentRegistry registry = new LocalConsentRegistry();
        AtomicLong ids = new AtomicLong();
        // stable: consent given before the readers start, never withdrawn
        for (int n = 0; n < 1000; n++) {
            registry.record(grant(ids.incrementAndGet(), "stable", stableNumber(n), T));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int writers = 2;
        int readers = 4;
        CountDownLatch written = new CountDownLatch(writers);
        // each writer gives a consent to its numbers, then withdraws it: "w<k>" accounts
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String account = "w" + w;
            threads.add(new Thread(() -> {
                try {
                    for (int n = 0; n < NUMBERS; n++) {
                        registry.record(grant(ids.incrementAndGet(), account, number(n), T + n));
                        registry.record(new Consent(ids.incrementAndGet(), false, account, null, number(n), "sms", "",
                                T + n + 1, T + n + 1, "api"));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    written.countDown();
                }
            }));
        }
        for (int r = 0; r < readers; r++) {
            int seed = r;
            threads.add(new Thread(() -> {
                try {
                    int i = seed;
                    while (!stop.get()) {
                        i = (i * 31 + 7) & 0x3FFFFFFF;
                        if (!registry.inForce("stable", "Shop", stableNumber(i % 1000))) {
                            throw new AssertionError("a consent nothing withdrew was not in force");
                        }
                        String n = number(i % NUMBERS);
                        registry.status("w1", n);
                        // the history is read first: once it shows the withdrawal, the answer must too
                        if (registry.history("w0", n).size() == 2 && registry.inForce("w0", "Shop", n)) {
                            throw new AssertionError("consent in force after its withdrawal was seen: " + n);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        threads.forEach(Thread::start);
        assertThat(written.await(50, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(registry.size()).isEqualTo(1000 + 2L * 2 * NUMBERS);
        assertThat(registry.lastId()).isEqualTo(ids.get());
        for (int n = 0; n < NUMBERS; n++) {
            assertThat(registry.inForce("w0", null, number(n))).isFalse();
            assertThat(registry.history("w1", number(n))).extracting(Consent::granted).containsExactly(true, false);
        }
    }

    private static Consent grant(long id, String account, String msisdn, long at) {
        return new Consent(id, true, account, null, msisdn, "web", "", at, at, "api");
    }

    private static String number(int n) {
        return Long.toString(79_000_000_000L + n);
    }

    private static String stableNumber(int n) {
        return Long.toString(78_000_000_000L + n);
    }
}
