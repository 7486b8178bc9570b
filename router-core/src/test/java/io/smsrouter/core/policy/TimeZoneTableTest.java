package io.smsrouter.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeZoneTableTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final ZoneId VLADIVOSTOK = ZoneId.of("Asia/Vladivostok");
    private static final ZoneId MAGADAN = ZoneId.of("Asia/Magadan");
    private static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");

    private final TimeZoneTable table = TimeZoneTable.of(Map.of(
            "7", MOSCOW, "7914", VLADIVOSTOK, "79141", MAGADAN, "77", ALMATY));

    @Test
    void shouldPickTheLongestMatchingPrefix() {
        assertThat(table.zoneOf("79161234567")).isEqualTo(MOSCOW);
        assertThat(table.zoneOf("79141234567")).isEqualTo(MAGADAN);
        assertThat(table.zoneOf("79149234567")).isEqualTo(VLADIVOSTOK);
        assertThat(table.zoneOf("7914")).isEqualTo(VLADIVOSTOK);
        assertThat(table.zoneOf("791")).isEqualTo(MOSCOW); // shorter than a longer row: the shorter row
        assertThat(table.zoneOf("77011234567")).isEqualTo(ALMATY);
        assertThat(table.size()).isEqualTo(4);
    }

    @Test
    void shouldAnswerNullWhenNoPrefixMatches() {
        assertThat(table.zoneOf("33612345678")).isNull();
        assertThat(table.zoneOf("")).isNull();
        assertThat(table.zoneOf("+")).isNull();
        assertThat(table.zoneOf("abc")).isNull();
        assertThat(table.zoneOf(null)).isNull();
        assertThat(TimeZoneTable.of(Map.of()).zoneOf("79161234567")).isNull();
    }

    @Test
    void shouldSkipALeadingPlusAndOtherNonDigits() {
        assertThat(table.zoneOf("+79141234567")).isEqualTo(MAGADAN);
        assertThat(table.zoneOf("+7 (914) 923-45-67")).isEqualTo(VLADIVOSTOK);
        assertThat(table.zoneOf(new StringBuilder("+7-701-123-45-67"))).isEqualTo(ALMATY);
    }

    @Test
    void shouldRefuseBadPrefixesInAMap() {
        for (String bad : new String[] {"", "7a", "+7", "1234567890123456"}) {
            assertThatThrownBy(() -> TimeZoneTable.of(Map.of(bad, MOSCOW))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 15 digits");
        }
        assertThat(TimeZoneTable.of(Map.of("123456789012345", MOSCOW)).zoneOf("1234567890123456")).isEqualTo(MOSCOW);
    }

    @Test
    void shouldLoadAFileWithCommentsBlanksSpacesAndAByteOrderMark(@TempDir Path dir) throws IOException {
        Path csv = write(dir, "\uFEFF# a comment\n\n  7 , Europe/Moscow  \n7914,Asia/Vladivostok # Primorye\r\n\t\n# 33,Europe/Paris\n");
        TimeZoneTable loaded = TimeZoneTable.load(csv);
        assertThat(loaded.size()).isEqualTo(2);
        assertThat(loaded.zoneOf("+79141234567")).isEqualTo(VLADIVOSTOK);
        assertThat(loaded.zoneOf("79161234567")).isEqualTo(MOSCOW);
        assertThat(loaded.zoneOf("33612345678")).isNull();
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "79x,Moscow              | 79x,Moscow",
            "7 Europe/Moscow         | 7 Europe/Moscow",
            ",Europe/Moscow          | ,Europe/Moscow",
            "7,                      | 7,",
            "+7,Europe/Moscow        | +7,Europe/Moscow",
            "7,Europe/Moscow,extra   | 7,Europe/Moscow,extra",
            "1234567890123456,UTC    | 1234567890123456,UTC",
    })
    void shouldNameTheFileTheLineAndWhatWasExpected(String line, String got, @TempDir Path dir) throws IOException {
        Path csv = write(dir, "# header\n7914,Asia/Vladivostok\n\n" + line + "\n");
        assertThatThrownBy(() -> TimeZoneTable.load(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(csv + " line 4: expected \"prefix,zone\" with a prefix of 1 to 15 digits"
                        + " and a time zone like Europe/Moscow, got \"" + got + "\"");
    }

    @Test
    void shouldNameAnUnknownTimeZone(@TempDir Path dir) throws IOException {
        Path csv = write(dir, "7,Europe/Moscow\n79,Moscow\n");
        assertThatThrownBy(() -> TimeZoneTable.load(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(csv + " line 2: unknown time zone \"Moscow\"")
                .hasMessageContaining("like Europe/Moscow")
                .hasMessageEndingWith("got \"79,Moscow\"");
        Path spaced = write(dir, "7,Europe/Moscow\n\n\n79,Europe Moscow\n");
        assertThatThrownBy(() -> TimeZoneTable.load(spaced))
                .hasMessageStartingWith(spaced + " line 4: unknown time zone \"Europe Moscow\"");
    }

    @Test
    void shouldRefuseAPrefixListedTwiceNamingBothLines(@TempDir Path dir) throws IOException {
        Path csv = write(dir, "7,Europe/Moscow\n7914,Asia/Vladivostok\n# more\n 7914 , Asia/Magadan\n");
        assertThatThrownBy(() -> TimeZoneTable.load(csv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(csv + " line 4: prefix 7914 is already on line 2 (Asia/Vladivostok),"
                        + " each prefix may be listed once, got \"7914 , Asia/Magadan\"");
    }

    @Test
    void shouldLoadTheShippedTable() throws IOException {
        TimeZoneTable shipped = TimeZoneTable.load(Path.of("../conf/timezones.csv"));
        assertThat(shipped.size()).isGreaterThan(50);
        assertThat(shipped.zoneOf("+79161234567")).isEqualTo(MOSCOW);
        assertThat(shipped.zoneOf("+79141234567")).isEqualTo(VLADIVOSTOK);
        assertThat(shipped.zoneOf("79221234567")).isEqualTo(ZoneId.of("Asia/Yekaterinburg"));
        assertThat(shipped.zoneOf("79131234567")).isEqualTo(ZoneId.of("Asia/Novosibirsk"));
        assertThat(shipped.zoneOf("74012123456")).isEqualTo(ZoneId.of("Europe/Kaliningrad"));
        assertThat(shipped.zoneOf("78462123456")).isEqualTo(ZoneId.of("Europe/Samara"));
        assertThat(shipped.zoneOf("77011234567")).isEqualTo(ALMATY);
        assertThat(shipped.zoneOf("375291234567")).isEqualTo(ZoneId.of("Europe/Minsk"));
        assertThat(shipped.zoneOf("4915112345678")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(shipped.zoneOf("+1 212 555 0100")).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(shipped.zoneOf("+1 312 555 0100")).isEqualTo(ZoneId.of("America/Chicago"));
        assertThat(shipped.zoneOf("+1 213 555 0100")).isEqualTo(ZoneId.of("America/Los_Angeles"));
        assertThat(shipped.zoneOf("+1 416 555 0100")).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(shipped.zoneOf("33612345678")).isNull();
    }

    /** zoneOf is on every promo message's path: once warm it must not allocate. */
    @Test
    void shouldNotAllocateOnLookup() throws IOException {
        TimeZoneTable shipped = TimeZoneTable.load(Path.of("../conf/timezones.csv"));
        String[] numbers = {"+79141234567", "79161234567", "77011234567", "12125550100", "33612345678", "+7 (423) 2-12"};
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        int found = lookUp(shipped, numbers, 50_000); // warm-up
        long before = threads.getCurrentThreadAllocatedBytes();
        found += lookUp(shipped, numbers, 50_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(found).isPositive();
        assertThat(allocated).as("bytes allocated by 50,000 lookups").isLessThan(1024);
    }

    private static int lookUp(TimeZoneTable t, String[] numbers, int calls) {
        int found = 0;
        for (int i = 0; i < calls; i++) {
            if (t.zoneOf(numbers[i % numbers.length]) != null) {
                found++;
            }
        }
        return found;
    }

    private static Path write(Path dir, String text) throws IOException {
        return Files.write(Files.createTempFile(dir, "timezones", ".csv"), text.getBytes(StandardCharsets.UTF_8));
    }
}
