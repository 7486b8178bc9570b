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
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * The moderator's page and its login:
 * <pre>
 * GET  /moderation           the page (HTML; its script and style are the two resources below)
 * GET  /moderation.js        the page's script
 * GET  /moderation.css       the page's style
 * POST /moderation/login     {"token","moderator"}: a session cookie and the session's CSRF token
 * GET  /moderation/session   the current session (moderator, CSRF token, expiry), else 401
 * POST /moderation/logout    ends the session (X-CSRF-Token needed while it lives) and clears the cookie
 * </pre>
 * The page is served with a content security policy that allows only this origin's script and
 * style (no inline code), no framing and no referrer. The session cookie is {@code HttpOnly},
 * {@code SameSite=Strict}, {@code Path=/} and, when the request came over TLS, {@code Secure}; it
 * has no expiry, so it ends with the browser too. The admin token travels once, in the login
 * request's body, and stays on the server.
 */
final class ModerationPage {
    private static final Logger log = LoggerFactory.getLogger(ModerationPage.class);
    static final String PAGE = "/moderation";
    static final String SCRIPT = "/moderation.js";
    static final String STYLE = "/moderation.css";
    static final String LOGIN = "/moderation/login";
    static final String SESSION = "/moderation/session";
    static final String LOGOUT = "/moderation/logout";
    /** The page's policy: its own script, style and API only; data: for the empty favicon. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int MAX_MODERATOR = 64;

    private final ObjectMapper json;
    private final AdminAuth auth;
    private final byte[] html = resource("moderation.html");
    private final byte[] script = resource("moderation.js");
    private final byte[] style = resource("moderation.css");

    ModerationPage(ObjectMapper json, AdminAuth auth) {
        this.json = json;
        this.auth = auth;
    }

    static boolean handles(String path) {
        return path.equals(PAGE) || path.equals(PAGE + "/") || path.equals(SCRIPT) || path.equals(STYLE)
                || path.startsWith(PAGE + "/");
    }

    /**
     * @param tls    the request came over TLS (the cookie is then {@code Secure})
     * @param remote the peer's address, for the log of refused logins
     */
    FullHttpResponse handle(FullHttpRequest req, String path, boolean tls, String remote) {
        switch (path) {
            case PAGE, PAGE + "/":
                return resourceResponse(req.method(), html, "text/html; charset=utf-8", "the moderation page", true);
            case SCRIPT:
                return resourceResponse(req.method(), script, "text/javascript; charset=utf-8", "the page's script",
                        false);
            case STYLE:
                return resourceResponse(req.method(), style, "text/css; charset=utf-8", "the page's style", false);
            case LOGIN:
                return noStore(req.method() != HttpMethod.POST ? methodNotAllowed("POST") : login(req, tls, remote));
            case SESSION:
                return noStore(req.method() != HttpMethod.GET ? methodNotAllowed("GET") : session(req));
            case LOGOUT:
                return noStore(req.method() != HttpMethod.POST ? methodNotAllowed("POST") : logout(req, tls));
            default:
                return HttpServer.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
        }
    }

    /**
     * True for the page asking whether it is logged in while it holds no session cookie (every
     * load of the logged-out page): its 401 presents no credential, so it is no failed attempt
     * for the per-address limit. With a cookie (a guessed or ended session id) it counts.
     */
    static boolean isProbe(FullHttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        return req.method() == HttpMethod.GET && (q < 0 ? uri : uri.substring(0, q)).equals(SESSION)
                && !req.headers().contains(HttpHeaderNames.AUTHORIZATION) && AdminAuth.sessionId(req) == null;
    }

