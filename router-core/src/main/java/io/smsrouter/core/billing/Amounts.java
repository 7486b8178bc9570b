package io.smsrouter.core.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as a {@code long} of millionths of the account's currency unit, so that sums of prices
 * are exact: {@code "0.35"} is 350,000. No currency is attached; an account's balance and its
 * prices are in the same one.
 */
public final class Amounts {
    /** Units per 1.00. */
    public static final long SCALE = 1_000_000L;
    /** The largest amount accepted from a config or a request: a thousand billion. */
    public static final long MAX = 1_000_000_000_000L * SCALE;

    private Amounts() {
    }

    /**
     * Reads a decimal amount such as {@code 100}, {@code 0.35} or {@code 1234.567891}: at most six
     * decimals, not negative, at most {@link #MAX}.
     *
     * @throws IllegalArgumentException naming what was expected and what was given
     */
    public static long parse(String s) {
        String expected = "an amount such as 100 or 0.35 (not negative, at most 6 decimals)";
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("expected " + expected + ", got nothing");
        }
        BigDecimal d;
        try {
            d = new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + expected + ", got \"" + s + "\"");
        }
        if (d.signum() < 0 || d.scale() > 6 && d.stripTrailingZeros().scale() > 6) {
            throw new IllegalArgumentException("expected " + expected + ", got \"" + s + "\"");
        }
        BigDecimal units = d.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY);
        if (units.compareTo(BigDecimal.valueOf(MAX)) > 0) {
            throw new IllegalArgumentException("expected " + expected + " up to 1000000000000, got \"" + s + "\"");
        }
        return units.longValueExact();
    }

    /** The amount as a plain decimal with at least two decimals: {@code 350000} is {@code "0.35"}. */
    public static String format(long units) {
        BigDecimal d = BigDecimal.valueOf(units, 6).stripTrailingZeros();
        if (d.scale() < 2) {
            d = d.setScale(2, RoundingMode.UNNECESSARY);
        }
        return d.toPlainString();
    }
}
