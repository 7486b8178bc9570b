package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The trigram filter only skips walks that cannot match: the automaton answers as if it walked every word start. */
class PrefixFilterTest {
    private static final String[] SYLLABLES = {"ка", "зи", "но", "ст", "ав", "м", "мм", "ба", "нк", "де", "нь", "ги",
            "ca", "si", "no", "be", "t", "lo", "an", "о", "и", "й", "ё", "x", "1", "4"};
    private static final String[] SEPARATORS = {" ", " ", " ", "-", ".", "_", "\u200b", "😀", ", ", "  "};

    @Test
    void shouldAnswerAsIfEveryWordStartWereWalked() {
        Random r = new Random(20261126);
        for (int round = 0; round < 40; round++) {
            List<String> entries = new ArrayList<>();
            for (int e = 0; e < 30; e++) {
                String word = word(r, 1 + r.nextInt(3));
                if (r.nextInt(4) == 0) {
                    word = word(r, 1 + r.nextInt(2)) + (r.nextBoolean() ? " " : "-") + word; // phrases, joiners
                }
                entries.add(r.nextInt(4) == 0 ? "=" + word : word);
            }
            StopWordAutomaton filtered = StopWordAutomaton.build(StopWordList.parse("random", String.join("\n", entries)));
            StopWordAutomaton walked = filtered.unfiltered();
            for (int t = 0; t < 300; t++) {
                StringBuilder text = new StringBuilder();
                int words = 1 + r.nextInt(8);
                for (int w = 0; w < words; w++) {
                    String piece = r.nextInt(3) == 0 ? entries.get(r.nextInt(entries.size())).replace("=", "")
                            : word(r, 1 + r.nextInt(3));
                    if (r.nextInt(5) == 0) {
                        piece = String.join(" ", piece.split("")); // spaced out
                    }
                    text.append(piece).append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
                }
                String s = text.toString();
                assertThat(filtered.matches(s)).as("%s in %s", entries, s).isEqualTo(walked.matches(s));
                assertThat(filtered.findAll(s)).as("%s in %s", entries, s).isEqualTo(walked.findAll(s));
            }
        }
    }

    private static String word(Random r, int syllables) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < syllables; i++) {
            String s = SYLLABLES[r.nextInt(SYLLABLES.length)];
            b.append(r.nextInt(6) == 0 ? s.toUpperCase() : s);
        }
        return b.toString();
    }
}
