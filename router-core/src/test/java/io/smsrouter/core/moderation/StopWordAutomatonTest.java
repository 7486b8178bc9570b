package io.smsrouter.core.moderation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class StopWordAutomatonTest {
    private static final StopWordAutomaton WORDS = StopWordAutomaton.build(StopWordList.parse("test", """
            # category: casino
            казино
            casino
            kazino
            =ставка
            =bet
            1xbet
            # category: credit
            кредит
            =займ
            касса
            акция
            # category: pyramid
            =ммм
            финансовая пирамида
            быстрые деньги
            # category: banks
            альфа-банк
            """));

    private static boolean held(String text) {
        return WORDS.matches(text);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "казино",
            "Играй в КАЗИНО сегодня",
            "казинo",                       // Latin o
            "kaзино",                       // Latin k, a
            "кaзинo",
            "к.а.з.и.н.о",
            "к-а-з-и-н-о",
            "каз-ино",
            "каз_ино",
            "к*а*з*и*н*о",
            "каз'ино",
            "ка.зино",
            "ка😀зино",                     // emoji inside the word
            "к а з и н о",
            "в к а з и н о",
            "к. а. з. и. н. о.",
            "кааазино",
            "каззззино",
            "ка\u200bзино",                 // zero-width space
            "ка\u00adзи\u2060но",           // soft hyphen, word joiner
            "ка\uFEFFзино",
            "ка́зи́но",                      // stress accents
            "к@зино",
            "к4зино",                       // 4 read as Latin a
            "KA3ИHO",                       // 3 read as Cyrillic з
            "казiно",                       // Latin i in a Cyrillic word
            "каз1но",                       // 1 read as и in a Cyrillic word
            "ка$$а",                        // $ read as с: касса
            "казинο",                       // Greek omicron
            "ΚΑΖΙΝΟ",                       // Greek capitals: kazino
            "casino",
            "CASINO night",
            "c a s i n o",
            "саsino",                       // Cyrillic с, а
            "ｃａｓｉｎｏ",                   // fullwidth
            "𝐜𝐚𝐬𝐢𝐧𝐨",                        // mathematical bold
            "ⓒⓐⓢⓘⓝⓞ",                     // circled
            "ca$ino",
            "c4sino",
            "cas1no",
            "kaz1no",                       // follows from kazino being listed
            "KAZINO",
            "1xbet",
            "1XBET.com",
            "Ставка на спорт",
            "CTABKA на спорт",              // all Latin capitals spelling a Russian word, in Russian text
            "ст4вка",
            "bet now",
            "BET",
            "b.e.t",
            "кредиты",
            "кредитный",
            "Привет.Кредит",
            "привет,кредит",
            "займ",
            "за\u0438\u0306м",              // й written as и + combining breve
            "ЗАЙМ до зарплаты",
            "касса",
            "кассса",
            "к.а.с.с.а",
            "акция",
            "ммм",
            "мммм",
            "м м м",
            "МММ",
            "финансовая пирамида",
            "Финансовая   пирамида!",
            "финансовая\nпирамида",
            "финансовая-пирамида",
            "быстрые деньги",
            "альфа-банк",
            "Альфа Банк",
            "альфабанк",
            "альфа.банк",
    })
    void shouldHoldEvasiveSpellings(String text) {
        assertThat(held(text)).as(text).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "",
            "Привет, как дела?",
            "транзакция",                   // акция inside a word
            "Транзакция одобрена",
            "доставка",                     // =ставка inside a word
            "Ваша доставка прибудет завтра",
            "ставкам",                      // =ставка is whole-word
            "ветер",                        // Cyrillic spelling of the skeleton of bet
            "вет клиника",                  // Cyrillic вет is not Latin bet
            "better",
            "alphabet",
            "Bethany",
            "заимствование",                // и is not й
            "заим",
            "рак азино",                    // real words never merge
            "ка зино",
            "касаться",                     // с is not сс
            "каса",
            "Москва",                       // м is not ммм
            "мм",
            "мама",
            "2000",
            "100 000",
            "Код: 1234",
            "Код:0000",
            "кредо",
            "перекредитование",             // кредит not at a word start
            "финансовая",
            "пирамида",
            "финансовая ситуация и пирамида",
            "быстрые",
            "альфа",
            "банк",
            "Kasino",                       // not in the list in this spelling
            "Вашингтон",
    })
    void shouldPassInnocentAndNearMissTexts(String text) {
        assertThat(held(text)).as(text).isFalse();
    }

    @Test
    void shouldTellLatinAndCyrillicSpellingsApartUnlessMixed() {
        StopWordAutomaton a = automaton("вет", "=sor");
        assertThat(a.matches("bet")).isFalse();        // Latin span, Cyrillic entry
        assertThat(a.matches("ветеринар")).isTrue();
        assertThat(a.matches("bеt")).isTrue();         // mixed: Cyrillic е
        assertThat(a.matches("sor")).isTrue();
        StopWordAutomaton b = automaton("=cop");
        assertThat(b.matches("cop")).isTrue();
        assertThat(b.matches("сор")).isFalse();         // Cyrillic сор is not English cop
        assertThat(b.matches("cор")).isTrue();          // mixed
    }

    @Test
    void shouldReadUpperCaseLatinLookAlikesAsCyrillicOnlyInCyrillicText() {
        StopWordAutomaton a = automaton("=ставка");
        assertThat(a.matches("Лучшая CTABKA дня")).isTrue();
        assertThat(a.matches("CTABKA")).isFalse();      // no Cyrillic text around: an English-looking word
        assertThat(a.matches("Лучшая ctabka дня")).isFalse(); // lower case Latin does not look Cyrillic
    }

    @Test
    void shouldMatchPrefixesAtWordStartsOnly() {
        StopWordAutomaton a = automaton("кредит");
        assertThat(a.matches("кредиты")).isTrue();
        assertThat(a.matches("кредитный")).isTrue();
        assertThat(a.matches("ипотека/кредит")).isTrue();
        assertThat(a.matches("перекредитовать")).isFalse();
        assertThat(a.matches("кре дит")).isFalse();
    }

    @Test
    void shouldMatchWholeWordEntriesOnlyAtWordEnds() {
        StopWordAutomaton a = automaton("=bet");
        assertThat(a.matches("bet")).isTrue();
        assertThat(a.matches("bet!")).isTrue();
        assertThat(a.matches("«bet»")).isTrue();
        assertThat(a.matches("bet.ru")).isTrue();       // a joiner is a possible word end
        assertThat(a.matches("bets")).isFalse();
        assertThat(a.matches("better")).isFalse();
        assertThat(a.matches("alphabet")).isFalse();
        assertThat(a.matches("bett")).isTrue();         // repeated last letter: as кассса is касса
    }

    @Test
    void shouldMatchPhrasesWithEveryWordButTheLastWhole() {
        StopWordAutomaton a = automaton("быстрые деньги", "=легкие деньги");
        assertThat(a.matches("быстрые деньжата")).isFalse();
        assertThat(a.matches("Быстрые деньги за час")).isTrue();
        assertThat(a.matches("быстрые деньгиии")).isTrue();
        assertThat(a.matches("быстрыее деньги")).isTrue();  // repetition
        assertThat(a.matches("быстрыес деньги")).isFalse();
        assertThat(a.matches("легкие деньги")).isTrue();
        assertThat(a.matches("лёгкие деньги")).isTrue();     // ё is е
        assertThat(a.matches("легкие деньгит")).isFalse();
        assertThat(a.matches("б ы с т р ы е деньги")).isTrue(); // spaced-out first word
    }

    @Test
    void shouldKeepRunLengthsOfRepeatedLetters() {
        StopWordAutomaton a = automaton("касса", "=ммм", "casino");
        assertThat(a.matches("касса")).isTrue();
        assertThat(a.matches("кассса")).isTrue();
        assertThat(a.matches("каааассса")).isTrue();
        assertThat(a.matches("каса")).isFalse();
        assertThat(a.matches("касаться")).isFalse();
        assertThat(a.matches("мммм")).isTrue();
        assertThat(a.matches("Москва")).isFalse();
        assertThat(a.matches("мм")).isFalse();
        assertThat(a.matches("ccaassiinnoo")).isTrue();
        assertThat(a.matches("m.m.m")).isFalse();       // Latin mmm, Cyrillic entry, Latin text
        assertThat(a.matches("Акции МMМ")).isTrue();    // mixed
    }

    @Test
    void shouldKeepNumbersNumbers() {
        StopWordAutomaton a = automaton("=оооо", "зч", "=is");
        assertThat(a.matches("0000")).isFalse();
        assertThat(a.matches("код:0000")).isFalse();   // a run of 4 digits stays digits
        assertThat(a.matches("код 34")).isFalse();     // a number alone stays a number
        assertThat(a.matches("к-34")).isTrue();        // ...but in a word it is letters: к-зч
        assertThat(a.matches("к34")).isFalse();        // кзч: з is not at a word start
        assertThat(a.matches("i5")).isTrue();
        assertThat(a.matches("15")).isFalse();
    }

    @Test
    void shouldReadDigitsInEntriesTheSameWay() {
        StopWordAutomaton a = automaton("1xbet", "888starz", "=18+");
        assertThat(a.matches("1xbet")).isTrue();
        assertThat(a.matches("ixbet")).isTrue();
        assertThat(a.matches("888starz")).isTrue();
        assertThat(a.matches("888 starz")).isFalse();
        assertThat(a.matches("контент 18+")).isTrue();
        assertThat(a.matches("контент 180")).isFalse();
    }

    @Test
    void shouldKeepYotApartFromI() {
        StopWordAutomaton a = automaton("займ");
        assertThat(a.matches("займы")).isTrue();
        assertThat(a.matches("заимствование")).isFalse();
        assertThat(automaton("заим").matches("займ")).isFalse();
    }

    @Test
    void shouldFindEveryDistinctEntryWithItsSpanInTheOriginalText() {
        String text = "Играй в к.а.з.и.н.о! Кредит за 5 минут, ещё кредит. Альфа Банк";
        List<Match> found = WORDS.findAll(text);
        assertThat(found).extracting(Match::entry, Match::category).containsExactly(
                tuple("казино", "casino"), tuple("кредит", "credit"), tuple("альфа-банк", "banks"));
        assertThat(found).extracting(m -> text.substring(m.start(), m.end()))
                .containsExactly("к.а.з.и.н.о", "Кредит", "Альфа Банк");
    }

    @Test
    void shouldCoverInvisibleCharsAndPairsInTheSpan() {
        String text = "x 𝐜𝐚𝐬𝐢𝐧𝐨 y ка\u200bзино.";
        List<Match> found = WORDS.findAll(text);
        assertThat(found).extracting(m -> text.substring(m.start(), m.end()))
                .containsExactly("𝐜𝐚𝐬𝐢𝐧𝐨", "ка\u200bзино");
    }

    @Test
    void shouldEndAPrefixMatchAtTheRepetitionItNeeds() {
        String text = "kazino-online.ru, казинооо";
        assertThat(WORDS.findAll(text)).extracting(m -> text.substring(m.start(), m.end()))
                .containsExactly("kazino", "казино");
        StopWordAutomaton a = automaton("=ммм", "касса");
        String more = "мммм кассса";
        assertThat(a.findAll(more)).extracting(m -> more.substring(m.start(), m.end())).containsExactly("мммм", "кассса");
    }

    @Test
    void shouldReportTheMatchStartInsideARunMergedAcrossAJoiner() {
        StopWordAutomaton a = automaton("=мммм");
        // бм.мммм: one run of five м, a word start at its second м
        assertThat(a.findAll("бм.мммм")).extracting(Match::start, Match::end).containsExactly(tuple(3, 7));
        assertThat(a.matches("бм.ммм")).isFalse();
    }

    @Test
    void shouldScanACharArraySlice() {
        char[] buf = "xxxказиноyyy привет".toCharArray();
        assertThat(WORDS.matches(buf, 3, 6)).isTrue();
        assertThat(WORDS.matches(buf, 2, 7)).isFalse(); // xказино: not at a word start
        assertThat(WORDS.matches(buf, 12, 7)).isFalse();
        assertThat(WORDS.matches(buf, 0, 0)).isFalse();
    }

    @Test
    void shouldCountDistinctEntries() {
        assertThat(automaton("казино", "казино", "КАЗИНО", "Казино").size()).isEqualTo(1);
        assertThat(automaton("казино", "=казино").size()).isEqualTo(2);
        assertThat(automaton("=ммм", "=mmm").size()).isEqualTo(2); // same skeleton, two scripts
        assertThat(automaton("=ммм", "=mmm").matches("mmm")).isTrue();
    }

    @Test
    void shouldMatchNothingWhenEmpty() {
        assertThat(StopWordAutomaton.EMPTY.size()).isZero();
        assertThat(StopWordAutomaton.EMPTY.matches("казино")).isFalse();
        assertThat(StopWordAutomaton.EMPTY.findAll("казино")).isEmpty();
        assertThat(StopWordAutomaton.build(StopWordList.parse("w", "# nothing\n"))).isSameAs(StopWordAutomaton.EMPTY);
    }

    @Test
    void shouldStayLinearOnHostileText() {
        StopWordAutomaton a = automaton("аб".repeat(31) + "в");
        String text = "а.б.".repeat(50_000);                // every letter a word start, every walk 62 deep
        long t0 = System.nanoTime();
        assertThat(a.matches(text)).isFalse();
        assertThat(a.matches(text + "в")).isTrue();
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L); // bounded, not quadratic
    }

    @Test
    void shouldHandleLongTextsAndGrowScratch() {
        String text = "привет ".repeat(20_000) + "казино";
        assertThat(WORDS.matches(text)).isTrue();
        assertThat(WORDS.matches("казино")).isTrue();
    }

    @Test
    void shouldNormalizeToTheCanonicalStream() {
        // '|' marks a possible word start
        assertThat(TextNormalizer.canonical("КАЗИНО", false)).isEqualTo("|казино");
        assertThat(TextNormalizer.canonical("ка\u0301зино", false)).isEqualTo("|казино");
        assertThat(TextNormalizer.canonical("Ёж", false)).isEqualTo("|еж");
        assertThat(TextNormalizer.canonical("й", false)).isEqualTo("|й");
        assertThat(TextNormalizer.canonical("к.а.з", false)).isEqualTo("|к|а|з");
        assertThat(TextNormalizer.canonical("рак азино", false)).isEqualTo("|рак |азино");
        assertThat(TextNormalizer.canonical("к4зино", false)).isEqualTo("|кчзино");
        assertThat(TextNormalizer.canonical("к4зино", true)).isEqualTo("|казино");
        assertThat(TextNormalizer.canonical("2000", false)).isEqualTo("|2000");
        // Latin look-alikes go to the Cyrillic skeleton; s and i have no Cyrillic twin
        assertThat(TextNormalizer.canonical("casino", false)).isEqualTo("|\u0441\u0430si\u043f\u043e");
        assertThat(TextNormalizer.canonical("ｃａｓｉｎｏ", false)).isEqualTo(TextNormalizer.canonical("casino", false));
        assertThat(TextNormalizer.canonical("ﬁle", false)).isEqualTo("|fil\u0435");
        assertThat(TextNormalizer.canonical("straße", false)).isEqualTo("|s\u0442\u0433\u0430ss\u0435");
    }

    private static StopWordAutomaton automaton(String... lines) {
        return StopWordAutomaton.build(StopWordList.parse("test", String.join("\n", lines)));
    }
}
