package io.smsrouter.core.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;

/** How variable values (as they come from JSON) print, count as numbers, compare and test true. */
final class Values {
    private Values() {
    }

    /** The value as it appears in the message. */
    static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Double || v instanceof Float) {
            return plain(((Number) v).doubleValue());
        }
        return v.toString();
    }

    // A double carries no scale, so 1990.0 from JSON prints as 1990, not 1990.0.
    private static String plain(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        BigDecimal b = BigDecimal.valueOf(d);
        return b.signum() == 0 ? "0" : b.stripTrailingZeros().toPlainString();
    }

    /** The value as a number, or null if it is not one. Strings count when they are plain decimals. */
    static BigDecimal decimalOrNull(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? null : BigDecimal.valueOf(d);
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (v instanceof String s) {
            return parseDecimal(s);
        }
        return null;
    }

    /** {@code [+-]digits[.digits]} only: no exponent, no grouping, no spaces. */
    static BigDecimal parseDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0) {
            return null;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            int fraction = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                fraction++;
            }
            if (fraction == 0) {
                return null;
            }
        }
        return i == n ? new BigDecimal(s) : null;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isWhole(BigDecimal d) {
        return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    }

    /**
     * False: {@code false}, null, zero, and the strings "", "0" and "false" (any case), because CRMs
     * often send flags as text.
     */
    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !(s.isEmpty() || s.equals("0") || s.equalsIgnoreCase("false"));
        }
        if (v instanceof Number) {
            BigDecimal d = decimalOrNull(v);
            return d == null || d.signum() != 0;
        }
        return true;
    }

    /** {@code ==}: numbers by value when either side is a number; a boolean equals "true"/"false". */
    static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Number || b instanceof Number) {
            BigDecimal x = decimalOrNull(a);
            BigDecimal y = decimalOrNull(b);
            return x != null && y != null && x.compareTo(y) == 0;
        }
        if (a instanceof Boolean && b instanceof String s) {
            return a.toString().equalsIgnoreCase(s);
        }
        if (b instanceof Boolean && a instanceof String s) {
            return b.toString().equalsIgnoreCase(s);
        }
        return a.equals(b);
    }

    /** Quoted if text, so errors show {@code "abc"} apart from {@code abc}. */
    static String describe(Object v) {
        if (v instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        return v == null ? "null" : text(v);
    }

    /** {@code  (did you mean "x"?)} for the closest candidate within two edits, else "". */
    static String didYouMean(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = 3;
        for (String c : candidates) {
            if (c == null || Math.abs(c.length() - word.length()) >= bestDistance) {
                continue;
            }
            int d = distance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best == null ? "" : " (did you mean \"" + best + "\"?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
