package io.smsrouter.core.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TemplateErrorTest {

    private static TemplateException compileError(String source) {
        return catchThrowableOfType(TemplateException.class, () -> Template.compile("order", source));
    }

    private static TemplateException renderError(String source, Map<String, ?> vars) {
        Template t = Template.compile("order", source);
        return catchThrowableOfType(TemplateException.class, () -> t.render(vars));
    }

    @Test
    void shouldNameTemplateLineColumnAndProblemInTheMessage() {
        TemplateException e = compileError("Заказ {n | plurl:\"товар\",\"товара\",\"товаров\"}");
        assertThat(e).hasMessage("template \"order\": line 1, column 12: unknown filter \"plurl\" (did you mean \"plural\"?)");
        assertThat(e.templateName()).isEqualTo("order");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(12);
        assertThat(e.problem()).isEqualTo("unknown filter \"plurl\" (did you mean \"plural\"?)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '§', quoteCharacter = '`', value = {
        // source (\n is a new line)       § line § column § problem
        "Hello {name, bye                  § 1 § 7  § unclosed \"{\"; write \"{{\" for a literal brace",
        "Hi {a}\\nand {b\\nbye {c}         § 2 § 5  § unclosed \"{\": another \"{\" comes before \"}\"; write \"{{\" for a literal brace",
        "total} now                        § 1 § 6  § unmatched \"}\"; write \"}}\" for a literal brace",
        "{}                                § 1 § 1  § empty {}; write {{}} for literal braces",
        "{x | frobnicate}                  § 1 § 6  § unknown filter \"frobnicate\"",
        "a\\n  {if vip}b                   § 2 § 3  § {if} is never closed with {end}",
        "{if a}{if b}x{end}                § 1 § 1  § {if} is never closed with {end}",
        "{if a}x{end}{else}y               § 1 § 13 § {else} without {if}",
        "Hi {else} there                   § 1 § 4  § {else} without {if}",
        "{if a}x{else}y{else}z{end}        § 1 § 15 § second {else} in one {if}",
        "{if a}x{else}y{elif b}z{end}      § 1 § 15 § {elif} after {else}",
        "x{end}                            § 1 § 2  § {end} without {if}",
        "{else if a}                       § 1 § 7  § {else} takes no condition; write {elif condition}",
        "{price * 1.2.3}                   § 1 § 10 § bad number literal \"1.2.3\"; write numbers like 12 or 12.50",
        "{price * 12.}                     § 1 § 10 § bad number literal \"12.\"; write numbers like 12 or 12.50",
        "{price * 12abc}                   § 1 § 10 § bad number literal \"12abc\"; write numbers like 12 or 12.50",
        "{price * 1,5}                     § 1 § 10 § bad number literal \"1,5\"; write numbers like 12 or 12.50",
        "{name world}                      § 1 § 7  § unexpected \"world\"; expected \"|\" or \"}\"",
        "{(a + b}                          § 1 § 8  § expected \")\" to close the \"(\" at column 2, found \"}\"",
        "{a +}                             § 1 § 5  § expected a value, found \"}\"",
        "{if}                              § 1 § 4  § expected a value, found \"}\"",
        "{a = 1}                           § 1 § 4  § write \"==\" to compare",
        "{a && b}                          § 1 § 4  § write \"and\" instead of \"&&\"",
        "{1 < a < 3}                       § 1 § 8  § comparisons do not chain; join them with \"and\"",
        "{x | default:\"abc}               § 1 § 14 § unclosed string",
        "{x | money}                       § 1 § 6  § filter \"money\": money needs a currency: money:\"RUB\"",
        "{x | money:\"RUR\"}               § 1 § 12 § unknown currency \"RUR\"; use \"RUB\", \"USD\" or \"EUR\"",
        "{x | money:cur}                   § 1 § 12 § the currency must be quoted text: money:\"RUB\"",
        "{x | words:\"de\"}                § 1 § 12 § unknown language \"de\"; use \"ru\" or \"en\"",
        "{x | plural:\"a\"}                § 1 § 6  § filter \"plural\": plural needs the noun forms: plural:\"товар\",\"товара\",\"товаров\" or plural:\"item\",\"items\"",
        "{x | date:\"DD.MM.YYYY\"}         § 1 § 11 § date pattern \"DD.MM.YYYY\": \"D\" is the day of the year; write \"dd\"",
        "{x | date:\"dd.MM.YYYY\"}         § 1 § 11 § date pattern \"dd.MM.YYYY\": \"Y\" is the week-based year; write \"yyyy\"",
        "{x | round:11}                    § 1 § 12 § filter \"round\": decimals must be a whole number from 0 to 10",
        "{x | default:\"\\q\"}             § 1 § 15 § unknown escape \"\\q\"; write \\\\ for a backslash",
        "Привет, 😀 {n |}                  § 1 § 15 § expected a filter name after \"|\", found \"}\"",
    })
    void shouldPointAtCompileErrors(String source, int line, int column, String problem) {
        TemplateException e = compileError(source.strip().replace("\\n", "\n"));
        assertThat(e).as("no error for %s", source).isNotNull();
        assertThat(e.problem()).isEqualTo(problem);
        assertThat(e.line()).as("line").isEqualTo(line);
        assertThat(e.column()).as("column").isEqualTo(column);
        assertThat(e.templateName()).isEqualTo("order");
    }

    @Test
    void shouldRefuseExpressionsNestedTooDeeply() {
        assertThat(compileError("{" + "(".repeat(100) + "1" + ")".repeat(100) + "}").problem())
                .isEqualTo("expression nested more than 64 deep");
        assertThat(compileError("{if a}".repeat(100)).problem()).isEqualTo("{if} nested more than 64 deep");
    }

    @Test
    void shouldNameTheMissingVariableAndWhereItIsUsed() {
        TemplateException e = renderError("Hi {name},\nyour total is {totl | money:\"RUB\"}",
                Map.of("name", "Ann", "total", 5));
        assertThat(e).hasMessage("template \"order\": line 2, column 16: missing variable \"totl\" (did you mean \"total\"?)");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(16);
    }

    @Test
    void shouldReportMissingVariablesInConditionsAndArithmetic() {
        assertThat(renderError("{if vip}x{end}", Map.of())).hasMessage(
                "template \"order\": line 1, column 5: missing variable \"vip\"");
        assertThat(renderError("{price * qty}", Map.of("price", 1))).hasMessage(
                "template \"order\": line 1, column 10: missing variable \"qty\"");
        assertThat(renderError("{order.total}", Map.of("order", Map.of()))).hasMessage(
                "template \"order\": line 1, column 2: missing variable \"order.total\"");
    }

    @Test
    void shouldPointAtTheDivisionByZero() {
        assertThat(renderError("Per item: {sum / qty | money:\"RUB\"}", Map.of("sum", 100, "qty", 0))).hasMessage(
                "template \"order\": line 1, column 16: division by zero (\"qty\" is 0)");
        assertThat(renderError("{1 / (2 - 2)}", Map.of())).hasMessage(
                "template \"order\": line 1, column 4: division by zero");
    }

    @Test
    void shouldNameValuesThatAreNotNumbers() {
        assertThat(renderError("{qty * 2}", Map.of("qty", "three"))).hasMessage(
                "template \"order\": line 1, column 2: variable \"qty\" is not a number: \"three\"");
        assertThat(renderError("{qty | money:\"RUB\"}", Map.of("qty", "1 000"))).hasMessage(
                "template \"order\": line 1, column 8: filter \"money\": not a number: \"1 000\"");
        assertThat(renderError("{a < 1}", Map.of("a", true))).hasMessage(
                "template \"order\": line 1, column 4: cannot compare true with 1");
    }

    @Test
    void shouldNameDatesItCannotRead() {
        assertThat(renderError("{d | date:\"dd.MM\"}", Map.of("d", "05.03.2024"))).hasMessage(
                "template \"order\": line 1, column 6: filter \"date\": not an ISO-8601 date-time"
                        + " (2024-03-05T10:00:00+03:00) or epoch milliseconds: \"05.03.2024\"");
        assertThat(renderError("{d | date:\"HH:mm\"}", Map.of("d", "2024-03-05")).problem())
                .startsWith("filter \"date\": cannot show \"2024-03-05\" as \"HH:mm\"");
    }

    @Test
    void shouldOmitThePositionWhenThereIsNone() {
        assertThat(new TemplateException("x.tpl", 0, 0, "not UTF-8 text")).hasMessage("template \"x.tpl\": not UTF-8 text");
    }

    @Test
    void shouldNotRenderAnythingPartialOnError() {
        Template t = Template.compile("order", "a{x}");
        assertThatThrownBy(() -> t.render(Map.of())).isInstanceOf(TemplateException.class);
        assertThat(t.render(Map.of("x", 1))).isEqualTo("a1");
    }
}
