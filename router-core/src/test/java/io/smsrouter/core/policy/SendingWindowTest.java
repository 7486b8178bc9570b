package io.smsrouter.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class SendingWindowTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final ZoneId VLADIVOSTOK = ZoneId.of("Asia/Vladivostok");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void shouldParseWindowsIncludingOnesAcrossMidnight() {
        assertThat(SendingWindow.parse("09:00-21:00")).isEqualTo(SendingWindow.DEFAULT);
        assertThat(SendingWindow.DEFAULT).isEqualTo(new SendingWindow(LocalTime.of(9, 0), LocalTime.of(21, 0)));
        assertThat(SendingWindow.parse(" 9:00 - 21:00 ")).isEqualTo(SendingWindow.DEFAULT);
        assertThat(SendingWindow.parse("22:00-06:00")).isEqualTo(new SendingWindow(LocalTime.of(22, 0), LocalTime.of(6, 0)));
        assertThat(SendingWindow.parse("00:00-23:59").to()).isEqualTo(LocalTime.of(23, 59));
        assertThat(SendingWindow.parse("22:00-06:00")).hasToString("22:00-06:00");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "9-21", "09:00", "09:00-24:00", "24:00-06:00", "09:60-21:00", "0900-2100",
            "09:00-21:00-22:00", "09.00-21.00", "nine to nine", "09:00 21:00", "-09:00-21:00"})
    void shouldSayWhatWasExpectedAndWhatWasGiven(String bad) {
        assertThatThrownBy(() -> SendingWindow.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a sending window \"HH:MM-HH:MM\"")
                .hasMessageEndingWith("got \"" + bad + "\"");
    }

    @Test
    void shouldRefuseAWindowThatOpensAndClosesAtTheSameTime() {
        assertThatThrownBy(() -> SendingWindow.parse("09:00-09:00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("09:00-09:00 opens and closes at the same time")
                .hasMessageContaining("never open or always open");
        assertThatThrownBy(() -> SendingWindow.parse(null)).hasMessageEndingWith("got nothing");
    }

    @Test
    void shouldBeOpenFromInclusiveToExclusive() {
        SendingWindow w = SendingWindow.DEFAULT;
        assertThat(w.isOpen(LocalTime.of(8, 59, 59, 999_999_999))).isFalse();
        assertThat(w.isOpen(LocalTime.of(9, 0))).isTrue();
        assertThat(w.isOpen(LocalTime.of(20, 59, 59, 999_999_999))).isTrue();
        assertThat(w.isOpen(LocalTime.of(21, 0))).isFalse();
        assertThat(w.isOpen(LocalTime.MIDNIGHT)).isFalse();

        SendingWindow night = SendingWindow.parse("22:00-06:00");
        assertThat(night.isOpen(LocalTime.of(21, 59))).isFalse();
        assertThat(night.isOpen(LocalTime.of(22, 0))).isTrue();
        assertThat(night.isOpen(LocalTime.MIDNIGHT)).isTrue();
        assertThat(night.isOpen(LocalTime.of(5, 59))).isTrue();
        assertThat(night.isOpen(LocalTime.of(6, 0))).isFalse();
        assertThat(night.isOpen(LocalTime.NOON)).isFalse();
    }

    @Test
    void shouldScheduleAnEveningMessageInMoscowForNineTheNextMorning() {
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T23:00+03:00"), MOSCOW))
                .isEqualTo(ms("2026-05-11T09:00+03:00"))
                .isEqualTo(Instant.parse("2026-05-11T06:00:00Z").toEpochMilli());
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T21:00+03:00"), MOSCOW)).isEqualTo(ms("2026-05-11T09:00+03:00"));
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T23:59:59.999+03:00"), MOSCOW)).isEqualTo(ms("2026-05-11T09:00+03:00"));
    }

    @Test
    void shouldScheduleAnEarlyMessageForNineTheSameDay() {
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T08:59+03:00"), MOSCOW)).isEqualTo(ms("2026-05-10T09:00+03:00"));
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T08:59:59.999+03:00"), MOSCOW)).isEqualTo(ms("2026-05-10T09:00+03:00"));
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T00:00+03:00"), MOSCOW)).isEqualTo(ms("2026-05-10T09:00+03:00"));
    }

    @Test
    void shouldAnswerZeroWhileTheWindowIsOpen() {
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T09:00+03:00"), MOSCOW)).isZero();
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T20:59:59+03:00"), MOSCOW)).isZero();
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-05-10T20:59:59.999+03:00"), MOSCOW)).isZero();
    }

    @Test
    void shouldGiveRecipientsInVladivostokAndMoscowDifferentAnswersAtTheSameInstant() {
        long now = ms("2026-05-10T23:30:00Z"); // 02:30 in Moscow, 09:30 in Vladivostok
        assertThat(SendingWindow.DEFAULT.nextOpening(now, VLADIVOSTOK)).isZero();
        assertThat(SendingWindow.DEFAULT.nextOpening(now, MOSCOW)).isEqualTo(ms("2026-05-11T09:00+03:00"));

        long evening = ms("2026-05-10T12:00:00Z"); // 15:00 in Moscow, 22:00 in Vladivostok
        assertThat(SendingWindow.DEFAULT.nextOpening(evening, MOSCOW)).isZero();
        assertThat(SendingWindow.DEFAULT.nextOpening(evening, VLADIVOSTOK)).isEqualTo(ms("2026-05-11T09:00+10:00"));
    }

    @Test
    void shouldHandleAWindowAcrossMidnight() {
        SendingWindow night = SendingWindow.parse("22:00-06:00");
        assertThat(night.nextOpening(ms("2026-05-10T23:00+03:00"), MOSCOW)).isZero();
        assertThat(night.nextOpening(ms("2026-05-11T05:59+03:00"), MOSCOW)).isZero();
        assertThat(night.nextOpening(ms("2026-05-11T06:00+03:00"), MOSCOW)).isEqualTo(ms("2026-05-11T22:00+03:00"));
        assertThat(night.nextOpening(ms("2026-05-11T21:59+03:00"), MOSCOW)).isEqualTo(ms("2026-05-11T22:00+03:00"));
    }

    @Test
    void shouldOpenAtNineOnTheDayTheClocksGoForward() {
        // New York: 2026-03-08 02:00 EST becomes 03:00 EDT, so 09:00 that day is 13:00 UTC, not 14:00
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-03-07T23:00-05:00"), NEW_YORK)).isEqualTo(ms("2026-03-08T09:00-04:00"));
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-03-08T01:59-05:00"), NEW_YORK)).isEqualTo(ms("2026-03-08T13:00:00Z"));
        // and the day they go back: 09:00 EST is 14:00 UTC
        assertThat(SendingWindow.DEFAULT.nextOpening(ms("2026-10-31T22:00-04:00"), NEW_YORK)).isEqualTo(ms("2026-11-01T14:00:00Z"));
    }

    @Test
    void shouldOpenAtTheEndOfTheGapWhenTheOpeningTimeDoesNotExistThatDay() {
        SendingWindow w = SendingWindow.parse("02:30-05:00"); // 02:30 is skipped in New York on 2026-03-08
        long opening = w.nextOpening(ms("2026-03-08T01:00-05:00"), NEW_YORK);
        assertThat(opening).isEqualTo(ms("2026-03-08T03:00-04:00")).isEqualTo(ms("2026-03-08T07:00:00Z"));
        assertThat(w.nextOpening(opening, NEW_YORK)).isZero(); // the clocks then show 03:00, inside the window
        assertThat(w.nextOpening(opening - 1, NEW_YORK)).isEqualTo(opening);
        // a window wholly inside the gap does not open that day at all
        assertThat(SendingWindow.parse("02:10-02:50").nextOpening(ms("2026-03-08T01:00-05:00"), NEW_YORK))
                .isEqualTo(ms("2026-03-09T02:10-04:00"));
    }

    @Test
    void shouldUseTheLaterOccurrenceOfAnOpeningTimeTheClocksShowTwice() {
        // New York: 2026-11-01 02:00 EDT becomes 01:00 EST, so 01:00-02:00 happens twice
        SendingWindow w = SendingWindow.parse("01:15-01:30");
        assertThat(w.nextOpening(ms("2026-11-01T01:00-04:00"), NEW_YORK)).isEqualTo(ms("2026-11-01T01:15-04:00"));
        assertThat(w.nextOpening(ms("2026-11-01T01:45-04:00"), NEW_YORK)).isEqualTo(ms("2026-11-01T01:15-05:00"));
        // the clocks going back from 02:00 to 01:00 reopen a window that closes at 01:30
        assertThat(SendingWindow.parse("00:30-01:30").nextOpening(ms("2026-11-01T01:45-04:00"), NEW_YORK))
                .isEqualTo(ms("2026-11-01T01:00-05:00"));
    }

    /** Around both 2026 transitions of zones with 1 h and 30 min shifts: always the first later instant the window is open. */
    @Test
    void shouldAlwaysAnswerTheFirstOpenInstantAfterNow() {
        String[][] cases = {
                {"America/New_York", "2026-03-08T02:00"}, {"America/New_York", "2026-11-01T02:00"},
                {"Australia/Lord_Howe", "2026-04-05T02:00"}, {"Australia/Lord_Howe", "2026-10-04T02:00"},
                {"Europe/Moscow", "2026-06-01T00:00"},
        };
        String[] windows = {"09:00-21:00", "22:00-06:00", "02:30-05:00", "01:15-01:45", "00:30-01:30", "02:00-02:10", "01:50-02:20"};
        long step = 11 * 60_000L;
        for (String[] c : cases) {
            ZoneId zone = ZoneId.of(c[0]);
            long around = LocalDateTime.parse(c[1]).atZone(zone).toInstant().toEpochMilli();
            for (String text : windows) {
                SendingWindow w = SendingWindow.parse(text);
                for (long now = around - 36 * 3_600_000L; now < around + 36 * 3_600_000L; now += step) {
                    long opening = w.nextOpening(now, zone);
                    boolean open = w.isOpen(localTime(now, zone));
                    boolean right = open ? opening == 0
                            : opening > now && w.isOpen(localTime(opening, zone)) && !w.isOpen(localTime(opening - 1, zone));
                    for (long t = now + 60_000L; right && !open && t < opening; t += 5 * 60_000L) {
                        right = !w.isOpen(localTime(t, zone));
                    }
                    if (!right) {
                        fail(text + " in " + zone + " at " + Instant.ofEpochMilli(now) + ": " + Instant.ofEpochMilli(opening));
                    }
                }
            }
        }
    }

    private static LocalTime localTime(long ms, ZoneId zone) {
        return LocalTime.ofInstant(Instant.ofEpochMilli(ms), zone);
    }

    private static long ms(String isoOffsetDateTime) {
        return OffsetDateTime.parse(isoOffsetDateTime).toInstant().toEpochMilli();
    }
}
