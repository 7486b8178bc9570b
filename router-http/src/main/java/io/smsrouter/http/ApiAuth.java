package io.smsrouter.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Secret;
import io.smsrouter.core.account.SecretVerifier;

import java.util.concurrent.CompletableFuture;

/**
 * Who a bearer token is: the admin ({@code admin.token}) or an account (its {@code apiKey}), either
 * configured plain or hashed ({@link Secret}). The lookups here answer at once (a keyed hash of the
 * token and a map lookup, {@link SecretVerifier}); a token that only a slow hash check can place is
 * first {@link #verify verified} off the event loop by the caller ({@link HttpServer}'s gate), after
 * which it is known here if it was right. A wrong token is never remembered.
 */
final class ApiAuth {

    private static final String ADMIN_SCOPE = "admin";

    private final AccountRegistry accounts;
    private final SecretVerifier verifier;
    private final Secret admin;

    ApiAuth(AccountRegistry accounts, String adminToken) {
        this.accounts = accounts;
        this.verifier = accounts.verifier();
        this.admin = Secret.parse(adminToken);
        if (!admin.hashed()) {
            verifier.remember(ADMIN_SCOPE, adminToken, Boolean.TRUE);
        }
    }

    /** The token of {@code Authorization: Bearer <token>} (scheme in any case), or null. */
    static String bearer(FullHttpRequest req) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || h.length() <= 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String t = h.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    boolean isAdmin(String token) {
        return token != null && verifier.verified(ADMIN_SCOPE, token) != null;
    }

    boolean isAdmin(FullHttpRequest req) {
        return isAdmin(bearer(req));
    }

    /** True when some account's requests are limited to its {@code allowedIps}. */
    boolean anyAllowList() {
        return accounts.anyAllowList();
    }

    /** The account whose API key {@code token} is, or null (also for a hashed key not verified yet). */
    Account account(String token) {
        return accounts.apiKeyAccount(token);
    }

    /** The account of this id, or null when the config has none (any more). */
    Account accountById(String id) {
        return accounts.get(id);
    }

    /** True when {@code token} is not known at once but a hashed admin token or API key might be it. */
    boolean needsVerification(String token) {
        // the usual config (nothing hashed) costs no lookup here
        if (token == null || (!admin.hashed() && !accounts.anyHashedApiKey()) || isAdmin(token)
                || account(token) != null) {
            return false;
        }
        return admin.hashed() || accounts.apiKeyNeedsVerification(token);
    }

    /**
     * Checks {@code token} against the hashed admin token and API keys on the verifier's thread; when
     * the future completes normally, {@link #isAdmin} and {@link #account} know the answer. Completes
     * exceptionally at once when the verifier is busy.
     */
    CompletableFuture<Void> verify(String token) {
        return verifier.submit(() -> {
            if (admin.hashed() && !isAdmin(token) && admin.matches(token)) {
                verifier.remember(ADMIN_SCOPE, token, Boolean.TRUE);
                return null;
            }
            accounts.verifyApiKeyNow(token);
            return null;
        });
    }
}
