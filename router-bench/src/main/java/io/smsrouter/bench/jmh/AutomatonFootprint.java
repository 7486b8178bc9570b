package io.smsrouter.bench.jmh;

import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.StopWordList;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Build time and retained heap of a {@link StopWordAutomaton} of generated words (the
 * {@link ModerationBenchmark} ones), median of 5:
 * {@code java -cp router-bench/target/router-bench.jar io.smsrouter.bench.jmh.AutomatonFootprint [words]}.
 * Retained bytes: heap used after a full GC with the automaton alive, minus before it was built;
 * the parsed list is dropped first, the automaton keeps its own copy of the entries for reporting.
 */
public final class AutomatonFootprint {
    private AutomatonFootprint() {
    }

    public static void main(String[] args) {
        int words = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = 5;
        String text = String.join("\n", ModerationBenchmark.words(words, 42));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] parseMs = new long[rounds];
        long[] buildMs = new long[rounds];
        long[] retained = new long[rounds];
        StopWordAutomaton keep = null;
        for (int round = -2; round < rounds; round++) { // two rounds to warm up
            keep = null;
            long before = usedAfterGc(memory);
            long t0 = System.nanoTime();
            StopWordList list = StopWordList.parse("generated", text);
            long t1 = System.nanoTime();
            StopWordAutomaton automaton = StopWordAutomaton.build(list);
            long t2 = System.nanoTime();
            list = null;
            keep = automaton;
            long after = usedAfterGc(memory);
            if (round >= 0) {
                parseMs[round] = (t1 - t0) / 1_000_000;
                buildMs[round] = (t2 - t1) / 1_000_000;
                retained[round] = after - before;
            }
        }
        System.out.printf(Locale.ROOT, "%s from %d generated words%n", keep, words);
        System.out.printf(Locale.ROOT, "parse (with normalization) median %d ms, build median %d ms, retained median %.1f MB"
                        + " (%.1f bytes per entry, %.1f per node)%n", median(parseMs), median(buildMs),
                median(retained) / 1e6, median(retained) / (double) keep.size(), median(retained) / (double) keep.nodeCount());
        System.out.println("rounds: parse " + Arrays.toString(parseMs) + " ms, build " + Arrays.toString(buildMs)
                + " ms, retained " + Arrays.toString(retained) + " bytes");
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
