package io.smsrouter.core.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StopKeywordsTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "STOP                | STOP",
            "stop.               | STOP",
            "\" Стоп \"          | СТОП",
            "СТОП Shop           | СТОП",
            "\"\tstop!!!\n\"     | STOP",
            "«СТОП»              | СТОП",
            "STOP,please         | STOP",
            "...Stop...          | STOP",
            "отписка             | ОТПИСКА",
            "Отписаться от рассылки | ОТПИСАТЬСЯ",
            "unsubscribe me      | UNSUBSCRIBE",
            "Don't stop          | ",
            "стопка              | ",
            "стоп-лист           | ",
            "S T O P             | ",
            "please stop         | ",
            "STOPP               | ",
            "\"   \"             | ",
            "\"\"                | ",
            "!!!                 | ",
    })
    void shouldRecognizeTheKeywordAsTheWholeMessageOrItsFirstWord(String text, String keyword) {
        assertThat(StopKeywords.defaults().matchedKeyword(text)).isEqualTo(keyword);
        assertThat(StopKeywords.defaults().isStopRequest(text)).isEqualTo(keyword != null);
    }

    @Test
    void shouldUseConfiguredKeywordsOnly() {
        StopKeywords k = StopKeywords.of(List.of(" end ", "Quit"));
        assertThat(k.keywords()).containsExactly("end", "Quit");
        assertThat(k.matchedKeyword("END")).isEqualTo("end");
        assertThat(k.matchedKeyword("quit.")).isEqualTo("Quit");
        assertThat(k.isStopRequest("STOP")).isFalse();
        assertThat(k.isStopRequest(null)).isFalse();
    }

    @Test
    void shouldRefuseKeywordsThatAreNotOneWord() {
        assertThatThrownBy(() -> StopKeywords.of(List.of("stop all"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StopKeywords.of(List.of("!stop"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StopKeywords.of(List.of(" "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StopKeywords.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
