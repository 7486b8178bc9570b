package io.smsrouter.core.campaign;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LinkTextTest {
    private static final String BASE = "https://s.example/l";

    private static LinkText.Shortened shorten(String text) {
        return LinkText.shorten(text, BASE, i -> "code00" + i);
    }

    @Test
    void shouldReplaceEveryLinkInOrder() {
        LinkText.Shortened s = shorten("Sale! https://shop.example/a?x=1 and http://other.example/b today");
        assertThat(s.text()).isEqualTo("Sale! https://s.example/l/code000 and https://s.example/l/code001 today");
        assertThat(s.urls()).containsExactly("https://shop.example/a?x=1", "http://other.example/b");
    }

    @Test
    void shouldAskForOneCodePerLinkIndexInOrder() {
        List<Integer> asked = new ArrayList<>();
        LinkText.shorten("a www.x.example b https://y.example c https://x.example", BASE, i -> {
            asked.add(i);
            return "c" + i;
        });
        assertThat(asked).containsExactly(0, 1, 2);
    }

    @Test
    void shouldFindBareWwwLinksAndAnyCaseOfScheme() {
        assertThat(LinkText.urls("go to www.shop.example/sale now")).containsExactly("www.shop.example/sale");
        assertThat(LinkText.urls("HTTPS://SHOP.EXAMPLE/X and WWW.A.EXAMPLE")).containsExactly(
                "HTTPS://SHOP.EXAMPLE/X", "WWW.A.EXAMPLE");
        assertThat(LinkText.urls("(www.a.example)")).containsExactly("www.a.example");
    }

    @Test
    void shouldNotTakeWwwInsideAnotherWordOrAddress() {
        assertThat(LinkText.urls("mail me at news@www.example.com")).isEmpty();
        assertThat(LinkText.urls("awww.example and sub.www.example")).isEmpty();
        assertThat(LinkText.urls("xhttps://a.example")).isEmpty();
        assertThat(LinkText.urls("www. and http:// and https://")).isEmpty();
        assertThat(LinkText.urls("https://a.example/www.b.example")).containsExactly("https://a.example/www.b.example");
    }

    @Test
    void shouldLeaveSentencePunctuationOutside() {
        assertThat(LinkText.urls("See https://a.example/x.")).containsExactly("https://a.example/x");
        assertThat(LinkText.urls("See https://a.example/x, or www.b.example!")).containsExactly(
                "https://a.example/x", "www.b.example");
        assertThat(LinkText.urls("Really https://a.example/?q=1?!")).containsExactly("https://a.example/?q=1");
        assertThat(LinkText.urls("Here: https://a.example/x: then; https://b.example;"))
                .containsExactly("https://a.example/x", "https://b.example");
        assertThat(LinkText.urls("end https://a.example/x...")).containsExactly("https://a.example/x");
        assertThat(LinkText.urls("dots inside https://a.example/v1.2/x.html.")).containsExactly(
                "https://a.example/v1.2/x.html");
        LinkText.Shortened s = shorten("Buy: https://shop.example/p?id=1.");
        assertThat(s.text()).isEqualTo("Buy: https://s.example/l/code000.");
    }

    @Test
    void shouldLeaveQuotesAndUnmatchedClosingBracketsOutside() {
        assertThat(LinkText.urls("(see https://a.example/x)")).containsExactly("https://a.example/x");
        assertThat(LinkText.urls("[https://a.example/x]")).containsExactly("https://a.example/x");
        assertThat(LinkText.urls("read https://en.wikipedia.org/wiki/Fork_(software).")).containsExactly(
                "https://en.wikipedia.org/wiki/Fork_(software)");
        assertThat(LinkText.urls("(https://en.wikipedia.org/wiki/Fork_(software))")).containsExactly(
                "https://en.wikipedia.org/wiki/Fork_(software)");
        assertThat(LinkText.urls("\"https://a.example/x\" and 'https://b.example/y'")).containsExactly(
                "https://a.example/x", "https://b.example/y");
        assertThat(LinkText.urls("«https://a.example/x»")).containsExactly("https://a.example/x");
        assertThat(LinkText.urls("“https://a.example/x”.")).containsExactly("https://a.example/x");
        assertThat(LinkText.urls("it's https://a.example/it's")).containsExactly("https://a.example/it's");
        LinkText.Shortened s = shorten("(см. https://shop.example/a).");
        assertThat(s.text()).isEqualTo("(см. https://s.example/l/code000).");
    }

    @Test
    void shouldEndAtWhiteSpaceOfAnyKindAndKeepLettersOfAnyScript() {
        assertThat(LinkText.urls("https://a.example/x\nnext\thttps://b.example\u00a0c")).containsExactly(
                "https://a.example/x", "https://b.example");
        assertThat(LinkText.urls("Скидка на https://пример.рф/акция, спешите")).containsExactly(
                "https://пример.рф/акция");
        assertThat(LinkText.urls("<https://a.example/x>")).containsExactly("https://a.example/x");
        assertThat(LinkText.urls("http://[::1]:8080/x")).containsExactly("http://[::1]:8080/x");
        assertThat(LinkText.urls("https://a.example/x—скидки https://b.example/y…🔥 www.c.example🔥"))
                .containsExactly("https://a.example/x", "https://b.example/y", "www.c.example");
        assertThat(LinkText.urls("https://a.example/caf\u0065\u0301")).containsExactly("https://a.example/caf\u0065\u0301");
    }

    @Test
    void shouldLeaveLinksThatAreAlreadyShort() {
        LinkText.Shortened s = shorten("old https://s.example/l/abc1234 new https://shop.example/x "
                + "also http://S.EXAMPLE/l/zzz and https://s.example/list");
        assertThat(s.text()).isEqualTo("old https://s.example/l/abc1234 new https://s.example/l/code000 "
                + "also http://S.EXAMPLE/l/zzz and https://s.example/l/code001");
        assertThat(s.urls()).containsExactly("https://shop.example/x", "https://s.example/list");
    }

    @Test
    void shouldReturnATextWithoutLinksAsItIs() {
        String text = "Hello, no links here. www or http alone.";
        LinkText.Shortened s = shorten(text);
        assertThat(s.text()).isSameAs(text);
        assertThat(s.urls()).isEmpty();
        assertThat(LinkText.urls("")).isEmpty();
    }

    @Test
    void shouldFindExactlyTheLinksPutIntoRandomTexts() {
        java.util.Random rnd = new java.util.Random(2026);
        String[] words = {"Скидка", "sale", "50%", "до", "31.03", "(см.", "ниже)", "—", "e-mail:", "a@b.example",
                "http", "www", "3.14", "«акция»", "ok?", "end."};
        String[] links = {"https://shop.example/a?x=1&y=2", "http://a.example", "www.b.example/path/x.html",
                "https://en.wikipedia.org/wiki/Fork_(software)", "https://пример.рф/акция", "HTTPS://C.EXAMPLE/Q#top",
                "https://s.example/l/abc1234"};
        String[] before = {" ", " (", " «", " \"", "\n", " '"};
        String[] after = {" ", ". ", ", ", "! ", "? ", ": ", "; ", ") ", "» ", "\" ", "... ", "…", "—", "\n", "' "};
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            List<String> expected = new ArrayList<>();
            List<String> expectedLong = new ArrayList<>();
            int parts = 1 + rnd.nextInt(8);
            for (int p = 0; p < parts; p++) {
                if (rnd.nextInt(3) == 0) {
                    String link = links[rnd.nextInt(links.length)];
                    text.append(before[rnd.nextInt(before.length)]).append(link).append(after[rnd.nextInt(after.length)]);
                    expected.add(link);
                    if (!link.startsWith(BASE)) {
                        expectedLong.add(link);
                    }
                } else {
                    text.append(words[rnd.nextInt(words.length)]).append(' ');
                }
            }
            String t = text.toString();
            assertThat(LinkText.urls(t)).as(t).containsExactlyElementsOf(expected);
            LinkText.Shortened s = shorten(t);
            assertThat(s.urls()).as(t).containsExactlyElementsOf(expectedLong);
            // shortening again finds only short links, and changes nothing
            assertThat(shorten(s.text()).text()).isEqualTo(s.text());
            assertThat(LinkText.urls(s.text())).allMatch(u -> u.startsWith(BASE));
        }
    }

    @Test
    void shouldShortenATextThatIsOnlyALink() {
        LinkText.Shortened s = shorten("https://shop.example/a");
        assertThat(s.text()).isEqualTo("https://s.example/l/code000");
        assertThat(s.urls()).containsExactly("https://shop.example/a");
    }
}
