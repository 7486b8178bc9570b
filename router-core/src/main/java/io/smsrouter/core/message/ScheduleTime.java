package io.smsrouter.core.message;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * SMPP 3.4 time fields (§7.1.1: {@code schedule_delivery_time}, {@code validity_period}) as
 * instants. Absolute: {@code YYMMDDhhmmsstnnp}, local time {@code nn} quarter hours ahead of
 * ({@code +}) or behind ({@code -}) UTC. Relative: {@code YYMMDDhhmmss000R}, a span from now.
 */
public final class ScheduleTime {
    private static final DateTimeFormatter ABSOLUTE = DateTimeFormatter.ofPattern("yyMMddHHmmss");

    private ScheduleTime() {
    }

    /**
     * The instant the field names, in epoch milliseconds; 0 for an empty field.
     *
     * @throws IllegalArgumentException naming what is wrong with the field
     */
    public static long toEpochMillis(String field, long nowMs) {
        if (field == null || field.isEmpty()) {
            return 0;
        }
        if (field.length() != 16) {
            throw new IllegalArgumentException("expected 16 characters YYMMDDhhmmsstnnp, got \"" + field + "\"");
        }
        for (int i = 0; i < 15; i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '9') {
                throw new IllegalArgumentException("expected digits in YYMMDDhhmmsstnn, got \"" + field + "\"");
            }
        }
        char p = field.charAt(15);
        if (p == 'R') {
            long years = num(field, 0), months = num(field, 2), days = num(field, 4);
            long hours = num(field, 6), minutes = num(field, 8), seconds = num(field, 10);
            LocalDateTime from = LocalDateTime.ofInstant(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC);
            return from.plusYears(years).plusMonths(months).plusDays(days).plusHours(hours)
                    .plusMinutes(minutes).plusSeconds(seconds).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (p != '+' && p != '-') {
            throw new IllegalArgumentException("expected '+', '-' or 'R' as the last character, got \"" + field + "\"");
        }
        int quarters = (int) num(field, 13);
        if (quarters > 48) {
            throw new IllegalArgumentException("UTC offset of " + quarters + " quarter hours is out of range");
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(field.substring(0, 12), ABSOLUTE);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a date and time: \"" + field + "\"");
        }
        int offsetSeconds = (p == '+' ? 1 : -1) * quarters * 15 * 60;
        long tenths = field.charAt(12) - '0';
        return local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)).toEpochMilli() + tenths * 100;
    }

    /** The absolute SMPP form of an instant, in UTC ({@code 00+}). */
    public static String absolute(long epochMs) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
        return t.format(ABSOLUTE) + ((epochMs % 1000) / 100) + "00+";
    }

    private static long num(String s, int at) {
        return (s.charAt(at) - '0') * 10L + (s.charAt(at + 1) - '0');
    }
}
