package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.campaign.LinkCodes;
import io.smsrouter.core.campaign.LinkResolver;
import io.smsrouter.core.campaign.LinkText;
import io.smsrouter.core.campaign.Schedule;
import io.smsrouter.core.campaign.Utm;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.MessageStatus;
import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.text.SmsEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Campaigns (shared/SPEC.md §8): one text, a template or A/B variants for a list of recipients
 * (JSON or CSV), sent once or every day, week or month at the recipients' local time, with
 * tracked short links. Messages go through the same engine as any API message (policies,
 * moderation, routing, receipts, price) at the campaign's rate, in its traffic class ({@code promo}
 * unless it says otherwise), so OTP traffic is served first.
 *
 * <p>A runner thread sends: every {@value #TICK_MS} ms, for each running campaign, the recipients
 * that are due, as many as its rate allows, in journal batches of at most {@value #MAX_BATCH}
 * (while batches are full, the campaigns take turns without waiting for the next tick). Each accepted message carries a
 * journal note ({@value #NOTE}: campaign, occurrence, recipient) in the same batch, and the
 * campaign's progress log gets a line after the batch is journaled; recovery reads both, so that
 * after kill -9 no recipient gets a second message and none is skipped.
 */
final class Campaigns implements LinkResolver, CampaignReports, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Campaigns.class);
    static final String PATH = "/api/v1/campaigns";
    /** The journal note on a campaign message: {@code <campaign> <occurrence or -> <recipient>}. */
    static final String NOTE = "campaign";
    /** The journal note of a click on a tracked link: {@code <campaign> <recipient> <link> first|repeat <user agent>}. */
    static final String CLICK_NOTE = "click";
    static final int TICK_MS = 20;
    static final int MAX_RECIPIENTS = 1_000_000;
    static final int MAX_VARIANTS = 10;
    static final int MAX_RATE = 100_000;
    /** Recipients submitted in one journal batch at most. */
    static final int MAX_BATCH = 500;
    private static final int BACKOFF_MS = 200;
    /** Clicks of one recipient written to the progress log at most; more are counted until a restart. */
    static final int MAX_LOGGED_CLICKS = 100;
    /** How often the runner records the final states its campaigns' messages reached. */
    private static final int SETTLE_MS = 5000;

    private final ObjectMapper json;
    private final Engine engine;
    private final MessageApi messages;
    private final Templates templates;
    private final Path dir;
    private final LinkCodes codes;
    private final Supplier<String> shortBase;
    private final Function<String, ZoneId> zones;
    private final InstantSource clock;
    private final Random random = new java.security.SecureRandom();

    private final Map<String, Campaign> byId = new ConcurrentHashMap<>();
    /** Campaigns by the first number of their link codes, to find a code's campaign. */
    private final ConcurrentSkipListMap<Long, Campaign> byLinkBase = new ConcurrentSkipListMap<>();
    private long nextId = 1;
    private long nextLinkNumber;
    private java.util.concurrent.ScheduledExecutorService runner;
    /** Set once recovery is over: notes are then the runner's own, recorded after its batch. */
    private volatile boolean live;

    /**
     * @param dir        where campaigns are kept (one directory each); read at once
     * @param codes      link codes; null keeps campaigns from tracking links
     * @param shortBase  the public base of short links ({@code links.shortBase}), asked when a campaign starts
     * @param zones      a number's time zone (null when unknown: UTC), for recurring schedules
     */
    Campaigns(ObjectMapper json, Engine engine, MessageApi messages, Templates templates, Path dir, LinkCodes codes,
              Supplier<String> shortBase, Function<String, ZoneId> zones, InstantSource clock) {
        this.json = json;
        this.engine = engine;
        this.messages = messages;
        this.templates = templates;
        this.dir = dir;
        this.codes = codes;
        this.shortBase = shortBase;
        this.zones = zones;
        this.clock = clock;
        load();
    }

    static boolean handles(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    private void load() {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path d : s.sorted().toList()) {
                if (!Files.exists(Campaign.specFile(d))) {
                    continue;
                }
                try {
                    Campaign c = Campaign.load(d, json, templates, zones);
                    register(c);
                } catch (IOException | RuntimeException e) {
                    log.error("campaign in {} cannot be read, left out: {}", d, e.toString());
                }
            }
        } catch (IOException e) {
            log.error("campaigns in {} cannot be listed: {}", dir, e.toString());
        }
        if (!byId.isEmpty()) {
            log.info("campaigns: {} read from {}", byId.size(), dir);
        }
    }

    private synchronized void register(Campaign c) {
        byId.put(c.id, c);
        if (c.trackLinks) {
            byLinkBase.put(c.linkBase, c);
        }
        try {
            nextId = Math.max(nextId, Long.parseLong(c.id) + 1);
        } catch (NumberFormatException ignored) {
            // ids are numbers; another name only misses the count
        }
        nextLinkNumber = Math.max(nextLinkNumber, c.linkEnd());
    }

    // ---- the runner ----

    /** Starts sending (after recovery, so that the journal's notes are in). */
    void start() {
        live = true;
        runner = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "campaigns");
            t.setDaemon(true);
            return t;
        });
        runner.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.shutdown();
            try {
                runner.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byId.values().forEach(Campaign::close);
    }

    /**
     * One round of the runner: each campaign sends a journal batch of what is due and its rate
     * allows; while any batch was full, the campaigns take turns again at once (for up to a
     * second), so that a fast campaign does not wait a tick between batches.
     */
    void tick() {
        long until = System.nanoTime() + 1_000_000_000L;
        boolean more;
        do {
            more = false;
            for (Campaign c : byId.values()) {
                long now = clock.millis();
                try {
                    if (System.currentTimeMillis() - c.settledAtMs >= SETTLE_MS) {
                        settle(c);
                    }
                    synchronized (c) {
                        more |= run(c, now);
                    }
                } catch (RuntimeException e) {
                    log.warn("campaign {}: sending failed, retrying in a second: {}", c.id, e.toString());
                    c.retryAtMs = now + 1000;
                }
            }
        } while (more && System.nanoTime() - until < 0);
    }

    /** A recipient's outcome in the open batch, made durable in the progress log once the batch is journaled. */
    private record Done(int recipient, long messageId, int parts, long cost, String refusal) {
    }

    /** One journal batch of due recipients; true when it was full (more may be due at once). */
    private boolean run(Campaign c, long now) {
        if (c.stopped != null) {
            return false;
        }
        if (c.complete()) {
            if (c.schedule.recurring()) {
                LocalDate next = c.schedule.after(c.occurrence);
                c.append("O " + next + "\n");
                c.begin(next, r -> c.zone(r, zones));
            }
            return false;
        }
        if (now < c.retryAtMs) {
            return false;
        }
        long elapsed = c.lastTickMs == 0 ? TICK_MS : Math.max(0, now - c.lastTickMs);
        c.lastTickMs = now;
        c.tokens = Math.min(Math.max(1, c.rate / 5.0), c.tokens + elapsed * c.rate / 1000.0);
        int budget = (int) Math.min(MAX_BATCH, c.tokens);
        if (budget <= 0) {
            return false;
        }
        Account account = engine.accounts().get(c.accountId);
        if (account == null) {
            c.stopped = Campaign.Status.PAUSED;
            c.pauseReason = "account_removed";
            c.append("P account_removed\n");
            log.warn("campaign {} paused: its account {} is no longer in the config", c.id, c.accountId);
            return false;
        }
        int cursorBefore = c.cursor;
        List<Done> done = new ArrayList<>();
        boolean journaled = false;
        engine.beginBatch();
        engine.origin("campaign:" + c.id + " account:" + c.accountId);
        try {
            while (budget > 0 && c.cursor < c.order.length) {
                int r = c.order[c.cursor];
                if (!c.pending(r)) {
                    c.cursor++;
                    continue;
                }
                if (c.due[r] > now) {
                    break;
                }
                Done d = send(c, account, r);
                if (d == null) {
                    c.retryAtMs = now + BACKOFF_MS; // throttled or overloaded: the same recipient again later
                    break;
                }
                if ("insufficient_balance".equals(d.refusal)) {
                    c.stopped = Campaign.Status.PAUSED;
                    c.pauseReason = "insufficient_balance";
                    break;
                }
                done.add(d);
                c.cursor++;
                budget--;
            }
        } finally {
            try {
                engine.endBatch();
                journaled = true;
            } catch (RuntimeException e) {
                log.warn("campaign {}: the journal could not take {} messages; sending them again in a second: {}",
                        c.id, done.size(), e.toString());
                c.cursor = cursorBefore;
                c.retryAtMs = now + 1000;
            }
        }
        if (!journaled) {
            return false;
        }
        StringBuilder lines = new StringBuilder(done.size() * 40);
        int sent = 0;
        for (Done d : done) {
            if (d.refusal == null) {
                c.sent(d.recipient, d.messageId, d.parts, d.cost, now);
                lines.append("S ").append(d.recipient).append(' ').append(d.messageId).append(' ').append(d.parts)
                        .append(' ').append(d.cost).append(' ').append(now).append('\n');
                sent++;
            } else {
                c.refused(d.recipient, d.refusal);
                lines.append("R ").append(d.recipient).append(' ').append(d.refusal).append('\n');
            }
        }
        if (c.stopped == Campaign.Status.PAUSED && "insufficient_balance".equals(c.pauseReason)) {
            lines.append("P insufficient_balance\n");
            log.warn("campaign {} paused: account {} has no balance left for its messages", c.id, c.accountId);
        }
        c.tokens -= done.size();
        if (!lines.isEmpty()) {
            c.append(lines.toString());
        }
        if (sent > 0 && c.complete() && !c.schedule.recurring()) {
            log.info("campaign {} ({}) done: {} recipients", c.id, c.name, c.size());
        }
        return done.size() == MAX_BATCH && c.stopped == null && now >= c.retryAtMs;
    }

    /**
     * Submits one recipient's message in the open batch. Null when it should be tried again later
     * (throttled, overloaded); a refusal code when it never will be sent.
     */
    private Done send(Campaign c, Account account, int r) {
        Campaign.Variant v = c.variant(r);
        String text;
        try {
            text = v.render(c.vars[r] == null ? Map.of() : c.vars[r], c.to[r]);
            if (c.trackLinks && codes != null) {
                String base = shortBase.get();
                long first = c.linkBase + (long) r * c.linksPer;
                int[] count = new int[1];
                text = LinkText.shorten(text, base, i -> {
                    count[0] = Math.max(count[0], i + 1);
                    return codes.code(first + Math.min(i, c.linksPer - 1));
                }).text();
                if (count[0] > c.linksPer) {
                    return new Done(r, 0, 0, 0, "too_many_links");
                }
            }
        } catch (ApiError e) {
            return new Done(r, 0, 0, 0, e.code);
        }
        MessageApi.Sent s;
        try {
            s = messages.submitText(account, c.from, c.to[r], text, 0, c.priority,
                    messages.defaultCallback(c.accountId), SmsEncoder.Concat.UDH8);
        } catch (ApiError e) {
            return new Done(r, 0, 0, 0, e.code);
        }
        SubmitOutcome o = s.outcome();
        if (o == SubmitOutcome.ACCEPTED) {
            engine.note(s.firstId(), NOTE, c.id + " " + c.occurrenceKey() + " " + r);
            return new Done(r, s.firstId(), s.parts(), cost(s.firstId(), s.parts()), null);
        }
        if (o == SubmitOutcome.THROTTLED || o == SubmitOutcome.OVERLOADED || o == SubmitOutcome.SYSTEM_ERROR
                || o == SubmitOutcome.CLUSTER_UNAVAILABLE) {
            return null;
        }
        return new Done(r, 0, 0, 0, MessageApi.refusal(o).code);
    }

    /** The price reserved for a text's parts (millionths), 0 when the account is not billed. */
    private long cost(long firstId, int parts) {
        Billing b = engine.billing();
        if (b == null) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < parts; i++) {
            Billing.Charge ch = b.charge(firstId + i);
            if (ch != null) {
                sum += ch.amount();
            }
        }
        return sum;
    }

    /**
     * Records, in the campaign's progress log, the final state of each message that reached one
     * since the last look, so that the report outlives the journal's retention and the status
     * table's reach.
     */
    private void settle(Campaign c) {
        long now = System.currentTimeMillis();
        c.settledAtMs = now;
        // the lookups without the campaign's lock (the runner keeps sending meanwhile), the
        // results written under it, each only if its recipient still has that message
        List<long[]> found = null;
        for (int r = 0; r < c.size(); r++) {
            long id = c.messageId[r];
            if (id == 0 || c.finalState[r] != 0) {
                continue;
            }
            String state = messages.state(id);
            if (!FINAL.contains(state)) {
                continue;
            }
            MessageStatus s = engine.status(id);
            long at = s != null && s.finalAtMs() > 0 ? s.finalAtMs() : now;
            if (found == null) {
                found = new ArrayList<>();
            }
            found.add(new long[]{r, id, STATES.indexOf(state) + 1, at});
        }
        if (found == null) {
            return;
        }
        StringBuilder lines = new StringBuilder(found.size() * 24);
        synchronized (c) {
            for (long[] f : found) {
                int r = (int) f[0];
                if (c.messageId[r] != f[1] || c.finalState[r] != 0) {
                    continue;
                }
                c.finalState[r] = (byte) f[2];
                c.finalAtMs[r] = f[3];
                lines.append("F ").append(r).append(' ').append(f[2]).append(' ').append(f[3]).append('\n');
            }
            if (!lines.isEmpty()) {
                c.append(lines.toString());
            }
        }
    }

    // ---- recovery ----

    /**
     * A journal note replayed by recovery (or written live, which is ignored here): a campaign
     * message whose progress line the crash may have lost is recorded as sent.
     */
    void noted(long messageId, String key, String value) {
        if (!NOTE.equals(key)) {
            return;
        }
        String[] f = value.split(" ");
        if (f.length != 3) {
            return;
        }
        Campaign c = byId.get(f[0]);
        if (c == null) {
            return;
        }
        synchronized (c) {
            int r;
            try {
                r = Integer.parseInt(f[2]);
            } catch (NumberFormatException e) {
                return;
            }
            if (r < 0 || r >= c.size() || !f[1].equals(c.occurrenceKey()) || !c.pending(r)) {
                return; // known already (or written live by the runner itself, which records it next)
            }
            if (live) {
                return; // the runner's own note: it records the recipient after its batch
            }
            long now = clock.millis();
            int parts = messages.partsOf(messageId);
            c.sent(r, messageId, parts, cost(messageId, parts), now);
            c.append("S " + r + " " + messageId + " " + parts + " " + c.cost[r] + " " + now + "\n");
            log.info("campaign {}: recipient {} was sent message {} before the crash (found in the journal)",
                    c.id, r, messageId);
        }
    }

    // ---- links ----

    @Override
    public String click(String code, String userAgent, long atMs) {
        return resolve(code, userAgent, atMs, true);
    }

    /** HEAD (link previews, scanners): where the link goes, no click counted. */
    @Override
    public String peek(String code, String userAgent, long atMs) {
        return resolve(code, userAgent, atMs, false);
    }

    private String resolve(String code, String userAgent, long atMs, boolean count) {
        if (codes == null) {
            return null;
        }
        long n = codes.number(code);
        if (n < 0) {
            return null;
        }
        Map.Entry<Long, Campaign> e = byLinkBase.floorEntry(n);
        if (e == null || n >= e.getValue().linkEnd()) {
            return null;
        }
        Campaign c = e.getValue();
        long off = n - c.linkBase;
        int r = (int) (off / c.linksPer);
        int link = (int) (off % c.linksPer);
        Campaign.Variant v = c.variant(r);
        String target = target(c, v, r, link);
        if (target == null) {
            return null;
        }
        boolean first;
        long messageId;
        synchronized (c) {
            messageId = c.messageId[r];
            if (messageId == 0 || !count) {
                return target; // not sent (yet): a guess; followed, not counted
            }
            first = c.clicked(r, atMs);
            clicks.increment();
            if (c.clicks[r] > MAX_LOGGED_CLICKS) {
                return target; // a bot on one link: counted until a restart, not logged without end
            }
            c.append("K " + r + " " + link + " " + atMs + "\n");
        }
        try {
            String ua = userAgent == null ? "" : userAgent.replaceAll("[\\r\\n]", " ");
            if (ua.length() > 200) {
                ua = ua.substring(0, 200);
            }
            engine.note(messageId, CLICK_NOTE, c.id + " " + r + " " + link + " " + (first ? "first" : "repeat") + " " + ua);
        } catch (RuntimeException journalDown) {
            // the click is counted in the campaign's own log; the journal's copy is lost
        }
        return target;
    }

    /**
     * Where link {@code link} of recipient {@code r} goes, UTM parameters added; null when the text
     * has no such link. A variant's plain text has the same links for everyone: worked out once.
     */
    private static String target(Campaign c, Campaign.Variant v, int r, int link) {
        List<String> targets = v.template() ? null : v.targets;
        if (targets == null) {
            List<String> urls;
            try {
                urls = LinkText.urls(v.render(c.vars[r] == null ? Map.of() : c.vars[r], c.to[r]));
            } catch (ApiError bad) {
                return null;
            }
            targets = new ArrayList<>(urls.size());
            for (String u : urls) {
                targets.add(Utm.withUtm(u, c.name, v.name()));
            }
            if (!v.template()) {
                v.targets = targets;
            }
        }
        return link < targets.size() ? targets.get(link) : null;
    }

    // ---- HTTP ----

    FullHttpResponse handle(FullHttpRequest req, String path) {
        Account account = messages.account(req);
        if (account == null) {
            return MessageApi.unauthorized();
        }
        try {
            if (path.equals(PATH) || path.equals(PATH + "/")) {
                if (req.method() == HttpMethod.GET) {
                    return list(account);
                }
                ApiError.requireMethod(req.method(), HttpMethod.POST);
                return create(account, req);
            }
            String rest = path.substring(PATH.length() + 1);
            int slash = rest.indexOf('/');
            String id = slash < 0 ? rest : rest.substring(0, slash);
            String action = slash < 0 ? "" : rest.substring(slash + 1);
            Campaign c = byId.get(id);
            if (c == null || !c.accountId.equals(account.id())) {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no campaign " + id + " for this account");
            }
            switch (action) {
                case "" -> {
                    ApiError.requireMethod(req.method(), HttpMethod.GET);
                    return HttpServer.json(HttpResponseStatus.OK, report(c).toString());
                }
                case "recipients.csv" -> {
                    ApiError.requireMethod(req.method(), HttpMethod.GET);
                    FullHttpResponse r = HttpServer.text(HttpResponseStatus.OK, recipientsCsv(c), "text/csv; charset=utf-8");
                    r.headers().set(HttpHeaderNames.CONTENT_DISPOSITION,
                            "attachment; filename=\"campaign-" + c.id + "-recipients.csv\"");
                    return r;
                }
                case "pause", "resume", "cancel" -> {
                    ApiError.requireMethod(req.method(), HttpMethod.POST);
                    return control(c, action);
                }
                default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
            }
        } catch (ApiError e) {
            return e.response();
        } catch (RuntimeException e) {
            log.error("campaign request {} {} failed", req.method(), path, e);
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the request could not be carried out: " + e.getMessage());
        }
    }

    private FullHttpResponse list(Account account) {
        ArrayNode a = json.createArrayNode();
        long now = clock.millis();
        byId.values().stream().filter(c -> c.accountId.equals(account.id()))
                .sorted((x, y) -> Long.compare(x.createdAtMs, y.createdAtMs)).forEach(c -> {
                    ObjectNode o = a.addObject();
                    o.put("id", c.id);
                    o.put("name", c.name);
                    synchronized (c) {
                        o.put("status", c.status(now).name());
                    }
                    o.put("recipients", c.size());
                    o.put("createdAt", Instant.ofEpochMilli(c.createdAtMs).toString());
                });
        return HttpServer.json(HttpResponseStatus.OK, a.toString());
    }

    private FullHttpResponse control(Campaign c, String action) {
        synchronized (c) {
            Campaign.Status s = c.status(clock.millis());
            switch (action) {
                case "pause" -> {
                    if (s == Campaign.Status.DONE || s == Campaign.Status.CANCELLED) {
                        throw conflict(c, s, "pause");
                    }
                    if (s != Campaign.Status.PAUSED) {
                        c.append("P by_user\n");
                        c.stopped = Campaign.Status.PAUSED;
                        c.pauseReason = "by_user";
                    }
                }
                case "resume" -> {
                    if (s == Campaign.Status.DONE || s == Campaign.Status.CANCELLED) {
                        throw conflict(c, s, "resume");
                    }
                    if (s == Campaign.Status.PAUSED) {
                        c.append("U\n");
                        c.stopped = null;
                        c.pauseReason = "";
                        c.lastTickMs = 0;
                    }
                }
                default -> {
                    if (s == Campaign.Status.DONE) {
                        throw conflict(c, s, "cancel");
                    }
                    if (s != Campaign.Status.CANCELLED) {
                        c.append("C\n");
                        c.stopped = Campaign.Status.CANCELLED;
                        cancelQueued(c);
                    }
                }
            }
            log.info("campaign {} ({}): {}", c.id, c.name, action);
            ObjectNode o = json.createObjectNode();
            o.put("id", c.id);
            o.put("status", c.status(clock.millis()).name());
            return HttpServer.json(HttpResponseStatus.OK, o.toString());
        }
    }

    /** A cancelled campaign's messages that are still queued (not yet with an operator) are cancelled too. */
    private void cancelQueued(Campaign c) {
        int n = 0;
        for (int r = 0; r < c.size(); r++) {
            long id = c.messageId[r];
            if (id == 0) {
                continue;
            }
            boolean any = false;
            for (int i = 0; i < Math.max(1, c.parts[r]); i++) {
                any |= engine.cancel(c.accountId, id + i);
            }
            if (any) {
                n++;
            }
        }
        if (n > 0) {
            log.info("campaign {}: {} queued messages cancelled", c.id, n);
        }
    }

    private static ApiError conflict(Campaign c, Campaign.Status s, String action) {
        return new ApiError(HttpResponseStatus.CONFLICT, "invalid_state",
                "campaign " + c.id + " is " + s + ": it cannot " + action);
    }

    // ---- POST /api/v1/campaigns ----

    private FullHttpResponse create(Account account, FullHttpRequest req) {
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        JsonNode body;
        List<Object[]> recipients; // {to, vars map or null}
        if (type.toLowerCase(java.util.Locale.ROOT).startsWith("text/csv")) {
            body = fromQuery(new QueryStringDecoder(req.uri()).parameters());
            recipients = Csv.recipients(req.content().toString(StandardCharsets.UTF_8), MAX_RECIPIENTS);
        } else {
            body = ApiError.body(json, req);
            recipients = recipients(body.get("recipients"));
        }
        String name = ApiError.string(body, "name", true).strip();
        if (name.isEmpty() || name.length() > 100) {
            throw ApiError.bad("bad_request", "name: expected 1 to 100 characters");
        }
        String category = ApiError.string(body, "category", false);
        category = category == null ? "promo" : category;
        int priority = MessageApi.priority(category);
        String from = ApiError.string(body, "from", true);
        MessageApi.checkSender(from);
        if (!account.senderAllowed(from)) {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "sender_not_allowed",
                    "this sender name is not allowed for the account");
        }
        boolean trackLinks = body.path("trackLinks").asBoolean(false);
        if (body.has("trackLinks") && !body.get("trackLinks").isBoolean()) {
            throw ApiError.bad("bad_request", "trackLinks: expected true or false");
        }
        if (trackLinks && codes == null) {
            throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "link tracking is not set up");
        }
        int rate = rate(body.get("rate"), account);
        Schedule schedule = schedule(body.get("schedule"));
        boolean anyVars = recipients.stream().anyMatch(r -> r[1] != null);
        List<Campaign.Variant> variants = variants(account, body, anyVars);
        // numbers once each (a list from a CRM repeats people); the first row's variables win
        Map<String, Integer> seen = new HashMap<>();
        List<Object[]> unique = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            Object[] r = recipients.get(i);
            String msisdn = MessageApi.msisdn("recipients[" + i + "].to", (String) r[0]);
            if (seen.putIfAbsent(msisdn, i) == null) {
                unique.add(new Object[]{msisdn, r[1]});
            }
        }
        int n = unique.size();
        byte[] variantOf = split(variants, n);
        String[] to = new String[n];
        @SuppressWarnings("unchecked")
        Map<String, Object>[] vars = new Map[n];
        int linksPer = 1;
        for (int i = 0; i < n; i++) {
            to[i] = (String) unique.get(i)[0];
            @SuppressWarnings("unchecked")
            Map<String, Object> v = (Map<String, Object>) unique.get(i)[1];
            vars[i] = v;
            String text;
            try {
                text = variants.get(variantOf[i]).render(v == null ? Map.of() : v, to[i]);
            } catch (ApiError e) {
                throw ApiError.bad(e.code, "recipient " + to[i] + ": " + e.getMessage());
            }
            if (text.isEmpty()) {
                throw ApiError.bad("empty_text", "recipient " + to[i] + ": the text is empty");
            }
            if (trackLinks) {
                linksPer = Math.max(linksPer, LinkText.urls(text).size());
            }
        }
        Campaign c;
        synchronized (this) {
            if (trackLinks && nextLinkNumber + (long) n * linksPer >= (1L << 40)) {
                throw new ApiError(HttpResponseStatus.INSUFFICIENT_STORAGE, "unavailable", "no link codes left");
            }
            String id = Long.toString(nextId++);
            long base = trackLinks ? nextLinkNumber : 0;
            c = new Campaign(dir.resolve(id), id, account.id(), name, category, priority, from, trackLinks,
                    clock.millis(), rate, schedule, base, linksPer, variants, to, vars, variantOf);
            try {
                c.create(json);
            } catch (IOException e) {
                throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                        "the campaign could not be stored: " + e.getMessage());
            }
            if (trackLinks) {
                nextLinkNumber = c.linkEnd();
            }
        }
        synchronized (c) {
            c.begin(schedule.recurring() ? schedule.onOrAfter(LocalDate.ofEpochDay(
                    Math.floorDiv(c.createdAtMs, 86_400_000L)).minusDays(1)) : null, r -> c.zone(r, zones));
        }
        register(c);
        log.info("campaign {} ({}) created for account {}: {} recipients, {} variants, {}", c.id, name, account.id(),
                n, variants.size(), schedule.recurring() ? "every " + schedule.every().label()
                        : schedule.atMs() > 0 ? "at " + Instant.ofEpochMilli(schedule.atMs()) : "at once");
        ObjectNode o = json.createObjectNode();
        o.put("id", c.id);
        o.put("recipients", n);
        synchronized (c) {
            o.put("status", c.status(clock.millis()).name());
        }
        o.put("duplicatesRemoved", recipients.size() - n);
        ArrayNode vs = o.putArray("variants");
        int[] counts = new int[variants.size()];
        for (byte b : variantOf) {
            counts[b]++;
        }
        for (int i = 0; i < variants.size(); i++) {
            vs.addObject().put("name", variants.get(i).name()).put("recipients", counts[i]);
        }
        FullHttpResponse r = HttpServer.json(HttpResponseStatus.CREATED, o.toString());
        r.headers().set(HttpHeaderNames.LOCATION, PATH + "/" + c.id);
        return r;
    }

    /** The other fields of a CSV upload, from the query: the same names as the JSON body's. */
    private JsonNode fromQuery(Map<String, List<String>> q) {
        ObjectNode o = json.createObjectNode();
        for (String f : List.of("name", "category", "from", "text", "template")) {
            String v = ApiError.param(q, f);
            if (v != null) {
                o.put(f, v);
            }
        }
        String track = ApiError.param(q, "trackLinks");
        if (track != null) {
            if (!track.equals("true") && !track.equals("false")) {
                throw ApiError.bad("bad_request", "trackLinks: expected true or false");
            }
            o.put("trackLinks", Boolean.parseBoolean(track));
        }
        String rate = ApiError.param(q, "rate");
        if (rate != null) {
            o.put("rate", rate);
        }
        for (String f : List.of("variants", "schedule")) {
            String v = ApiError.param(q, f);
            if (v != null) {
                try {
                    o.set(f, json.readTree(v));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw ApiError.bad("bad_request", f + ": expected JSON, as in the JSON body");
                }
            }
        }
        // the schedule's fields may also come one by one
        if (!o.has("schedule")) {
            String at = ApiError.param(q, "at");
            String every = ApiError.param(q, "every");
            if (at != null || every != null) {
                ObjectNode s = o.putObject("schedule");
                if (at != null) {
                    s.put("at", at);
                }
                if (every != null) {
                    s.put("every", every);
                    String day = ApiError.param(q, "day");
                    if (day != null) {
                        s.put("day", day);
                    }
                    String time = ApiError.param(q, "time");
                    if (time != null) {
                        s.put("time", time);
                    }
                }
            }
        }
        return o;
    }

    private List<Object[]> recipients(JsonNode list) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiError.bad("missing_field", "recipients: required, a non-empty list of {\"to\",\"vars\"} "
                    + "(or send a text/csv body)");
        }
        if (list.size() > MAX_RECIPIENTS) {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_many_recipients",
                    "recipients: at most " + MAX_RECIPIENTS + ", got " + list.size());
        }
        List<Object[]> l = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            if (r.isTextual() || r.isNumber()) {
                l.add(new Object[]{r.asText(), null});
                continue;
            }
            JsonNode to = r.get("to");
            if (!r.isObject() || to == null || !(to.isTextual() || to.isNumber())) {
                throw ApiError.bad("bad_request", "recipients[" + i + "]: expected {\"to\":\"79161234567\",\"vars\":{…}}");
            }
            JsonNode v = r.get("vars");
            if (v != null && !v.isNull() && !v.isObject()) {
                throw ApiError.bad("bad_request", "recipients[" + i + "].vars: expected an object");
            }
            l.add(new Object[]{to.asText(), v == null || v.isNull() || v.isEmpty() ? null : MessageApi.mergeVars(null, v)});
        }
        return l;
    }

    private static int rate(JsonNode n, Account account) {
        int dflt = account.tps() > 0 ? account.tps() : 1000;
        if (n == null || n.isNull()) {
            return Math.min(dflt, MAX_RATE);
        }
        int r;
        try {
            r = n.isNumber() ? n.intValue() : Integer.parseInt(n.asText());
        } catch (NumberFormatException e) {
            r = -1;
        }
        if (r < 1 || r > MAX_RATE) {
            throw ApiError.bad("bad_request", "rate: expected messages per second, 1 to " + MAX_RATE);
        }
        return r;
    }

    private Schedule schedule(JsonNode s) {
        if (s == null || s.isNull()) {
            return Schedule.once(0);
        }
        if (!s.isObject()) {
            throw ApiError.bad("invalid_schedule", "schedule: expected {\"at\":\"…\"} or {\"every\",\"day\",\"time\"}");
        }
        if (s.has("at")) {
            try {
                long at = OffsetDateTime.parse(s.get("at").asText()).toInstant().toEpochMilli();
                return Schedule.once(at > clock.millis() ? at : 0);
            } catch (DateTimeParseException e) {
                throw ApiError.bad("invalid_schedule", "schedule.at: expected ISO-8601 with an offset, like "
                        + "2026-12-01T10:00:00+03:00, got \"" + s.get("at").asText() + "\"");
            }
        }
        Schedule.Every every = Schedule.Every.parse(s.path("every").asText(null));
        if (every == null) {
            throw ApiError.bad("invalid_schedule", "schedule.every: expected day, week or month");
        }
        LocalTime time;
        try {
            time = LocalTime.parse(s.path("time").asText(""));
        } catch (DateTimeParseException e) {
            throw ApiError.bad("invalid_schedule", "schedule.time: expected the recipient's local time as HH:MM, got \""
                    + s.path("time").asText("") + "\"");
        }
        int day = 0;
        if (every != Schedule.Every.DAY) {
            JsonNode d = s.get("day");
            try {
                day = d == null ? 0 : d.isNumber() ? d.intValue() : Integer.parseInt(d.asText());
            } catch (NumberFormatException e) {
                day = 0;
            }
        }
        try {
            return Schedule.recurring(every, day, time);
        } catch (IllegalArgumentException e) {
            throw ApiError.bad("invalid_schedule", "schedule." + e.getMessage());
        }
    }

    private List<Campaign.Variant> variants(Account account, JsonNode body, boolean anyVars) {
        String text = ApiError.string(body, "text", false);
        String template = ApiError.string(body, "template", false);
        JsonNode vs = body.get("variants");
        int given = (text != null ? 1 : 0) + (template != null ? 1 : 0) + (vs != null && !vs.isNull() ? 1 : 0);
        if (given != 1) {
            throw ApiError.bad("bad_request", "give one of text, template or variants");
        }
        if (vs == null || vs.isNull()) {
            return List.of(variant(account, "A", 100, text, template, anyVars));
        }
        if (!vs.isArray() || vs.isEmpty() || vs.size() > MAX_VARIANTS) {
            throw ApiError.bad("invalid_variants", "variants: expected 1 to " + MAX_VARIANTS
                    + " of {\"name\",\"text\" or \"template\",\"share\"}");
        }
        List<Campaign.Variant> l = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < vs.size(); i++) {
            JsonNode v = vs.get(i);
            String name = v.path("name").asText("");
            if (name.isEmpty() || name.length() > 40 || !names.add(name)) {
                throw ApiError.bad("invalid_variants", "variants[" + i + "].name: expected a unique name of 1 to 40 characters");
            }
            JsonNode share = v.get("share");
            if (share == null || !share.isIntegralNumber() || share.intValue() < 1 || share.intValue() > 1_000_000) {
                throw ApiError.bad("invalid_variants", "variants[" + i + "].share: expected a positive whole number");
            }
            String vt = ApiError.string(v, "text", false);
            String vtemplate = ApiError.string(v, "template", false);
            if ((vt == null) == (vtemplate == null)) {
                throw ApiError.bad("invalid_variants", "variants[" + i + "]: give either text or template");
            }
            l.add(variant(account, name, share.intValue(), vt, vtemplate, anyVars));
        }
        return l;
    }

    /** A variant; a named template is copied in, so that editing it later does not change the campaign. */
    private Campaign.Variant variant(Account account, String name, int share, String text, String template,
                                     boolean anyVars) {
        if (template != null) {
            Templates.Compiled t = templates.get(account.id(), template);
            if (t == null) {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_template",
                        "no template named \"" + template + "\" for account " + account.id());
            }
            return new Campaign.Variant(name, share, t.template().source(), true, t);
        }
        if (text.isEmpty()) {
            throw ApiError.bad("empty_text", "text: must not be empty");
        }
        return anyVars ? new Campaign.Variant(name, share, text, true, templates.inline(text))
                : new Campaign.Variant(name, share, text, false, null);
    }

    /**
     * Each recipient's variant: as many of each as its share says (rounded, the rest to the
     * largest remainders), in random order. Fixed from then on (kept in spec.json).
     */
    private byte[] split(List<Campaign.Variant> variants, int n) {
        byte[] out = new byte[n];
        if (variants.size() == 1) {
            return out;
        }
        long total = variants.stream().mapToLong(Campaign.Variant::share).sum();
        int[] counts = new int[variants.size()];
        int assigned = 0;
        double[] rest = new double[variants.size()];
        for (int i = 0; i < counts.length; i++) {
            double exact = (double) n * variants.get(i).share() / total;
            counts[i] = (int) Math.floor(exact);
            rest[i] = exact - counts[i];
            assigned += counts[i];
        }
        while (assigned < n) {
            int best = 0;
            for (int i = 1; i < rest.length; i++) {
                if (rest[i] > rest[best]) {
                    best = i;
                }
            }
            counts[best]++;
            rest[best] = -1;
            assigned++;
        }
        List<Byte> l = new ArrayList<>(n);
        for (int i = 0; i < counts.length; i++) {
            for (int k = 0; k < counts[i]; k++) {
                l.add((byte) i);
            }
        }
        Collections.shuffle(l, random);
        for (int i = 0; i < n; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    // ---- the report ----

    @Override
    public ObjectNode report(String accountId, String campaignId) {
        Campaign c = byId.get(campaignId);
        if (c == null || (accountId != null && !c.accountId.equals(accountId))) {
            return null;
        }
        return report(c);
    }

    /** Counts of one variant, or of the whole campaign. */
    private static final class Tally {
        int total;
        int pending;
        final Map<String, Integer> states = new LinkedHashMap<>();
        long parts;
        long cost;
        long clicks;
        int uniqueClicks;

        Tally() {
            for (String s : STATES) {
                states.put(s, 0);
            }
        }

        void put(ObjectNode o, Map<String, Integer> st) {
            o.put("total", total);
            o.put("pending", pending);
            ObjectNode s = o.putObject("states");
            st.forEach(s::put);
            o.put("parts", parts);
            o.put("cost", Amounts.format(cost));
            o.put("clicks", clicks);
            o.put("uniqueClicks", uniqueClicks);
            int delivered = st.getOrDefault("DELIVERED", 0);
            o.put("clickRate", delivered == 0 ? 0.0 : Math.round(10000.0 * uniqueClicks / delivered) / 10000.0);
        }
    }

    static final List<String> STATES = List.of("ACCEPTED", "HELD", "SCHEDULED", "REJECTED", "SUBMITTED", "DELIVERED",
            "UNDELIVERABLE", "EXPIRED", "FAILED", "CANCELLED", "DUPLICATE", "REFUSED");
    /** The states a message stays in. */
    static final List<String> FINAL = List.of("REJECTED", "DELIVERED", "UNDELIVERABLE", "EXPIRED", "FAILED",
            "CANCELLED", "DUPLICATE");

    private ObjectNode report(Campaign c) {
        long now = clock.millis();
        ObjectNode o = json.createObjectNode();
        o.put("id", c.id);
        o.put("name", c.name);
        o.put("account", c.accountId);
        o.put("category", c.category);
        o.put("from", c.from);
        Billing bill = engine.billing();
        boolean refunds = bill != null && bill.refundUndelivered();
        int nv = c.variants.size();
        Tally all = new Tally();
        Tally[] per = new Tally[nv];
        for (int i = 0; i < nv; i++) {
            per[i] = new Tally();
        }
        long start;
        long[] deliveredAt;
        long[] clickTimes;
        byte[] clickVariant;
        settle(c);
        synchronized (c) {
            o.put("status", c.status(now).name());
            if (c.stopped == Campaign.Status.PAUSED && !c.pauseReason.isEmpty()) {
                o.put("pauseReason", c.pauseReason);
            }
            o.put("createdAt", Instant.ofEpochMilli(c.createdAtMs).toString());
            o.set("schedule", c.scheduleJson(json));
            if (c.occurrence != null) {
                o.put("occurrence", c.occurrence.toString());
            }
            long next = c.stopped == null ? c.nextDueMs() : 0;
            if (next > now) {
                o.put("nextRunAt", Instant.ofEpochMilli(next).toString());
            } else {
                o.putNull("nextRunAt");
            }
            o.put("trackLinks", c.trackLinks);
            o.put("rate", c.rate);
            clickTimes = java.util.Arrays.copyOf(c.clickTimes, c.clickCount);
            clickVariant = java.util.Arrays.copyOf(c.clickVariant, c.clickCount);
        }
        // counted without the lock, so that a big campaign's report does not hold its runner up:
        // a recipient sent meanwhile may be counted as still pending, nothing worse
        start = c.createdAtMs;
        deliveredAt = new long[c.size()];
        for (int r = 0; r < c.size(); r++) {
            if (Campaign.SKIPPED.equals(c.refused[r])) {
                continue;
            }
            Tally v = per[c.variantOf[r]];
            all.total++;
            v.total++;
            if (c.pending(r)) {
                all.pending++;
                v.pending++;
                continue;
            }
            String state;
            if (c.refused[r] != null) {
                state = "REFUSED";
            } else {
                state = stateOf(c, r);
                if (state.equals("DELIVERED")) {
                    deliveredAt[r] = c.finalAtMs[r];
                }
                all.parts += c.parts[r];
                v.parts += c.parts[r];
                boolean refunded = refunds && (state.equals("UNDELIVERABLE") || state.equals("REJECTED")
                        || state.equals("EXPIRED") || state.equals("FAILED") || state.equals("CANCELLED"));
                if (!refunded) {
                    all.cost += c.cost[r];
                    v.cost += c.cost[r];
                }
            }
            all.states.merge(state, 1, Integer::sum);
            v.states.merge(state, 1, Integer::sum);
            if (c.clicks[r] > 0) {
                all.clicks += c.clicks[r];
                v.clicks += c.clicks[r];
                all.uniqueClicks++;
                v.uniqueClicks++;
            }
        }
        all.put(o, all.states);
        // the same counts by their lower-case names at the top, for scripts that read one number
        all.states.forEach((k, n) -> o.put(k.toLowerCase(java.util.Locale.ROOT), n));
        ArrayNode vs = o.putArray("variants");
        for (int i = 0; i < nv; i++) {
            ObjectNode vo = vs.addObject();
            vo.put("name", c.variants.get(i).name());
            vo.put("share", c.variants.get(i).share());
            per[i].put(vo, per[i].states);
        }
        o.set("timeline", timeline(c, start, now, deliveredAt, clickTimes, clickVariant));
        return o;
    }

    /** Sent, delivered and clicks per time bucket and variant, for the page's charts (at most 120 buckets). */
    private ObjectNode timeline(Campaign c, long start, long now, long[] deliveredAt, long[] clickTimes,
                                byte[] clickVariant) {
        long first = Long.MAX_VALUE;
        long last = start;
        for (int r = 0; r < c.size(); r++) {
            if (c.sentAtMs[r] > 0) {
                first = Math.min(first, c.sentAtMs[r]);
                last = Math.max(last, c.sentAtMs[r]);
            }
            last = Math.max(last, deliveredAt[r]);
        }
        for (long t : clickTimes) {
            last = Math.max(last, t);
        }
        long from = first == Long.MAX_VALUE ? start : first;
        long to = Math.max(last, Math.min(now, from + 60_000));
        long span = Math.max(1, to - from);
        long bucket = 1000;
        for (long b : new long[]{1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000,
                86_400_000}) {
            bucket = b;
            if (span / b < 120) {
                break;
            }
        }
        int buckets = (int) Math.min(120, span / bucket + 1);
        int nv = c.variants.size();
        long[][] sent = new long[nv][buckets];
        long[][] delivered = new long[nv][buckets];
        long[][] clicks = new long[nv][buckets];
        for (int r = 0; r < c.size(); r++) {
            int v = c.variantOf[r];
            if (c.sentAtMs[r] > 0) {
                sent[v][slot(c.sentAtMs[r], from, bucket, buckets)]++;
            }
            if (deliveredAt[r] > 0) {
                delivered[v][slot(deliveredAt[r], from, bucket, buckets)]++;
            }
        }
        for (int k = 0; k < clickTimes.length; k++) {
            clicks[clickVariant[k]][slot(clickTimes[k], from, bucket, buckets)]++;
        }
        ObjectNode t = json.createObjectNode();
        t.put("start", Instant.ofEpochMilli(from).toString());
        t.put("bucketSeconds", bucket / 1000);
        ArrayNode vs = t.putArray("variants");
        for (int v = 0; v < nv; v++) {
            ObjectNode vo = vs.addObject();
            vo.put("name", c.variants.get(v).name());
            ArrayNode s = vo.putArray("sent");
            ArrayNode d = vo.putArray("delivered");
            ArrayNode k = vo.putArray("clicks");
            for (int b = 0; b < buckets; b++) {
                s.add(sent[v][b]);
                d.add(delivered[v][b]);
                k.add(clicks[v][b]);
            }
        }
        return t;
    }

    private static int slot(long at, long from, long bucket, int buckets) {
        return (int) Math.max(0, Math.min(buckets - 1, (at - from) / bucket));
    }

    /** A sent recipient's state: the final one recorded, else the message's state now. */
    private String stateOf(Campaign c, int r) {
        return c.finalState[r] != 0 ? STATES.get(c.finalState[r] - 1) : messages.state(c.messageId[r]);
    }

    /** One row per recipient: number, variant, message id, state, link codes, clicks. */
    private String recipientsCsv(Campaign c) {
        StringBuilder b = new StringBuilder(64 * (c.size() + 1));
        b.append("to,variant,messageId,state,linkCode,clicks\n");
        settle(c);
        // without the lock, as the report
        for (int r = 0; r < c.size(); r++) {
            if (Campaign.SKIPPED.equals(c.refused[r])) {
                continue;
            }
            String state = c.pending(r) ? "PENDING" : c.refused[r] != null ? "REFUSED" : stateOf(c, r);
            b.append(c.to[r]).append(',').append(Csv.field(c.variant(r).name())).append(',')
                    .append(c.messageId[r] == 0 ? "" : Long.toString(c.messageId[r])).append(',')
                    .append(state).append(',');
            if (c.trackLinks && codes != null) {
                long first = c.linkBase + (long) r * c.linksPer;
                for (int l = 0; l < c.linksPer; l++) {
                    if (l > 0) {
                        b.append(' ');
                    }
                    b.append(codes.code(first + l));
                }
            }
            b.append(',').append(c.clicks[r]).append('\n');
        }
        return b.toString();
    }

    /** Campaigns in {@code status} now (a metric). */
    int count(Campaign.Status status) {
        long now = clock.millis();
        int n = 0;
        for (Campaign c : byId.values()) {
            synchronized (c) {
                if (c.status(now) == status) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Recipients not yet sent, of campaigns that will send them (not paused or cancelled): a metric. */
    long pendingRecipients() {
        long n = 0;
        for (Campaign c : byId.values()) {
            synchronized (c) {
                if (c.stopped == null) {
                    n += c.size() - c.done;
                }
            }
        }
        return n;
    }

    /** Clicks on tracked links counted since the start (a metric; HEAD requests and unknown codes not included). */
    long clicks() {
        return clicks.sum();
    }

    private final java.util.concurrent.atomic.LongAdder clicks = new java.util.concurrent.atomic.LongAdder();

    /** The number of campaigns kept (for tests and metrics). */
    int size() {
        return byId.size();
    }
}
