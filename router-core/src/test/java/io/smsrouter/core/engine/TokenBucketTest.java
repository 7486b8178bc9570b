package io.smsrouter.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    /** Nanosecond clock the test moves by hand. */
    private static final class Clock {
        long now = 123_456_789L;
    }

    /**
     * A sender that takes every token it can, waking when the bucket says plus up to 2 ms late,
     * with pauses of up to 3 s now and then (so the bucket fills up again), over 60 s.
     */
    private static List<Long> greedySends(TokenBucket bucket, Clock clock, long seed) {
        Random random = new Random(seed);
        List<Long> sends = new ArrayList<>();
        long end = clock.now + 60 * SECOND;
        while (clock.now < end) {
            if (bucket.tryAcquire()) {
                sends.add(clock.now);
                continue;
            }
            clock.now += bucket.nanosUntilAvailable() + random.nextInt(2_000_000);
            if (random.nextInt(500) == 0) {
                clock.now += random.nextInt(3_000_000) * 1_000L;
            }
        }
        return sends;
    }

    private static int busiestSecond(List<Long> sends) {
        int busiest = 0;
        for (int i = 0, j = 0; i < sends.size(); i++) {
            while (j < sends.size() && sends.get(j) < sends.get(i) + SECOND) {
                j++;
            }
            busiest = Math.max(busiest, j - i);
        }
        return busiest;
    }

    @Test
    void pacingNeverPutsMoreThanTheCeilingInAnySecondAndLosesLittle() {
        for (int ceiling : new int[] {1, 2, 7, 125, 500, 1000, 5000}) {
            Clock clock = new Clock();
            List<Long> sends = greedySends(TokenBucket.pacing(ceiling, () -> clock.now), clock, ceiling);
            assertThat(busiestSecond(sends)).as("ceiling %d", ceiling).isLessThanOrEqualTo(ceiling);

            // without pauses the long-run rate stays within 2% (and one message) of the ceiling
            Clock steady = new Clock();
            TokenBucket bucket = TokenBucket.pacing(ceiling, () -> steady.now);
            int sent = 0;
            long end = steady.now + 20 * SECOND;
            while (steady.now < end) {
                if (bucket.tryAcquire()) {
                    sent++;
                } else {
                    steady.now += bucket.nanosUntilAvailable();
                }
            }
            assertThat(sent / 20.0).as("ceiling %d", ceiling).isGreaterThanOrEqualTo(ceiling * 0.98 - 1);
        }
    }

    @Test
    void aBucketWithATenthOfASecondsBurstAtTheFullRateOvershootsTheSameCeiling() {
        // the construction operator binds used before: the sliding-second check above catches it
        Clock clock = new Clock();
        List<Long> sends = greedySends(new TokenBucket(500, 50, () -> clock.now), clock, 500);
        assertThat(busiestSecond(sends)).isGreaterThan(500);
    }
}
