package io.smsrouter.core.policy;

/**
 * A phone number as a 64-bit value, so that the opt-out table holds numbers in a {@code long[]}
 * and the per-message check reads the destination without creating a String.
 *
 * <p>Accepted form: an optional leading {@code +}, then 1 to {@value #MAX_DIGITS} ASCII digits
 * (E.164 numbers are at most 15). Each digit {@code d} becomes the 4 bits {@code d + 1}, the first
 * digit highest: the encoding is one to one (a 0 nibble marks "no digit", so {@code 0079} and
 * {@code 79} stay apart), a packed number is never 0, which the table uses for an empty slot, and
 * packing is a shift and an or a digit, cheaper than the multiply chain of a decimal parse.
 */
final class Msisdn {
    static final int MAX_DIGITS = 15;
    /** What {@link #pack} answers for something that is not a number. */
    static final long INVALID = 0L;

    private Msisdn() {
    }

    /** The packed number, or {@link #INVALID}; allocates nothing. */
    static long pack(CharSequence s) {
        if (s == null) {
            return INVALID;
        }
        int n = s.length();
        int i = n > 0 && s.charAt(0) == '+' ? 1 : 0;
        int digits = n - i;
        if (digits < 1 || digits > MAX_DIGITS) {
            return INVALID;
        }
        long packed = 0;
        for (; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            packed = packed << 4 | (d + 1);
        }
        return packed;
    }

    /** The digits of a packed number, leading zeros included. */
    static String unpack(long packed) {
        int digits = (64 - Long.numberOfLeadingZeros(packed) + 3) / 4;
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = (char) ('0' + (packed & 0xF) - 1);
            packed >>>= 4;
        }
        return new String(out);
    }

    /** {@code +79161234567} becomes {@code 79161234567}; anything but digits is refused. */
    static String normalize(String msisdn) {
        long packed = pack(msisdn);
        if (packed == INVALID) {
            throw new IllegalArgumentException("msisdn must be 1 to " + MAX_DIGITS
                    + " digits with an optional leading '+': " + msisdn);
        }
        return msisdn.charAt(0) == '+' ? msisdn.substring(1) : msisdn;
    }
}
