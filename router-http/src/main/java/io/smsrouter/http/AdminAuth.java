package io.smsrouter.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;


/**
 * Whether a request comes from the admin, in one place for every endpoint the admin may call
 * (moderation, accounts, opt-outs, balances, the SMS log). Two ways in:
 * <ul>
 * <li>{@code Authorization: Bearer <admin.token>}, for API clients. A browser cannot attach such a
 *     header to a cross-site request without a CORS preflight, which this server never grants, so
 *     these requests need no CSRF defence and work as they always did. When a request carries an
 *     {@code Authorization} header its cookies are ignored.</li>
 * <li>the moderator page's session cookie ({@link AdminSessions}): valid only while the session
 *     lives; refused (403 {@code csrf_failed}) when the browser says it comes from another site
 *     ({@code Sec-Fetch-Site: cross-site} or {@code same-site}, or an {@code Origin} that is not this
 *     server's {@code Host}); and on every method other than GET and HEAD it needs the session's
 *     synchronizer token in {@code X-CSRF-Token}, compared in constant time (403
 *     {@code csrf_failed} when missing or wrong). An unknown or expired session is 401
 *     {@code unauthorized}, as a missing token is.</li>
 * </ul>
 * The admin token (plain or hashed in the config) is looked up by keyed hash ({@link ApiAuth}).
 */
final class AdminAuth {
    static final String CSRF_HEADER = "X-CSRF-Token";

    /** How the admin proved itself. */
    enum Via { TOKEN, SESSION }

    /**
     * The outcome: {@code via} set for the admin, {@code refusal} set for a request to refuse as it
     * is (a dead session, a failed CSRF check), neither for a request without admin credentials
     * (which may still carry an account's key).
     */
    record Verdict(Via via, AdminSessions.Session session, FullHttpResponse refusal) {
        /** True for the admin: its token, or a session that is not bound to an account. */
        boolean admin() {
            return via != null && (session == null || session.account() == null);
        }

        /**
         * The answer to a request for an admin-only endpoint that this caller may not use (its
         * refusal, or 401 without admin credentials); null for the admin.
         */
        FullHttpResponse unlessAdmin() {
            if (refusal != null) {
                return refusal;
            }
            return admin() ? null : HttpServer.error(io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED,
                    "unauthorized", "this endpoint needs the admin token: Authorization: Bearer <admin.token>");
        }

        /** The moderator name of the session ("" for the token or a session without a name). */
        String moderator() {
            return session == null ? "" : session.moderator();
        }
    }

    static final Verdict NOT_ADMIN = new Verdict(null, null, null);
    private static final Verdict TOKEN = new Verdict(Via.TOKEN, null, null);

    private final ApiAuth tokens;
    private final AdminSessions sessions;

    /** {@code tokens}: the admin token, plain or hashed, looked up by keyed hash. */
    AdminAuth(ApiAuth tokens, AdminSessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    AdminSessions sessions() {
        return sessions;
    }

    /**
     * True when {@code token} is the admin token: a keyed-hash lookup, so its time says nothing about
     * the token; a hashed token is known here once the HTTP gate has verified it.
     */
    boolean isAdminToken(String token) {
        return tokens.isAdmin(token);
    }

    /**
     * Who sends the request, as far as the admin is concerned. A session bound to an account (the
     * campaign page's login with an API key) is no admin: {@link #NOT_ADMIN}.
     */
    Verdict check(FullHttpRequest req) {
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            return isAdminToken(ApiAuth.bearer(req)) ? TOKEN : NOT_ADMIN;
        }
        Verdict v = checkSession(req);
        return v.session() != null && v.session().account() != null ? NOT_ADMIN : v;
    }

    /**
     * The request's session cookie, whoever logged in (the admin or an account), with the same
     * checks as {@link #check}: {@link #NOT_ADMIN} without a cookie, a refusal for a dead session or
     * a failed cross-site or CSRF check, else {@link Via#SESSION} and the session (whose
     * {@link AdminSessions.Session#account()} says whether it is an account's). Ignores
     * {@code Authorization}.
     */
    Verdict checkSession(FullHttpRequest req) {
        String id = sessionId(req);
        if (id == null) {
            return NOT_ADMIN;
        }
        AdminSessions.Session s = sessions.find(id);
        if (s == null) {
            return new Verdict(null, null, HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "the moderator session is unknown or has ended (logged out, idle or too old): log in again at "
                            + "/moderation, or send Authorization: Bearer <admin.token>"));
        }
        String foreign = crossSite(req);
        if (foreign != null) {
            return new Verdict(null, null, csrfFailed(foreign));
        }
        if (!safe(req.method()) && !s.csrfMatches(req.headers().get(CSRF_HEADER))) {
            return new Verdict(null, null, csrfFailed("this request needs the session's CSRF token in the "
                    + CSRF_HEADER + " header (from the login answer or GET /moderation/session)"));
        }
        return new Verdict(Via.SESSION, s, null);
    }

    static FullHttpResponse csrfFailed(String why) {
        return HttpServer.error(HttpResponseStatus.FORBIDDEN, "csrf_failed", why);
    }

    static boolean safe(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD;
    }

    /** The session cookie's value, or null. */
    static String sessionId(FullHttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(header)) {
            if (c.name().equals(AdminSessions.COOKIE)) {
                return c.value();
            }
        }
        return null;
    }

    /**
     * Why the browser's own headers say this request comes from another site, or null. Browsers
     * send {@code Sec-Fetch-Site} and {@code Origin} on their own and scripts cannot forge them;
     * clients that send neither (curl, programs) are not browsers and cannot be tricked into a
     * request. The scheme of {@code Origin} is not compared: behind a proxy that ends TLS the
     * router sees plain HTTP while the browser's origin is https.
     */
    static String crossSite(FullHttpRequest req) {
        String site = req.headers().get("Sec-Fetch-Site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            return "the browser says this request comes from another site (Sec-Fetch-Site: "
                    + (site.equalsIgnoreCase("cross-site") ? "cross-site" : "same-site") + "); refused";
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return null;
        }
        String host = req.headers().get(HttpHeaderNames.HOST);
        String authority = origin.startsWith("https://") ? origin.substring(8)
                : origin.startsWith("http://") ? origin.substring(7) : null;
        if (authority == null || host == null || !authority.equalsIgnoreCase(host.trim())) {
            return "the request's Origin is not this server (Host); cross-site requests are refused";
        }
        return null;
    }

    @Override
    public String toString() {
        return "AdminAuth[token=***]";
    }
}
