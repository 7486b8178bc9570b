package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The boolean scan is on every message's path: once warm it must not allocate (a behaviour, not a timing). */
class AllocationTest {
    private static final String[] TEXTS = {
            "Ваш код подтверждения: 4821. Никому не сообщайте его.",
            "Your verification code is 582913. Do not share it.",
            "Играй в кaзинo онлайн и выигрывай! к а з и н о, к.а.з.и.н.о",
            "KA3ИHO и к4зино: 1xbet, ca$ino, ст4вка",               // ambiguous words: a second reading
            "Заказ №48213 передан в доставку 😀 𝐜𝐚𝐬𝐢𝐧𝐨 ﬁle straße ка\u200bзино",
            "финансовая-пирамида, быстрые деньги, Альфа Банк",
            "Доставка бесплатна при заказе от 2000 рублей. Ветер, better, alphabet.",
    };

    @Test
    void shouldNotAllocateOnTheBooleanScan() throws IOException {
        StopWordAutomaton words = StopWordAutomaton.build(StopWordList.load(Path.of("../conf/stopwords.txt")));
        char[][] arrays = new char[TEXTS.length][];
        StringBuilder[] builders = new StringBuilder[TEXTS.length];
        for (int i = 0; i < TEXTS.length; i++) {
            arrays[i] = ("  " + TEXTS[i] + "  ").toCharArray();
            builders[i] = new StringBuilder(TEXTS[i]);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        int hits = run(words, arrays, builders, 20_000); // warm-up: scratch grown, code compiled
        assertThat(hits).isPositive();
        long before = threads.getCurrentThreadAllocatedBytes();
        hits = run(words, arrays, builders, 10_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(hits).isPositive();
        assertThat(allocated).as("bytes allocated by 10,000 scans").isLessThan(1024);

        // control: the probe does see allocation (findAll builds its list and matches)
        before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            hits += words.findAll(TEXTS[i % TEXTS.length]).size();
        }
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isGreaterThan(10_000);
    }

    private static int run(StopWordAutomaton words, char[][] arrays, StringBuilder[] builders, int calls) {
        int hits = 0;
        for (int i = 0; i < calls; i++) {
            int k = i % TEXTS.length;
            boolean held = switch (i % 3) {
                case 0 -> words.matches(TEXTS[k]);
                case 1 -> words.matches(arrays[k], 2, arrays[k].length - 4);
                default -> words.matches(builders[k]);
            };
            if (held) {
                hits++;
            }
        }
        return hits;
    }
}
