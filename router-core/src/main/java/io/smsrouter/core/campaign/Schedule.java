package io.smsrouter.core.campaign;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * When a campaign sends: once (at {@code atMs}, 0 for at once), or every day, week or month at a
 * local time of each recipient. An occurrence of a recurring schedule is a calendar date; each
 * recipient is due at {@link #time} on that date in the recipient's own zone. For a monthly
 * schedule {@link #day} 29 to 31 in a shorter month means its last day; for a weekly one
 * {@link #day} is the ISO day of the week (1 Monday … 7 Sunday).
 */
public record Schedule(long atMs, Every every, int day, LocalTime time) {

    public enum Every {
        DAY, WEEK, MONTH;

        /** {@code day}, {@code week} or {@code month}; null for anything else. */
        public static Every parse(String s) {
            return switch (s == null ? "" : s) {
                case "day" -> DAY;
                case "week" -> WEEK;
                case "month" -> MONTH;
                default -> null;
            };
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Schedule {
        if (every != null) {
            if (time == null) {
                throw new IllegalArgumentException("a recurring schedule needs a time");
            }
            if (every == Every.WEEK && (day < 1 || day > 7)) {
                throw new IllegalArgumentException("day: expected 1 (Monday) to 7 (Sunday) for a weekly schedule, got "
                        + day);
            }
            if (every == Every.MONTH && (day < 1 || day > 31)) {
                throw new IllegalArgumentException("day: expected 1 to 31 for a monthly schedule, got " + day);
            }
        }
    }

    /** Once, at {@code atMs} (0 or a past time: at once). */
    public static Schedule once(long atMs) {
        return new Schedule(Math.max(0, atMs), null, 0, null);
    }

    public static Schedule recurring(Every every, int day, LocalTime time) {
        return new Schedule(0, every, every == Every.DAY ? 0 : day, time);
    }

    public boolean recurring() {
        return every != null;
    }

    /** The first occurrence on or after {@code d}. */
    public LocalDate onOrAfter(LocalDate d) {
        return switch (every) {
            case DAY -> d;
            case WEEK -> d.with(TemporalAdjusters.nextOrSame(DayOfWeek.of(day)));
            case MONTH -> {
                LocalDate c = inMonth(YearMonth.from(d));
                yield c.isBefore(d) ? inMonth(YearMonth.from(d).plusMonths(1)) : c;
            }
        };
    }

    /** The occurrence after {@code occurrence}. */
    public LocalDate after(LocalDate occurrence) {
        return onOrAfter(occurrence.plusDays(1));
    }

    /** When a recipient in {@code zone} is due on the date {@code occurrence} (epoch ms). */
    public long dueMs(LocalDate occurrence, ZoneId zone) {
        return occurrence.atTime(time).atZone(zone).toInstant().toEpochMilli();
    }

    private LocalDate inMonth(YearMonth ym) {
        return ym.atDay(Math.min(day, ym.lengthOfMonth()));
    }
}
