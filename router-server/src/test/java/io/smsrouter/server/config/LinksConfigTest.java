package io.smsrouter.server.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code links.shortBase}: the public base of campaigns' short links. */
class LinksConfigTest {
    private static final Path FILE = Path.of("conf/router.yaml");
    private static final String ACCOUNT = "accounts: [{id: shop, password: secret1}]\n";
    private static final String EXPECTED = "conf/router.yaml: links.shortBase: expected an absolute http:// or "
            + "https:// URL with a host, without query or fragment, of printable ASCII, at most 100 characters "
            + "(the public base of short links, e.g. https://s.example.com/l), got ";

    @Test
    void shouldDefaultToTheLocalListener() {
        assertThat(ConfigLoader.parse(ACCOUNT, FILE).links().shortBase()).isEqualTo("http://127.0.0.1:8080/l");
        assertThat(ConfigLoader.parse(ACCOUNT + "links: {}", FILE).links()).isEqualTo(LinksConfig.defaults());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', value = {
            "https://s.example.com/l|https://s.example.com/l",
            "https://s.example.com/l/|https://s.example.com/l",
            "http://127.0.0.1:8080/l//|http://127.0.0.1:8080/l",
            "HTTPS://S.EXAMPLE.COM|HTTPS://S.EXAMPLE.COM",
            "https://xn--e1afmkfd.xn--p1ai/go|https://xn--e1afmkfd.xn--p1ai/go",
            "http://[::1]:8080/l|http://[::1]:8080/l"})
    void shouldTakeAnAbsoluteUrlAndDropItsTrailingSlash(String given, String kept) {
        assertThat(ConfigLoader.parse(ACCOUNT + "links: {shortBase: \"" + given + "\"}", FILE).links().shortBase())
                .isEqualTo(kept);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', value = {
            "s.example.com/l|\"s.example.com/l\" (not http:// or https://)",
            "ftp://s.example.com/l|\"ftp://s.example.com/l\" (not http:// or https://)",
            "/l|\"/l\" (not http:// or https://)",
            "https:///l|\"https:///l\" (no host)",
            "https://s.example.com/l?src=sms|\"https://s.example.com/l?src=sms\" (a query or fragment would come before the code)",
            "https://s.example.com/l#x|\"https://s.example.com/l#x\" (a query or fragment would come before the code)",
            "https://user:pw@s.example.com/l|\"https://user:pw@s.example.com/l\" (a user name has no place in a link sent to phones)",
            "https://s.example.com/a b|\"https://s.example.com/a b\"",
            "https://пример.рф/l|\"https://пример.рф/l\"",
            "''|\"\""})
    void shouldStopTheStartOnABadBaseNamingTheKey(String given, String got) {
        ConfigException e = catchThrowableOfType(
                () -> ConfigLoader.parse(ACCOUNT + "links: {shortBase: \"" + given + "\"}", FILE), ConfigException.class);
        assertThat(e).as(given).isNotNull();
        assertThat(e.problems()).containsExactly(EXPECTED + got);
    }

    @Test
    void shouldRefuseATooLongBaseAndOtherTypesAndUnknownKeys() {
        String longBase = "https://s.example.com/" + "a".repeat(90);
        assertThat(catchThrowableOfType(() -> ConfigLoader.parse(ACCOUNT + "links: {shortBase: \"" + longBase + "\"}",
                FILE), ConfigException.class).problems())
                .singleElement().asString().startsWith(EXPECTED + "\"https://s.example.com/aaa").endsWith(" (112 characters)");
        assertThat(catchThrowableOfType(() -> ConfigLoader.parse(ACCOUNT + "links: {shortBase: 8080}", FILE),
                ConfigException.class).problems()).containsExactly(EXPECTED + "8080 (YAML reads it as a number; put "
                + "the value in quotes)");
        assertThat(catchThrowableOfType(() -> ConfigLoader.parse(ACCOUNT + "links: {base: \"https://s.example/l\"}",
                FILE), ConfigException.class).problems())
                .containsExactly("conf/router.yaml: links.base: unknown key (expected one of shortBase)");
        assertThat(catchThrowableOfType(() -> ConfigLoader.parse(ACCOUNT + "links: \"https://s.example/l\"",
                FILE), ConfigException.class).problems())
                .containsExactly("conf/router.yaml: links: expected a mapping of shortBase, got \"https://s.example/l\"");
    }
}
