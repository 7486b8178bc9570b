package io.smsrouter.bench.load;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class IdTimeMapTest {

    @Test
    void shouldReturnWhatWasPutAndForgetWhatWasRemoved() {
        IdTimeMap m = new IdTimeMap(4);
        m.put("a", 1);
        m.put("b", 2);
        assertThat(m.remove("a")).isEqualTo(1);
        assertThat(m.remove("a")).isEqualTo(IdTimeMap.MISSING);
        assertThat(m.get("b")).isEqualTo(2);
        assertThat(m.size()).isEqualTo(1);
    }

    @Test
    void shouldBehaveLikeAHashMapUnderRandomPutsAndRemoves() {
        IdTimeMap m = new IdTimeMap(16);
        Map<String, Long> reference = new HashMap<>();
        Random r = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            String id = Integer.toHexString(r.nextInt(5_000));
            if (r.nextInt(3) == 0) {
                Long expected = reference.remove(id);
                assertThat(m.remove(id)).isEqualTo(expected == null ? IdTimeMap.MISSING : expected);
            } else {
                long v = r.nextInt(1_000_000);
                reference.put(id, v);
                m.put(id, v);
            }
            assertThat(m.size()).isEqualTo(reference.size());
        }
        for (Map.Entry<String, Long> e : reference.entrySet()) {
            assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
        }
    }
}
