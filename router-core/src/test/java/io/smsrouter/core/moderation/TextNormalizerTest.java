package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TextNormalizerTest {
    private static final List<String> TRICKY = List.of(
            "", " ", "  \t\n ", "a", "к", "$", "@", "4", "к 4 з и н о", "к . а", "1 2 3", "a b c d",
            "к а з и н о вулкан", "в к а з и н о", "а я в шоке", "М М М 2025", "x - y - z", "к. а. з. и. н. о.",
            "kазино", "казiно", "KAZiНО", "к4зино", "KA3ИHO", "ст4вка", "1xbet.com", "ca$ino", "ка$$а",
            "ﬁle straße æon", "𝐜𝐚𝐬𝐢𝐧𝐨 𝐊𝐀𝐙𝐈𝐍𝐎", "ка😀зино", "\uD800x\uDC00", "ка\u200bзи\u00adно",
            "заи\u0306м", "ммм.ммм бм.мммм", "кассса к.а.с.с.а", "i i i", "і і і", "ΚΑΖΙΝΟ", "код:1234",
            "Код 0000", "№5", "5G 4G-роутер 3-м", "Привет.Кредит", "«bet»", "bet.ru", "CTABKA дня", "𝐜𝟒𝐬𝐢𝐧𝐨", "i", "Wi-Fi iPhone казiно");

    @Test
    void shouldReadEachTextInOnePassAsTheWordByWordReferenceDoes() throws IOException {
        List<String> texts = new ArrayList<>(TRICKY);
        try (InputStream in = getClass().getResourceAsStream("/moderation/corpus.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#") && line.contains("\t")) {
                    texts.add(line.substring(line.indexOf('\t') + 1));
                }
            }
        }
        for (boolean track : new boolean[] {false, true}) {
            for (String text : texts) {
                CanonicalText c = new CanonicalText();
                c.trackOffsets = track;
                c.recordAll = true;
                char[] chars = ("##" + text + "##").toCharArray(); // a slice, not the whole array
                TextNormalizer.normalize(chars, 2, text.length(), c);
                Snapshot onePass = new Snapshot(c);
                boolean ambiguous = c.ambiguous;
                TextNormalizer.emit(c, false);
                assertThat(new Snapshot(c)).as("%s (offsets %s)", text, track).isEqualTo(onePass);
                assertThat(c.ambiguous).as(text).isEqualTo(ambiguous);
                // the second reading: in one pass, and word by word
                TextNormalizer.reread(c);
                Snapshot reread = new Snapshot(c);
                TextNormalizer.emit(c, true);
                assertThat(new Snapshot(c)).as("second reading of %s (offsets %s)", text, track).isEqualTo(reread);
                // and without recording every word
                CanonicalText lean = new CanonicalText();
                lean.trackOffsets = track;
                TextNormalizer.normalize(chars, 2, text.length(), lean);
                assertThat(new Snapshot(lean)).as(text).isEqualTo(onePass);
                assertThat(lean.ambiguous).as(text).isEqualTo(ambiguous);
                TextNormalizer.reread(lean);
                assertThat(new Snapshot(lean)).as("second reading of %s", text).isEqualTo(reread);
            }
        }
    }

    /** The runs as comparable values. */
    private record Snapshot(List<String> runs) {
        Snapshot(CanonicalText c) {
            this(describe(c));
        }

        private static List<String> describe(CanonicalText c) {
            List<String> out = new ArrayList<>();
            for (int r = 0; r < c.runs; r++) {
                String s = Integer.toHexString(c.run[r]);
                if ((c.flags(r) & CanonicalText.F_INNER) != 0) {
                    s += " inner " + c.innerStart[r];
                }
                if (c.trackOffsets && c.sym(r) != TextNormalizer.SPACE_SYMBOL) {
                    s += " " + Arrays.toString(new int[] {c.origStart[r], c.origInner[r], c.origFirstEnd[r], c.origEnd[r]});
                }
                out.add(s);
            }
            return out;
        }
    }

    @Test
    void shouldReadAmbiguousWordsBothWays() {
        assertThat(TextNormalizer.canonical("к4зино", false)).isEqualTo("|кчзино");
        assertThat(TextNormalizer.canonical("к4зино", true)).isEqualTo("|казино");
        assertThat(TextNormalizer.canonical("KA3ИHO", false)).isEqualTo("|каеино");
        assertThat(TextNormalizer.canonical("KA3ИHO", true)).isEqualTo("|казино");
        assertThat(TextNormalizer.canonical("код 34 к34", true)).isEqualTo("|код |34 |кеа");
    }

    @Test
    void shouldReadDigitsAmongMathematicalLettersAsLetters() {
        assertThat(TextNormalizer.canonical("𝐜𝟒𝐬𝐢𝐧𝐨", false)).isEqualTo(TextNormalizer.canonical("casino", false));
    }

    @Test
    void shouldMergeThreeOrMoreOneLetterWordsOnly() {
        assertThat(TextNormalizer.canonical("к а з и н о", false)).isEqualTo("|к|а|з|и|н|о");
        assertThat(TextNormalizer.canonical("в к а з и н о", false)).isEqualTo("|в|к|а|з|и|н|о");
        assertThat(TextNormalizer.canonical("я и ты", false)).isEqualTo("|я |и |ты");
        assertThat(TextNormalizer.canonical("а я в шоке", false)).isEqualTo("|а|я|в |шоке");
        assertThat(TextNormalizer.canonical("рак азино", false)).isEqualTo("|рак |азино");
    }
}
