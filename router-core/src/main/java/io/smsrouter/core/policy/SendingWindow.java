package io.smsrouter.core.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hours of the recipient's local day in which an account may send promo traffic (quiet hours
 * outside them): open from {@code from} inclusive to {@code to} exclusive, crossing midnight when
 * {@code to} is before {@code from} ({@code 22:00-06:00}). A promo message outside the window is
 * scheduled for {@link #nextOpening}, not refused.
 *
 * @param from the local time the window opens
 * @param to   the local time it closes; never equal to {@code from}
 */
public record SendingWindow(LocalTime from, LocalTime to) {
    /** 09:00-21:00, the window of an account that does not set one. */
    public static final SendingWindow DEFAULT = new SendingWindow(LocalTime.of(9, 0), LocalTime.of(21, 0));

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})");

    /** @throws IllegalArgumentException when {@code from} equals {@code to} */
    public SendingWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("sending window " + from + "-" + to
                    + " opens and closes at the same time, which could mean never open or always open:"
                    + " give two different times");
        }
    }

    /**
     * Parses {@code HH:MM-HH:MM} ({@code 09:00-21:00}, {@code 22:00-06:00}), times 00:00 to 23:59.
     *
     * @throws IllegalArgumentException saying what was expected and what was given
     */
    public static SendingWindow parse(String s) {
        Matcher m = FORMAT.matcher(s == null ? "" : s.strip());
        if (m.matches()) {
            int fromH = Integer.parseInt(m.group(1));
            int fromM = Integer.parseInt(m.group(2));
            int toH = Integer.parseInt(m.group(3));
            int toM = Integer.parseInt(m.group(4));
            if (fromH < 24 && fromM < 60 && toH < 24 && toM < 60) {
                return new SendingWindow(LocalTime.of(fromH, fromM), LocalTime.of(toH, toM));
            }
        }
        throw new IllegalArgumentException("expected a sending window \"HH:MM-HH:MM\" in local time, 00:00 to 23:59"
                + " (like 09:00-21:00, or 22:00-06:00 across midnight), got " + (s == null ? "nothing" : "\"" + s + "\""));
    }

    /** Whether the window is open at local time {@code t}. */
    public boolean isOpen(LocalTime t) {
        boolean afterFrom = !t.isBefore(from);
        boolean beforeTo = t.isBefore(to);
        return from.isBefore(to) ? afterFrom && beforeTo : afterFrom || beforeTo;
    }

    /**
     * When a message to a recipient in {@code zone} may go out: 0 when the window is open at
     * {@code nowMs} there, otherwise the epoch millisecond, always after {@code nowMs}, at which it
     * next opens. On a day whose local {@code from} falls in a daylight-saving gap, that is the end
     * of the gap when the clocks then show a time inside the window.
     */
    public long nextOpening(long nowMs, ZoneId zone) {
        Instant now = Instant.ofEpochMilli(nowMs);
        ZoneRules rules = zone.getRules();
        LocalDateTime local = LocalDateTime.ofInstant(now, zone);
        if (isOpen(local.toLocalTime())) {
            return 0;
        }
        long opening = nextFrom(nowMs, local.toLocalDate(), rules);
        // Clocks that jump (a DST change) can land inside the window without ever showing `from`.
        for (ZoneOffsetTransition t = rules.nextTransition(now);
                t != null && t.toEpochSecond() * 1000 < opening;
                t = rules.nextTransition(t.getInstant())) {
            if (isOpen(t.getDateTimeAfter().toLocalTime())) {
                return t.toEpochSecond() * 1000;
            }
        }
        return opening;
    }

    /** The first instant after nowMs at which the local clock shows {@code from}. */
    private long nextFrom(long nowMs, LocalDate today, ZoneRules rules) {
        for (LocalDate day = today; ; day = day.plusDays(1)) {
            LocalDateTime at = day.atTime(from);
            // none in a DST gap; two in an overlap, the earlier one first
            for (ZoneOffset offset : rules.getValidOffsets(at)) {
                long ms = at.toInstant(offset).toEpochMilli();
                if (ms > nowMs) {
                    return ms;
                }
            }
        }
    }

    @Override
    public String toString() {
        return from + "-" + to;
    }
}
