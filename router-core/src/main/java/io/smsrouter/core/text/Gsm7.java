package io.smsrouter.core.text;

/**
 * The GSM 03.38 (3GPP TS 23.038) default 7-bit alphabet and its extension table, for encoding text
 * as SMPP {@code data_coding} 0: one septet per octet ("unpacked"), an extension character as ESC
 * (0x1B) followed by its code, so it costs two septets.
 *
 * <p>The table is the one {@code io.smsrouter.core.moderation.MessageText} decodes with, so
 * encoding then decoding gives the text back. 0x09 is capital {@code Ç}: lower-case {@code ç} is
 * not in the alphabet, nor is U+001B itself (a bare ESC would swallow the septet after it).
 * Allocates nothing except the array {@link #encodeUnpacked} returns.
 */
public final class Gsm7 {
    private Gsm7() {
    }

    /** The escape septet that introduces an extension-table character. */
    public static final int ESC = 0x1B;

    /** Marks an extension-table entry in {@link #code}: the low 7 bits are the code after ESC. */
    static final int EXTENSION = 0x100;

    /** Default alphabet, septet → char (0x1B is ESC, not encodable on its own). */
    private static final char[] BASIC = (
            "@£$¥èéùìòÇ\nØø\rÅå"
            + "Δ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ"
            + " !\"#¤%&'()*+,-./"
            + "0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNO"
            + "PQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmno"
            + "pqrstuvwxyzäöñüà").toCharArray();

    private static final char[] EXTENSION_CHARS = {'\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€'};
    private static final int[] EXTENSION_CODES = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};

    /** Every table char but € lies below this (the Greek capitals end at U+03A8). */
    private static final int TABLE_SIZE = 0x400;
    private static final char EURO = '\u20AC';
    private static final int EURO_CODE = EXTENSION | 0x65;

    /** char → septet, or {@code EXTENSION | code}, or -1 when not in the alphabet. */
    private static final short[] CODES = new short[TABLE_SIZE];

    static {
        if (BASIC.length != 128) {
            throw new AssertionError("GSM table has " + BASIC.length + " entries");
        }
        java.util.Arrays.fill(CODES, (short) -1);
        for (int septet = 0; septet < 128; septet++) {
            if (septet != ESC) {
                put(BASIC[septet], septet);
            }
        }
        for (int i = 0; i < EXTENSION_CHARS.length; i++) {
            if (EXTENSION_CHARS[i] != EURO) {
                put(EXTENSION_CHARS[i], EXTENSION | EXTENSION_CODES[i]);
            }
        }
    }

    private static void put(char c, int code) {
        if (c >= TABLE_SIZE || CODES[c] != -1) {
            throw new AssertionError("GSM table: bad or duplicate char U+" + Integer.toHexString(c));
        }
        CODES[c] = (short) code;
    }

    /** The septet of {@code c}, or {@link #EXTENSION} | its code after ESC, or -1. */
    static int code(char c) {
        if (c < TABLE_SIZE) {
            return CODES[c];
        }
        return c == EURO ? EURO_CODE : -1;
    }

    /** Septets a code from {@link #code} takes: 1, or 2 for an extension character. */
    static int width(int code) {
        return 1 + (code >>> 8);
    }

    /** True when every char is in the default alphabet or the extension table (also when empty). */
    public static boolean isGsm(CharSequence text) {
        return septetsOrMinusOne(text) >= 0;
    }

    /**
     * The number of septets {@code text} takes, an extension character counting two.
     *
     * @throws IllegalArgumentException if a char is not in the GSM alphabet
     */
    public static int septets(CharSequence text) {
        int n = septetsOrMinusOne(text);
        if (n < 0) {
            throw notGsm(text);
        }
        return n;
    }

    /**
     * The text as SMPP carries GSM in {@code data_coding} 0: one septet per byte, ESC before an
     * extension character.
     *
     * @throws IllegalArgumentException if a char is not in the GSM alphabet
     */
    public static byte[] encodeUnpacked(CharSequence text) {
        byte[] out = new byte[septets(text)];
        write(text, 0, text.length(), out, 0);
        return out;
    }

    /** Septets of {@code text}, or -1 at the first char outside the alphabet. */
    static int septetsOrMinusOne(CharSequence text) {
        int n = 0;
        for (int i = 0, len = text.length(); i < len; i++) {
            int code = code(text.charAt(i));
            if (code < 0) {
                return -1;
            }
            n += width(code);
        }
        return n;
    }

    /**
     * Writes chars {@code [start, end)} of {@code text}, all known to be GSM, unpacked into
     * {@code dst} from {@code off}; returns the offset after the last byte written.
     */
    static int write(CharSequence text, int start, int end, byte[] dst, int off) {
        for (int i = start; i < end; i++) {
            int code = code(text.charAt(i));
            if (code >= EXTENSION) {
                dst[off++] = ESC;
            }
            dst[off++] = (byte) code;
        }
        return off;
    }

    private static IllegalArgumentException notGsm(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (code(c) < 0) {
                return new IllegalArgumentException(String.format(
                        "char U+%04X at index %d is not in the GSM 03.38 alphabet", (int) c, i));
            }
        }
        return new IllegalArgumentException("text is not GSM 03.38");
    }
}
