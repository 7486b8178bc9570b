package io.smsrouter.core.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.List;
import java.util.Locale;

/** The filter table: builds a {@link Filter} from its name and arguments, or says what is wrong. */
final class Filters {
    static final List<String> NAMES = List.of("upper", "lower", "default", "round", "words", "money",
            "money_words", "plural", "plural_word", "date");

    private static final BigDecimal MAX_WORDS = BigDecimal.valueOf(NumberWords.MAX);
    private static final Locale RU = Locale.forLanguageTag("ru");

    private Filters() {
    }

    static Filter create(TemplateParser p, String name, int pos, List<Expr> args) {
        switch (name) {
            case "upper":
                arity(p, name, pos, args, 0, 0, "upper takes no arguments");
                return new CaseFilter(name, true);
            case "lower":
                arity(p, name, pos, args, 0, 0, "lower takes no arguments");
                return new CaseFilter(name, false);
            case "default":
                arity(p, name, pos, args, 1, 1, "default needs one value: default:\"text\"");
                return new DefaultFilter(args.get(0));
            case "round":
                arity(p, name, pos, args, 0, 1, "round takes the number of decimals: round or round:2");
                return new RoundFilter(args.isEmpty() ? 0 : digits(p, args.get(0)));
            case "words":
                return words(p, pos, args);
            case "money": {
                arity(p, name, pos, args, 1, 1, "money needs a currency: money:\"RUB\"");
                String code = constant(p, args.get(0), "the currency must be quoted text: money:\"RUB\"");
                Money m = Money.byCode(code);
                if (m == null) {
                    throw p.error(args.get(0).pos, "unknown currency \"" + code + "\"; use \"RUB\", \"USD\" or \"EUR\"");
                }
                return new MoneyFilter(m);
            }
            case "money_words":
                arity(p, name, pos, args, 0, 0, "money_words takes no arguments; it spells rubles and kopecks");
                return new MoneyWordsFilter();
            case "plural":
            case "plural_word": {
                arity(p, name, pos, args, 2, 3, name + " needs the noun forms: " + name
                        + ":\"товар\",\"товара\",\"товаров\" or " + name + ":\"item\",\"items\"");
                String[] forms = new String[args.size()];
                for (int i = 0; i < forms.length; i++) {
                    forms[i] = constant(p, args.get(i), "the noun forms must be quoted text");
                }
                return new PluralFilter(name, forms, name.equals("plural"));
            }
            case "date":
                return date(p, pos, args);
            default:
                throw p.error(pos, "unknown filter \"" + name + "\"" + Values.didYouMean(name, NAMES));
        }
    }

    private static void arity(TemplateParser p, String name, int pos, List<Expr> args, int min, int max,
            String usage) {
        if (args.size() < min || args.size() > max) {
            throw p.error(pos, "filter \"" + name + "\": " + usage);
        }
    }

    private static String constant(TemplateParser p, Expr arg, String problem) {
        if (arg instanceof Expr.Literal l && l.value instanceof String s) {
            return s;
        }
        throw p.error(arg.pos, problem);
    }

    private static int digits(TemplateParser p, Expr arg) {
        if (arg instanceof Expr.Literal l && l.value instanceof BigDecimal d && Values.isWhole(d)
                && d.signum() >= 0 && d.compareTo(BigDecimal.TEN) <= 0) {
            return d.intValue();
        }
        throw p.error(arg.pos, "filter \"round\": decimals must be a whole number from 0 to 10");
    }

    private static Filter words(TemplateParser p, int pos, List<Expr> args) {
        arity(p, "words", pos, args, 1, 2, "words needs a language: words:\"ru\" or words:\"en\"");
        String lang = constant(p, args.get(0), "the language must be quoted text: words:\"ru\"");
        if (!lang.equals("ru") && !lang.equals("en")) {
            throw p.error(args.get(0).pos, "unknown language \"" + lang + "\"; use \"ru\" or \"en\"");
        }
        NumberWords.Gender gender = NumberWords.Gender.MASCULINE;
        if (args.size() == 2) {
            String g = constant(p, args.get(1), "the gender must be quoted text: \"m\", \"f\" or \"n\"");
            if (!lang.equals("ru")) {
                throw p.error(args.get(1).pos, "gender applies to \"ru\" only");
            }
            switch (g) {
                case "m":
                    break;
                case "f":
                    gender = NumberWords.Gender.FEMININE;
                    break;
                case "n":
                    gender = NumberWords.Gender.NEUTER;
                    break;
                default:
                    throw p.error(args.get(1).pos, "unknown gender \"" + g + "\"; use \"m\", \"f\" or \"n\"");
            }
        }
        return new WordsFilter(lang.equals("ru"), gender);
    }

