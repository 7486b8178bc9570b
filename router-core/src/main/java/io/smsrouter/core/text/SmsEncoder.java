package io.smsrouter.core.text;

import java.util.List;
import java.util.Objects;

/**
 * Turns the text of an HTTP API request into the {@code short_message} parts of SMPP 3.4
 * submit_sm PDUs, and counts the segments the operator bills.
 *
 * <p>Coding: GSM 03.38 ({@code data_coding} 0, one septet per byte, see {@link Gsm7}) when every
 * char is in the default alphabet or its extension table, else UCS-2 big-endian
 * ({@code data_coding} 8; a char outside the BMP is its UTF-16 surrogate pair).
 *
 * <p>Segments: a GSM text of at most 160 septets, or a UCS-2 text of at most 70 UTF-16 code units,
 * is one part without a header. A longer text is cut into parts that each fit one 140-octet SMS
 * beside its concatenation header (3GPP TS 23.040 §9.2.3.24.1 and .8): with {@link Concat#UDH8}
 * (6 octets) 153 septets or 67 code units, with {@link Concat#UDH16} (7 octets) 152 or 66. With
 * {@link Concat#SAR} the reference travels in TLVs, but the operator still concatenates with a
 * UDH on the air, so parts are cut as for UDH8. An extension character (ESC + code) and a
 * surrogate pair are never split across two parts, so a part may hold one unit less.
 *
 * <p>Multi-part headers: UDH8 {@code 05 00 03 ref total seq}, UDH16
 * {@code 06 08 04 refHi refLo total seq}, both at the start of {@code short_message} with
 * {@code esm_class} 0x40 (UDHI); SAR the TLVs sar_msg_ref_num (0x020C, 2 octets),
 * sar_total_segments (0x020E) and sar_segment_seqnum (0x020F, 1 octet each) as a raw TLV stream
 * in {@link Part#optionalParameters}, with {@code esm_class} 0. At most 255 parts.
 */
public final class SmsEncoder {
    private SmsEncoder() {
    }

    public static final int DATA_CODING_GSM = 0;
    public static final int DATA_CODING_UCS2 = 8;
    /** esm_class bit: short_message starts with a user data header. */
    public static final int ESM_CLASS_UDHI = 0x40;
    public static final int MAX_PARTS = 255;
    public static final int GSM_SINGLE_PART_SEPTETS = 160;
    public static final int UCS2_SINGLE_PART_UNITS = 70;

    public static final int TAG_SAR_MSG_REF_NUM = 0x020C;
    public static final int TAG_SAR_TOTAL_SEGMENTS = 0x020E;
    public static final int TAG_SAR_SEGMENT_SEQNUM = 0x020F;

    private static final byte[] EMPTY = new byte[0];
    private static final int SAR_TLVS_LENGTH = 6 + 5 + 5;

    /** How the parts of a long message are tied together. */
    public enum Concat {
        /** UDH information element 0x00, 8-bit reference. */
        UDH8(6, 153, 67),
        /** UDH information element 0x08, 16-bit reference. */
        UDH16(7, 152, 66),
        /** SMPP sar_* TLVs, 16-bit reference, no UDH in short_message. */
        SAR(0, 153, 67);

        final int headerOctets;
        final int gsmSeptetsPerPart;
        final int ucs2UnitsPerPart;

        Concat(int headerOctets, int gsmSeptetsPerPart, int ucs2UnitsPerPart) {
            this.headerOctets = headerOctets;
            this.gsmSeptetsPerPart = gsmSeptetsPerPart;
            this.ucs2UnitsPerPart = ucs2UnitsPerPart;
        }

        /** GSM septets one part of a multi-part message holds at most. */
        public int gsmSeptetsPerPart() {
            return gsmSeptetsPerPart;
        }

        /** UCS-2 code units one part of a multi-part message holds at most. */
        public int ucs2UnitsPerPart() {
            return ucs2UnitsPerPart;
        }
    }

