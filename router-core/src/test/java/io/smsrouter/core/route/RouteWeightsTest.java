package io.smsrouter.core.route;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteWeightsTest {

    private static Map<String, Integer> picks(Route r, int n, java.util.function.Predicate<String> usable) {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < n; i++) {
            count.merge(r.pickOperator(usable), 1, Integer::sum);
        }
        return count;
    }

    @Test
    void weightsSplitTrafficExactlyOverEachCycle() {
        Route r = new Route(null, null, null, List.of("opA", "opB"), List.of(70, 30));
        assertThat(picks(r, 10_000, null)).containsEntry("opA", 7_000).containsEntry("opB", 3_000);
        Route three = new Route(null, null, null, List.of("a", "b", "c"), List.of(5, 3, 2));
        assertThat(picks(three, 1_000, null)).containsEntry("a", 500).containsEntry("b", 300).containsEntry("c", 200);
    }

    @Test
    void sharesAreSpreadOutNotInLongBlocks() {
        Route r = new Route(null, null, null, List.of("opA", "opB"), List.of(1, 1));
        String previous = null;
        int longestRun = 0;
        int run = 0;
        for (int i = 0; i < 100; i++) {
            String op = r.pickOperator();
            run = op.equals(previous) ? run + 1 : 1;
            longestRun = Math.max(longestRun, run);
            previous = op;
        }
        assertThat(longestRun).isLessThanOrEqualTo(2);
    }

    @Test
    void anOperatorThatIsDownGetsNothingWhileAnotherIsUp() {
        Route r = new Route(null, null, null, List.of("opA", "opB", "opC"), List.of(50, 30, 20));
        Map<String, Integer> count = picks(r, 1_000, Set.of("opA", "opC")::contains);
        assertThat(count).doesNotContainKey("opB");
        // 50:20 of 1,000 is 714:286; 1,000 is not a whole number of 70-pick cycles, so within 70
        assertThat(count.get("opA")).isBetween(714 - 20, 714 + 20);
        assertThat(count.get("opA") + count.get("opC")).isEqualTo(1_000);
        assertThat(picks(r, 7_000, Set.of("opA", "opC")::contains)).containsEntry("opA", 5_000)
                .containsEntry("opC", 2_000);
    }

    @Test
    void withNoOperatorUpTheMessageStillGetsOneToWaitFor() {
        Route r = new Route(null, null, null, List.of("opA", "opB"), List.of(1, 1));
        assertThat(picks(r, 10, id -> false).keySet()).containsExactlyInAnyOrder("opA", "opB");
    }

    @Test
    void badWeightsAreRefused() {
        assertThatThrownBy(() -> new Route(null, null, null, List.of("a", "b"), List.of(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Route(null, null, null, List.of("a", "b"), List.of(1, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
