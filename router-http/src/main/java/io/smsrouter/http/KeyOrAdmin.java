package io.smsrouter.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.smsrouter.core.account.Account;

/**
 * The authorization of endpoints that take an account's API key or the admin (opt-outs, balances,
 * the SMS log): the admin as {@link AdminAuth} decides (the token, or the moderator page's session
 * with its CSRF checks), else the key looked up.
 */
final class KeyOrAdmin {

    /**
     * The caller: the admin ({@code account} null) or an account; or, with {@code refusal} set, a
     * request to answer with that refusal (a moderator session that ended, a failed CSRF check).
     */
    record Caller(Account account, FullHttpResponse refusal) {
        boolean admin() {
            return account == null && refusal == null;
        }
    }

    private static final Caller ADMIN = new Caller(null, null);

    private final MessageApi keys;
    private final AdminAuth admin;

    KeyOrAdmin(MessageApi keys, AdminAuth admin) {
        this.keys = keys;
        this.admin = admin;
    }

    /** Who calls, or null when the request carries neither a known key nor the admin's credentials. */
    Caller caller(FullHttpRequest req) {
        AdminAuth.Verdict v = admin.check(req);
        if (v.refusal() != null) {
            return new Caller(null, v.refusal());
        }
        if (v.admin()) {
            return ADMIN;
        }
        Account account = keys.account(req);
        return account == null ? null : new Caller(account, null);
    }

    static FullHttpResponse unauthorized() {
        return HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "this endpoint needs the account's API key or the admin token: Authorization: Bearer <key>");
    }
}
