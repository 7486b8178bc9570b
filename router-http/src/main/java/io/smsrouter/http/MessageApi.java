package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.MessageStatus;
import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.ScheduleTime;
import io.smsrouter.core.text.SmsEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The message API (shared/SPEC.md §5): {@code POST /api/v1/messages} (one recipient or a list),
 * {@code GET /api/v1/messages/{id}} (state and history), {@code DELETE /api/v1/messages/{id}}
 * (cancel while held, scheduled or queued). Authenticated by the account's API key.
 *
 * <p>A text becomes GSM 03.38 or UCS-2 parts ({@link SmsEncoder}); the parts get consecutive ids,
 * the first is the message's id, and they are accepted or refused together.
 */
final class MessageApi {
    private static final Logger log = LoggerFactory.getLogger(MessageApi.class);
    static final String PATH = "/api/v1/messages";

    private final ObjectMapper json;
    private final Engine engine;
    private final HttpMessages texts;
    private final Templates templates;
    private final Map<String, String> accountCallbacks;
    private final int maxRecipients;

    MessageApi(ObjectMapper json, Engine engine, HttpMessages texts, Templates templates,
               Map<String, String> accountCallbacks, int maxRecipients) {
        this.json = json;
        this.engine = engine;
        this.texts = texts;
        this.templates = templates;
        this.accountCallbacks = accountCallbacks;
        this.maxRecipients = maxRecipients;
    }

    static boolean handles(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /**
     * The account whose API key the request carries, or null: a lookup by keyed hash, never a slow
     * check ({@link ApiAuth}; the HTTP gate has verified a hashed key before the request gets here).
     */
    Account account(FullHttpRequest req) {
        return engine.accounts().apiKeyAccount(ApiAuth.bearer(req));
    }

    /** Who sends over the API, for the SMS log: the account and its key's fingerprint (never the key). */
    private final java.util.Map<String, String> origins = new java.util.concurrent.ConcurrentHashMap<>();

    private String origin(Account a) {
        return origins.computeIfAbsent(a.id(), id -> {
            try {
                byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(a.apiKey().getBytes(StandardCharsets.UTF_8));
                return "api:" + id + " key sha256:" + java.util.HexFormat.of().formatHex(h, 0, 4);
            } catch (java.security.NoSuchAlgorithmException e) {
                return "api:" + id;
            }
        });
    }

    static FullHttpResponse unauthorized() {
        return HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "this endpoint needs the account's API key: Authorization: Bearer <apiKey>");
    }

