package io.smsrouter.smpp.pdu;

/** Fixed-width lower-case hex for log text, without String.format. */
final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    static String int32(int v) {
        char[] c = new char[8];
        for (int i = 7; i >= 0; i--) {
            c[i] = DIGITS[v & 0xF];
            v >>>= 4;
        }
        return new String(c);
    }

    static void appendByte(StringBuilder sb, int v) {
        sb.append(DIGITS[(v >>> 4) & 0xF]).append(DIGITS[v & 0xF]);
    }

    static void appendShort(StringBuilder sb, int v) {
        appendByte(sb, v >>> 8);
        appendByte(sb, v);
    }
}
