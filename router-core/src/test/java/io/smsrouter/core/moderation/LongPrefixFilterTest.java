package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prefix filter looks at up to six symbols of a word start: with many entries sharing their
 * first letters, of every length around six, and phrases whose spaces fall inside those six
 * symbols, it still skips only walks that cannot match.
 */
class LongPrefixFilterTest {
    private static final String[] SYLLABLES = {"ка", "зи", "но", "к", "а", "з", "ca", "si", "no", "сс", "о", "и",
            "1", "4", "$", "ё"};
    private static final String[] JOINERS = {" ", "-", ".", " ", "\u200b", "_"};

    @Test
    void shouldAnswerAsIfEveryWordStartWereWalked() {
        Random r = new Random(20261127);
        for (int round = 0; round < 40; round++) {
            List<String> entries = new ArrayList<>();
            for (int e = 0; e < 200; e++) {
                String word = word(r, 2 + r.nextInt(6));
                if (r.nextInt(3) == 0) {
                    word = word(r, 1 + r.nextInt(2)) + JOINERS[r.nextInt(2)] + word(r, 1 + r.nextInt(2))
                            + (r.nextBoolean() ? " " + word(r, 1 + r.nextInt(3)) : "");
                }
                if (word.chars().filter(Character::isLetter).count() >= 2) {
                    entries.add(r.nextInt(4) == 0 ? "=" + word : word);
                }
            }
            StopWordAutomaton filtered = StopWordAutomaton.build(StopWordList.parse("random", String.join("\n", entries)));
            StopWordAutomaton walked = filtered.unfiltered();
            for (int t = 0; t < 200; t++) {
                StringBuilder text = new StringBuilder();
                int words = 1 + r.nextInt(6);
                for (int w = 0; w < words; w++) {
                    String piece = r.nextInt(3) == 0 ? entries.get(r.nextInt(entries.size())).replace("=", "")
                            : word(r, 1 + r.nextInt(7));
                    if (r.nextInt(4) == 0) {
                        piece = piece.replace(' ', JOINERS[r.nextInt(JOINERS.length)].charAt(0));
                    }
                    if (r.nextInt(3) == 0 && piece.length() > 1) {
                        piece = piece.substring(0, 1 + r.nextInt(piece.length() - 1)); // cut short
                    }
                    text.append(piece).append(JOINERS[r.nextInt(JOINERS.length)]);
                }
                String s = text.toString();
                assertThat(filtered.matches(s)).as("%s in %s", entries, s).isEqualTo(walked.matches(s));
                assertThat(filtered.findAll(s)).as("%s in %s", entries, s).isEqualTo(walked.findAll(s));
            }
        }
    }

    @Test
    void shouldFindAPhraseEndingInAWordReadTheOtherWayOnlyOnTheSecondReading() {
        StopWordAutomaton words = StopWordAutomaton.build(StopWordList.parse("phrases",
                "быстрые казино\nочень быстрые деньги казино\n=ставка"));
        String filler = "Ваш заказ передан в доставку, курьер приедет завтра с 10 до 18. Спасибо за покупку! ";
        for (String tail : new String[] {"быстрые к4зино", "быстрые-к4зино", "очень быстрые деньги к4зино",
                "ст4вка", "ставка 1"}) {
            for (String text : new String[] {tail, filler + tail, filler + tail + " " + filler,
                    filler + "к4 " + filler + tail}) {
                assertThat(words.matches(text)).as(text).isTrue();
                assertThat(words.matches(text.toCharArray(), 0, text.length())).as(text).isTrue();
                assertThat(words.findAll(text)).as(text).hasSize(1);
            }
        }
        assertThat(words.matches(filler + "быстрые к4 зино " + filler + "ст4вки")).isFalse();
    }

    private static String word(Random r, int syllables) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < syllables; i++) {
            String s = SYLLABLES[r.nextInt(SYLLABLES.length)];
            b.append(r.nextInt(8) == 0 ? s.toUpperCase() : s);
        }
        return b.toString();
    }
}
