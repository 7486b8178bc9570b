package io.smsrouter.core.moderation;

/**
 * The text of a short message, decoded for moderation (shared/SPEC.md §3, §4), from its SMPP 3.4
 * fields: {@code data_coding} (§5.2.19), {@code esm_class} (§5.2.12: bit 0x40, UDHI, means the
 * message starts with a user data header) and {@code short_message}, or when that is empty the
 * {@code message_payload} TLV (0x0424, §5.3.2.32) of the optional parameters.
 *
 * <p>Encodings: 0 GSM 03.38 default alphabet, one septet per octet (unpacked, as SMPP carries
 * it), with the escape table; 1 IA5 (ASCII); 3 Latin-1; 8 UCS-2, read as UTF-16BE (an odd last
 * byte is dropped); 2 and 4 (8-bit binary) are read as Latin-1 all the same, so that text sent as
 * "binary" is still scanned; 0xF0–0xFF (message class): bit 2 set 8-bit (Latin-1), else GSM;
 * anything else Latin-1. A malformed header or TLV never throws: a UDH longer than the message is
 * not skipped (the bytes are scanned as text), a TLV running past the end is cut there.
 */
public final class MessageText {
    private MessageText() {
    }

    private static final int UDHI = 0x40;
    private static final int TAG_MESSAGE_PAYLOAD = 0x0424;
    private static final int ESC = 0x1B;

    /** GSM 03.38 default alphabet, septet → char. */
    private static final char[] GSM = (
            "@£$¥èéùìòÇ\nØø\rÅå"
            + "Δ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ"
            + " !\"#¤%&'()*+,-./"
            + "0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNO"
            + "PQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmno"
            + "pqrstuvwxyzäöñüà").toCharArray();

    /** GSM 03.38 extension table (after 0x1B); 0 where undefined. */
    private static final char[] GSM_EXTENSION = new char[128];

    static {
        if (GSM.length != 128) {
            throw new AssertionError("GSM table has " + GSM.length + " entries");
        }
        GSM_EXTENSION[0x0A] = '\f';
        GSM_EXTENSION[0x14] = '^';
        GSM_EXTENSION[0x28] = '{';
        GSM_EXTENSION[0x29] = '}';
        GSM_EXTENSION[0x2F] = '\\';
        GSM_EXTENSION[0x3C] = '[';
        GSM_EXTENSION[0x3D] = '~';
        GSM_EXTENSION[0x3E] = ']';
        GSM_EXTENSION[0x40] = '|';
        GSM_EXTENSION[0x65] = '€';
    }

    /**
     * Decodes the message text into {@code dst}, cut at {@code dst.length} chars; returns the
     * number of chars written. Allocates nothing.
     */
    public static int decode(int dataCoding, int esmClass, byte[] shortMessage, byte[] optionalParameters,
                             char[] dst) {
        byte[] src = shortMessage;
        int off = 0;
        int len = shortMessage == null ? 0 : shortMessage.length;
        if (len == 0) {
            int payload = findPayload(optionalParameters);
            if (payload < 0) {
                return 0;
            }
            src = optionalParameters;
            int valueLen = (optionalParameters[payload - 2] & 0xFF) << 8 | (optionalParameters[payload - 1] & 0xFF);
            off = payload;
            len = Math.min(valueLen, optionalParameters.length - payload);
        }
        if ((esmClass & UDHI) != 0 && len > 0) {
            int header = 1 + (src[off] & 0xFF);
            if (header <= len) {
                off += header;
                len -= header;
            }
        }
        return decode(dataCoding, src, off, len, dst);
    }

    /** The decoded text as a string (for the moderator's view). */
    public static String toString(int dataCoding, int esmClass, byte[] shortMessage, byte[] optionalParameters) {
        int bytes = (shortMessage == null ? 0 : shortMessage.length)
                + (optionalParameters == null ? 0 : optionalParameters.length);
        char[] buf = new char[bytes];
        int n = decode(dataCoding, esmClass, shortMessage, optionalParameters, buf);
        return new String(buf, 0, n);
    }

    /**
     * Octets of the message's text as carried: {@code short_message}, or when that is empty the
     * {@code message_payload} TLV's value (a user data header included).
     */
    public static int octets(byte[] shortMessage, byte[] optionalParameters) {
        if (shortMessage != null && shortMessage.length > 0) {
            return shortMessage.length;
        }
        int payload = findPayload(optionalParameters);
        if (payload < 0) {
            return 0;
        }
        int valueLen = (optionalParameters[payload - 2] & 0xFF) << 8 | (optionalParameters[payload - 1] & 0xFF);
        return Math.min(valueLen, optionalParameters.length - payload);
    }

    /** Offset of the message_payload value in a TLV stream, or -1. */
    private static int findPayload(byte[] tlvs) {
        if (tlvs == null) {
            return -1;
        }
        int p = 0;
        while (p + 4 <= tlvs.length) {
            int tag = (tlvs[p] & 0xFF) << 8 | (tlvs[p + 1] & 0xFF);
            int length = (tlvs[p + 2] & 0xFF) << 8 | (tlvs[p + 3] & 0xFF);
            if (tag == TAG_MESSAGE_PAYLOAD) {
                return p + 4;
            }
            p += 4 + length;
        }
        return -1;
    }

    private static int decode(int dataCoding, byte[] src, int off, int len, char[] dst) {
        int dc = dataCoding & 0xFF;
        if (dc == 0) {
            return gsm(src, off, len, dst);
        }
        if (dc == 8) {
            return ucs2(src, off, len, dst);
        }
        if (dc >= 0xF0) {
            return (dc & 0x04) != 0 ? latin1(src, off, len, dst) : gsm(src, off, len, dst);
        }
        return latin1(src, off, len, dst); // 1 IA5, 3 Latin-1, 2 and 4 binary, and the rest
    }

    private static int gsm(byte[] src, int off, int len, char[] dst) {
        int n = 0;
        int end = off + len;
        int max = dst.length;
        for (int i = off; i < end && n < max; i++) {
            int septet = src[i] & 0x7F;
            if (septet == ESC) {
                if (i + 1 >= end) {
                    dst[n++] = ' '; // escape with nothing after it
                    break;
                }
                int next = src[++i] & 0x7F;
                char c = GSM_EXTENSION[next];
                // 03.38: an undefined extension shows the default-alphabet char; ESC ESC a space
                dst[n++] = c != 0 ? c : next == ESC ? ' ' : GSM[next];
            } else {
                dst[n++] = GSM[septet];
            }
        }
        return n;
    }

    private static int ucs2(byte[] src, int off, int len, char[] dst) {
        int n = 0;
        int end = off + (len & ~1);
        int max = dst.length;
        for (int i = off; i < end && n < max; i += 2) {
            dst[n++] = (char) ((src[i] & 0xFF) << 8 | (src[i + 1] & 0xFF));
        }
        return n;
    }

    private static int latin1(byte[] src, int off, int len, char[] dst) {
        int n = Math.min(len, dst.length);
        for (int i = 0; i < n; i++) {
            dst[i] = (char) (src[off + i] & 0xFF);
        }
        return n;
    }
}
