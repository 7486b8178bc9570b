package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.moderation.HeldMessage;
import io.smsrouter.core.moderation.Match;
import io.smsrouter.core.moderation.ModerationDecision;
import io.smsrouter.core.moderation.StopWordFile;
import io.smsrouter.core.moderation.StopWordFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admin endpoints (shared/SPEC.md §5), all behind the admin token or the moderator page's
 * session ({@link AdminAuth}: with the session, a state-changing request needs its CSRF token, and
 * decisions are recorded under the name the moderator logged in with):
 * <pre>
 * GET  /api/v1/moderation/queue?account=&amp;category=&amp;limit=   held messages, oldest first
 * POST /api/v1/moderation/{id}/approve   {"moderator","reason","campaign":true}
 * POST /api/v1/moderation/{id}/reject    {"moderator","reason","campaign":true}
 * POST /api/v1/moderation/approve|reject {"ids":[...],"moderator","reason"}
 * GET  /api/v1/moderation/decisions?limit=
 * GET  /api/v1/moderation/stopwords      the list in force (text/plain)
 * PUT  /api/v1/moderation/stopwords      replace it (text/plain body); a bad list is refused
 * GET  /api/v1/routes                    the route table in force, the config file, the last reload
 * POST /api/v1/routes/reload             read the config file's routes again (422 invalid_config: none changed)
 * GET  /api/v1/accounts                  accounts and their moderation modes
 * PUT  /api/v1/accounts/{id}/moderation  {"mode":"none|auto|manual"}
 * </pre>
 * Answers are computed on the calling event loop except the stop-word replacement, which the
 * caller runs elsewhere ({@link #isSlow}): building a large automaton takes a while.
 */
final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    static final String MODERATION = "/api/v1/moderation";
    static final String ACCOUNTS = "/api/v1/accounts";
    static final String ROUTES = "/api/v1/routes";
    private static final int DEFAULT_LIMIT = 500;

    private final ObjectMapper json;
    private final Engine engine;
    private final StopWordFile stopWords;
    private final AdminAuth auth;
    private volatile RouteAdmin routeAdmin;

    /** The ids of every part of the text a message id belongs to (the id alone for a one-part text). */
    private final java.util.function.LongFunction<long[]> partsOf;

    AdminApi(ObjectMapper json, Engine engine, StopWordFile stopWords, AdminAuth auth) {
        this(json, engine, stopWords, auth, id -> new long[]{id});
    }

    /** {@code partsOf}: a decision on one part of a long HTTP text is a decision on all its parts. */
    AdminApi(ObjectMapper json, Engine engine, StopWordFile stopWords, AdminAuth auth,
             java.util.function.LongFunction<long[]> partsOf) {
        this.partsOf = partsOf;
        this.json = json;
        this.engine = engine;
        this.stopWords = stopWords;
        this.auth = auth;
    }

    static boolean handles(String path) {
        return path.equals(MODERATION) || path.startsWith(MODERATION + "/")
                || path.equals(ACCOUNTS) || path.startsWith(ACCOUNTS + "/")
                || path.equals(ROUTES) || path.startsWith(ROUTES + "/");
    }

    static boolean isSlow(FullHttpRequest req, String path) {
        return req.method() == HttpMethod.PUT && path.equals(MODERATION + "/stopwords")
                || req.method() == HttpMethod.POST && path.equals(ROUTES + "/reload");
    }

    /** A change of an account's moderation mode ({@code PUT|POST /api/v1/accounts/{id}/moderation}). */
    static boolean isModeChange(FullHttpRequest req, String path) {
        return (req.method() == HttpMethod.PUT || req.method() == HttpMethod.POST)
                && path.startsWith(ACCOUNTS + "/") && path.endsWith("/moderation");
    }

    /** Offers {@code /api/v1/routes} (reading and reloading the route table) from now on. */
    void routeAdmin(RouteAdmin r) {
        this.routeAdmin = r;
    }

    FullHttpResponse handle(FullHttpRequest req, String path) {
        AdminAuth.Verdict caller = auth.check(req);
        FullHttpResponse refused = caller.unlessAdmin();
        if (refused != null) {
            return refused;
        }
        try {
            return route(req, path, caller.moderator());
        } catch (ApiError e) {
            return e.response();
        } catch (RuntimeException e) {
            log.error("admin request {} {} failed", req.method(), path, e);
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the request could not be carried out: " + e.getMessage());
        }
    }

    /** {@code moderator}: the session's name, which wins over the body's ("" for none). */
    private FullHttpResponse route(FullHttpRequest req, String path, String moderator) {
        HttpMethod method = req.method();
        if (path.startsWith(ACCOUNTS)) {
            return accounts(req, path);
        }
        if (path.startsWith(ROUTES)) {
            return routes(req, path);
        }
        String rest = path.length() > MODERATION.length() ? path.substring(MODERATION.length() + 1) : "";
        switch (rest) {
            case "queue":
                ApiError.requireMethod(method, HttpMethod.GET);
                return queue(new QueryStringDecoder(req.uri()).parameters());
            case "decisions":
                ApiError.requireMethod(method, HttpMethod.GET);
                return decisions(new QueryStringDecoder(req.uri()).parameters());
            case "stopwords":
                return stopWords(req);
            case "approve":
            case "reject":
                ApiError.requireMethod(method, HttpMethod.POST);
                return bulk(rest, ApiError.body(json, req), moderator);
            default:
                break;
        }
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String action = rest.substring(slash + 1);
            if (action.equals("approve") || action.equals("reject")) {
                ApiError.requireMethod(method, HttpMethod.POST);
                return decideOne(ApiError.messageId(rest.substring(0, slash)), action, ApiError.body(json, req),
                        moderator);
            }
        }
        return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
    }

    /** GET /api/v1/routes: the table in force; POST /api/v1/routes/reload: read the config file's routes again. */
    private FullHttpResponse routes(FullHttpRequest req, String path) {
        RouteAdmin ra = routeAdmin;
        if (path.equals(ROUTES)) {
            ApiError.requireMethod(req.method(), HttpMethod.GET);
            ObjectNode root = json.createObjectNode();
            if (ra != null && ra.file() != null) {
                root.put("file", ra.file());
                root.set("lastReload", reloadJson(ra.last()));
            }
            ArrayNode list = root.putArray("routes");
            for (io.smsrouter.core.route.Route r : engine.routeTable().routes()) {
                ObjectNode o = list.addObject();
                putIfSet(o, "sender", r.sender());
                putIfSet(o, "prefix", r.prefix());
                putIfSet(o, "account", r.account());
                putIfSet(o, "category", r.category() == null ? null : r.category().id());
                r.operators().forEach(o.putArray("operators")::add);
                r.weights().forEach(o.putArray("weights")::add);
            }
            return HttpServer.json(HttpResponseStatus.OK, root.toString());
        }
        if (path.equals(ROUTES + "/reload")) {
            ApiError.requireMethod(req.method(), HttpMethod.POST);
            if (ra == null || ra.file() == null) {
                return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found",
                        "this router was not started from a config file: there is nothing to reload");
            }
            RouteAdmin.Reload r = ra.reload();
            if (!r.applied()) {
                return HttpServer.error(HttpResponseStatus.UNPROCESSABLE_ENTITY, "invalid_config", r.error());
            }
            return HttpServer.json(HttpResponseStatus.OK, reloadJson(r).toString());
        }
        return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
    }

    private ObjectNode reloadJson(RouteAdmin.Reload r) {
        ObjectNode o = json.createObjectNode();
        o.put("applied", r.applied());
        o.put("routes", r.routes());
        if (r.error() != null) {
            o.put("error", r.error());
        }
        r.needRestart().forEach(o.putArray("needRestart")::add);
        return o;
    }

    private static void putIfSet(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private FullHttpResponse queue(Map<String, List<String>> params) {
        String account = ApiError.param(params, "account");
        String category = ApiError.param(params, "category");
        int limit = ApiError.intParam(params, "limit", DEFAULT_LIMIT, 1, 10_000);
        List<HeldMessage> all = engine.moderationQueue().list();
        Map<String, Integer> campaigns = new HashMap<>();
        Set<String> accounts = new TreeSet<>();
        Set<String> categories = new TreeSet<>();
        List<HeldMessage> shown = new ArrayList<>();
        List<Set<String>> shownCategories = new ArrayList<>();
        int total = 0;
        for (HeldMessage h : all) {
            campaigns.merge(h.campaignKey(), 1, Integer::sum);
            accounts.add(h.message().accountId());
            Set<String> cats = categories(h);
            categories.addAll(cats);
            if ((account == null || account.equals(h.message().accountId()))
                    && (category == null || cats.contains(category))) {
                total++;
                if (shown.size() < limit) {
                    shown.add(h);
                    shownCategories.add(cats);
                }
            }
        }
        long now = System.currentTimeMillis();
        ObjectNode root = json.createObjectNode();
        root.put("total", total);
        root.put("shown", shown.size());
        ArrayNode items = root.putArray("items");
        for (int i = 0; i < shown.size(); i++) {
            HeldMessage h = shown.get(i);
            ObjectNode o = items.addObject();
            o.put("id", h.message().idString());
            o.put("account", h.message().accountId());
            o.put("from", h.message().source());
            o.put("to", h.message().destination());
            o.put("text", h.text());
            o.put("heldAt", Instant.ofEpochMilli(h.heldAtMs()).toString());
            o.put("heldAtMs", h.heldAtMs());
            o.put("waitedSeconds", Math.max(0, (now - h.heldAtMs()) / 1000));
            o.put("reason", h.reason().name().toLowerCase(java.util.Locale.ROOT));
            o.put("operator", h.operatorId());
            ArrayNode matches = o.putArray("matches");
            addMatches(matches, h.textMatches(), "text");
            addMatches(matches, h.senderMatches(), "sender");
            ArrayNode cats = o.putArray("categories");
            shownCategories.get(i).forEach(cats::add);
            o.put("campaign", h.campaignKey());
            o.put("campaignSize", campaigns.get(h.campaignKey()));
        }
        ArrayNode accs = root.putArray("accounts");
        accounts.forEach(accs::add);
        ArrayNode cats = root.putArray("categories");
        categories.forEach(cats::add);
        return HttpServer.json(HttpResponseStatus.OK, root.toString());
    }

    private static Set<String> categories(HeldMessage h) {
        Set<String> cats = new LinkedHashSet<>();
        for (Match m : h.senderMatches()) {
            cats.add(m.category());
        }
        for (Match m : h.textMatches()) {
            cats.add(m.category());
        }
        return cats;
    }

    private static void addMatches(ArrayNode out, List<Match> matches, String field) {
        for (Match m : matches) {
            ObjectNode o = out.addObject();
            o.put("word", m.entry());
            o.put("category", m.category());
            o.put("field", field);
            o.put("start", m.start());
            o.put("end", m.end());
        }
    }

    private FullHttpResponse decideOne(long id, String action, JsonNode body, String sessionModerator) {
        HeldMessage h = engine.moderationQueue().get(id);
        if (h == null) {
            return notHeld(id);
        }
        List<Long> ids = new ArrayList<>();
        if (body.path("campaign").asBoolean(false)) {
            String key = h.campaignKey();
            for (HeldMessage other : engine.moderationQueue().list()) {
                if (other.campaignKey().equals(key)) {
                    ids.add(other.id());
                }
            }
        } else {
            ids.add(id);
        }
        ObjectNode result = decide(action, ids, body, sessionModerator);
        if (result.path("count").asInt() == 0) {
            return notHeld(id);
        }
        return HttpServer.json(HttpResponseStatus.OK, result.toString());
    }

    private FullHttpResponse bulk(String action, JsonNode body, String sessionModerator) {
        JsonNode list = body.get("ids");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiError.bad("bad_request", "expected {\"ids\": [\"<message id>\", ...]}");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode n : list) {
            ids.add(ApiError.messageId(n.asText()));
        }
        return HttpServer.json(HttpResponseStatus.OK, decide(action, ids, body, sessionModerator).toString());
    }

    private ObjectNode decide(String action, List<Long> ids, JsonNode body, String sessionModerator) {
        String moderator = sessionModerator.isEmpty() ? text(body, "moderator") : sessionModerator;
        String reason = text(body, "reason");
        boolean approve = action.equals("approve");
        ObjectNode result = json.createObjectNode();
        result.put("decision", approve ? "APPROVED" : "REJECTED");
        ArrayNode done = result.putArray("ids");
        ArrayNode missing = json.createArrayNode();
        for (long id : ids) {
            boolean ok = approve ? engine.approve(id, moderator, reason) : engine.reject(id, moderator, reason);
            (ok ? done : missing).add(Long.toString(id));
            for (long part : partsOf.apply(id)) {
                // the other parts of the same text follow the decision
                if (part != id && !ids.contains(part)
                        && (approve ? engine.approve(part, moderator, reason) : engine.reject(part, moderator, reason))) {
                    done.add(Long.toString(part));
                }
            }
        }
        result.put("count", done.size());
        result.set("notHeld", missing);
        return result;
    }

    private FullHttpResponse notHeld(long id) {
        return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_held",
                "message " + id + " is not held for moderation (unknown, or already decided)");
    }

    private FullHttpResponse decisions(Map<String, List<String>> params) {
        int limit = ApiError.intParam(params, "limit", 50, 1, 500);
        ObjectNode root = json.createObjectNode();
        ArrayNode items = root.putArray("items");
        for (ModerationDecision d : engine.moderationQueue().recentDecisions(limit)) {
            ObjectNode o = items.addObject();
            o.put("id", Long.toString(d.messageId()));
            o.put("account", d.accountId());
            o.put("decision", d.verdict().name());
            o.put("moderator", d.moderator());
            o.put("reason", d.reason());
            o.put("at", Instant.ofEpochMilli(d.atMs()).toString());
        }
        return HttpServer.json(HttpResponseStatus.OK, root.toString());
    }

    private FullHttpResponse stopWords(FullHttpRequest req) {
        if (req.method() == HttpMethod.GET) {
            FullHttpResponse r = HttpServer.text(HttpResponseStatus.OK, stopWords.text(), "text/plain; charset=utf-8");
            r.headers().set("X-Stop-Words", engine.moderator().automaton().size());
            if (stopWords.lastError() != null) {
                r.headers().set("X-Stop-Words-Error", stopWords.lastError().replaceAll("[\\r\\n]", " "));
            }
            return r;
        }
        ApiError.requireMethod(req.method(), HttpMethod.PUT);
        String content = req.content().toString(StandardCharsets.UTF_8);
        try {
            stopWords.replace(content);
        } catch (StopWordFormatException e) {
            throw ApiError.bad("invalid_stopwords", e.getMessage() + "; the list in force is unchanged");
        } catch (java.io.IOException e) {
            return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "write_failed",
                    "the stop-word file could not be written: " + e.getMessage() + "; the list in force is unchanged");
        }
        ObjectNode root = json.createObjectNode();
        root.put("entries", engine.moderator().automaton().size());
        return HttpServer.json(HttpResponseStatus.OK, root.toString());
    }

    private FullHttpResponse accounts(FullHttpRequest req, String path) {
        if (path.equals(ACCOUNTS)) {
            ApiError.requireMethod(req.method(), HttpMethod.GET);
            ObjectNode root = json.createObjectNode();
            ArrayNode items = root.putArray("items");
            for (Account a : engine.accounts().all()) {
                items.add(account(a));
            }
            return HttpServer.json(HttpResponseStatus.OK, root.toString());
        }
        String rest = path.substring(ACCOUNTS.length() + 1);
        int slash = rest.indexOf('/');
        if (slash <= 0 || !rest.substring(slash + 1).equals("moderation")) {
            return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
        }
        Account a = engine.accounts().get(rest.substring(0, slash));
        if (a == null) {
            return HttpServer.error(HttpResponseStatus.NOT_FOUND, "unknown_account",
                    "no account " + rest.substring(0, slash));
        }
        if (req.method() == HttpMethod.PUT || req.method() == HttpMethod.POST) {
            String mode = text(ApiError.body(json, req), "mode");
            Moderation m;
            try {
                m = Moderation.parse(mode);
            } catch (IllegalArgumentException e) {
                throw ApiError.bad("bad_request", "mode: expected one of none, auto, manual, got \"" + mode + "\"");
            }
            try {
                engine.moderator().change(a.id(), m);
            } catch (io.smsrouter.core.cluster.ClusterUnavailableException e) {
                // cluster mode: the mode is shared through PostgreSQL, which is down; nothing changed
                log.warn("moderation mode of account {} not changed: {}", a.id(), e.getMessage());
                return HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                        "the cluster's database is unavailable: the mode was not changed; try again");
            }
            log.info("moderation mode of account {} set to {} through the admin API", a.id(), m);
        } else {
            ApiError.requireMethod(req.method(), HttpMethod.GET);
        }
        return HttpServer.json(HttpResponseStatus.OK, account(a).toString());
    }

    private ObjectNode account(Account a) {
        ObjectNode o = json.createObjectNode();
        o.put("id", a.id());
        o.put("moderation", engine.moderator().mode(a).name().toLowerCase(java.util.Locale.ROOT));
        return o;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return "";
        }
        if (!n.isValueNode()) {
            throw ApiError.bad("bad_request", field + ": expected a string");
        }
        String s = n.asText();
        return s.length() > 500 ? s.substring(0, 500) : s;
    }
}
