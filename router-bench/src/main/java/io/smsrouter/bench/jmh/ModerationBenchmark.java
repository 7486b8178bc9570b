package io.smsrouter.bench.jmh;

import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.StopWordList;
import org.ahocorasick.trie.Trie;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The moderation check on every message: {@link StopWordAutomaton#matches(CharSequence)} over a
 * list of {@code words} generated pseudo-words (Russian and Latin, one in ten whole-word) and
 * everyday text of {@code length} chars, innocent ({@code matchesInnocent}, the common case: the
 * whole text is scanned) or ending in a stop word ({@code matchesHitNearEnd}).
 *
 * <p>Baseline: {@code org.ahocorasick:ahocorasick} 0.6.3 ({@code ahoCorasick*}), a textbook
 * Aho-Corasick automaton, on the same words and texts lower-cased beforehand, with no
 * normalization and substring semantics: the cost of a plain multi-pattern scan without any of
 * the evasion handling.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ModerationBenchmark {
    private static final int TEXTS = 16;

    @Param({"100", "10000", "100000"})
    public int words;

    @Param({"160", "500", "1000"})
    public int length;

    private StopWordAutomaton automaton;
    private Trie baseline;
    private final String[] innocent = new String[TEXTS];
    private final String[] hit = new String[TEXTS];
    private final String[] innocentLower = new String[TEXTS];
    private final String[] hitLower = new String[TEXTS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> list = words(words, 42);
        automaton = StopWordAutomaton.build(StopWordList.parse("generated", String.join("\n", list)));
        List<String> plain = new ArrayList<>();
        for (String w : list) {
            plain.add(w.startsWith("=") ? w.substring(1) : w);
        }
        baseline = Trie.builder().addKeywords(plain).stopOnHit().build();
        Random random = new Random(7);
        for (int i = 0; i < TEXTS; i++) {
            innocent[i] = innocentText(length, random, automaton, baseline);
            String word = plain.get(random.nextInt(plain.size()));
            hit[i] = innocentText(length - word.length() - 1, random, automaton, baseline) + " " + word;
            innocentLower[i] = innocent[i].toLowerCase(Locale.ROOT);
            hitLower[i] = hit[i].toLowerCase(Locale.ROOT);
            check(!automaton.matches(innocent[i]) && automaton.matches(hit[i]), "automaton", hit[i]);
            check(!baseline.containsMatch(innocentLower[i]) && baseline.containsMatch(hitLower[i]), "baseline", hit[i]);
        }
    }

    private static void check(boolean ok, String who, String text) {
        if (!ok) {
            throw new IllegalStateException(who + " does not tell the generated texts apart: " + text);
        }
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (TEXTS - 1);
        return i;
    }

    @Benchmark
    public boolean matchesInnocent() {
        return automaton.matches(innocent[nextIndex()]);
    }

    @Benchmark
    public boolean matchesHitNearEnd() {
        return automaton.matches(hit[nextIndex()]);
    }

    @Benchmark
    public boolean ahoCorasickInnocent() {
        return baseline.containsMatch(innocentLower[nextIndex()]);
    }

    @Benchmark
    public boolean ahoCorasickHitNearEnd() {
        return baseline.containsMatch(hitLower[nextIndex()]);
    }

    // ---------------------------------------------------------------- generated data

    private static final String[] RU_CONSONANTS = {"б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с",
            "т", "ф", "х", "ц", "ч", "ш", "щ"};
    private static final String[] RU_VOWELS = {"а", "е", "и", "о", "у", "ы", "э", "ю", "я"};
    private static final String[] LATIN_CONSONANTS = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p",
            "q", "r", "s", "t", "v", "w", "x", "z"};
    private static final String[] LATIN_VOWELS = {"a", "e", "i", "o", "u", "y"};

    /** {@code n} distinct pseudo-words of 2 to 5 syllables, half Russian, half Latin, one in ten {@code =whole}. */
    public static List<String> words(int n, long seed) {
        Random r = new Random(seed);
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < n) {
            boolean russian = r.nextBoolean();
            String[] consonants = russian ? RU_CONSONANTS : LATIN_CONSONANTS;
            String[] vowels = russian ? RU_VOWELS : LATIN_VOWELS;
            StringBuilder w = new StringBuilder();
            int syllables = 2 + r.nextInt(4);
            for (int s = 0; s < syllables; s++) {
                w.append(consonants[r.nextInt(consonants.length)]).append(vowels[r.nextInt(vowels.length)]);
                if (r.nextInt(4) == 0) {
                    w.append(consonants[r.nextInt(consonants.length)]);
                }
            }
            out.add(r.nextInt(10) == 0 ? "=" + w : w.toString());
        }
        return new ArrayList<>(out);
    }

    private static final String[] EVERYDAY = ("Ваш код подтверждения никому не сообщайте его заказ передан в доставку "
            + "курьер приедет завтра с до запись к врачу подтверждена напоминаем оплатите счёт за электроэнергию "
            + "скидка на всё до воскресенья ждём вас в магазине посылка прибыла в отделение связи бонусы "
            + "спасибо за покупку оцените нас по ссылке мама позвони мне когда освободишься встретимся у метро "
            + "your verification code is do not share it package delivered reminder appointment tomorrow at "
            + "thank you for your order track it here table booked subscription renewed flight boarding gate "
            + "рублей руб. минут часов пункт выдачи адрес ул. Ленина дом срок хранения дней").split(" ");

    /** Everyday words and numbers, exactly {@code length} chars, none of them a stop word for either matcher. */
    static String innocentText(int length, Random r, StopWordAutomaton automaton, Trie baseline) {
        while (true) {
            String text = everydayText(length, r, automaton, baseline);
            // cutting the last word to length could make it a whole-word entry: draw again
            if (!automaton.matches(text) && !baseline.containsMatch(text.toLowerCase(Locale.ROOT))) {
                return text;
            }
        }
    }

    private static String everydayText(int length, Random r, StopWordAutomaton automaton, Trie baseline) {
        StringBuilder b = new StringBuilder(length + 16);
        while (b.length() < length) {
            String w = r.nextInt(6) == 0 ? String.valueOf(r.nextInt(100_000)) : EVERYDAY[r.nextInt(EVERYDAY.length)];
            if (automaton.matches(w) || baseline.containsMatch(w.toLowerCase(Locale.ROOT))
                    || baseline.containsMatch((b.length() == 0 ? "" : " ") + w.toLowerCase(Locale.ROOT))) {
                continue; // a generated word that happens to be real
            }
            if (b.length() > 0) {
                b.append(r.nextInt(8) == 0 ? ", " : " ");
            }
            b.append(w);
        }
        b.setLength(length);
        String text = b.toString();
        if (text.endsWith(" ") || text.endsWith(",")) {
            text = text.substring(0, length - 1) + ".";
        }
        return text;
    }
}
