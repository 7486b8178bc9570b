package io.smsrouter.core.campaign;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UtmTest {
    private static final String UTM = "utm_source=sms&utm_medium=sms&utm_campaign=spring&utm_content=A";

    @Test
    void shouldAppendTheFourParameters() {
        assertThat(Utm.withUtm("https://shop.example/sale", "spring", "A"))
                .isEqualTo("https://shop.example/sale?" + UTM);
        assertThat(Utm.withUtm("http://shop.example", "spring", "A")).isEqualTo("http://shop.example?" + UTM);
    }

    @Test
    void shouldKeepTheUrlsOwnQueryAndFragment() {
        assertThat(Utm.withUtm("https://shop.example/p?id=7&color=red#reviews", "spring", "A"))
                .isEqualTo("https://shop.example/p?id=7&color=red&" + UTM + "#reviews");
        assertThat(Utm.withUtm("https://shop.example/p#top?x=1", "spring", "A"))
                .isEqualTo("https://shop.example/p?" + UTM + "#top?x=1");
        assertThat(Utm.withUtm("https://shop.example/p?", "spring", "A")).isEqualTo("https://shop.example/p?" + UTM);
        assertThat(Utm.withUtm("https://shop.example/p?a=1&&b=2&", "spring", "A"))
                .isEqualTo("https://shop.example/p?a=1&b=2&" + UTM);
        assertThat(Utm.withUtm("https://shop.example/p?flag", "spring", "A"))
                .isEqualTo("https://shop.example/p?flag&" + UTM);
    }

    @Test
    void shouldReplaceUtmParametersTheUrlAlreadyHas() {
        assertThat(Utm.withUtm("https://s.example/?utm_source=mail&id=1&utm_campaign=old&utm_content", "spring", "A"))
                .isEqualTo("https://s.example/?id=1&" + UTM);
        assertThat(Utm.withUtm("https://s.example/?utm%5Fmedium=x&utm_term=kept", "spring", "A"))
                .isEqualTo("https://s.example/?utm_term=kept&" + UTM);
    }

    @Test
    void shouldEncodeTheValues() {
        assertThat(Utm.withUtm("https://s.example/", "Весна 2026 & co", "B/1+"))
                .isEqualTo("https://s.example/?utm_source=sms&utm_medium=sms"
                        + "&utm_campaign=%D0%92%D0%B5%D1%81%D0%BD%D0%B0%202026%20%26%20co&utm_content=B%2F1%2B");
    }

    @Test
    void shouldGiveABareWwwUrlHttps() {
        assertThat(Utm.withUtm("www.shop.example/sale?x=1", "spring", "A"))
                .isEqualTo("https://www.shop.example/sale?x=1&" + UTM);
        assertThat(Utm.withUtm("WWW.shop.example", "spring", "A")).isEqualTo("https://WWW.shop.example?" + UTM);
    }

    @Test
    void shouldLeaveOutANullName() {
        assertThat(Utm.withUtm("https://s.example/?utm_content=x", "spring", null))
                .isEqualTo("https://s.example/?utm_source=sms&utm_medium=sms&utm_campaign=spring");
    }
}
