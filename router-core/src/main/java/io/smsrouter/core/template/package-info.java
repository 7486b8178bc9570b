/**
 * Message templates for the HTTP API: one text sent to many recipients, each with their own
 * variables. A template is compiled once ({@link io.smsrouter.core.template.Template#compile}),
 * then rendered for every recipient; errors name the template, the line, the column and the
 * problem ({@link io.smsrouter.core.template.TemplateException}).
 *
 * <h2>Text and substitutions</h2>
 * <p>Everything outside braces is copied as written, new lines included. A part in braces is
 * replaced by its value:
 * <pre>
 * Здравствуйте, {name}! Заказ №{order.id} на {price * qty | money:"RUB"}.
 * </pre>
 * <p>{{ and }} stand for a literal { and }. Careful: {{name}} is therefore the text "{name}", not a
 * substitution. A single } outside a tag is an error.
 *
 * <h2>Values</h2>
 * <ul>
 * <li>Variables come from the recipient's JSON object: text, numbers, true/false, null. A name is
 *     letters, digits and _, starting with a letter or _; order.id reads the field id of the
 *     object order. A variable the recipient did not send is an error, unless a default filter
 *     follows it. A null prints as nothing.</li>
 * <li>now is the current instant (the same throughout one message); true, false, null, and, or,
 *     not, if, elif, else, end are reserved and cannot be variable names.</li>
 * <li>Literals: numbers 12 and 12.50 (no exponent, no thousands separator, a dot for decimals);
 *     text in "double" or 'single' quotes with the escapes \" \' \\ \n \t.</li>
 * <li>Numbers print plainly: 1234.50 stays 1234.50, a JSON 1990.0 prints as 1990. Text that is a
 *     plain decimal ("19.90", "-3") counts as a number in arithmetic, comparisons and number
 *     filters, since CRMs often send numbers as text.</li>
 * </ul>
 *
 * <h2>Expressions</h2>
 * <p>From the lowest precedence to the highest:
 * <pre>
 * expr | filter:arg,arg | filter      filters, applied left to right
 * a or b
 * a and b
 * not a
 * a == b   a != b   a &lt; b   a &lt;= b   a &gt; b   a &gt;= b     (one comparison, no chains)
 * a + b    a - b
 * a * b    a / b
 * -a       (a)
 * </pre>
 * <ul>
 * <li>Arithmetic is exact decimal; a division gives 2 decimals rounded half up (10 / 3 is 3.33);
 *     a division by zero is an error.</li>
 * <li>== and != compare numbers by value when either side is a number (5 == "5.0"), true/false
 *     equal the texts "true"/"false" in any case, other values are equal when identical.
 *     &lt; &lt;= &gt; &gt;= compare numbers (and numeric texts) by value, other texts
 *     alphabetically.</li>
 * <li>and, or, not and conditions take false for: false, null, 0, and the texts "", "0" and
 *     "false" (any case); everything else is true.</li>
 * </ul>
 *
 * <h2>Conditions</h2>
 * <pre>
 * {if vip}Уважаемый{else}Здравствуйте,{end} {name}
 * {if total &gt; 1000}Доставка бесплатно{elif total &gt; 500}Доставка 100 ₽{else}Доставка 300 ₽{end}
 * </pre>
 * <p>elif and else are optional; blocks nest up to 64 deep. Only the branch taken is evaluated,
 * so a variable used in another branch may be missing.
 *
 * <h2>Filters</h2>
 * <p>A filter follows a value after |, with its arguments after a colon, separated by commas.
 * Arguments are literals, except for default, whose argument may be any value. Filters are checked
 * at compile time: an unknown name, a wrong number of arguments, an unknown currency or language,
 * a bad date pattern are errors before anything is sent. A missing variable passes through any
 * filter to a following default.
 * <table>
 * <caption>Filters</caption>
 * <tr><th>filter</th><th>example</th><th>result</th></tr>
 * <tr><td>upper, lower</td><td>{name | upper}</td><td>АННА</td></tr>
 * <tr><td>default:value</td><td>{name | default:"клиент"}</td><td>the value if name is missing,
 *     null or ""</td></tr>
 * <tr><td>round, round:n</td><td>{x | round:1}</td><td>2.45 gives 2.5 (half up, n from 0 to 10)</td></tr>
 * <tr><td>words:"ru", words:"en"</td><td>{n | words:"ru"}</td><td>двадцать один; twenty-one.
 *     Whole numbers up to 999 999 999 999 999 999, negatives (минус, minus) and zero (ноль,
 *     zero). Russian thousands are feminine (одна тысяча, две тысячи); the units are masculine
 *     unless a gender follows: words:"ru","f" gives двадцать одна, words:"ru","n" gives одно.
 *     English is American: one hundred one, no "and".</td></tr>
 * <tr><td>money:"RUB"</td><td>{sum | money:"RUB"}</td><td>1 234,50 ₽ (the group separator and
 *     the space before ₽ are U+00A0 no-break spaces)</td></tr>
 * <tr><td>money:"USD", money:"EUR"</td><td>{sum | money:"EUR"}</td><td>$1,234.50, €1,234.50;
 *     always 2 decimals rounded half up, a minus before the symbol: -$5.00</td></tr>
 * <tr><td>money_words</td><td>{sum | money_words}</td><td>сто двадцать три рубля 45 копеек
 *     (kopecks always as two digits: 00 копеек)</td></tr>
 * <tr><td>plural:one,few,many</td><td>{n | plural:"товар","товара","товаров"}</td><td>5 товаров:
 *     the number as it prints, a space and the noun. Three forms follow the Russian rule (1, 21,
 *     101: one; 2-4, 22-24: few; 0, 5-20, 11-14, 111: many); two forms the English rule
 *     ({n | plural:"item","items"}: 1 item, 2 items). A fraction takes the second form.</td></tr>
 * <tr><td>plural_word:...</td><td>{n | words:"ru"} {n | plural_word:"бонус","бонуса","бонусов"}</td>
 *     <td>двадцать один бонус: the noun alone</td></tr>
 * <tr><td>date:"pattern", date:"pattern","en"</td><td>{due | date:"dd.MM.yyyy HH:mm"}</td>
 *     <td>05.03.2024 23:30. The value is an ISO-8601 date-time with Z or an offset
 *     (2024-03-05T20:30:00Z, 2024-03-05T23:30:00+03:00) or epoch milliseconds (number or
 *     text) and is shown in the recipient's time zone; a date (2024-03-05) or a date-time without
 *     an offset is shown as written. Pattern letters are java.time's (dd day, MM month, MMMM month
 *     name, yyyy year, HH hour, mm minute); YYYY and DD are refused since they are almost always a
 *     mistake. Month and day names are Russian (5 марта) unless "en" follows. {now | date:"dd.MM"}
 *     shows today.</td></tr>
 * </table>
 *
 * <h2>Errors</h2>
 * <p>Compile errors: an unclosed {, a single }, an unknown filter, a missing {end}, an {else},
 * {elif} or {end} without {if}, a bad number literal (1.2.3, 12., 1,5), an unclosed string, bad
 * filter arguments. Render errors: a missing variable, a division by zero, a value that is not a
 * number where one is needed, a date that cannot be read. Each gives the template name, the line
 * and column (from 1, counted in characters) and the problem, e.g.
 * {@code template "order": line 1, column 14: unknown filter "plurl" (did you mean "plural"?)}.
 *
 * <h2>Storage</h2>
 * <p>{@link io.smsrouter.core.template.TemplateStore} keeps named templates (names of 1 to 64 of
 * A-Z a-z 0-9 _ . -); {@link io.smsrouter.core.template.LocalTemplateStore} keeps them in memory
 * and in one file each in a directory.
 */
package io.smsrouter.core.template;