    /**
     * A response, ready now or once the batch of a POST is as durable as {@code cluster.ack}
     * promises: {@link #durable} completes then (on any thread), and {@link #response} (called on
     * the caller's thread after that) builds it. Without a cluster, or with {@code ack: local}, it
     * is ready at once; with {@code ack: replicated} the event loop goes on meanwhile.
     */
    record Answer(java.util.concurrent.CompletableFuture<Void> durable,
                  java.util.function.Supplier<FullHttpResponse> build) {
        static Answer now(FullHttpResponse r) {
            return new Answer(java.util.concurrent.CompletableFuture.completedFuture(null), () -> r);
        }

        FullHttpResponse response() {
            if (durable.isCompletedExceptionally()) {
                Throwable e = durable.handle((v, t) -> t).join();
                log.error("message API: the cluster did not confirm a batch: {}", e == null ? "?" : e.getMessage());
                return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                        "the cluster did not confirm the messages; they are not accepted (this node sends them "
                                + "again at its restart, so a retry may be a duplicate)");
            }
            return build.get();
        }
    }

    /** A request to the message API; a POST's response is given when its batch is durable ({@link Answer}). */
    Answer handle(FullHttpRequest req, String path) {
        Account account = account(req);
        if (account == null) {
            return Answer.now(unauthorized());
        }
        try {
            if (path.equals(PATH)) {
                ApiError.requireMethod(req.method(), HttpMethod.POST);
                return send(account, ApiError.body(json, req));
            }
            long id = ApiError.messageId(path.substring(PATH.length() + 1));
            if (req.method() == HttpMethod.GET) {
                return Answer.now(status(account, id));
            }
            if (req.method() == HttpMethod.DELETE) {
                return Answer.now(cancel(account, id));
            }
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET or DELETE");
        } catch (ApiError e) {
            return Answer.now(e.response());
        } catch (RuntimeException e) {
            log.error("message API request {} {} failed", req.method(), path, e);
            return Answer.now(HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the request could not be carried out: " + e.getMessage()));
        }
    }

    // ---- POST /api/v1/messages ----

    /** One recipient's request, after the shared fields are applied. */
    private record Recipient(String to, JsonNode vars) {
    }

    private Answer send(Account account, JsonNode body) {
        String from = ApiError.string(body, "from", true);
        checkSender(from);
        JsonNode toNode = body.get("to");
        if (toNode == null || toNode.isNull()) {
            throw ApiError.bad("missing_field", "to: required (a number or a list)");
        }
        boolean many = toNode.isArray();
        List<Recipient> recipients = recipients(toNode);
        String text = ApiError.string(body, "text", false);
        String templateName = ApiError.string(body, "template", false);
        if ((text == null) == (templateName == null)) {
            throw ApiError.bad("bad_request", "give either text or template");
        }
        JsonNode vars = body.get("vars");
        if (vars != null && !vars.isNull() && !vars.isObject()) {
            throw ApiError.bad("bad_request", "vars: expected an object");
        }
        boolean anyVars = (vars != null && vars.isObject()) || recipients.stream().anyMatch(r -> r.vars != null);
        Templates.Compiled template = templateName != null
                ? templates.get(account.id(), templateName)
                : anyVars ? templates.inline(text) : null;
        if (templateName != null && template == null) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "unknown_template",
                    "no template named \"" + templateName + "\" for account " + account.id());
        }
        long dueMs = scheduleAt(ApiError.string(body, "scheduleAt", false));
        int priority = priority(ApiError.string(body, "category", false));
        String callback = ApiError.string(body, "callbackUrl", false);
        if (callback != null) {
            checkUrl(callback);
        } else {
            callback = accountCallbacks.getOrDefault(account.id(), "");
        }
        SmsEncoder.Concat concat = SmsEncoder.Concat.UDH8;
        ArrayNode results = json.createArrayNode();
        List<ObjectNode> accepted = new ArrayList<>();
        FullHttpResponse single = null;
        engine.beginBatch();
        engine.origin(origin(account));
        try {
            for (Recipient r : recipients) {
                ObjectNode out = results.addObject();
                out.put("to", r.to);
                FullHttpResponse refused = null;
                try {
                    String msisdn = msisdn(r.to);
                    String t = template == null ? text : template.render(mergeVars(vars, r.vars), msisdn);
                    refused = submitOne(account, from, msisdn, t, dueMs, priority, callback, concat, out);
                    if (refused == null) {
                        accepted.add(out);
                    }
                } catch (ApiError e) {
                    refused = e.response();
                    out.set("error", e.errorNode(json));
                }
                if (!many) {
                    single = refused;
                }
            }
        } catch (RuntimeException e) {
            engine.endBatch();
            throw e;
        }
        java.util.concurrent.CompletableFuture<Void> durable;
        try {
            durable = engine.endBatchAsync();
        } catch (RuntimeException journalFailed) {
            return Answer.now(HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "journal_unavailable",
                    "the journal could not take the messages; nothing was accepted: " + journalFailed));
        }
        FullHttpResponse refusedOne = single;
        return new Answer(durable, () -> answer(accepted, results, many, refusedOne));
    }

    /** The response to a POST whose batch is kept: how each recipient's message was taken. */
    private FullHttpResponse answer(List<ObjectNode> accepted, ArrayNode results, boolean many,
                                    FullHttpResponse single) {
        // the answer tells how each was accepted: held and scheduled messages take their place
        // when the batch is journaled; the rest are ACCEPTED, even if an operator (on another
        // thread) has taken one by now
        for (ObjectNode o : accepted) {
            long id = Long.parseLong(o.get("id").asText());
            HttpMessages.Text t = texts.get(id);
            String state = engine.moderationQueue().get(id) != null ? "HELD"
                    : engine.scheduledFor(id) > 0 ? "SCHEDULED" : duplicate(id) ? "DUPLICATE" : "ACCEPTED";
            o.put("status", state);
            if (t != null && state.equals("HELD")) {
                t.event("held", "waiting for a moderator");
            }
        }
        if (!many) {
            if (single != null) {
                return single;
            }
            ObjectNode o = (ObjectNode) results.get(0);
            o.remove("to");
            return HttpServer.json(HttpResponseStatus.ACCEPTED, o.toString());
        }
        return HttpServer.json(HttpResponseStatus.ACCEPTED, results.toString());
    }

    /** Submits one text to one number; fills {@code out}; returns the error response when refused. */
    private FullHttpResponse submitOne(Account account, String from, String msisdn, String text, long dueMs,
                                       int priority, String callback, SmsEncoder.Concat concat, ObjectNode out) {
        Sent s = submitText(account, from, msisdn, text, dueMs, priority, callback, concat);
        if (s.outcome() != SubmitOutcome.ACCEPTED) {
            ApiError e = refusal(s.outcome());
            out.set("error", e.errorNode(json));
            return e.response();
        }
        out.put("id", Long.toString(s.firstId()));
        out.put("parts", s.parts());
        return null;
    }

    /** What became of one text: the engine's answer, and when accepted its first id and part count. */
    record Sent(SubmitOutcome outcome, long firstId, int parts) {
    }

    /**
     * Encodes one text for one number into parts with consecutive ids and submits them together,
     * in the caller's batch when there is one (campaigns use this too). Throws {@link ApiError}
     * for an empty text or one of too many parts.
     */
    Sent submitText(Account account, String from, String msisdn, String text, long dueMs, int priority,
                    String callback, SmsEncoder.Concat concat) {
        if (text.isEmpty()) {
            throw ApiError.bad("empty_text", "text: must not be empty");
        }
        // count first (no encoding), so the parts are built once, with their ids' reference
        int n = SmsEncoder.segments(text, concat);
        if (n > SmsEncoder.MAX_PARTS) {
            throw ApiError.bad("text_too_long", "text: " + n + " parts, at most " + SmsEncoder.MAX_PARTS);
        }
        long first = engine.nextIds(n);
        SmsEncoder.Encoded enc = SmsEncoder.encode(text, concat, (int) (first & 0xFF));
        long now = System.currentTimeMillis();
        // SMPP times have tenths of a second: round up, never send early
        String schedule = dueMs > 0 ? ScheduleTime.absolute((dueMs + 99) / 100 * 100) : "";
        boolean alpha = !from.chars().allMatch(Character::isDigit);
        int srcTon = alpha ? 5 : 1;
        int srcNpi = alpha ? 0 : 1;
        List<Message> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SmsEncoder.Part p = enc.parts().get(i);
            parts.add(new Message(first + i, account.id(), "", srcTon, srcNpi, from, 1, 1, msisdn, p.esmClass(), 0,
                    priority,
                    schedule, "", 1, enc.dataCoding(), p.shortMessage(), p.optionalParameters(), now));
        }
        Message whole = new Message(first, account.id(), "", srcTon, srcNpi, from, 1, 1, msisdn, 0, 0, priority,
                schedule,
                "", 1, SmsEncoder.DATA_CODING_UCS2, text.getBytes(StandardCharsets.UTF_16BE), null, now);
        HttpMessages.Text t = texts.register(first, n, callback, account.id());
        SubmitOutcome o = engine.submitParts(account, parts, whole, HttpMessages.NOTE,
                HttpMessages.note(first, n, callback));
        if (o != SubmitOutcome.ACCEPTED) {
            texts.forget(t);
            return new Sent(o, 0, n);
        }
        t.event("accepted", n + (n == 1 ? " part" : " parts") + (enc.gsm() ? ", GSM 03.38" : ", UCS-2")
                + (dueMs > 0 ? ", scheduled for " + Instant.ofEpochMilli(dueMs) : ""));
        return new Sent(o, first, n);
    }

    /** How many parts the text whose first part is {@code id} has (1 when the API does not know it). */
    int partsOf(long id) {
        return texts.partsOf(id).length;
    }

    /** The callback URL of an account's messages that name none ("" when the account has none). */
    String defaultCallback(String accountId) {
        return accountCallbacks.getOrDefault(accountId, "");
    }

    static ApiError refusal(SubmitOutcome o) {
        return switch (o) {
            case THROTTLED -> new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, "throttled",
                    "over the account's tps limit; retry after a second").retryAfter(1);
            case OVERLOADED -> new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded",
                    "the router cannot take more messages now; retry later").retryAfter(1);
            case SENDER_NOT_ALLOWED -> new ApiError(HttpResponseStatus.FORBIDDEN, "sender_not_allowed",
                    "this sender name is not allowed for the account");
            case INVALID_DESTINATION -> ApiError.bad("invalid_number", "to: not a phone number");
            case NO_ROUTE -> new ApiError(HttpResponseStatus.FORBIDDEN, "no_route",
                    "no route takes messages to this number from this sender");
            case INVALID_SCHEDULE -> ApiError.bad("invalid_schedule", "scheduleAt: cannot be read");
            case OPTED_OUT -> new ApiError(HttpResponseStatus.FORBIDDEN, "opted_out",
                    "the recipient opted out of messages from this sender or account");
            case NO_CONSENT -> new ApiError(HttpResponseStatus.FORBIDDEN, "no_consent",
                    "the recipient has no consent to advertising on record for this account or sender "
                            + "(POST /api/v1/consents)");
            case NO_BALANCE -> new ApiError(HttpResponseStatus.PAYMENT_REQUIRED, "insufficient_balance",
                    "the account's balance does not cover the message's price");
            case NO_PRICE -> new ApiError(HttpResponseStatus.FORBIDDEN, "no_price",
                    "no price applies to this number for the account; ask the router's operator");
            case CLUSTER_UNAVAILABLE -> new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the message must be held for a moderator and the cluster's PostgreSQL does not answer now; "
                            + "retry later").retryAfter(1);
            case SYSTEM_ERROR, ACCEPTED -> new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the message could not be accepted");
        };
    }

    private List<Recipient> recipients(JsonNode to) {
        List<Recipient> l = new ArrayList<>();
        if (!to.isArray()) {
            l.add(recipient(to, "to"));
            return l;
        }
        if (to.isEmpty()) {
            throw ApiError.bad("bad_request", "to: the list is empty");
        }
        if (to.size() > maxRecipients) {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_many_recipients",
                    "to: at most " + maxRecipients + " recipients in one request, got " + to.size());
        }
        for (int i = 0; i < to.size(); i++) {
            l.add(recipient(to.get(i), "to[" + i + "]"));
        }
        return l;
    }

    private static Recipient recipient(JsonNode n, String where) {
        if (n.isTextual() || n.isNumber()) {
            return new Recipient(n.asText(), null);
        }
        if (n.isObject()) {
            JsonNode to = n.get("to");
            JsonNode vars = n.get("vars");
            if (to == null || !(to.isTextual() || to.isNumber())) {
                throw ApiError.bad("bad_request", where + ".to: expected a phone number");
            }
            if (vars != null && !vars.isNull() && !vars.isObject()) {
                throw ApiError.bad("bad_request", where + ".vars: expected an object");
            }
            return new Recipient(to.asText(), vars == null || vars.isNull() ? null : vars);
        }
        throw ApiError.bad("bad_request", where + ": expected a phone number or {\"to\",\"vars\"}");
    }

    static Map<String, Object> mergeVars(JsonNode common, JsonNode own) {
        Map<String, Object> m = new HashMap<>();
        for (JsonNode n : new JsonNode[]{common, own}) {
            if (n == null || !n.isObject()) {
                continue;
            }
            n.fields().forEachRemaining(e -> m.put(e.getKey(), value(e.getValue())));
        }
        return m;
    }

    /** A JSON value as templates read it: objects as maps (for {@code {order.id}}), arrays as lists. */
    static Object value(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isObject()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            v.fields().forEachRemaining(e -> m.put(e.getKey(), value(e.getValue())));
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>(v.size());
            v.forEach(e -> l.add(value(e)));
            return l;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? (Object) v.longValue() : v.decimalValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        return v.asText();
    }

    /** Digits only, 5 to 15 of them (E.164), an optional leading '+' dropped. */
    static String msisdn(String to) {
        return msisdn("to", to);
    }

    /** {@link #msisdn(String)} of a field with another name (for its error message). */
    static String msisdn(String field, String to) {
        String s = to.trim();
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.length() < 5 || s.length() > 15 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiError.bad("invalid_number", field + ": expected 5 to 15 digits (E.164, '+' optional), got \""
                    + (to.length() > 40 ? to.substring(0, 40) + "…" : to) + "\"");
        }
        return s;
    }

    static void checkSender(String from) {
        boolean digits = !from.isEmpty() && from.chars().allMatch(Character::isDigit);
        if (from.isEmpty() || (digits ? from.length() > 15 : from.length() > 11)
                || !from.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw ApiError.bad("invalid_sender", "from: expected a sender name of 1 to 11 Latin letters, "
                    + "digits or signs, or a number of up to 15 digits, got \"" + from + "\"");
        }
    }

    private static void checkUrl(String url) {
        try {
            java.net.URI u = java.net.URI.create(url);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.bad("invalid_callback", "callbackUrl: expected an http:// or https:// URL, got \""
                    + url + "\"");
        }
    }

    /**
     * The SMPP priority_flag that carries a {@code category} (otp 3, service 2, transactional 1);
     * 0, the account's own class, when none is given or it is {@code promo}.
     */
    static int priority(String category) {
        if (category == null) {
            return 0;
        }
        TrafficClass c = TrafficClass.parse(category);
        if (c == null) {
            throw ApiError.bad("invalid_category", "category: expected otp, service, transactional or promo, got \""
                    + category + "\"");
        }
        // promo must say so: priority_flag 0 would mean "the account's class"
        return c == TrafficClass.PROMO ? TrafficClass.PROMO_PRIORITY : c.priorityFlag();
    }

    /** {@code scheduleAt} as epoch ms (0 when absent); a time in the past sends at once. */
    private static long scheduleAt(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            long ms = OffsetDateTime.parse(s).toInstant().toEpochMilli();
            return ms > System.currentTimeMillis() ? ms : 0;
        } catch (DateTimeParseException e) {
            throw ApiError.bad("invalid_schedule", "scheduleAt: expected ISO-8601 with an offset, "
                    + "like 2026-12-01T09:30:00+03:00, got \"" + s + "\"");
        }
    }

    // ---- GET and DELETE /api/v1/messages/{id} ----

    private FullHttpResponse status(Account account, long id) {
        HttpMessages.Text t = texts.get(id);
        MessageStatus s = engine.status(id);
        boolean ours = s != null ? s.accountId().equals(account.id())
                : t != null && t.firstId == id && account.id().equals(t.accountId);
        if (!ours || (t != null && t.firstId != id)) {
            throw notFound(id);
        }
        ObjectNode o = json.createObjectNode();
        o.put("id", Long.toString(id));
        o.put("status", state(id, t));
        if (s != null) {
            o.put("operator", s.operatorId());
            o.put("acceptedAt", Instant.ofEpochMilli(s.acceptedAtMs()).toString());
            if (s.state().isFinal()) {
                o.put("doneAt", Instant.ofEpochMilli(t != null && t.doneAtMs > 0 ? t.doneAtMs : s.finalAtMs())
                        .toString());
                o.put("error", t != null && t.complete() ? t.finalError() : s.errorCode());
            }
        }
        long due = engine.scheduledFor(id);
        if (due > 0) {
            o.put("scheduledFor", Instant.ofEpochMilli(due).toString());
        }
        if (t != null) {
            o.put("parts", t.parts);
            ArrayNode h = o.putArray("history");
            for (HttpMessages.Event e : t.history()) {
                event(h.addObject(), e);
            }
            if (!t.callbackUrl.isEmpty()) {
                ObjectNode cb = o.putObject("callback");
                cb.put("url", t.callbackUrl);
                ArrayNode a = cb.putArray("attempts");
                for (HttpMessages.Event e : t.callbackAttempts()) {
                    event(a.addObject(), e);
                }
            }
        }
        return HttpServer.json(HttpResponseStatus.OK, o.toString());
    }

    private static void event(ObjectNode o, HttpMessages.Event e) {
        o.put("at", Instant.ofEpochMilli(e.atMs()).toString());
        o.put("event", e.event());
        if (!e.detail().isEmpty()) {
            o.put("detail", e.detail());
        }
    }

    private FullHttpResponse cancel(Account account, long id) {
        HttpMessages.Text t = texts.get(id);
        MessageStatus s = engine.status(id);
        if (s == null || !s.accountId().equals(account.id()) || (t != null && t.firstId != id)) {
            throw notFound(id);
        }
        int parts = t == null ? 1 : t.parts;
        int cancelled = 0;
        for (int i = 0; i < parts; i++) {
            if (engine.cancel(account.id(), id + i)) {
                cancelled++;
            }
        }
        if (cancelled == 0) {
            throw new ApiError(HttpResponseStatus.CONFLICT, "not_cancellable",
                    "message " + id + " cannot be cancelled any more: it is " + state(id, t));
        }
        if (t != null) {
            t.event("cancelled", cancelled == parts ? "" : cancelled + " of " + parts + " parts");
        }
        ObjectNode o = json.createObjectNode();
        o.put("id", Long.toString(id));
        o.put("status", "CANCELLED");
        return HttpServer.json(HttpResponseStatus.OK, o.toString());
    }

    private static ApiError notFound(long id) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no message " + id + " for this account");
    }

    /** Whether the message was answered OK but not sent: it repeats one of its account's dedup window. */
    private boolean duplicate(long id) {
        MessageStatus s = engine.status(id);
        return s != null && s.state() == DeliveryState.REJECTED && s.errorCode() == Engine.DUPLICATE_ERROR;
    }

    /** The API's state of the text whose first part is {@code id} (see {@link #state(long, HttpMessages.Text)}). */
    String state(long id) {
        return state(id, texts.get(id));
    }

    /** The API's state of a text: the engine's state of its first part, refined by what the API knows. */
    private String state(long id, HttpMessages.Text t) {
        if (engine.moderationQueue().get(id) != null) {
            return "HELD";
        }
        if (duplicate(id)) {
            return "DUPLICATE";
        }
        if (engine.scheduledFor(id) > 0) {
            return "SCHEDULED";
        }
        if (t != null && t.complete()) {
            return apiState(t.finalState(), t.anySubmitted());
        }
        MessageStatus s = engine.status(id);
        if (s == null) {
            return "ACCEPTED";
        }
        if (s.state().isFinal()) {
            return apiState(s.state(), t == null || t.anySubmitted());
        }
        return t != null && t.allSubmitted() ? "SUBMITTED" : t == null ? "SUBMITTED" : "ACCEPTED";
    }

    /** A final engine state as the API names it; an undeliverable message that never reached an operator FAILED. */
    static String apiState(DeliveryState s, boolean reachedOperator) {
        return switch (s) {
            case DELIVERED -> "DELIVERED";
            case EXPIRED -> "EXPIRED";
            case DELETED -> "CANCELLED";
            case REJECTED -> "REJECTED";
            case UNDELIVERABLE -> reachedOperator ? "UNDELIVERABLE" : "FAILED";
            default -> s.isFinal() ? "UNDELIVERABLE" : "SUBMITTED";
        };
    }
}
