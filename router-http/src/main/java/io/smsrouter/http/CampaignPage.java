package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.smsrouter.core.account.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static io.smsrouter.http.ModerationPage.methodNotAllowed;
import static io.smsrouter.http.ModerationPage.noStore;
import static io.smsrouter.http.ModerationPage.resource;

/**
 * The campaign report page (SPEC §8 {@code GET /campaigns/{id}}, issue 13 item 5):
 * <pre>
 * GET  /campaigns/{id}              the page (HTML): the login form when no one is logged in
 * GET  /campaigns/{id}/report.json  the campaign's report ({@link CampaignReports}) for the viewer
 * POST /campaigns/login             {"token"}: the admin token or an account's API key; a session cookie
 * POST /campaigns/logout            ends the session (X-CSRF-Token needed) and clears the cookie
 * GET  /campaign.js, /campaign.css, /charts.js   the page's script, style and charting library
 * </pre>
 * Who may look: the admin sees every account's campaigns, an account only its own; another
 * account's campaign is answered exactly as an unknown one (404), so ids cannot be probed. Both
 * prove themselves with {@code Authorization: Bearer <apiKey or admin token>} (curl, programs) or
 * with the session cookie of {@link AdminSessions} ({@code smsrouter_session}), the one the
 * moderator page uses: a login here with the admin token is an admin session (it opens the
 * moderator page too), a login with an API key is a session bound to that account, which
 * {@link AdminAuth#check} never counts as the admin (no moderator page, no admin API). A session
 * is refused from another site and, for the logout, without its CSRF token, as {@link AdminAuth}
 * does; an account session is refused (403 {@code ip_not_allowed}) from an address outside the
 * account's {@code allowedIps}, and ends when the account leaves the config.
 *
 * <p>The page is served with {@link ModerationPage#CSP} (only this origin's script and style, no
 * inline code, no framing). The server writes the campaign's name and id into the page
 * HTML-escaped; the script writes every value of the report with {@code textContent} only, since
 * the name and the variants' names are user input.
 */
final class CampaignPage {
    private static final Logger log = LoggerFactory.getLogger(CampaignPage.class);
    static final String PREFIX = "/campaigns/";
    static final String LOGIN = "/campaigns/login";
    static final String LOGOUT = "/campaigns/logout";
    static final String REPORT = "/report.json";
    static final String SCRIPT = "/campaign.js";
    static final String STYLE = "/campaign.css";
    static final String CHARTS = "/charts.js";
    private static final int MAX_ID = 128;

    private final ObjectMapper json;
    private final AdminAuth auth;
    private final ApiAuth tokens;
    private final String template = text(resource("campaign.html"));
    private final byte[] script = resource("campaign.js");
    private final byte[] style = resource("campaign.css");
    private final byte[] charts = resource("charts.js");
    private volatile CampaignReports reports;

    CampaignPage(ObjectMapper json, AdminAuth auth, ApiAuth tokens) {
        this.json = json;
        this.auth = auth;
        this.tokens = tokens;
    }

    void reports(CampaignReports r) {
        this.reports = r;
    }

    static boolean handles(String path) {
        return path.startsWith(PREFIX) || path.equals(SCRIPT) || path.equals(STYLE) || path.equals(CHARTS);
    }

    /** True for the requests that ask {@link CampaignReports} (they run off the event loop). */
    static boolean isSlow(FullHttpRequest req, String path) {
        return req.method() == HttpMethod.GET && path.startsWith(PREFIX) && !path.equals(LOGIN)
                && !path.equals(LOGOUT);
    }