    /**
     * One submit_sm's worth: {@code short_message} (header included for UDH8/UDH16),
     * {@code esm_class}, and the raw TLV stream (empty unless SAR). Arrays are not copied: the
     * record compares them by identity, and callers must not change them.
     */
    public record Part(byte[] shortMessage, int esmClass, byte[] optionalParameters) {
        public Part {
            Objects.requireNonNull(shortMessage, "shortMessage");
            Objects.requireNonNull(optionalParameters, "optionalParameters");
        }
    }

    /** The encoded message: {@code segments == parts.size()}, {@code gsm == (dataCoding == 0)}. */
    public record Encoded(int dataCoding, int segments, List<Part> parts, boolean gsm) {
        public Encoded {
            parts = List.copyOf(parts);
        }
    }

    /**
     * Encodes {@code text} into submit_sm parts.
     *
     * @param reference the concatenation reference; only its low 8 bits (UDH8) or 16 bits (UDH16,
     *                  SAR) are sent. Unused for a single part.
     * @throws IllegalArgumentException if the text needs more than 255 parts
     */
    public static Encoded encode(String text, Concat concat, int reference) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(concat, "concat");
        int septets = Gsm7.septetsOrMinusOne(text);
        return septets >= 0 ? encodeGsm(text, septets, concat, reference) : encodeUcs2(text, concat, reference);
    }

    /** Segments {@link #encode} gives with {@link Concat#UDH8}, without building them (may exceed 255). */
    public static int segments(String text) {
        return segments(text, Concat.UDH8);
    }

    /** Segments {@link #encode} gives with {@code concat}, without building them (may exceed 255). */
    public static int segments(String text, Concat concat) {
        int limit = concat.gsmSeptetsPerPart;
        int septets = 0;
        int used = 0;
        int parts = 1;
        for (int i = 0, len = text.length(); i < len; i++) {
            int code = Gsm7.code(text.charAt(i));
            if (code < 0) {
                return ucs2Segments(text, concat);
            }
            int width = Gsm7.width(code);
            septets += width;
            if (used + width > limit) {
                parts++;
                used = 0;
            }
            used += width;
        }
        return septets <= GSM_SINGLE_PART_SEPTETS ? 1 : parts;
    }

    private static int ucs2Segments(String text, Concat concat) {
        int len = text.length();
        if (len <= UCS2_SINGLE_PART_UNITS) {
            return 1;
        }
        int parts = 0;
        for (int start = 0; start < len; start = ucs2PartEnd(text, start, concat.ucs2UnitsPerPart)) {
            parts++;
        }
        return parts;
    }

    private static Encoded encodeGsm(String text, int septets, Concat concat, int reference) {
        int len = text.length();
        if (septets <= GSM_SINGLE_PART_SEPTETS) {
            byte[] sm = septets == 0 ? EMPTY : new byte[septets];
            Gsm7.write(text, 0, len, sm, 0);
            return new Encoded(DATA_CODING_GSM, 1, List.of(new Part(sm, 0, EMPTY)), true);
        }
        int total = segments(text, concat);
        checkParts(total, text, concat, "GSM");
        Part[] parts = new Part[total];
        int start = 0;
        for (int seq = 1; seq <= total; seq++) {
            long span = gsmPart(text, start, concat.gsmSeptetsPerPart);
            int end = (int) (span >>> 32);
            byte[] sm = new byte[concat.headerOctets + (int) span];
            int off = writeHeader(concat, sm, reference, total, seq);
            Gsm7.write(text, start, end, sm, off);
            parts[seq - 1] = part(concat, sm, reference, total, seq);
            start = end;
        }
        return new Encoded(DATA_CODING_GSM, total, List.of(parts), true);
    }

    private static Encoded encodeUcs2(String text, Concat concat, int reference) {
        int len = text.length();
        if (len <= UCS2_SINGLE_PART_UNITS) {
            byte[] sm = new byte[2 * len];
            writeUcs2(text, 0, len, sm, 0);
            return new Encoded(DATA_CODING_UCS2, 1, List.of(new Part(sm, 0, EMPTY)), false);
        }
        int total = ucs2Segments(text, concat);
        checkParts(total, text, concat, "UCS-2");
        Part[] parts = new Part[total];
        int start = 0;
        for (int seq = 1; seq <= total; seq++) {
            int end = ucs2PartEnd(text, start, concat.ucs2UnitsPerPart);
            byte[] sm = new byte[concat.headerOctets + 2 * (end - start)];
            int off = writeHeader(concat, sm, reference, total, seq);
            writeUcs2(text, start, end, sm, off);
            parts[seq - 1] = part(concat, sm, reference, total, seq);
            start = end;
        }
        return new Encoded(DATA_CODING_UCS2, total, List.of(parts), false);
    }

    /**
     * The GSM part starting at {@code start}: as many chars as fit in {@code limit} septets, an
     * extension character whole or not at all. Returns {@code end << 32 | septets}.
     */
    private static long gsmPart(String text, int start, int limit) {
        int septets = 0;
        int i = start;
        for (int len = text.length(); i < len; i++) {
            int width = Gsm7.width(Gsm7.code(text.charAt(i)));
            if (septets + width > limit) {
                break;
            }
            septets += width;
        }
        return (long) i << 32 | septets;
    }

    /** End of the UCS-2 part starting at {@code start}: {@code limit} units, less one to keep a surrogate pair whole. */
    private static int ucs2PartEnd(String text, int start, int limit) {
        int end = start + limit;
        if (end >= text.length()) {
            return text.length();
        }
        if (Character.isHighSurrogate(text.charAt(end - 1)) && Character.isLowSurrogate(text.charAt(end))) {
            end--;
        }
        return end;
    }

    private static void writeUcs2(String text, int start, int end, byte[] dst, int off) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            dst[off++] = (byte) (c >>> 8);
            dst[off++] = (byte) c;
        }
    }

    /** Writes the UDH, if any, at the start of {@code sm}; returns where the text starts. */
    private static int writeHeader(Concat concat, byte[] sm, int reference, int total, int seq) {
        switch (concat) {
            case UDH8 -> {
                sm[0] = 5;          // UDHL
                sm[1] = 0x00;       // IEI: concatenated SMS, 8-bit reference
                sm[2] = 3;          // IEDL
                sm[3] = (byte) reference;
                sm[4] = (byte) total;
                sm[5] = (byte) seq;
            }
            case UDH16 -> {
                sm[0] = 6;          // UDHL
                sm[1] = 0x08;       // IEI: concatenated SMS, 16-bit reference
                sm[2] = 4;          // IEDL
                sm[3] = (byte) (reference >>> 8);
                sm[4] = (byte) reference;
                sm[5] = (byte) total;
                sm[6] = (byte) seq;
            }
            case SAR -> {
                // reference, total and seq travel as TLVs
            }
        }
        return concat.headerOctets;
    }

    private static Part part(Concat concat, byte[] sm, int reference, int total, int seq) {
        if (concat != Concat.SAR) {
            return new Part(sm, ESM_CLASS_UDHI, EMPTY);
        }
        byte[] tlvs = new byte[SAR_TLVS_LENGTH];
        tlvs[0] = (byte) (TAG_SAR_MSG_REF_NUM >>> 8);
        tlvs[1] = (byte) TAG_SAR_MSG_REF_NUM;
        tlvs[3] = 2;
        tlvs[4] = (byte) (reference >>> 8);
        tlvs[5] = (byte) reference;
        tlvs[6] = (byte) (TAG_SAR_TOTAL_SEGMENTS >>> 8);
        tlvs[7] = (byte) TAG_SAR_TOTAL_SEGMENTS;
        tlvs[9] = 1;
        tlvs[10] = (byte) total;
        tlvs[11] = (byte) (TAG_SAR_SEGMENT_SEQNUM >>> 8);
        tlvs[12] = (byte) TAG_SAR_SEGMENT_SEQNUM;
        tlvs[14] = 1;
        tlvs[15] = (byte) seq;
        return new Part(sm, 0, tlvs);
    }

    private static void checkParts(int total, String text, Concat concat, String coding) {
        if (total > MAX_PARTS) {
            throw new IllegalArgumentException(String.format(
                    "text of %d chars needs %d %s parts with %s concatenation; at most %d are allowed",
                    text.length(), total, coding, concat, MAX_PARTS));
        }
    }
}
