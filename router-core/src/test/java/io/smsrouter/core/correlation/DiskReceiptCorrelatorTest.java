package io.smsrouter.core.correlation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DiskReceiptCorrelatorTest {
    @TempDir
    Path dir;

    private static Correlation c(long id, long submitTimeMs) {
        return new Correlation(id, "shop", 5, 0, "Shop", 1, 1, "7916" + id, 1, submitTimeMs,
                ("text " + id).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static long segments(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void shouldFindEntriesAfterARestartWithoutTheHeapHoldingThemAll() throws Exception {
        long now = System.currentTimeMillis();
        try (DiskReceiptCorrelator store = new DiskReceiptCorrelator(dir, Duration.ofHours(72), 100)) {
            for (int i = 0; i < 20_000; i++) {
                store.put(i % 2 == 0 ? "opA" : "opB", "up-" + i, c(i, now));
            }
            assertThat(store.hotSize()).as("entries on the heap").isLessThanOrEqualTo(200);
            assertThat(store.size()).as("pushed out of the heap to disk").isBetween(19_800L, 20_000L);
            Correlation old = store.get("opA", "up-0");
            assertThat(old).as("an entry long evicted from the heap").isNotNull();
            assertThat(old.messageId()).isZero();
            assertThat(old.destination()).isEqualTo("79160");
            assertThat(new String(old.textStart(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("text 0");
            assertThat(store.get("opB", "up-0")).as("same upstream id, other operator").isNull();
            store.remove("opA", "up-2");
            assertThat(store.get("opA", "up-2")).isNull();
        }
        try (DiskReceiptCorrelator again = new DiskReceiptCorrelator(dir, Duration.ofHours(72), 100)) {
            assertThat(again.hotSize()).isZero();
            assertThat(again.get("opB", "up-19999").messageId()).isEqualTo(19_999);
            assertThat(again.get("opA", "up-4").messageId()).isEqualTo(4);
            assertThat(again.get("opA", "up-2")).as("removed before the restart").isNull();
            assertThat(again.get("opA", "nope")).isNull();
        }
    }

    @Test
    void shouldForgetEntriesOlderThanTheValidityAndDeleteTheirSegments() throws Exception {
        long now = System.currentTimeMillis();
        // one entry on the heap: each put pushes the previous one to disk
        // a validity far above the pauses of a loaded machine (300 ms failed under a load of 11)
        try (DiskReceiptCorrelator store = new DiskReceiptCorrelator(dir, Duration.ofMillis(3000), 1,
                Duration.ofHours(1), 100)) {
            store.put("opA", "stale", c(1, now - 10_000));
            assertThat(store.get("opA", "stale")).as("submitted before the validity").isNull();
            store.put("opA", "a", c(2, now));
            store.put("opA", "a2", c(5, now));
            store.put("opA", "a3", c(8, now)); // "a" two generations back: written, to a first segment
            Thread.sleep(150);
            store.put("opA", "b", c(3, System.currentTimeMillis())); // "a2" written, to a second one
            store.put("opA", "b2", c(6, System.currentTimeMillis()));
            assertThat(store.segmentCount()).isEqualTo(2);
            assertThat(store.get("opA", "a").messageId()).as("read from disk").isEqualTo(2);
            Thread.sleep(3200);
            store.put("opA", "c", c(4, System.currentTimeMillis()));
            store.put("opA", "c2", c(7, System.currentTimeMillis()));
            assertThat(store.segmentCount()).as("segments past the validity are deleted").isLessThanOrEqualTo(2);
            assertThat(segments(dir)).isEqualTo(store.segmentCount());
            assertThat(store.get("opA", "c").messageId()).isEqualTo(4);
        }
    }

    @Test
    void shouldKeepEntriesWhoseReceiptCameSoonOffTheDisk() throws Exception {
        long now = System.currentTimeMillis();
        try (DiskReceiptCorrelator store = new DiskReceiptCorrelator(dir, Duration.ofHours(72), 10_000,
                Duration.ofMillis(200), 3_600_000)) {
            for (int i = 0; i < 1000; i++) {
                store.put("opA", "quick-" + i, c(i, now));
                store.remove("opA", "quick-" + i);
            }
            store.put("opA", "slow", c(5000, now));
            assertThat(store.size()).as("nothing on disk yet").isZero();
            Thread.sleep(150);
            store.put("opA", "other", c(5001, now)); // the generation of "slow" becomes old
            assertThat(store.size()).as("half of spillAfter on the heap is not enough").isZero();
            Thread.sleep(150);
            store.put("opA", "other2", c(5002, now)); // and retires, written by this put
            assertThat(store.size()).as("the entry that waited past spillAfter").isEqualTo(1);
            assertThat(store.get("opA", "slow").messageId()).isEqualTo(5000);
            assertThat(store.get("opA", "quick-1")).isNull();
            store.remove("opA", "slow");
            assertThat(store.get("opA", "slow")).as("removed from disk").isNull();
        }
    }

    /**
     * Four threads put, look up and remove while a heap of 64 entries rotates its generations and
     * writes retired ones to disk all the time: an entry is found from its put until its removal,
     * whether it is on the heap, on its way to disk or on disk, and not after its removal.
     */
    @Test
    void shouldFindEveryEntryWhileGenerationsRotateUnderConcurrentUse() throws Exception {
        long now = System.currentTimeMillis();
        try (DiskReceiptCorrelator store = new DiskReceiptCorrelator(dir, Duration.ofHours(72), 64)) {
            java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String op = "op" + t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 20_000; i++) {
                            store.put(op, "u" + i, c(i, now));
                            if (i >= 50) {
                                Correlation found = store.get(op, "u" + (i - 50));
                                assertThat(found).as("%s u%d before its removal", op, i - 50).isNotNull();
                                assertThat(found.messageId()).isEqualTo(i - 50);
                            }
                            if (i >= 100) {
                                store.remove(op, "u" + (i - 100));
                                assertThat(store.get(op, "u" + (i - 100))).as("%s u%d removed", op, i - 100).isNull();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(failures).isEmpty();
            assertThat(store.hotSize()).isLessThanOrEqualTo(64 + 4 * 64 + 100);
            for (int t = 0; t < 4; t++) {
                for (int i = 19_900; i < 20_000; i++) {
                    assertThat(store.get("op" + t, "u" + i)).as("op%d u%d, never removed", t, i).isNotNull();
                }
            }
        }
    }

    @Test
    void shouldOpenANewSegmentWhenOneIsFull() {
        long now = System.currentTimeMillis();
        try (DiskReceiptCorrelator store = new DiskReceiptCorrelator(dir, Duration.ofHours(72), 10)) {
            int n = DiskReceiptCorrelator.SLOTS / 10 * 7 + 100; // beyond one segment, plus the 10 on the heap
            for (int i = 0; i < n; i++) {
                store.put("opA", Integer.toString(i), c(i, now));
            }
            assertThat(store.segmentCount()).isEqualTo(2);
            assertThat(store.get("opA", "0").messageId()).isZero();
            assertThat(store.get("opA", Integer.toString(n - 1)).messageId()).isEqualTo(n - 1);
        }
    }
}