    /**
     * @param tls    the request came over TLS (the cookie is then {@code Secure})
     * @param ip     the peer's address, for an account's {@code allowedIps}
     * @param remote the peer's address as text, for the log
     */
    FullHttpResponse handle(FullHttpRequest req, String path, boolean tls, InetAddress ip, String remote) {
        switch (path) {
            case SCRIPT:
                return asset(req.method(), script, "text/javascript; charset=utf-8", "the page's script");
            case STYLE:
                return asset(req.method(), style, "text/css; charset=utf-8", "the page's style");
            case CHARTS:
                return asset(req.method(), charts, "text/javascript; charset=utf-8", "the charting library");
            case LOGIN:
                return noStore(req.method() != HttpMethod.POST ? methodNotAllowed("POST") : login(req, tls, ip, remote));
            case LOGOUT:
                return noStore(req.method() != HttpMethod.POST ? methodNotAllowed("POST") : logout(req, tls));
            default:
                break;
        }
        String rest = path.substring(PREFIX.length());
        boolean report = rest.endsWith(REPORT);
        String id = campaignId(report ? rest.substring(0, rest.length() - REPORT.length()) : rest);
        if (req.method() != HttpMethod.GET) {
            return noStore(methodNotAllowed("GET"));
        }
        Viewer v = viewer(req, ip);
        return noStore(report ? reportJson(v, id) : page(v, id, tls));
    }

    // ---------- who looks ----------

    /**
     * The viewer: {@code account} null and {@code admin} true for the admin; {@code account} set
     * for an account; neither for nobody (no credentials at all, {@code problem} null) or a refused
     * credential ({@code problem} says why, {@code status} the HTTP status to answer with).
     */
    private record Viewer(boolean admin, Account account, AdminSessions.Session session, HttpResponseStatus status,
                          String code, String problem, boolean deadCookie) {
        boolean known() {
            return admin || account != null;
        }

        static Viewer refused(HttpResponseStatus status, String code, String problem, boolean deadCookie) {
            return new Viewer(false, null, null, status, code, problem, deadCookie);
        }
    }

    private static final Viewer NOBODY = new Viewer(false, null, null, null, null, null, false);

    private Viewer viewer(FullHttpRequest req, InetAddress ip) {
        if (req.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
            // a hashed key or token was verified by the server's gate before this request was routed
            String token = ApiAuth.bearer(req);
            if (tokens.isAdmin(token)) {
                return new Viewer(true, null, null, null, null, null, false);
            }
            Account a = tokens.account(token);
            if (a != null) {
                return new Viewer(false, a, null, null, null, null, false);
            }
            return Viewer.refused(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "the router knows no such API key or admin token (Authorization: Bearer <key>)", false);
        }
        if (AdminAuth.sessionId(req) == null) {
            return NOBODY;
        }
        AdminAuth.Verdict v = auth.checkSession(req);
        if (v.refusal() != null) {
            if (v.refusal().status().code() == HttpResponseStatus.UNAUTHORIZED.code()) {
                return Viewer.refused(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                        "the session is unknown or has ended (logged out, idle or too old): log in again", true);
            }
            return Viewer.refused(v.refusal().status(), "csrf_failed",
                    "this page cannot be opened from another site with your session; open it directly", false);
        }
        AdminSessions.Session s = v.session();
        if (s.account() == null) {
            return new Viewer(true, null, s, null, null, null, false);
        }
        Account a = tokens.accountById(s.account());
        if (a == null) {
            auth.sessions().end(AdminAuth.sessionId(req));
            return Viewer.refused(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "the account of this session is no longer configured: log in again", true);
        }
        if (!a.allowedIps().allows(ip)) {
            return Viewer.refused(HttpResponseStatus.FORBIDDEN, "ip_not_allowed",
                    "account " + a.id() + " may not use this page from this address (its allowedIps)", false);
        }
        return new Viewer(false, a, s, null, null, null, false);
    }

    // ---------- the report ----------

    /** The report, or an answer saying why not (null report with a response set). */
    private record Lookup(ObjectNode report, FullHttpResponse error) {
    }

