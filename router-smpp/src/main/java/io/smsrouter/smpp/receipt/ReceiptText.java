package io.smsrouter.smpp.receipt;

import io.smsrouter.core.message.DeliveryState;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The de-facto receipt text of SMPP 3.4 Appendix B:
 * {@code id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:...}
 * Formatting for what we send to clients and the simulator sends to us, and a tolerant parser for
 * what operators send (field order, case and missing fields vary between SMSCs).
 */
public final class ReceiptText {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyMMddHHmm").withZone(ZoneOffset.UTC);
    /** The last minute formatted: receipts come in bursts within the same minute. */
    private static volatile Minute lastMinute = new Minute(-1, new byte[0]);

    private record Minute(long epochMinute, byte[] text) {
    }

    private static final byte[] ID = ascii("id:");
    private static final byte[] DELIVERED = ascii(" sub:001 dlvrd:001 submit date:");
    private static final byte[] NOT_DELIVERED = ascii(" sub:001 dlvrd:000 submit date:");
    private static final byte[] DONE = ascii(" done date:");
    private static final byte[] STAT = ascii(" stat:");
    private static final byte[] ERR = ascii(" err:");
    private static final byte[] TEXT = ascii(" text:");
    private static final int DATE_LENGTH = 10;

    private ReceiptText() {
    }

    public static String format(String id, DeliveryState state, int errorCode, long submitMs, long doneMs,
                                byte[] textStart) {
        return new String(formatBytes(id, state, errorCode, submitMs, doneMs, textStart), StandardCharsets.ISO_8859_1);
    }

    /** yyMMddhhmm in UTC. */
    static String date(long epochMs) {
        return new String(dateBytes(epochMs), StandardCharsets.ISO_8859_1);
    }

    private static byte[] dateBytes(long epochMs) {
        long minute = Math.floorDiv(epochMs, 60_000L);
        Minute m = lastMinute;
        if (m.epochMinute() != minute) {
            m = new Minute(minute, ascii(DATE.format(Instant.ofEpochMilli(epochMs))));
            lastMinute = m;
        }
        return m.text();
    }

    /**
     * The receipt text in ISO-8859-1 bytes, written straight into one array of the exact length (a
     * receipt per message on the hot path: no builder, no intermediate String). Characters of the
     * id outside ISO-8859-1 become {@code ?}; bytes of the original text that are not printable
     * ASCII become {@code .} (the original may be UCS-2 or binary).
     */
    public static byte[] formatBytes(String id, DeliveryState state, int errorCode, long submitMs, long doneMs,
                                     byte[] textStart) {
        String stat = state.stat();
        int textLength = textStart == null ? 0 : textStart.length;
        byte[] out = new byte[ID.length + id.length() + DELIVERED.length + DATE_LENGTH + DONE.length + DATE_LENGTH
                + STAT.length + stat.length() + ERR.length + 3 + TEXT.length + textLength];
        int at = put(out, 0, ID);
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            out[at++] = (byte) (c <= 0xFF ? c : '?');
        }
        at = put(out, at, state == DeliveryState.DELIVERED ? DELIVERED : NOT_DELIVERED);
        at = put(out, at, dateBytes(submitMs));
        at = put(out, at, DONE);
        at = put(out, at, dateBytes(doneMs));
        at = put(out, at, STAT);
        for (int i = 0; i < stat.length(); i++) {
            out[at++] = (byte) stat.charAt(i);
        }
        at = put(out, at, ERR);
        int err = Math.min(999, Math.max(0, errorCode));
        out[at++] = (byte) ('0' + err / 100);
        out[at++] = (byte) ('0' + err / 10 % 10);
        out[at++] = (byte) ('0' + err % 10);
        at = put(out, at, TEXT);
        for (int i = 0; i < textLength; i++) {
            int c = textStart[i] & 0xFF;
            out[at++] = (byte) (c >= 0x20 && c < 0x7F ? c : '.');
        }
        return out;
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A parsed receipt text; fields absent from the text are null (or -1 for err). */
    public record Parsed(String id, DeliveryState state, int errorCode) {
    }

    /**
     * Reads id, stat and err from a receipt text, in place in its bytes (ISO-8859-1): a field name
     * matches in any case and only at the start of a word ({@code id:} is not the tail of
     * {@code xid:}); its value runs to the next space. An err that is not decimal is read as hex.
     */
    public static Parsed parse(byte[] text) {
        String id = field(text, ID_NAME);
        String stat = field(text, STAT_NAME);
        String err = field(text, ERR_NAME);
        int errorCode = -1;
        if (err != null) {
            try {
                errorCode = Integer.parseInt(err);
            } catch (NumberFormatException e) {
                try {
                    errorCode = Integer.parseInt(err, 16);
                } catch (NumberFormatException ignored) {
                    errorCode = -1;
                }
            }
        }
        return new Parsed(id, stat == null ? null : DeliveryState.fromStat(stat), errorCode);
    }

    private static final byte[] ID_NAME = ascii("id:");
    private static final byte[] STAT_NAME = ascii("stat:");
    private static final byte[] ERR_NAME = ascii("err:");

    /** {@code name} is lower-case ASCII. */
    private static String field(byte[] s, byte[] name) {
        int n = name.length;
        for (int i = 0; i + n <= s.length; i++) {
            if ((i == 0 || s[i - 1] == ' ') && startsWithIgnoreCase(s, i, name)) {
                int start = i + n;
                int end = start;
                while (end < s.length && s[end] != ' ') {
                    end++;
                }
                return new String(s, start, end - start, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static boolean startsWithIgnoreCase(byte[] s, int at, byte[] lowerName) {
        for (int k = 0; k < lowerName.length; k++) {
            int c = s[at + k];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerName[k]) {
                return false;
            }
        }
        return true;
    }
}
