package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped stop-word list against a corpus of evasive spam and everyday SMS
 * (moderation/corpus.tsv): every spam text must be held and every everyday text must pass.
 */
class CorpusTest {
    private static final Pattern ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");

    private record Sample(boolean hold, String text, int line) {
    }

    @Test
    void shouldHoldEverySpamTextAndPassEveryEverydayOne() throws IOException {
        StopWordAutomaton words = StopWordAutomaton.build(StopWordList.load(Path.of("../conf/stopwords.txt")));
        List<Sample> corpus = corpus();
        int truePositives = 0;
        int falsePositives = 0;
        int falseNegatives = 0;
        int trueNegatives = 0;
        List<String> wrong = new ArrayList<>();
        for (Sample s : corpus) {
            boolean held = words.matches(s.text);
            assertThat(!words.findAll(s.text).isEmpty()).as("findAll agrees with matches: %s", s.text).isEqualTo(held);
            if (held && s.hold) {
                truePositives++;
            } else if (held) {
                falsePositives++;
                wrong.add("line " + s.line + " held but innocent: " + s.text + " " + words.findAll(s.text));
            } else if (s.hold) {
                falseNegatives++;
                wrong.add("line " + s.line + " missed: " + s.text);
            } else {
                trueNegatives++;
            }
        }
        double precision = truePositives / (double) Math.max(1, truePositives + falsePositives);
        double recall = truePositives / (double) Math.max(1, truePositives + falseNegatives);
        System.out.printf(Locale.ROOT, "corpus: %d spam, %d everyday; held %d of the spam, %d of the everyday;"
                        + " precision %.3f, recall %.3f%n", truePositives + falseNegatives,
                falsePositives + trueNegatives, truePositives, falsePositives, precision, recall);
        wrong.forEach(System.out::println);
        assertThat(truePositives + falseNegatives).as("spam samples").isGreaterThanOrEqualTo(60);
        assertThat(falsePositives + trueNegatives).as("everyday samples").isGreaterThanOrEqualTo(60);
        assertThat(wrong).as("precision %.3f, recall %.3f", precision, recall).isEmpty();
    }

    private static List<Sample> corpus() throws IOException {
        List<Sample> samples = new ArrayList<>();
        try (InputStream in = CorpusTest.class.getResourceAsStream("/moderation/corpus.tsv")) {
            assertThat(in).as("moderation/corpus.tsv on the test classpath").isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                String verdict = line.substring(0, tab);
                assertThat(verdict).as("verdict on line %d", i + 1).isIn("HOLD", "PASS");
                samples.add(new Sample(verdict.equals("HOLD"), unescape(line.substring(tab + 1)), i + 1));
            }
        }
        return samples;
    }

    private static String unescape(String s) {
        Matcher m = ESCAPE.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(b);
        return b.toString();
    }
}