    private Lookup lookup(Viewer v, String id) {
        CampaignReports r = reports;
        if (r == null) {
            return new Lookup(null, HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found",
                    "this router runs no campaigns"));
        }
        ObjectNode report = null;
        if (id != null) {
            try {
                report = r.report(v.admin() ? null : v.account().id(), id);
            } catch (RuntimeException e) {
                log.error("the report of campaign {} failed", id, e);
                return new Lookup(null, HttpServer.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                        "the campaign's report could not be made; the router's log says why"));
            }
        }
        if (report == null) {
            // another account's campaign reads exactly as an unknown one
            return new Lookup(null, HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such campaign" + (v.admin() ? "" : " for account " + v.account().id())));
        }
        return new Lookup(report, null);
    }

    private FullHttpResponse reportJson(Viewer v, String id) {
        if (!v.known()) {
            if (v.problem() != null) {
                return HttpServer.error(v.status(), v.code(), v.problem());
            }
            return HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "log in at /campaigns/{id} or send Authorization: Bearer <apiKey or admin token>");
        }
        Lookup l = lookup(v, id);
        if (l.error() != null) {
            return l.error();
        }
        FullHttpResponse r = HttpServer.json(HttpResponseStatus.OK, l.report().toString());
        r.headers().set("X-Content-Type-Options", "nosniff");
        return r;
    }

    // ---------- the page ----------

    private FullHttpResponse page(Viewer v, String id, boolean tls) {
        if (!v.known()) {
            HttpResponseStatus status = v.problem() == null ? HttpResponseStatus.OK : v.status();
            FullHttpResponse r = html(status, render("login", "Log in", "", id, v.problem(), "", ""));
            if (v.deadCookie()) {
                r.headers().add(HttpHeaderNames.SET_COOKIE, ModerationPage.cookie("", tls, true));
            }
            return r;
        }
        String who = v.admin() ? "admin" : "account " + v.account().id();
        String csrf = v.session() == null ? "" : v.session().csrfToken();
        Lookup l = lookup(v, id);
        if (l.error() != null) {
            // the missing view says "no such campaign" itself; any other failure is said above it
            String why = l.error().status().code() == 404 ? null : "The report could not be made; try again later.";
            return html(l.error().status(), render("missing", "Campaign not found", "", id, why, who, csrf));
        }
        String name = l.report().path("name").asText("");
        return html(HttpResponseStatus.OK, render("report", name.isEmpty() ? "Campaign" : name, name, id, null, who,
                csrf));
    }

    /**
     * The page's HTML: each {@code {{key}}} of the template replaced, in one pass, by its value
     * escaped (so a value that itself reads like a placeholder stays text).
     */
    private String render(String view, String title, String name, String id, String notice, String who, String csrf) {
        java.util.Map<String, String> values = java.util.Map.of(
                "view", view, "title", title, "name", name, "id", id == null ? "" : id,
                "notice", notice == null ? "" : notice, "noticeHidden", notice == null ? "hidden" : "",
                "who", who, "csrf", csrf);
        StringBuilder b = new StringBuilder(template.length() + 256);
        int at = 0;
        while (true) {
            int open = template.indexOf("{{", at);
            int close = open < 0 ? -1 : template.indexOf("}}", open + 2);
            if (close < 0) {
                b.append(template, at, template.length());
                return b.toString();
            }
            String v = values.get(template.substring(open + 2, close));
            b.append(template, at, open);
            if (v == null) {
                b.append(template, open, close + 2);
            } else {
                b.append(escape(v));
            }
            at = close + 2;
        }
    }

    /** Text for HTML element content and double- or single-quoted attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The campaign id of the path's segment (percent-decoded), or null when it cannot be one. */
    private static String campaignId(String segment) {
        if (segment.isEmpty() || segment.length() > 3 * MAX_ID) {
            return null;
        }
        String id;
        try {
            id = QueryStringDecoder.decodeComponent(segment);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (id.isEmpty() || id.length() > MAX_ID || id.indexOf('/') >= 0) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return null;
            }
        }
        return id;
    }

    // ---------- login and logout ----------

    private FullHttpResponse login(FullHttpRequest req, boolean tls, InetAddress ip, String remote) {
        String foreign = AdminAuth.crossSite(req);
        if (foreign != null) {
            return AdminAuth.csrfFailed(foreign);
        }
        String token;
        try {
            JsonNode body = ApiError.body(json, req);
            token = ApiError.string(body, "token", true);
        } catch (ApiError e) {
            return e.response();
        }
        // a hashed key or token was verified by the server's gate (it reads this body's token)
        boolean admin = tokens.isAdmin(token);
        Account account = admin ? null : tokens.account(token);
        if (!admin && account == null) {
            // the address only: what was typed may be a password for something else
            log.warn("campaign page login refused from {}: no such API key or admin token", remote);
            return HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "the router knows no such API key or admin token");
        }
        if (account != null && !account.allowedIps().allows(ip)) {
            log.warn("campaign page login of account {} refused from {}: not in its allowedIps", account.id(), remote);
            return HttpServer.error(HttpResponseStatus.FORBIDDEN, "ip_not_allowed",
                    "account " + account.id() + " may not log in from this address (its allowedIps)");
        }
        // a new id at every login, so that an id planted before the login is worth nothing after it
        String old = AdminAuth.sessionId(req);
        if (old != null) {
            auth.sessions().end(old);
        }
        AdminSessions.Created c = admin ? auth.sessions().create("") : auth.sessions().createForAccount(account.id());
        log.info("campaign page login from {} as {}", remote, admin ? "the admin" : "account " + account.id());
        ObjectNode o = json.createObjectNode();
        o.put("admin", admin);
        if (account != null) {
            o.put("account", account.id());
        } else {
            o.putNull("account");
        }
        o.put("csrfToken", c.session().csrfToken());
        o.put("expiresAt", Instant.ofEpochMilli(auth.sessions().expiresAtMs(c.session())).toString());
        FullHttpResponse r = HttpServer.json(HttpResponseStatus.OK, o.toString());
        r.headers().add(HttpHeaderNames.SET_COOKIE, ModerationPage.cookie(c.id(), tls, false));
        return r;
    }

    private FullHttpResponse logout(FullHttpRequest req, boolean tls) {
        String id = AdminAuth.sessionId(req);
        if (id != null && auth.sessions().find(id) != null) {
            AdminAuth.Verdict v = auth.checkSession(req);
            if (v.refusal() != null) {
                return v.refusal();
            }
            auth.sessions().end(id);
        }
        ObjectNode o = json.createObjectNode();
        o.put("loggedOut", true);
        FullHttpResponse r = HttpServer.json(HttpResponseStatus.OK, o.toString());
        r.headers().add(HttpHeaderNames.SET_COOKIE, ModerationPage.cookie("", tls, true));
        return r;
    }

    // ---------- responses ----------

    private static FullHttpResponse html(HttpResponseStatus status, String body) {
        FullHttpResponse r = HttpServer.text(status, body, "text/html; charset=utf-8");
        r.headers().set("Content-Security-Policy", ModerationPage.CSP);
        r.headers().set("X-Frame-Options", "DENY");
        r.headers().set("Referrer-Policy", "no-referrer");
        return r;
    }

    private static FullHttpResponse asset(HttpMethod method, byte[] content, String type, String what) {
        if (method != HttpMethod.GET) {
            return methodNotAllowed("GET");
        }
        if (content == null) {
            return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found", what + " is not in this build");
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(content));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        r.headers().set("X-Content-Type-Options", "nosniff");
        r.headers().set("Referrer-Policy", "no-referrer");
        return r;
    }


    private static String text(byte[] b) {
        return b == null ? "<!doctype html><title>{{title}}</title><p>the campaign page is not in this build</p>"
                : new String(b, StandardCharsets.UTF_8);
    }
}
