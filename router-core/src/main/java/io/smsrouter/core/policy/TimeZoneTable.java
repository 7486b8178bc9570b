package io.smsrouter.core.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recipient's time zone by destination-number prefix (conf/timezones.csv), for the quiet-hours
 * policy of promo traffic: the longest listed prefix of the number wins.
 *
 * <p>File format, UTF-8, one {@code prefix,zone} a line ({@code 7914,Asia/Vladivostok}): the prefix
 * is 1 to {@value #MAX_PREFIX_DIGITS} digits, the zone a {@link ZoneId} name. Blank lines and
 * everything from a {@code #} to the end of its line are ignored, fields are trimmed.
 *
 * <p>Immutable and thread-safe; {@link #zoneOf} allocates nothing.
 */
public final class TimeZoneTable {
    /** The longest prefix accepted: an E.164 number has at most 15 digits. */
    public static final int MAX_PREFIX_DIGITS = 15;

    private static final String EXPECTED = "expected \"prefix,zone\" with a prefix of 1 to "
            + MAX_PREFIX_DIGITS + " digits and a time zone like Europe/Moscow";

    // A digit trie in flat arrays: node n's child for digit d is next[n * 10 + d], 0 meaning none
    // (node 0 is the root, nobody's child); zones[n] is the zone of the prefix ending at n, or null.
    private final int[] next;
    private final ZoneId[] zones;
    private final int size;

    private TimeZoneTable(Map<String, ZoneId> byPrefix) {
        int maxNodes = 1;
        for (String prefix : byPrefix.keySet()) {
            maxNodes += prefix.length();
        }
        int[] children = new int[maxNodes * 10];
        ZoneId[] ends = new ZoneId[maxNodes];
        int nodes = 1;
        for (Map.Entry<String, ZoneId> e : byPrefix.entrySet()) {
            String prefix = e.getKey();
            int node = 0;
            for (int i = 0; i < prefix.length(); i++) {
                int slot = node * 10 + prefix.charAt(i) - '0';
                if (children[slot] == 0) {
                    children[slot] = nodes++;
                }
                node = children[slot];
            }
            ends[node] = e.getValue();
        }
        this.next = children;
        this.zones = ends;
        this.size = byPrefix.size();
    }

    /**
     * A table of the given prefixes.
     *
     * @throws IllegalArgumentException when a prefix is not 1 to 15 digits or a zone is null
     */
    public static TimeZoneTable of(Map<String, ZoneId> byPrefix) {
        for (Map.Entry<String, ZoneId> e : byPrefix.entrySet()) {
            if (!isPrefix(e.getKey()) || e.getValue() == null) {
                throw new IllegalArgumentException(EXPECTED + ", got \"" + e.getKey() + "\" -> " + e.getValue());
            }
        }
        return new TimeZoneTable(byPrefix);
    }

    /**
     * Reads a UTF-8 {@code prefix,zone} file.
     *
     * @throws IllegalArgumentException naming the file, the line and what was expected, for a bad
     *                                  line or a prefix listed twice
     */
    public static TimeZoneTable load(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        Map<String, ZoneId> byPrefix = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark some editors write
            }
            int hash = line.indexOf('#');
            line = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = csv + " line " + (i + 1) + ": ";
            String got = ", got \"" + line + "\"";
            int comma = line.indexOf(',');
            String prefix = comma < 0 ? "" : line.substring(0, comma).strip();
            String zoneName = comma < 0 ? "" : line.substring(comma + 1).strip();
            if (!isPrefix(prefix) || zoneName.isEmpty() || zoneName.indexOf(',') >= 0) {
                throw new IllegalArgumentException(where + EXPECTED + got);
            }
            ZoneId zone;
            try {
                zone = ZoneId.of(zoneName);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(where + "unknown time zone \"" + zoneName + "\", "
                        + EXPECTED + got, e);
            }
            Integer first = lineOf.putIfAbsent(prefix, i + 1);
            if (first != null) {
                throw new IllegalArgumentException(where + "prefix " + prefix + " is already on line " + first
                        + " (" + byPrefix.get(prefix).getId() + "), each prefix may be listed once" + got);
            }
            byPrefix.put(prefix, zone);
        }
        return new TimeZoneTable(byPrefix);
    }

    /**
     * The zone of the longest listed prefix of {@code msisdn}'s digits (a leading {@code +} and any
     * other non-digit are skipped), or null when no prefix matches.
     */
    public ZoneId zoneOf(CharSequence msisdn) {
        if (msisdn == null) {
            return null;
        }
        ZoneId found = null;
        int node = 0;
        for (int i = 0, n = msisdn.length(); i < n; i++) {
            int d = msisdn.charAt(i) - '0';
            if (d < 0 || d > 9) {
                continue;
            }
            node = next[node * 10 + d];
            if (node == 0) {
                break;
            }
            if (zones[node] != null) {
                found = zones[node];
            }
        }
        return found;
    }

    /** How many prefixes the table holds. */
    public int size() {
        return size;
    }

    private static boolean isPrefix(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_PREFIX_DIGITS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "TimeZoneTable[" + size + " prefixes]";
    }
}
