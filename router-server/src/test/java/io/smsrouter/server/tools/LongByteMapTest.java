package io.smsrouter.server.tools;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LongByteMapTest {

    @Test
    void keepsEveryValueAcrossGrowthIncludingKeyZeroAndNegativeKeys() {
        LongByteMap map = new LongByteMap(4);
        long base = 1_764_110_102_345_001L;
        for (int i = 0; i < 100_000; i++) {
            map.put(base + i, i & 0xFF);
        }
        map.put(0, 200);
        map.put(-5, 7);
        map.put(base, 255); // overwrite

        assertThat(map.size()).isEqualTo(100_002);
        assertThat(map.get(base)).isEqualTo(255);
        assertThat(map.get(base + 77_777)).isEqualTo(77_777 & 0xFF);
        assertThat(map.get(0)).isEqualTo(200);
        assertThat(map.get(-5)).isEqualTo(7);
        assertThat(map.get(base - 1)).isEqualTo(-1);
        assertThat(map.get(42)).isEqualTo(-1);
        AtomicLong sum = new AtomicLong();
        map.forEachValue(v -> sum.addAndGet(1));
        assertThat(sum.get()).isEqualTo(100_002);
    }

    @Test
    void agreesWithAHashMapOnRandomKeys() {
        LongByteMap map = new LongByteMap(16);
        java.util.HashMap<Long, Integer> ref = new java.util.HashMap<>();
        Random rnd = new Random(1);
        for (int i = 0; i < 50_000; i++) {
            long k = rnd.nextInt(20_000) * 1_000_003L;
            int v = rnd.nextInt(256);
            map.put(k, v);
            ref.put(k, v);
        }
        assertThat(map.size()).isEqualTo(ref.size());
        ref.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
    }
}
