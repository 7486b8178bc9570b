package io.smsrouter.core.account;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The configured accounts, looked up by SMPP system_id, and the checks of their secrets. Immutable
 * but for the {@link SecretVerifier}'s memory of secrets already verified.
 *
 * <p>Two speeds: {@link #checkPassword} and {@link #apiKeyAccount} answer at once (a plain secret,
 * or a hashed one verified before) and may be called on an event loop; a hashed secret not seen
 * before needs {@link #verifyPassword} / {@link #verifyApiKey}, which run on the verifier's thread.
 */
public final class AccountRegistry {

    /** Outcome of a bind attempt's credential check. */
    public enum AuthResult { OK, UNKNOWN_SYSTEM_ID, WRONG_PASSWORD }

    /** What the quick check of a password can say. */
    public enum Check {
        OK, WRONG,
        /** a hashed password not verified before: only {@link #verifyPassword} can tell */
        NEEDS_VERIFICATION
    }

    private static final String API_SCOPE = "api";

    private final Map<String, Account> byId;
    private final Map<String, Secret> passwords = new HashMap<>();
    /** Accounts whose API key is configured as a hash, with it. */
    private final Map<Account, Secret> hashedKeys = new LinkedHashMap<>();
    private final SecretVerifier verifier = new SecretVerifier();
    private final boolean anyAllowList;

    /** @throws IllegalArgumentException when a password or key has the hash prefix but not its form */
    public AccountRegistry(List<Account> accounts) {
        Map<String, Account> m = new LinkedHashMap<>();
        for (Account a : accounts) {
            m.put(a.id(), a);
            Secret pw = Secret.parse(a.password());
            passwords.put(a.id(), pw);
            if (!pw.hashed()) {
                verifier.remember(passwordScope(a), a.password(), a);
            }
            if (a.apiKey() != null && !a.apiKey().isEmpty()) {
                Secret key = Secret.parse(a.apiKey());
                if (key.hashed()) {
                    hashedKeys.put(a, key);
                } else {
                    verifier.remember(API_SCOPE, a.apiKey(), a);
                }
            }
        }
        this.byId = Map.copyOf(m);
        this.anyAllowList = accounts.stream().anyMatch(a -> !a.allowedIps().allowsAny());
    }

    private static String passwordScope(Account a) {
        return "smpp:" + a.id();
    }

    public Account get(String id) {
        return byId.get(id);
    }

    public Collection<Account> all() {
        return byId.values();
    }

    /** The verifier shared by every check of this router (also the admin token's). */
    public SecretVerifier verifier() {
        return verifier;
    }

    /** The whole check, however slow (a hashed password not verified before): not for an event loop. */
    public AuthResult authenticate(String systemId, String password) {
        Account a = byId.get(systemId);
        if (a == null) {
            return AuthResult.UNKNOWN_SYSTEM_ID;
        }
        Check c = checkPassword(a, password);
        if (c == Check.NEEDS_VERIFICATION) {
            c = verifyNow(a, password) ? Check.OK : Check.WRONG;
        }
        return c == Check.OK ? AuthResult.OK : AuthResult.WRONG_PASSWORD;
    }

    /**
     * At once: OK when {@code password} is {@code a}'s (a plain password, compared through its keyed
     * hash, or a hashed one verified before), WRONG when it cannot be, else NEEDS_VERIFICATION.
     */
    public Check checkPassword(Account a, String password) {
        if (verifier.verified(passwordScope(a), password) != null) {
            return Check.OK;
        }
        Secret s = passwords.get(a.id());
        return s != null && s.hashed() ? Check.NEEDS_VERIFICATION : Check.WRONG;
    }

    /** The slow check of a hashed password on the verifier thread; a success is remembered. */
    public CompletableFuture<Boolean> verifyPassword(Account a, String password) {
        return verifier.submit(() -> checkPassword(a, password) == Check.OK || verifyNow(a, password));
    }

    private boolean verifyNow(Account a, String password) {
        Secret s = passwords.get(a.id());
        boolean ok = s != null && s.matches(password);
        if (ok) {
            verifier.remember(passwordScope(a), password, a);
        }
        return ok;
    }

    /** At once: the account whose key {@code presented} is (plain, or hashed and verified before), or null. */
    public Account apiKeyAccount(String presented) {
        return presented == null ? null : verifier.verified(API_SCOPE, presented);
    }

    /** True when {@code presented} is no known key yet some keys are hashed: only {@link #verifyApiKey} can tell. */
    public boolean apiKeyNeedsVerification(String presented) {
        return presented != null && !hashedKeys.isEmpty() && apiKeyAccount(presented) == null;
    }

    /**
     * The slow check of a key against every hashed key (one PBKDF2 each) on the verifier thread;
     * the account, remembered, or null.
     */
    public CompletableFuture<Account> verifyApiKey(String presented) {
        return verifier.submit(() -> verifyApiKeyNow(presented));
    }

    /** {@link #verifyApiKey} on the calling thread: for a task already on the verifier's thread. */
    public Account verifyApiKeyNow(String presented) {
        Account known = apiKeyAccount(presented);
        if (known != null) {
            return known;
        }
        for (Map.Entry<Account, Secret> e : hashedKeys.entrySet()) {
            if (e.getValue().matches(presented)) {
                verifier.remember(API_SCOPE, presented, e.getKey());
                return e.getKey();
            }
        }
        return null;
    }

    /** True when some account's API key is configured as a hash. */
    public boolean anyHashedApiKey() {
        return !hashedKeys.isEmpty();
    }

    /** True when some account has an {@code allowedIps} list. */
    public boolean anyAllowList() {
        return anyAllowList;
    }

    /** Accounts whose API key is configured as a hash. */
    public List<Account> hashedKeyAccounts() {
        return new ArrayList<>(hashedKeys.keySet());
    }
}
