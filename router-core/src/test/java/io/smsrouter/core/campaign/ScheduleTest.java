package io.smsrouter.core.campaign;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScheduleTest {

    private static List<LocalDate> occurrences(Schedule s, LocalDate from, int n) {
        List<LocalDate> l = new ArrayList<>();
        LocalDate d = s.onOrAfter(from);
        for (int i = 0; i < n; i++) {
            l.add(d);
            d = s.after(d);
        }
        return l;
    }

    @Test
    void monthlyOnThe31stUsesTheLastDayOfShortMonths() {
        Schedule s = Schedule.recurring(Schedule.Every.MONTH, 31, LocalTime.of(10, 0));
        assertEquals(List.of(LocalDate.of(2026, 12, 31), LocalDate.of(2027, 1, 31), LocalDate.of(2027, 2, 28),
                        LocalDate.of(2027, 3, 31), LocalDate.of(2027, 4, 30), LocalDate.of(2027, 5, 31)),
                occurrences(s, LocalDate.of(2026, 12, 1), 6));
        // a leap year's February
        assertEquals(LocalDate.of(2028, 2, 29), s.onOrAfter(LocalDate.of(2028, 2, 1)));
        // after the 28th of February (its occurrence) comes the 31st of March, not the 28th
        assertEquals(LocalDate.of(2027, 3, 31), s.after(LocalDate.of(2027, 2, 28)));
    }

    @Test
    void monthlyOnTheFirst() {
        Schedule s = Schedule.recurring(Schedule.Every.MONTH, 1, LocalTime.of(9, 30));
        assertEquals(LocalDate.of(2027, 1, 1), s.onOrAfter(LocalDate.of(2026, 12, 2)));
        assertEquals(LocalDate.of(2026, 12, 1), s.onOrAfter(LocalDate.of(2026, 12, 1)));
    }

    @Test
    void weeklyAndDaily() {
        Schedule w = Schedule.recurring(Schedule.Every.WEEK, 1, LocalTime.NOON); // Mondays
        assertEquals(List.of(LocalDate.of(2026, 11, 30), LocalDate.of(2026, 12, 7)),
                occurrences(w, LocalDate.of(2026, 11, 26), 2));
        Schedule d = Schedule.recurring(Schedule.Every.DAY, 0, LocalTime.NOON);
        assertEquals(List.of(LocalDate.of(2026, 11, 26), LocalDate.of(2026, 11, 27)),
                occurrences(d, LocalDate.of(2026, 11, 26), 2));
    }

    @Test
    void dueAtTheRecipientsLocalTime() {
        Schedule s = Schedule.recurring(Schedule.Every.DAY, 0, LocalTime.of(10, 0));
        LocalDate d = LocalDate.of(2026, 12, 1);
        assertEquals(ZonedDateTime.parse("2026-12-01T07:00:00Z").toInstant().toEpochMilli(),
                s.dueMs(d, ZoneId.of("Europe/Moscow")));
        assertEquals(ZonedDateTime.parse("2026-12-01T15:00:00Z").toInstant().toEpochMilli(),
                s.dueMs(d, ZoneId.of("America/New_York")));
    }

    @Test
    void badDaysAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Schedule.recurring(Schedule.Every.MONTH, 32, LocalTime.NOON));
        assertThrows(IllegalArgumentException.class,
                () -> Schedule.recurring(Schedule.Every.WEEK, 0, LocalTime.NOON));
        assertEquals(null, Schedule.Every.parse("year"));
    }
}
