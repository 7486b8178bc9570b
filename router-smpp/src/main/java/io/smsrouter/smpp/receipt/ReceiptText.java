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
    private static volatile Minute lastMinute = new Minute(-1, "");

    private record Minute(long epochMinute, String text) {
    }

    private ReceiptText() {
    }

    public static String format(String id, DeliveryState state, int errorCode, long submitMs, long doneMs,
                                byte[] textStart) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("id:").append(id)
                .append(" sub:001 dlvrd:").append(state == DeliveryState.DELIVERED ? "001" : "000")
                .append(" submit date:").append(date(submitMs))
                .append(" done date:").append(date(doneMs))
                .append(" stat:").append(state.stat())
                .append(" err:");
        String err = Integer.toString(Math.min(999, Math.max(0, errorCode)));
        for (int i = err.length(); i < 3; i++) {
            sb.append('0');
        }
        sb.append(err).append(" text:");
        if (textStart != null) {
            for (byte b : textStart) {
                int c = b & 0xFF;
                // only printable ASCII: the original may be UCS-2 or binary
                sb.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
            }
        }
        return sb.toString();
    }

    /** yyMMddhhmm in UTC. */
    static String date(long epochMs) {
        long minute = Math.floorDiv(epochMs, 60_000L);
        Minute m = lastMinute;
        if (m.epochMinute() != minute) {
            m = new Minute(minute, DATE.format(Instant.ofEpochMilli(epochMs)));
            lastMinute = m;
        }
        return m.text();
    }

    public static byte[] formatBytes(String id, DeliveryState state, int errorCode, long submitMs, long doneMs,
                                     byte[] textStart) {
        return format(id, state, errorCode, submitMs, doneMs, textStart).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A parsed receipt text; fields absent from the text are null (or -1 for err). */
    public record Parsed(String id, DeliveryState state, int errorCode) {
    }

    public static Parsed parse(byte[] text) {
        String s = new String(text, StandardCharsets.ISO_8859_1);
        String id = field(s, "id:");
        String stat = field(s, "stat:");
        String err = field(s, "err:");
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

    private static String field(String s, String name) {
        int from = 0;
        while (true) {
            int i = indexOfIgnoreCase(s, name, from);
            if (i < 0) {
                return null;
            }
            // must start a word: "id:" is not the tail of "xid:"
            if (i == 0 || s.charAt(i - 1) == ' ') {
                int start = i + name.length();
                int end = s.indexOf(' ', start);
                return s.substring(start, end < 0 ? s.length() : end);
            }
            from = i + 1;
        }
    }

    private static int indexOfIgnoreCase(String s, String needle, int from) {
        int n = needle.length();
        for (int i = from; i + n <= s.length(); i++) {
            if (s.regionMatches(true, i, needle, 0, n)) {
                return i;
            }
        }
        return -1;
    }
}
