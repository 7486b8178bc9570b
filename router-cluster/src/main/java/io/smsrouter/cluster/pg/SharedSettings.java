package io.smsrouter.cluster.pg;

import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.template.Template;
import io.smsrouter.core.template.TemplateException;
import io.smsrouter.core.template.TemplateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Templates and accounts' moderation modes set through the API, shared by every node through
 * PostgreSQL (issue 12 item 8; tables in {@code V6__templates_settings.sql}).
 *
 * <p>Reads are answered from memory: everything is loaded at {@link #open}, then a thread asks
 * every {@value #POLL_MS} ms for the rows changed since (each change takes the next
 * {@code settings_version}; rows changed in the last {@value #LOOKBACK_S} s are read again, for
 * transactions that committed out of order), so a change on one node is in force on the others
 * within about half a second. A change is written to PostgreSQL first (one attempt, about 2 s at
 * most when it is down) and answers {@link io.smsrouter.core.cluster.ClusterUnavailableException}
 * when it cannot; reads keep answering from memory while PostgreSQL is down.
 */
public final class SharedSettings implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedSettings.class);
    static final long POLL_MS = 500;
    static final int LOOKBACK_S = 10;

    /** A template in memory with the version of its row. */
    private record Entry(Template template, long version) {
    }

    private final PgStore pg;
    private final Moderator moderator;
    /** account → name → template; a deleted one is kept with a null template (its version counts). */
    private final Map<String, Map<String, Entry>> templates = new ConcurrentHashMap<>();
    private final Map<String, Long> modeVersions = new ConcurrentHashMap<>();
    private volatile long seenTemplates;
    private volatile long seenModes;
    private volatile boolean running = true;
    private volatile boolean failing;
    private Thread poller;

    public SharedSettings(PgStore pg, Moderator moderator) {
        this.pg = pg;
        this.moderator = moderator;
    }

    /** Loads every template and mode, puts the modes in force, shares changes from now on, polls. */
    public void open() {
        poll(true);
        moderator.modeStore(this::saveMode);
        poller = new Thread(this::pollLoop, "cluster-settings");
        poller.setDaemon(true);
        poller.start();
    }

    /** The store of one account's templates. */
    public TemplateStore templates(String accountId) {
        return new Store(accountId);
    }

    private Map<String, Entry> of(String accountId) {
        return templates.computeIfAbsent(accountId, a -> new ConcurrentHashMap<>());
    }

    // ---------------------------------------------------------------- polling

    private void pollLoop() {
        while (running) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                poll(false);
                if (failing) {
                    failing = false;
                    log.info("cluster: templates and account settings read from PostgreSQL again");
                }
            } catch (RuntimeException e) {
                if (!failing && running) {
                    failing = true;
                    log.warn("cluster: templates and account settings cannot be read from PostgreSQL ({}); "
                            + "answering from memory until it is back", e.getMessage());
                }
            }
        }
    }

    private void poll(boolean all) {
        long t = seenTemplates;
        long m = seenModes;
        pg.inTransactionOnce(c -> {
            readTemplates(c, all, t);
            readModes(c, all, m);
            return null;
        });
    }

    private void readTemplates(Connection c, boolean all, long since) throws SQLException {
        String sql = "SELECT account_id, name, source, deleted, version FROM templates"
                + (all ? "" : " WHERE version > ? OR changed_at > clock_timestamp() - interval '" + LOOKBACK_S
                + " seconds'");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (!all) {
                s.setLong(1, since);
            }
            try (ResultSet r = s.executeQuery()) {
                long max = since;
                while (r.next()) {
                    long version = r.getLong(5);
                    max = Math.max(max, version);
                    apply(r.getString(1), r.getString(2), r.getBoolean(4) ? null : r.getString(3), version);
                }
                seenTemplates = Math.max(seenTemplates, max);
            }
        }
    }

    /** Puts a row in memory unless what is there is as new; null source: deleted. */
    private void apply(String accountId, String name, String source, long version) {
        Map<String, Entry> m = of(accountId);
        Entry now = m.get(name);
        if (now != null && now.version >= version) {
            return;
        }
        Template t = null;
        if (source != null) {
            try {
                t = Template.compile(name, source);
            } catch (TemplateException e) {
                // it compiled on the node that stored it: a newer router's syntax; keep it out
                log.error("cluster: template {} of account {} does not compile here: {}", name, accountId,
                        e.getMessage());
            }
        }
        Entry next = new Entry(t, version);
        m.merge(name, next, (a, b) -> a.version >= b.version ? a : b);
    }

    private void readModes(Connection c, boolean all, long since) throws SQLException {
        String sql = "SELECT account_id, moderation, version FROM account_settings"
                + (all ? "" : " WHERE version > ? OR changed_at > clock_timestamp() - interval '" + LOOKBACK_S
                + " seconds'");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (!all) {
                s.setLong(1, since);
            }
            try (ResultSet r = s.executeQuery()) {
                long max = since;
                while (r.next()) {
                    long version = r.getLong(3);
                    max = Math.max(max, version);
                    applyMode(r.getString(1), r.getString(2), version);
                }
                seenModes = Math.max(seenModes, max);
            }
        }
    }

    private synchronized void applyMode(String accountId, String mode, long version) {
        Long now = modeVersions.get(accountId);
        if (mode == null || (now != null && now >= version)) {
            return;
        }
        Moderation m;
        try {
            m = Moderation.parse(mode);
        } catch (IllegalArgumentException e) {
            log.error("cluster: account {} has an unknown moderation mode \"{}\" in PostgreSQL", accountId, mode);
            return;
        }
        modeVersions.put(accountId, version);
        moderator.setMode(accountId, m);
        log.info("moderation mode of account {} set to {} (shared by the cluster)", accountId, m);
    }

    // ---------------------------------------------------------------- changes

    private void saveMode(String accountId, Moderation mode) {
        long version = pg.inTransactionOnce(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO account_settings (account_id, moderation, "
                    + "version, changed_at) VALUES (?, ?, nextval('settings_version'), clock_timestamp()) "
                    + "ON CONFLICT (account_id) DO UPDATE SET moderation = excluded.moderation, "
                    + "version = excluded.version, changed_at = excluded.changed_at RETURNING version")) {
                s.setString(1, accountId);
                s.setString(2, mode.name().toLowerCase(Locale.ROOT));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
        synchronized (this) {
            Long now = modeVersions.get(accountId);
            if (now == null || now < version) {
                modeVersions.put(accountId, version);
            }
        }
        // the caller (Moderator.change) puts the mode in force here
    }

    /** One account's templates: in memory, changed through PostgreSQL. */
    private final class Store implements TemplateStore {
        private final String accountId;

        Store(String accountId) {
            this.accountId = accountId;
        }

        @Override
        public Template put(String name, String source) {
            if (!TemplateStore.isValidName(name)) {
                throw new IllegalArgumentException("template name \"" + name + "\" must match " + NAME_RULE);
            }
            Template t = Template.compile(name, source); // a TemplateException: nothing stored
            long version = pg.inTransactionOnce(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO templates (account_id, name, source, "
                        + "deleted, version, changed_at) VALUES (?, ?, ?, false, nextval('settings_version'), "
                        + "clock_timestamp()) ON CONFLICT (account_id, name) DO UPDATE SET source = excluded.source, "
                        + "deleted = false, version = excluded.version, changed_at = excluded.changed_at "
                        + "RETURNING version")) {
                    s.setString(1, accountId);
                    s.setString(2, name);
                    s.setString(3, source);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        return r.getLong(1);
                    }
                }
            });
            of(accountId).merge(name, new Entry(t, version), (a, b) -> a.version >= b.version ? a : b);
            return t;
        }

        @Override
        public Optional<Template> get(String name) {
            Map<String, Entry> m = templates.get(accountId);
            Entry e = m == null ? null : m.get(name);
            return e == null ? Optional.empty() : Optional.ofNullable(e.template);
        }

        @Override
        public boolean remove(String name) {
            if (!TemplateStore.isValidName(name)) {
                return false;
            }
            Long version = pg.inTransactionOnce(c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE templates SET deleted = true, "
                        + "version = nextval('settings_version'), changed_at = clock_timestamp() "
                        + "WHERE account_id = ? AND name = ? AND NOT deleted RETURNING version")) {
                    s.setString(1, accountId);
                    s.setString(2, name);
                    try (ResultSet r = s.executeQuery()) {
                        return r.next() ? r.getLong(1) : null;
                    }
                }
            });
            if (version == null) {
                return false;
            }
            of(accountId).merge(name, new Entry(null, version), (a, b) -> a.version >= b.version ? a : b);
            return true;
        }

        @Override
        public List<Template> all() {
            Map<String, Entry> m = templates.get(accountId);
            if (m == null) {
                return List.of();
            }
            return m.values().stream().map(Entry::template).filter(t -> t != null)
                    .sorted(Comparator.comparing(Template::name)).toList();
        }
    }

    @Override
    public void close() {
        running = false;
        moderator.modeStore(null);
        Thread t = poller;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
