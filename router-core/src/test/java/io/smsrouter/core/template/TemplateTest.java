package io.smsrouter.core.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TemplateTest {
    private static final char NBSP = '\u00a0';

    private static String render(String source, Map<String, ?> vars) {
        return Template.compile("t", source).render(vars);
    }

    private static Map<String, Object> vars(Object... keysAndValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void shouldSubstituteVariablesAndKeepTextAsWritten() {
        assertThat(render("Здравствуйте, {name}!\nЗаказ №{id} принят.", vars("name", "Анна", "id", 1042)))
                .isEqualTo("Здравствуйте, Анна!\nЗаказ №1042 принят.");
    }

    @Test
    void shouldTurnDoubledBracesIntoLiteralBraces() {
        assertThat(render("{{name}} is {name}, }} and {{", vars("name", "x"))).isEqualTo("{name} is x, } and {");
    }

    @Test
    void shouldPrintJsonValuesPlainly() {
        assertThat(render("{a}|{b}|{c}|{d}|{e}|{f}", vars("a", 1990.0, "b", 19.9, "c", new BigDecimal("1234.50"),
                "d", true, "e", null, "f", 12345678901L))).isEqualTo("1990|19.9|1234.50|true||12345678901");
    }

    @Test
    void shouldReadDottedNamesFromNestedObjects() {
        Template t = Template.compile("t", "{order.id} для {client.name | upper}");
        assertThat(t.render(vars("order", Map.of("id", 7), "client", Map.of("name", "Анна")))).isEqualTo("7 для АННА");
        assertThat(t.variables()).containsExactly("order", "client");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "1 + 2 * 3              | 7",
        "(1 + 2) * 3            | 9",
        "10 - 4 - 3             | 3",
        "2 * 3 + 4 * 5          | 26",
        "-2 * -3                | 6",
        "- (1 + 2)              | -3",
        "10 / 4                 | 2.50",
        "10 / 3                 | 3.33",
        "2 / 3                  | 0.67",
        "1 + 10 / 4 * 2         | 6.00",
        "price * qty            | 59.70",
        "price * qty - discount | 49.70",
        "1 + 2 > 2              | true",
        "1 + 2 == 3 and not vip | true",
        "qty == \"3\"           | true",
        "\"10\" > \"9\"         | true",
        "vip or qty > 5         | false",
        "1 < 2 and 2 < 3 or vip | true",
        "not 1 > 2              | true",
    })
    void shouldEvaluateWithUsualPrecedence(String expression, String result) {
        assertThat(render("{" + expression + "}",
                vars("price", new BigDecimal("19.90"), "qty", 3, "discount", 10, "vip", false))).isEqualTo(result);
    }

    @Test
    void shouldTakeNumbersSentAsText() {
        assertThat(render("{price * qty | money:\"RUB\"}", vars("price", "19.90", "qty", "3")))
                .isEqualTo("59,70" + NBSP + "₽");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 0 товаров, 0 items",
        "1, 1 товар, 1 item",
        "2, 2 товара, 2 items",
        "4, 4 товара, 4 items",
        "5, 5 товаров, 5 items",
        "11, 11 товаров, 11 items",
        "12, 12 товаров, 12 items",
        "14, 14 товаров, 14 items",
        "21, 21 товар, 21 items",
        "22, 22 товара, 22 items",
        "25, 25 товаров, 25 items",
        "101, 101 товар, 101 items",
        "111, 111 товаров, 111 items",
        "-1, -1 товар, -1 item",
        "1.5, 1.5 товара, 1.5 items",
    })
    void shouldPickThePluralForm(String n, String russian, String english) {
        Map<String, Object> v = vars("n", new BigDecimal(n));
        assertThat(render("{n | plural:\"товар\",\"товара\",\"товаров\"}", v)).isEqualTo(russian);
        assertThat(render("{n | plural:\"item\",\"items\"}", v)).isEqualTo(english);
    }

    @Test
    void shouldGiveOnlyTheNounWithPluralWord() {
        assertThat(render("{n | words:\"ru\"} {n | plural_word:\"бонус\",\"бонуса\",\"бонусов\"}", vars("n", 21)))
                .isEqualTo("двадцать один бонус");
        assertThat(render("У вас {n} {n | plural_word:'заказ','заказа','заказов'}", vars("n", "12")))
                .isEqualTo("У вас 12 заказов");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "1234.5      | RUB | 1 234,50 ₽",
        "1234.5      | USD | $1,234.50",
        "1234.5      | EUR | €1,234.50",
        "0           | RUB | 0,00 ₽",
        "0.005       | USD | $0.01",
        "999.995     | RUB | 1 000,00 ₽",
        "1234567.891 | RUB | 1 234 567,89 ₽",
        "1234567.891 | USD | $1,234,567.89",
        "100         | EUR | €100.00",
        "-1234.5     | RUB | -1 234,50 ₽",
        "-1234.5     | USD | -$1,234.50",
        "-0.001      | RUB | 0,00 ₽",
    })
    void shouldFormatMoney(String amount, String currency, String expected) {
        // spaces in the table stand for the no-break spaces that the formatter puts out
        assertThat(render("{sum | money:\"" + currency + "\"}", vars("sum", new BigDecimal(amount))))
                .isEqualTo(expected.replace(' ', NBSP));
    }

    @Test
    void shouldFormatMoneyFromJsonNumbers() {
        assertThat(render("{a | money:\"RUB\"} {b | money:\"USD\"}", vars("a", 1500, "b", 19.99)))
                .isEqualTo("1" + NBSP + "500,00" + NBSP + "₽ $19.99");
    }

    @Test
    void shouldChooseBranchesOfConditions() {
        Template t = Template.compile("t", "{if vip}Dear VIP{else}Hello{end}, {name}");
        assertThat(t.render(vars("vip", true, "name", "Ann"))).isEqualTo("Dear VIP, Ann");
        assertThat(t.render(vars("vip", false, "name", "Ann"))).isEqualTo("Hello, Ann");
        assertThat(t.render(vars("vip", "false", "name", "Ann"))).isEqualTo("Hello, Ann");
        assertThat(t.render(vars("vip", "0", "name", "Ann"))).isEqualTo("Hello, Ann");
        assertThat(t.render(vars("vip", "", "name", "Ann"))).isEqualTo("Hello, Ann");
        assertThat(t.render(vars("vip", null, "name", "Ann"))).isEqualTo("Hello, Ann");
        assertThat(t.render(vars("vip", 1, "name", "Ann"))).isEqualTo("Dear VIP, Ann");
        assertThat(t.render(vars("vip", "yes", "name", "Ann"))).isEqualTo("Dear VIP, Ann");
    }

    @Test
    void shouldNestConditionsAndTryElifInOrder() {
        Template t = Template.compile("t", """
                {if total > 1000}Free delivery{if vip}, gift inside{else}, no gift{end}.\
                {elif total > 500}Delivery 100.\
                {else}Delivery 300.{end} Total {total | money:"USD"}""");
        assertThat(t.render(vars("total", 1500, "vip", true))).isEqualTo("Free delivery, gift inside. Total $1,500.00");
        assertThat(t.render(vars("total", 1500, "vip", false))).isEqualTo("Free delivery, no gift. Total $1,500.00");
        // vip is only read in the branch taken
        assertThat(t.render(vars("total", 700))).isEqualTo("Delivery 100. Total $700.00");
        assertThat(t.render(vars("total", "20"))).isEqualTo("Delivery 300. Total $20.00");
    }

    @Test
    void shouldRenderNothingWhenNoBranchHoldsAndThereIsNoElse() {
        assertThat(render("a{if x}b{end}c", vars("x", false))).isEqualTo("ac");
    }

    @Test
    void shouldShowTheSameInstantInTheRecipientsZone() {
        Template t = Template.compile("t", "{due | date:\"dd.MM.yyyy HH:mm\"}");
        RenderContext moscow = RenderContext.of(ZoneId.of("Europe/Moscow"));
        RenderContext vladivostok = RenderContext.of(ZoneId.of("Asia/Vladivostok"));
        for (Object due : new Object[] {"2024-03-05T20:30:00Z", "2024-03-05T23:30:00+03:00", 1709670600000L,
            "1709670600000", Instant.parse("2024-03-05T20:30:00Z")}) {
            assertThat(t.render(vars("due", due), moscow)).as("%s", due).isEqualTo("05.03.2024 23:30");
            assertThat(t.render(vars("due", due), vladivostok)).as("%s", due).isEqualTo("06.03.2024 06:30");
        }
        assertThat(t.render(vars("due", "2024-03-05T20:30:00Z"))).isEqualTo("05.03.2024 20:30");
    }

    @Test
    void shouldShowDatesWithoutAnOffsetAsWritten() {
        RenderContext vladivostok = RenderContext.of(ZoneId.of("Asia/Vladivostok"));
        assertThat(Template.compile("t", "{d | date:\"d MMMM\"}").render(vars("d", "2024-03-05"), vladivostok))
                .isEqualTo("5 марта");
        assertThat(Template.compile("t", "{d | date:\"d MMMM, HH:mm\",\"en\"}")
                .render(vars("d", "2024-03-05T10:15"), vladivostok)).isEqualTo("5 March, 10:15");
    }

    @Test
    void shouldReadNowFromTheContextClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-12-31T22:00:00Z"), ZoneOffset.UTC);
        Template t = Template.compile("t", "{now | date:\"dd.MM HH:mm\"}");
        assertThat(t.render(Map.of(), new RenderContext(ZoneId.of("Europe/Moscow"), clock))).isEqualTo("01.01 01:00");
        assertThat(t.render(Map.of(), new RenderContext(ZoneOffset.UTC, clock))).isEqualTo("31.12 22:00");
    }

    @Test
    void shouldChangeCaseAndFillDefaults() {
        assertThat(render("{a | upper} {b | lower}", vars("a", "Привет", "b", "ВАСЯ"))).isEqualTo("ПРИВЕТ вася");
        Template t = Template.compile("t", "Hello, {name | default:\"friend\"}!");
        assertThat(t.render(vars())).isEqualTo("Hello, friend!");
        assertThat(t.render(vars("name", ""))).isEqualTo("Hello, friend!");
        assertThat(t.render(vars("name", null))).isEqualTo("Hello, friend!");
        assertThat(t.render(vars("name", "Ann"))).isEqualTo("Hello, Ann!");
        // a missing value passes through other filters to the default
        assertThat(render("{name | upper | default:\"-\"}", vars())).isEqualTo("-");
        assertThat(render("{nick | default:name}", vars("name", "Ann"))).isEqualTo("Ann");
        assertThat(render("{if vip | default:false}VIP{else}-{end}", vars())).isEqualTo("-");
    }

    @Test
    void shouldRoundHalfUp() {
        assertThat(render("{x | round} {x | round:1} {(x * 3) | round:2}", vars("x", new BigDecimal("2.45"))))
                .isEqualTo("2 2.5 7.35");
    }

    @Test
    void shouldAllowEscapesAndBracesInQuotedText() {
        assertThat(render("{x | default:\"a \\\"b\\\" {c}\"}", vars())).isEqualTo("a \"b\" {c}");
        assertThat(render("{x | default:'it\\'s'}", vars())).isEqualTo("it's");
    }

    @Test
    void shouldListTheVariablesItReads() {
        assertThat(Template.compile("t", "{if vip}{name}{end} {now | date:\"dd\"} {sum * qty} {name}").variables())
                .containsExactly("vip", "name", "sum", "qty");
    }
}