    private static Filter date(TemplateParser p, int pos, List<Expr> args) {
        arity(p, "date", pos, args, 1, 2, "date needs a pattern: date:\"dd.MM.yyyy HH:mm\"");
        Expr patternArg = args.get(0);
        String pattern = constant(p, patternArg, "the pattern must be quoted text: date:\"dd.MM.yyyy\"");
        Locale locale = RU;
        if (args.size() == 2) {
            String lang = constant(p, args.get(1), "the language must be quoted text: \"ru\" or \"en\"");
            if (lang.equals("en")) {
                locale = Locale.ENGLISH;
            } else if (!lang.equals("ru")) {
                throw p.error(args.get(1).pos, "unknown language \"" + lang + "\"; use \"ru\" or \"en\"");
            }
        }
        String mistake = commonPatternMistake(pattern);
        if (mistake != null) {
            throw p.error(patternArg.pos, "date pattern \"" + pattern + "\": " + mistake);
        }
        try {
            return new DateFilter(pattern, DateTimeFormatter.ofPattern(pattern, locale));
        } catch (IllegalArgumentException e) {
            throw p.error(patternArg.pos, "bad date pattern \"" + pattern + "\": " + e.getMessage());
        }
    }

    // "YYYY" and "DD" are valid patterns that print the wrong date a few days a year; nobody means them.
    private static String commonPatternMistake(String pattern) {
        boolean quoted = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == 'Y') {
                return "\"Y\" is the week-based year; write \"yyyy\"";
            } else if (!quoted && c == 'D') {
                return "\"D\" is the day of the year; write \"dd\"";
            }
        }
        return null;
    }

    static BigDecimal number(Filter filter, Object in, Frame f, int pos) {
        BigDecimal d = Values.decimalOrNull(in);
        if (d == null) {
            throw filter.error(f, pos, "not a number: " + Values.describe(in));
        }
        return d;
    }

    private static final class CaseFilter extends Filter {
        private final boolean upper;

        CaseFilter(String name, boolean upper) {
            super(name);
            this.upper = upper;
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            if (in == null) {
                return null;
            }
            String s = Values.text(in);
            return upper ? s.toUpperCase(Locale.ROOT) : s.toLowerCase(Locale.ROOT);
        }
    }

    private static final class DefaultFilter extends Filter {
        private final Expr fallback;

        DefaultFilter(Expr fallback) {
            super("default");
            this.fallback = fallback;
        }

        @Override
        boolean takesMissing() {
            return true;
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            if (in == null || in instanceof Expr.Missing || (in instanceof String s && s.isEmpty())) {
                return fallback.eval(f);
            }
            return in;
        }
    }

    private static final class RoundFilter extends Filter {
        private final int decimals;

        RoundFilter(int decimals) {
            super("round");
            this.decimals = decimals;
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            return number(this, in, f, pos).setScale(decimals, RoundingMode.HALF_UP);
        }
    }

    private static final class WordsFilter extends Filter {
        private final boolean russian;
        private final NumberWords.Gender gender;

        WordsFilter(boolean russian, NumberWords.Gender gender) {
            super("words");
            this.russian = russian;
            this.gender = gender;
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            BigDecimal d = number(this, in, f, pos);
            if (!Values.isWhole(d)) {
                throw error(f, pos, "needs a whole number, got " + Values.describe(in));
            }
            if (d.abs().compareTo(MAX_WORDS) > 0) {
                throw error(f, pos, "too large to spell out: " + Values.describe(in));
            }
            long n = d.longValue();
            return russian ? NumberWords.russian(n, gender) : NumberWords.english(n);
        }
    }

    private static final class MoneyFilter extends Filter {
        private final Money money;

        MoneyFilter(Money money) {
            super("money");
            this.money = money;
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            return money.format(number(this, in, f, pos));
        }
    }

    private static final class MoneyWordsFilter extends Filter {
        MoneyWordsFilter() {
            super("money_words");
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            BigDecimal d = number(this, in, f, pos);
            if (d.abs().compareTo(MAX_WORDS) > 0) {
                throw error(f, pos, "too large to spell out: " + Values.describe(in));
            }
            return Money.rublesInWords(d);
        }
    }

    /** Three forms: the Russian rule (1, 2-4, 5+, 11-14). Two forms: the English rule (1, other). */
    private static final class PluralFilter extends Filter {
        private static final BigInteger HUNDRED = BigInteger.valueOf(100);
        private final String[] forms;
        private final boolean withNumber;

        PluralFilter(String name, String[] forms, boolean withNumber) {
            super(name);
            this.forms = forms;
            this.withNumber = withNumber;
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            BigDecimal d = number(this, in, f, pos);
            String word;
            if (!Values.isWhole(d)) {
                // "1,5 товара", "1.5 items": a fraction takes the genitive singular / the plural
                word = forms[1];
            } else if (forms.length == 3) {
                word = forms[NumberWords.russianForm(d.toBigInteger().abs().mod(HUNDRED).longValue())];
            } else {
                word = d.abs().compareTo(BigDecimal.ONE) == 0 ? forms[0] : forms[1];
            }
            return withNumber ? Values.text(in) + " " + word : word;
        }
    }

    private static boolean isEpochMillis(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            if (!Values.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static final class DateFilter extends Filter {
        private final String pattern;
        private final DateTimeFormatter formatter;

        DateFilter(String pattern, DateTimeFormatter formatter) {
            super("date");
            this.pattern = pattern;
            this.formatter = formatter;
        }

        @Override
        Object apply(Object in, Frame f, int pos) {
            TemporalAccessor t = temporal(in, f, pos);
            try {
                return formatter.format(t);
            } catch (DateTimeException e) {
                throw error(f, pos, "cannot show " + Values.describe(in) + " as \"" + pattern + "\": "
                        + e.getMessage());
            }
        }

        /**
         * An instant (ISO-8601 with Z or an offset, epoch milliseconds) moves to the recipient's zone;
         * a date or a date-time written without an offset is shown as written.
         */
        private TemporalAccessor temporal(Object in, Frame f, int pos) {
            if (in instanceof Instant i) {
                return i.atZone(f.ctx.zone());
            }
            if (in instanceof OffsetDateTime o) {
                return o.atZoneSameInstant(f.ctx.zone());
            }
            if (in instanceof ZonedDateTime z) {
                return z.withZoneSameInstant(f.ctx.zone());
            }
            if (in instanceof LocalDate || in instanceof LocalDateTime) {
                return (TemporalAccessor) in;
            }
            BigDecimal millis = in instanceof Number ? Values.decimalOrNull(in) : null;
            if (in instanceof String s) {
                if (isEpochMillis(s)) {
                    millis = new BigDecimal(s);
                } else {
                    try {
                        if (s.indexOf('T') < 0) {
                            return LocalDate.parse(s);
                        }
                        TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(s);
                        if (parsed.query(TemporalQueries.zone()) != null) {
                            return Instant.from(parsed).atZone(f.ctx.zone());
                        }
                        return LocalDateTime.from(parsed);
                    } catch (DateTimeException e) {
                        throw error(f, pos, "not an ISO-8601 date-time (2024-03-05T10:00:00+03:00)"
                                + " or epoch milliseconds: " + Values.describe(in));
                    }
                }
            }
            if (millis == null || !Values.isWhole(millis)) {
                throw error(f, pos, "not a date-time or epoch milliseconds: " + Values.describe(in));
            }
            try {
                return Instant.ofEpochMilli(millis.longValueExact()).atZone(f.ctx.zone());
            } catch (ArithmeticException | DateTimeException e) {
                throw error(f, pos, "epoch milliseconds out of range: " + Values.describe(in));
            }
        }
    }
}
