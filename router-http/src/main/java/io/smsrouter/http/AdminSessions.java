package io.smsrouter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * The login sessions of the router's pages, in memory (a restart logs everyone out). A session is
 * created by logging in with the admin token (the moderator page, or the campaign page), or with an
 * account's API key (the campaign page only: such a session is bound to that account and is never
 * the admin's); the browser then holds only its id, in an {@code HttpOnly} cookie, never the token. Each session carries a synchronizer token against
 * cross-site request forgery, which the page sends back in {@code X-CSRF-Token} on every
 * state-changing request.
 *
 * <p>A session ends after {@link Settings#idle()} without a request, after
 * {@link Settings#lifetime()} whatever happens, on logout, or when {@value #MAX_SESSIONS} newer
 * ones push it out (accounts' sessions go first, and one account keeps at most
 * {@value #MAX_PER_ACCOUNT}). Ids and CSRF tokens are 256 random bits from {@link SecureRandom}. The table is
 * keyed by the SHA-256 of the id, so neither a lookup's timing nor a heap dump gives out a usable
 * id. The few calls (logins, page requests) take a lock; none is on a message path.
 */
final class AdminSessions {
    /** The cookie that carries the session id. */
    static final String COOKIE = "smsrouter_session";
    /** Most sessions at once; a login beyond it ends the least recently used one. */
    static final int MAX_SESSIONS = 1000;
    /** Most live sessions of one account (its page logins); one more ends its least recently used. */
    static final int MAX_PER_ACCOUNT = 16;
    private static final int ID_BYTES = 32;

    /**
     * @param idle     a session unused this long ends
     * @param lifetime a session ends this long after its login, in use or not
     */
    record Settings(Duration idle, Duration lifetime) {
        static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
        static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

        Settings {
            if (idle.isNegative() || idle.isZero() || lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("session durations must be positive: idle " + idle
                        + ", lifetime " + lifetime);
            }
        }

        static Settings defaults() {
            return new Settings(DEFAULT_IDLE, DEFAULT_LIFETIME);
        }
    }

    /**
     * A logged-in admin (a moderator) or account. Its id is not kept here, only the id's hash (the
     * table's key).
     */
    static final class Session {
        private final String csrfToken;
        private final byte[] csrfBytes;
        private final String moderator;
        private final String account;
        private final long createdMs;
        private long lastSeenMs;

        private Session(String csrfToken, String moderator, String account, long createdMs) {
            this.csrfToken = csrfToken;
            this.csrfBytes = csrfToken.getBytes(StandardCharsets.US_ASCII);
            this.moderator = moderator;
            this.account = account;
            this.createdMs = createdMs;
            this.lastSeenMs = createdMs;
        }

        String csrfToken() {
            return csrfToken;
        }

        /** The name given at login ("" for none), recorded with the moderator's decisions. */
        String moderator() {
            return moderator;
        }

        /** The id of the account that logged in with its API key; null for the admin's session. */
        String account() {
            return account;
        }

        long createdMs() {
            return createdMs;
        }

        /** True when {@code token} is this session's CSRF token, compared in constant time. */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(csrfBytes, token.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A new session and its id, which goes into the cookie and nowhere else. */
    record Created(String id, Session session) {
        @Override
        public String toString() {
            return "Created[id=***]";
        }
    }

    private final Settings settings;
    private final LongSupplier clockMs;
    private final SecureRandom random = new SecureRandom();
    /** SHA-256 of the id (base64) → session, least recently used first. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    AdminSessions(Settings settings) {
        this(settings, System::currentTimeMillis);
    }

    AdminSessions(Settings settings, LongSupplier clockMs) {
        this.settings = settings;
        this.clockMs = clockMs;
    }

    Settings settings() {
        return settings;
    }

    /** Starts a session for a moderator who gave the admin token. */
    Created create(String moderator) {
        return create(moderator == null ? "" : moderator, null);
    }

    /** Starts a session bound to an account whose API key was given: it never counts as the admin. */
    Created createForAccount(String accountId) {
        return create("", java.util.Objects.requireNonNull(accountId, "accountId"));
    }

    /**
     * Makes room first. An account's logins cannot push the admin's sessions out: beyond
     * {@value #MAX_PER_ACCOUNT} live sessions of one account its least recently used one ends, and
     * a full table ends the least recently used account session before any of the admin's (which
     * go only when the table holds nothing else).
     */
    private synchronized Created create(String moderator, String account) {
        long now = clockMs.getAsLong();
        purge(now);
        if (account != null) {
            int mine = 0;
            for (Session s : sessions.values()) {
                if (account.equals(s.account)) {
                    mine++;
                }
            }
            // least recently used first
            for (Iterator<Session> it = sessions.values().iterator(); mine >= MAX_PER_ACCOUNT && it.hasNext(); ) {
                if (account.equals(it.next().account)) {
                    it.remove();
                    mine--;
                }
            }
        }
        while (sessions.size() >= MAX_SESSIONS) {
            if (!removeEldestAccountSession()) {
                Iterator<Session> eldest = sessions.values().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        String id = randomToken();
        Session s = new Session(randomToken(), moderator, account, now);
        sessions.put(hash(id), s);
        return new Created(id, s);
    }

    private boolean removeEldestAccountSession() {
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (it.next().account != null) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** The live session of this id (and it counts as used now), or null: unknown, ended or expired. */
    synchronized Session find(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return null;
        }
        String key = hash(id);
        Session s = sessions.get(key);
        if (s == null) {
            return null;
        }
        long now = clockMs.getAsLong();
        if (expired(s, now)) {
            sessions.remove(key);
            return null;
        }
        s.lastSeenMs = now;
        return s;
    }

    /** When this session ends unless used again (the earlier of the idle and the absolute end). */
    synchronized long expiresAtMs(Session s) {
        return Math.min(s.lastSeenMs + settings.idle().toMillis(), s.createdMs + settings.lifetime().toMillis());
    }

    /** Ends the session of this id; false when there was none. */
    synchronized boolean end(String id) {
        return id != null && sessions.remove(hash(id)) != null;
    }

    /** Live sessions (expired ones are dropped first). */
    synchronized int size() {
        purge(clockMs.getAsLong());
        return sessions.size();
    }

    private boolean expired(Session s, long now) {
        return now - s.lastSeenMs >= settings.idle().toMillis() || now - s.createdMs >= settings.lifetime().toMillis();
    }

    private void purge(long now) {
        sessions.values().removeIf(s -> expired(s, now));
    }

    private String randomToken() {
        byte[] b = new byte[ID_BYTES];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hash(String id) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AdminSessions[idle=" + settings.idle() + ", lifetime=" + settings.lifetime() + "]";
    }
}
