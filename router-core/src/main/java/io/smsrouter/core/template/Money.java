package io.smsrouter.core.template;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts with a currency, always two decimals rounded half up. Rubles in the Russian style
 * ({@code 1 234,50 ₽}), dollars and euros in the English style ({@code $1,234.50}, {@code €1,234.50}).
 * The Russian group separator and the space before ₽ are U+00A0 NO-BREAK SPACE, so a phone never
 * wraps a line inside an amount; ₽ makes the message UCS-2 anyway.
 */
enum Money {
    RUB("", "\u00a0₽", '\u00a0', ','),
    USD("$", "", ',', '.'),
    EUR("€", "", ',', '.');

    private static final String[] RUBLES = {"рубль", "рубля", "рублей"};
    private static final String[] KOPECKS = {"копейка", "копейки", "копеек"};

    private final String prefix;
    private final String suffix;
    private final char groupSeparator;
    private final char decimalSeparator;

    Money(String prefix, String suffix, char groupSeparator, char decimalSeparator) {
        this.prefix = prefix;
        this.suffix = suffix;
        this.groupSeparator = groupSeparator;
        this.decimalSeparator = decimalSeparator;
    }

    static Money byCode(String code) {
        for (Money m : values()) {
            if (m.name().equals(code)) {
                return m;
            }
        }
        return null;
    }

    String format(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(2, RoundingMode.HALF_UP);
        String digits = rounded.unscaledValue().abs().toString();
        while (digits.length() < 3) {
            digits = "0" + digits;
        }
        String whole = digits.substring(0, digits.length() - 2);
        StringBuilder sb = new StringBuilder(whole.length() * 4 / 3 + 8);
        if (rounded.signum() < 0) {
            sb.append('-');
        }
        sb.append(prefix);
        group(sb, whole, groupSeparator);
        sb.append(decimalSeparator).append(digits, digits.length() - 2, digits.length()).append(suffix);
        return sb.toString();
    }

    static void group(StringBuilder sb, String whole, char separator) {
        int first = whole.length() % 3 == 0 ? 3 : whole.length() % 3;
        sb.append(whole, 0, first);
        for (int i = first; i < whole.length(); i += 3) {
            sb.append(separator).append(whole, i, i + 3);
        }
    }

    /** {@code сто двадцать три рубля 45 копеек}: rubles in words, kopecks as two digits. */
    static String rublesInWords(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(2, RoundingMode.HALF_UP);
        BigDecimal abs = rounded.abs();
        long rubles = abs.longValue();
        int kopecks = abs.remainder(BigDecimal.ONE).movePointRight(2).intValue();
        StringBuilder sb = new StringBuilder(80);
        if (rounded.signum() < 0) {
            sb.append("минус ");
        }
        sb.append(NumberWords.russian(rubles, NumberWords.Gender.MASCULINE)).append(' ')
                .append(RUBLES[NumberWords.russianForm(rubles)]).append(' ')
                .append(kopecks < 10 ? "0" : "").append(kopecks).append(' ')
                .append(KOPECKS[NumberWords.russianForm(kopecks)]);
        return sb.toString();
    }
}
