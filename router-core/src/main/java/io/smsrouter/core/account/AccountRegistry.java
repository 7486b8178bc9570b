package io.smsrouter.core.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configured accounts, looked up by SMPP system_id. Immutable. */
public final class AccountRegistry {

    /** Outcome of a bind attempt's credential check. */
    public enum AuthResult { OK, UNKNOWN_SYSTEM_ID, WRONG_PASSWORD }

    private final Map<String, Account> byId;

    public AccountRegistry(List<Account> accounts) {
        Map<String, Account> m = new LinkedHashMap<>();
        for (Account a : accounts) {
            m.put(a.id(), a);
        }
        this.byId = Map.copyOf(m);
    }

    public Account get(String id) {
        return byId.get(id);
    }

    public Collection<Account> all() {
        return byId.values();
    }

    public AuthResult authenticate(String systemId, String password) {
        Account a = byId.get(systemId);
        if (a == null) {
            return AuthResult.UNKNOWN_SYSTEM_ID;
        }
        // constant-time comparison: the time taken says nothing about how much of the password matched
        boolean ok = MessageDigest.isEqual(a.password().getBytes(StandardCharsets.UTF_8),
                (password == null ? "" : password).getBytes(StandardCharsets.UTF_8));
        return ok ? AuthResult.OK : AuthResult.WRONG_PASSWORD;
    }
}
