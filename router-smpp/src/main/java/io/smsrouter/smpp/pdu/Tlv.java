package io.smsrouter.smpp.pdu;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One optional parameter (SMPP 3.4 section 3.2.1, tag/length/value). The length is
 * {@code value.length}, at most 65535. The array is held, not copied: do not change it after adding
 * the TLV to a PDU.
 *
 * <p>{@code equals} and {@code hashCode} compare the value's contents, unlike a plain record.
 */
public record Tlv(short tag, byte[] value) {

    private static final byte[] EMPTY = new byte[0];

    public Tlv {
        Objects.requireNonNull(value, "value");
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("TLV value longer than 65535 bytes: " + value.length);
        }
    }

    /** A TLV with an empty value (length 0), such as alert_on_message_delivery. */
    public static Tlv empty(short tag) {
        return new Tlv(tag, EMPTY);
    }

    /** A C-Octet String value: the characters as ISO-8859-1 followed by the NUL terminator. */
    public static Tlv ofString(short tag, String cstring) {
        int n = cstring.length();
        byte[] v = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            char c = cstring.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("C-Octet String contains NUL");
            }
            v[i] = c > 0xFF ? (byte) '?' : (byte) c;
        }
        return new Tlv(tag, v);
    }

    /** A 1-octet integer value, 0..255. */
    public static Tlv ofByte(short tag, int v) {
        if ((v & ~0xFF) != 0) {
            throw new IllegalArgumentException("not an unsigned byte: " + v);
        }
        return new Tlv(tag, new byte[] {(byte) v});
    }

    /** A 2-octet big-endian integer value, 0..65535. */
    public static Tlv ofShort(short tag, int v) {
        if ((v & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("not an unsigned short: " + v);
        }
        return new Tlv(tag, new byte[] {(byte) (v >>> 8), (byte) v});
    }

    /** A 4-octet big-endian integer value. */
    public static Tlv ofInt(short tag, int v) {
        return new Tlv(tag, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** The value as ISO-8859-1 text without its trailing NUL, if there is one. */
    public String asCString() {
        int n = value.length;
        if (n > 0 && value[n - 1] == 0) {
            n--;
        }
        return n == 0 ? "" : new String(value, 0, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * The value as an unsigned big-endian integer of 1, 2 or 4 octets (a 4-octet value above
     * 2^31-1 comes back negative: read it with {@link Integer#toUnsignedLong(int)}).
     *
     * @throws IllegalStateException if the value has another length
     */
    public int asUnsigned() {
        switch (value.length) {
            case 1:
                return value[0] & 0xFF;
            case 2:
                return (value[0] & 0xFF) << 8 | (value[1] & 0xFF);
            case 4:
                return (value[0] & 0xFF) << 24 | (value[1] & 0xFF) << 16 | (value[2] & 0xFF) << 8 | (value[3] & 0xFF);
            default:
                throw new IllegalStateException("TLV 0x" + Integer.toHexString(tag & 0xFFFF)
                        + " has " + value.length + " octets, not 1, 2 or 4");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv t && t.tag == tag && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(32);
        appendTo(sb);
        return sb.toString();
    }

    /** Tag name (or hex tag) and length; small integer values are shown, other contents are not. */
    void appendTo(StringBuilder sb) {
        String name = TlvTag.name(tag);
        if (name != null) {
            sb.append(name);
        } else {
            sb.append("0x");
            Hex.appendShort(sb, tag);
        }
        sb.append('(').append(value.length);
        if (value.length == 1 || value.length == 2 || value.length == 4) {
            sb.append(":").append(Integer.toUnsignedString(asUnsigned()));
        }
        sb.append(')');
    }
}
