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
        assertThat(w.put(5 + 64, "new")).as("the stale request is handed back").isEqualTo("old");
        assertThat(w.size()).isEqualTo(1);
        assertThat(w.remove(5 + 64)).isEqualTo("new");
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
