package io.smsrouter.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenLoopScheduleTest {

    @Test
    void shouldSpaceMessagesEvenlyFromTheStart() {
        OpenLoopSchedule s = new OpenLoopSchedule(1_000, 4);
        assertThat(s.intendedNanos(0)).isEqualTo(1_000);
        assertThat(s.intendedNanos(1)).isEqualTo(1_000 + 250_000_000);
        assertThat(s.intendedNanos(4)).isEqualTo(1_000 + 1_000_000_000);
        assertThat(s.intendedNanos(6)).isEqualTo(1_000 + 1_500_000_000);
    }

    @Test
    void shouldCountMessagesDueAtOrBeforeNow() {
        OpenLoopSchedule s = new OpenLoopSchedule(0, 4);
        assertThat(s.dueCount(-1)).isZero();
        assertThat(s.dueCount(0)).isEqualTo(1);
        assertThat(s.dueCount(249_999_999)).isEqualTo(1);
        assertThat(s.dueCount(250_000_000)).isEqualTo(2);
        assertThat(s.dueCount(1_000_000_000)).isEqualTo(5);
    }

    @Test
    void shouldAgreeWithIntendedTimesWhenTheRateDoesNotDivideASecond() {
        OpenLoopSchedule s = new OpenLoopSchedule(-123_456_789L, 7_001);
        for (long i = 0; i < 50_000; i += 13) {
            long t = s.intendedNanos(i);
            assertThat(s.dueCount(t)).as("due at message %d", i).isEqualTo(i + 1);
            if (t - 1 >= s.intendedNanos(i > 0 ? i - 1 : 0)) {
                assertThat(s.dueCount(t - 1)).isLessThanOrEqualTo(i);
            }
        }
    }

    @Test
    void shouldNotOverflowOnLongRunsAtHighRates() {
        OpenLoopSchedule s = new OpenLoopSchedule(0, 5_000_000);
        long hour = 3_600L * 5_000_000;
        assertThat(s.intendedNanos(hour)).isEqualTo(3_600_000_000_000L);
        assertThat(s.dueCount(3_600_000_000_000L)).isEqualTo(hour + 1);
    }

    @Test
    void shouldRefuseARateBelowOne() {
        assertThatThrownBy(() -> new OpenLoopSchedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
