package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsrouter.core.campaign.Schedule;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One campaign: what it sends to whom ({@code spec.json}, written once, before the campaign is
 * acknowledged) and what it has done so far ({@code progress.log}, an append-only text file: one
 * line per recipient sent or refused, per click, per pause, resume or cancel, and per occurrence
 * of a recurring schedule). Both live in the campaign's own directory. A recipient's line is
 * written after the journal batch that accepted its message; a crash between the two is covered
 * by the journal note written in that batch ({@link Campaigns#NOTE}), so after a restart no
 * recipient gets a second message and none is skipped.
 *
 * <p>The per-recipient state is for the current occurrence (a one-off campaign has one); it is
 * guarded by the campaign's monitor.
 */
final class Campaign {
    enum Status { SCHEDULED, RUNNING, PAUSED, DONE, CANCELLED }

    /** A recipient left out of a recurring campaign's first occurrence: its time had passed when the campaign was created. */
    static final String SKIPPED = "skipped";

    static final class Variant {
        private final String name;
        private final int share;
        private final String text;
        private final boolean template;
        private final Templates.Compiled compiled;
        /** A plain text's link targets with their UTM parameters, once a click asked (racy but idempotent). */
        volatile List<String> targets;

        Variant(String name, int share, String text, boolean template, Templates.Compiled compiled) {
            this.name = name;
            this.share = share;
            this.text = text;
            this.template = template;
            this.compiled = compiled;
        }

        String name() {
            return name;
        }

        int share() {
            return share;
        }

        String text() {
            return text;
        }

        boolean template() {
            return template;
        }

        /** The text for one recipient. */
        String render(Map<String, Object> vars, String msisdn) {
            return compiled == null ? text : compiled.render(vars, msisdn);
        }
    }

    final String id;
    final String accountId;
    final String name;
    final String category;
    final int priority;
    final String from;
    final boolean trackLinks;
    final long createdAtMs;
    final int rate;
    final Schedule schedule;
    final long linkBase;
    final int linksPer;
    final List<Variant> variants;
    final String[] to;
    final Map<String, Object>[] vars;
    final byte[] variantOf;
    private final Path dir;

    // ---- state of the current occurrence (guarded by this) ----
    Status stopped; // PAUSED or CANCELLED when a user (or an empty balance) stopped it; null otherwise
    String pauseReason = "";
    LocalDate occurrence; // recurring only
    final long[] messageId;
    final int[] parts;
    final long[] cost;
    final long[] sentAtMs;
    final String[] refused;
    final int[] clicks;
    /** A sent recipient's final state once seen (1 + its index in {@link Campaigns#STATES}), 0 before. */
    final byte[] finalState;
    final long[] finalAtMs;
    final long[] due;
    int[] order;
    int cursor;
    int done;
    long[] clickTimes = new long[16];
    byte[] clickVariant = new byte[16];
    int clickCount;
    // ---- runner's pacing ----
    double tokens;
    long lastTickMs;
    long retryAtMs;
    long settledAtMs;

    private OutputStream log;
    /** The log ends inside a (torn) line: the next append begins with a line feed. */
    private boolean startOnNewLine;

    @SuppressWarnings("unchecked")
    Campaign(Path dir, String id, String accountId, String name, String category, int priority, String from,
             boolean trackLinks, long createdAtMs, int rate, Schedule schedule, long linkBase, int linksPer,
             List<Variant> variants, String[] to, Map<String, Object>[] vars, byte[] variantOf) {
        this.dir = dir;
        this.id = id;
        this.accountId = accountId;
        this.name = name;
        this.category = category;
        this.priority = priority;
        this.from = from;
        this.trackLinks = trackLinks;
        this.createdAtMs = createdAtMs;
        this.rate = rate;
        this.schedule = schedule;
        this.linkBase = linkBase;
        this.linksPer = linksPer;
        this.variants = variants;
        this.to = to;
        this.vars = vars;
        this.variantOf = variantOf;
        int n = to.length;
        messageId = new long[n];
        parts = new int[n];
        cost = new long[n];
        sentAtMs = new long[n];
        refused = new String[n];
        clicks = new int[n];
        finalState = new byte[n];
        finalAtMs = new long[n];
        due = new long[n];
    }

    int size() {
        return to.length;
    }

    /** The numbers of link codes this campaign uses: [linkBase, linkEnd). */
    long linkEnd() {
        return linkBase + (long) to.length * Math.max(1, linksPer);
    }

    Variant variant(int r) {
        return variants.get(variantOf[r]);
    }

    String occurrenceKey() {
        return occurrence == null ? "-" : occurrence.toString();
    }

    // ---- the current occurrence ----

    /**
     * Starts occurrence {@code d} (null for a one-off campaign): every recipient pending again, due
     * at the schedule's time in its zone; in order of due time.
     */
    void begin(LocalDate d, Function<Integer, ZoneId> zoneOf) {
        occurrence = d;
        int n = to.length;
        Arrays.fill(messageId, 0);
        Arrays.fill(parts, 0);
        Arrays.fill(cost, 0);
        Arrays.fill(sentAtMs, 0);
        Arrays.fill(refused, null);
        Arrays.fill(clicks, 0);
        Arrays.fill(finalState, (byte) 0);
        Arrays.fill(finalAtMs, 0);
        clickCount = 0;
        done = 0;
        cursor = 0;
        if (d == null) {
            Arrays.fill(due, schedule.atMs());
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            return;
        }
        Integer[] o = new Integer[n];
        for (int i = 0; i < n; i++) {
            due[i] = schedule.dueMs(d, zoneOf.apply(i));
            o[i] = i;
            if (due[i] < createdAtMs) {
                refused[i] = SKIPPED;
                done++;
            }
        }
        Arrays.sort(o, (a, b) -> a.equals(b) ? 0 : due[a] != due[b] ? Long.compare(due[a], due[b])
                : Integer.compare(a, b));
        order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = o[i];
        }
    }

    boolean pending(int r) {
        return messageId[r] == 0 && refused[r] == null;
    }

    boolean complete() {
        return done >= to.length;
    }

    void sent(int r, long id, int partCount, long costMicros, long atMs) {
        if (pending(r)) {
            done++;
        }
        messageId[r] = id;
        parts[r] = partCount;
        cost[r] = costMicros;
        sentAtMs[r] = atMs;
    }

    void refused(int r, String code) {
        if (pending(r)) {
            done++;
        }
        refused[r] = code;
    }

    /** A click on one of recipient {@code r}'s links; true when it is the recipient's first. */
    boolean clicked(int r, long atMs) {
        clicks[r]++;
        if (clickCount == clickTimes.length) {
            clickTimes = Arrays.copyOf(clickTimes, clickCount * 2);
            clickVariant = Arrays.copyOf(clickVariant, clickCount * 2);
        }
        clickTimes[clickCount] = atMs;
        clickVariant[clickCount] = variantOf[r];
        clickCount++;
        return clicks[r] == 1;
    }

    /** The explicit or computed status at {@code nowMs}. */
    Status status(long nowMs) {
        if (stopped != null) {
            return stopped;
        }
        if (occurrence == null) {
            if (complete()) {
                return Status.DONE;
            }
            return nowMs < schedule.atMs() ? Status.SCHEDULED : Status.RUNNING;
        }
        int c = cursor;
        while (c < order.length && !pending(order[c])) {
            c++;
        }
        return c < order.length && due[order[c]] <= nowMs ? Status.RUNNING : Status.SCHEDULED;
    }

    /** When the next recipient is due (epoch ms), or 0 when none is pending. */
    long nextDueMs() {
        for (int c = cursor; c < order.length; c++) {
            if (pending(order[c])) {
                return due[order[c]];
            }
        }
        return 0;
    }

    // ---- files ----

    static Path specFile(Path dir) {
        return dir.resolve("spec.json");
    }

    static Path progressFile(Path dir) {
        return dir.resolve("progress.log");
    }

    /** Writes spec.json durably (a temporary file, forced, then renamed), and opens the progress log. */
    void create(ObjectMapper json) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("spec.json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(json.writeValueAsBytes(spec(json))));
            ch.force(true);
        }
        Files.move(tmp, specFile(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        openLog();
    }

    private void openLog() throws IOException {
        Path p = progressFile(dir);
        // a log that ends inside a line (a power cut, or a short write on a full disk, tore it):
        // the next lines start on a line of their own, or the first of them would be read back
        // glued to the torn one and dropped with it
        startOnNewLine = endsInsideALine(p);
        log = Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** True when the file exists, is not empty, and its last byte is not a line feed. */
    static boolean endsInsideALine(Path p) throws IOException {
        if (!Files.exists(p)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return false;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    /** Appends lines to the progress log and hands them to the OS (kill -9 keeps them; a power cut may not). */
    void append(String lines) {
        try {
            log.write((startOnNewLine ? "\n" + lines : lines).getBytes(StandardCharsets.UTF_8));
            startOnNewLine = false;
            log.flush();
        } catch (IOException e) {
            startOnNewLine = true; // part of it may be in the file: the next lines start on a line of their own
            throw new UncheckedIOException("campaign " + id + ": cannot write " + progressFile(dir), e);
        }
    }

    void close() {
        try {
            if (log != null) {
                log.close();
            }
        } catch (IOException ignored) {
            // nothing more to write
        }
    }

    private ObjectNode spec(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("account", accountId);
        o.put("name", name);
        o.put("category", category);
        o.put("priority", priority);
        o.put("from", from);
        o.put("trackLinks", trackLinks);
        o.put("createdAtMs", createdAtMs);
        o.put("rate", rate);
        o.put("linkBase", linkBase);
        o.put("linksPer", linksPer);
        o.set("schedule", scheduleJson(json));
        ArrayNode v = o.putArray("variants");
        for (Variant x : variants) {
            ObjectNode n = v.addObject();
            n.put("name", x.name());
            n.put("share", x.share());
            n.put("text", x.text());
            n.put("template", x.template());
        }
        ArrayNode rs = o.putArray("recipients");
        for (int i = 0; i < to.length; i++) {
            ArrayNode r = rs.addArray();
            r.add(to[i]);
            r.add(variantOf[i]);
            if (vars[i] != null) {
                r.add(json.valueToTree(vars[i]));
            }
        }
        return o;
    }

    /** The schedule as the API shows it: {@code {"at"}} or {@code {"every","day","time"}}; null for at once. */
    ObjectNode scheduleJson(ObjectMapper json) {
        if (schedule.recurring()) {
            ObjectNode s = json.createObjectNode();
            s.put("every", schedule.every().label());
            if (schedule.every() != Schedule.Every.DAY) {
                s.put("day", schedule.day());
            }
            s.put("time", schedule.time().toString());
            return s;
        }
        if (schedule.atMs() > 0) {
            ObjectNode s = json.createObjectNode();
            s.put("at", java.time.Instant.ofEpochMilli(schedule.atMs()).toString());
            return s;
        }
        return null;
    }

    /** Reads a campaign back from its directory: the spec, then the progress log replayed. */
    @SuppressWarnings("unchecked")
    static Campaign load(Path dir, ObjectMapper json, Templates templates, Function<String, ZoneId> zones)
            throws IOException {
        JsonNode o = json.readTree(specFile(dir).toFile());
        JsonNode s = o.get("schedule");
        Schedule schedule;
        if (s == null || s.isNull()) {
            schedule = Schedule.once(0);
        } else if (s.has("every")) {
            schedule = Schedule.recurring(Schedule.Every.parse(s.get("every").asText()), s.path("day").asInt(0),
                    LocalTime.parse(s.get("time").asText()));
        } else {
            schedule = Schedule.once(java.time.Instant.parse(s.get("at").asText()).toEpochMilli());
        }
        List<Variant> variants = new ArrayList<>();
        for (JsonNode v : o.get("variants")) {
            boolean template = v.get("template").asBoolean();
            String text = v.get("text").asText();
            variants.add(new Variant(v.get("name").asText(), v.get("share").asInt(), text, template,
                    template ? templates.inline(text) : null));
        }
        JsonNode rs = o.get("recipients");
        int n = rs.size();
        String[] to = new String[n];
        Map<String, Object>[] vars = new Map[n];
        byte[] variantOf = new byte[n];
        for (int i = 0; i < n; i++) {
            JsonNode r = rs.get(i);
            to[i] = r.get(0).asText();
            variantOf[i] = (byte) r.get(1).asInt();
            if (r.size() > 2) {
                vars[i] = MessageApi.mergeVars(null, r.get(2));
            }
        }
        Campaign c = new Campaign(dir, o.get("id").asText(), o.get("account").asText(), o.get("name").asText(),
                o.get("category").asText(), o.get("priority").asInt(), o.get("from").asText(),
                o.get("trackLinks").asBoolean(), o.get("createdAtMs").asLong(), o.get("rate").asInt(), schedule,
                o.get("linkBase").asLong(), o.get("linksPer").asInt(), variants, to, vars, variantOf);
        Function<Integer, ZoneId> zoneOf = r -> c.zone(r, zones);
        c.begin(schedule.recurring() ? schedule.onOrAfter(LocalDate.ofEpochDay(
                Math.floorDiv(c.createdAtMs, 86_400_000L)).minusDays(1)) : null, zoneOf);
        Path progress = progressFile(dir);
        if (Files.exists(progress)) {
            try (BufferedReader in = Files.newBufferedReader(progress, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    c.replay(line, zoneOf);
                }
            }
        }
        c.openLog();
        return c;
    }

    /** A recipient's zone: its {@code tz} variable, else the number's zone from the table, else UTC. */
    ZoneId zone(int r, Function<String, ZoneId> zones) {
        Object tz = vars[r] == null ? null : vars[r].get(Templates.ZONE_VAR);
        if (tz != null) {
            try {
                return ZoneId.of(tz.toString());
            } catch (java.time.DateTimeException ignored) {
                // rendering refuses the recipient with its own error
            }
        }
        ZoneId z = zones == null ? null : zones.apply(to[r]);
        return z == null ? ZoneOffset.UTC : z;
    }

    /** Applies one progress line; a torn last line (a crash mid-write) is ignored. */
    private void replay(String line, Function<Integer, ZoneId> zoneOf) {
        String[] f = line.split(" ", 6);
        try {
            switch (f[0]) {
                case "O" -> begin(LocalDate.parse(f[1]), zoneOf);
                case "S" -> sent(Integer.parseInt(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                        Long.parseLong(f[4]), Long.parseLong(f[5]));
                case "R" -> refused(Integer.parseInt(f[1]), f[2]);
                case "K" -> clicked(Integer.parseInt(f[1]), Long.parseLong(f[3]));
                case "F" -> {
                    int r = Integer.parseInt(f[1]);
                    finalAtMs[r] = Long.parseLong(f[3]);
                    finalState[r] = Byte.parseByte(f[2]);
                }
                case "P" -> {
                    stopped = Status.PAUSED;
                    pauseReason = f.length > 1 ? line.substring(2) : "";
                }
                case "U" -> {
                    stopped = null;
                    pauseReason = "";
                }
                case "C" -> stopped = Status.CANCELLED;
                default -> {
                }
            }
        } catch (RuntimeException torn) {
            // the last line of a crash: what it said is in the journal note, or never happened
        }
        while (cursor < order.length && !pending(order[cursor])) {
            cursor++;
        }
    }
}
