package io.smsrouter.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.smsrouter.core.account.Account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The authorization of endpoints that take an account's API key or the admin token (opt-outs,
 * balances, the SMS log): the admin token compared in constant time, the key looked up.
 */
final class KeyOrAdmin {

    /** The caller: the admin ({@code account} null) or an account. */
    record Caller(Account account) {
        boolean admin() {
            return account == null;
        }
    }

    private static final Caller ADMIN = new Caller(null);

    private final MessageApi keys;
    private final byte[] adminHeader;

    KeyOrAdmin(MessageApi keys, String adminToken) {
        this.keys = keys;
        this.adminHeader = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
    }

    /** Who calls, or null when the request carries neither a known key nor the admin token. */
    Caller caller(FullHttpRequest req) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h != null && MessageDigest.isEqual(adminHeader, h.getBytes(StandardCharsets.UTF_8))) {
            return ADMIN;
        }
        Account account = keys.account(req);
        return account == null ? null : new Caller(account);
    }

    static FullHttpResponse unauthorized() {
        return HttpServer.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "this endpoint needs the account's API key or the admin token: Authorization: Bearer <key>");
    }
}
