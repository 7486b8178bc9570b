package io.smsrouter.smpp.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InflightWindowTest {

    @Test
    void shouldFindRemoveAndCountRequestsBySequenceNumber() {
        InflightWindow<String> w = new InflightWindow<>(8);
        assertThat(w.put(1, "a")).isNull();
        assertThat(w.put(2, "b")).isNull();
        assertThat(w.size()).isEqualTo(2);
        assertThat(w.remove(3)).isNull();
        assertThat(w.remove(1)).isEqualTo("a");
        assertThat(w.remove(1)).isNull();
        assertThat(w.size()).isEqualTo(1);
    }

    @Test
    void shouldNotConfuseSequenceNumbersThatShareASlot() {
        InflightWindow<String> w = new InflightWindow<>(8); // 64 slots
        w.put(5, "old");
        assertThat(w.remove(5 + 64)).isNull();
        assertThat(w.put(5 + 64, "new")).as("nothing was stored under this sequence number").isNull();
        assertThat(w.size()).isEqualTo(2);
        assertThat(w.remove(5 + 64)).isEqualTo("new");
        assertThat(w.remove(5 + 64)).isNull();
        assertThat(w.remove(5)).isEqualTo("old");
        assertThat(w.isEmpty()).isTrue();
    }

    /**
     * A peer that holds one request while it answers the hundreds sent after it: the held request
     * is still awaiting its answer when the sequence numbers come round to its slot, and must stay
     * (handing it back as unanswered made the caller send it again: a duplicate at the peer).
     */
    @Test
    void shouldKeepARequestTheOtherSideHoldsWhileItAnswersHundredsOfLaterOnes() {
        InflightWindow<Integer> w = new InflightWindow<>(4); // 64 slots
        assertThat(w.put(1, 1)).isNull();
        for (int seq = 2; seq <= 1_000; seq++) {
            assertThat(w.put(seq, seq)).as("put %d", seq).isNull();
            if (seq > 4) {
                assertThat(w.remove(seq - 3)).isEqualTo(seq - 3);
            }
        }
        assertThat(w.size()).isEqualTo(4);
        List<Integer> seen = new ArrayList<>();
        w.forEach(seen::add);
        assertThat(seen).containsExactlyInAnyOrder(1, 998, 999, 1_000);
        assertThat(w.remove(1)).isEqualTo(1);
        assertThat(w.remove(1)).isNull();
        for (int seq = 998; seq <= 1_000; seq++) {
            assertThat(w.remove(seq)).isEqualTo(seq);
        }
        assertThat(w.isEmpty()).isTrue();
    }

    @Test
    void shouldRemoveAndClearRequestsThatWentToTheOverflow() {
        InflightWindow<Integer> w = new InflightWindow<>(4); // 64 slots
        for (int seq : new int[]{1, 65, 129, 2, 66}) {
            w.put(seq, seq);
        }
        assertThat(w.size()).isEqualTo(5);
        List<Integer> removed = new ArrayList<>();
        w.removeIf(v -> v > 64, v -> {
            removed.add(v);
            w.put(v + 1_000, v + 1_000); // a consumer that queues and sends again meanwhile
        });
        assertThat(removed).containsExactlyInAnyOrder(65, 129, 66);
        assertThat(w.size()).isEqualTo(5);
        List<Integer> rest = new ArrayList<>();
        w.clear(rest::add);
        assertThat(rest).containsExactlyInAnyOrder(1, 2, 1_065, 1_129, 1_066);
        assertThat(w.isEmpty()).isTrue();
    }

    @Test
    void shouldWrapAroundTheSequenceNumberSpace() {
        InflightWindow<Integer> w = new InflightWindow<>(16);
        for (int seq = 0x7FFFFFF0; seq != 0x10; seq = seq == 0x7FFFFFFF ? 1 : seq + 1) {
            assertThat(w.put(seq, seq)).isNull();
            assertThat(w.remove(seq)).isEqualTo(seq);
        }
        assertThat(w.isEmpty()).isTrue();
    }

    @Test
    void shouldRemoveWhatMatchesAndClearTheRest() {
        InflightWindow<Integer> w = new InflightWindow<>(100);
        for (int i = 1; i <= 100; i++) {
            w.put(i, i);
        }
        List<Integer> removed = new ArrayList<>();
        w.removeIf(v -> v % 2 == 0, removed::add);
        assertThat(removed).hasSize(50).allMatch(v -> v % 2 == 0);
        assertThat(w.size()).isEqualTo(50);
        List<Integer> rest = new ArrayList<>();
        w.clear(rest::add);
        assertThat(rest).hasSize(50).allMatch(v -> v % 2 == 1);
        assertThat(w.isEmpty()).isTrue();
    }
}
