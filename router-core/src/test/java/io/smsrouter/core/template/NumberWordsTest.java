package io.smsrouter.core.template;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NumberWordsTest {

    private static String render(String source, Object n) {
        return Template.compile("t", source).render(Map.of("n", n));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0             | ноль",
        "1             | один",
        "2             | два",
        "11            | одиннадцать",
        "21            | двадцать один",
        "101           | сто один",
        "1000          | одна тысяча",
        "2000          | две тысячи",
        "5000          | пять тысяч",
        "11000         | одиннадцать тысяч",
        "21000         | двадцать одна тысяча",
        "22000         | двадцать две тысячи",
        "1000000       | один миллион",
        "3000000       | три миллиона",
        "5000000       | пять миллионов",
        "2000000000    | два миллиарда",
        "1001001       | один миллион одна тысяча один",
        "999999999999  | девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять",
        "1000000000000 | один триллион",
        "-1            | минус один",
        "-21000        | минус двадцать одна тысяча",
    })
    void shouldSpellNumbersInRussian(long n, String words) {
        assertThat(render("{n | words:\"ru\"}", n)).isEqualTo(words);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0             | zero",
        "1             | one",
        "2             | two",
        "11            | eleven",
        "21            | twenty-one",
        "101           | one hundred one",
        "1000          | one thousand",
        "2000          | two thousand",
        "5000          | five thousand",
        "21000         | twenty-one thousand",
        "1000000       | one million",
        "2000000000    | two billion",
        "999999999999  | nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine",
        "-21           | minus twenty-one",
        "-1000000      | minus one million",
    })
    void shouldSpellNumbersInEnglish(long n, String words) {
        assertThat(render("{n | words:\"en\"}", n)).isEqualTo(words);
    }

    @Test
    void shouldUseTheGivenRussianGender() {
        assertThat(render("{n | words:\"ru\",\"f\"} штука", 21)).isEqualTo("двадцать одна штука");
        assertThat(render("{n | words:\"ru\",\"f\"}", 2)).isEqualTo("две");
        assertThat(render("{n | words:\"ru\",\"n\"} место", 1)).isEqualTo("одно место");
        // the gender applies to the units, never to the thousands, which are always feminine
        assertThat(render("{n | words:\"ru\",\"n\"}", 1001)).isEqualTo("одна тысяча одно");
    }

    @Test
    void shouldAcceptWholeNumbersInAnyJsonShape() {
        assertThat(render("{n | words:\"ru\"}", "21")).isEqualTo("двадцать один");
        assertThat(render("{n | words:\"ru\"}", 21.0)).isEqualTo("двадцать один");
        assertThat(render("{n | words:\"ru\"}", new BigDecimal("21.00"))).isEqualTo("двадцать один");
        assertThat(render("{n | words:\"en\"}", 21L)).isEqualTo("twenty-one");
    }

    @Test
    void shouldRefuseFractionsAndHugeNumbers() {
        assertThatThrownBy(() -> render("{n | words:\"ru\"}", 1.5))
                .hasMessage("template \"t\": line 1, column 6: filter \"words\": needs a whole number, got 1.5");
        assertThatThrownBy(() -> render("{n | words:\"ru\"}", new BigDecimal("1000000000000000000")))
                .hasMessageContaining("too large to spell out");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, ноль рублей 00 копеек",
        "1.01, один рубль 01 копейка",
        "123.45, сто двадцать три рубля 45 копеек",
        "1000, одна тысяча рублей 00 копеек",
        "2.999, три рубля 00 копеек",
        "-21.22, минус двадцать один рубль 22 копейки",
    })
    void shouldSpellRublesAndKopecks(String amount, String words) {
        assertThat(render("{n | money_words}", new BigDecimal(amount))).isEqualTo(words);
    }
}