    private FullHttpResponse login(FullHttpRequest req, boolean tls, String remote) {
        String foreign = AdminAuth.crossSite(req);
        if (foreign != null) {
            return AdminAuth.csrfFailed(foreign);
        }
        JsonNode body;
        String token;
        String moderator;
        try {
            body = ApiError.body(json, req);
            token = ApiError.string(body, "token", true);
            moderator = ApiError.string(body, "moderator", false);
        } catch (ApiError e) {
            return e.response();
        }
        if (!auth.isAdminToken(token)) {
            // the address only: what was typed may be a password for something else
            log.warn("moderator page login refused from {}: wrong admin token", remote);
            return HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "wrong admin token: the router refused it");
        }
        // a new id at every login, so that an id planted before the login is worth nothing after it
        String old = AdminAuth.sessionId(req);
        if (old != null) {
            auth.sessions().end(old);
        }
        AdminSessions.Created c = auth.sessions().create(cleanName(moderator));
        log.info("moderator page login from {} as {}", remote,
                c.session().moderator().isEmpty() ? "(no name)" : c.session().moderator());
        FullHttpResponse r = HttpServer.json(HttpResponseStatus.OK, describe(c.session()).toString());
        r.headers().add(HttpHeaderNames.SET_COOKIE, cookie(c.id(), tls, false));
        return r;
    }

    private FullHttpResponse session(FullHttpRequest req) {
        AdminAuth.Verdict v = auth.check(stripAuthorization(req));
        if (v.refusal() != null) {
            return v.refusal();
        }
        if (v.via() != AdminAuth.Via.SESSION) {
            return HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "not logged in: POST /moderation/login with the admin token");
        }
        return HttpServer.json(HttpResponseStatus.OK, describe(v.session()).toString());
    }

    private FullHttpResponse logout(FullHttpRequest req, boolean tls) {
        String id = AdminAuth.sessionId(req);
        if (id != null && auth.sessions().find(id) != null) {
            // any session, an account's too (the campaign page's), ends here with the same CSRF checks
            AdminAuth.Verdict v = auth.checkSession(req);
            if (v.refusal() != null) {
                return v.refusal();
            }
            auth.sessions().end(id);
            log.info("moderator page logout of {}", v.moderator().isEmpty() ? "(no name)" : v.moderator());
        }
        ObjectNode o = json.createObjectNode();
        o.put("loggedOut", true);
        FullHttpResponse r = HttpServer.json(HttpResponseStatus.OK, o.toString());
        r.headers().add(HttpHeaderNames.SET_COOKIE, cookie("", tls, true));
        return r;
    }

    /** The session endpoints answer for the cookie alone, whatever Authorization the request has. */
    private static FullHttpRequest stripAuthorization(FullHttpRequest req) {
        if (!req.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
            return req;
        }
        FullHttpRequest copy = req.duplicate();
        copy.headers().remove(HttpHeaderNames.AUTHORIZATION);
        return copy;
    }

    private ObjectNode describe(AdminSessions.Session s) {
        ObjectNode o = json.createObjectNode();
        o.put("moderator", s.moderator());
        o.put("csrfToken", s.csrfToken());
        o.put("expiresAt", Instant.ofEpochMilli(auth.sessions().expiresAtMs(s)).toString());
        o.put("idleSeconds", auth.sessions().settings().idle().toSeconds());
        return o;
    }

    static String cookie(String value, boolean secure, boolean clear) {
        DefaultCookie c = new DefaultCookie(AdminSessions.COOKIE, value);
        c.setPath("/");
        c.setHttpOnly(true);
        c.setSameSite(CookieHeaderNames.SameSite.Strict);
        c.setSecure(secure);
        if (clear) {
            c.setMaxAge(0);
        }
        return ServerCookieEncoder.STRICT.encode(c);
    }

    /** Trimmed, control characters dropped, at most 64 characters. */
    private static String cleanName(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        name.trim().codePoints().filter(cp -> !Character.isISOControl(cp)).limit(MAX_MODERATOR)
                .forEach(b::appendCodePoint);
        return b.toString();
    }

    private static FullHttpResponse resourceResponse(HttpMethod method, byte[] content, String type, String what,
                                                     boolean page) {
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
        if (page) {
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            r.headers().set("Content-Security-Policy", CSP);
            r.headers().set("X-Frame-Options", "DENY");
        }
        return r;
    }

    static FullHttpResponse noStore(FullHttpResponse r) {
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().set("X-Content-Type-Options", "nosniff");
        return r;
    }

    static FullHttpResponse methodNotAllowed(String use) {
        return HttpServer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use " + use);
    }

    static byte[] resource(String name) {
        try (InputStream in = ModerationPage.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
