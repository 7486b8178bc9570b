package io.smsrouter.cluster.pg;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.smsrouter.core.cluster.ClusterUnavailableException;
import io.smsrouter.server.config.ClusterConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;

/**
 * A node's connection to the cluster's shared PostgreSQL ({@code cluster.postgres}, issue 12): a
 * small HikariCP pool, the schema migrated by Flyway at {@link #open} (migrations in
 * {@code router-cluster/src/main/resources/io/smsrouter/cluster/db/}, {@code V1} the nodes table,
 * then one number per feature; nodes that start together take Flyway's lock in turn), and
 * {@link #inTransaction} for work that must be retried on a serialization failure or a lost
 * connection.
 *
 * <p>Waiting for a connection is bounded ({@value #CONNECTION_TIMEOUT_MS} ms to get one from the
 * pool, {@value #CONNECT_TIMEOUT_S} s to open one), so a dead PostgreSQL is a quick
 * {@link PgUnavailableException}, never a hang on a hot path. The password is never logged nor
 * put in a message.
 */
public final class PgStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgStore.class);
    /** Where the Flyway migrations are. */
    public static final String MIGRATIONS = "classpath:io/smsrouter/cluster/db";
    static final long CONNECTION_TIMEOUT_MS = 2_000;
    static final int CONNECT_TIMEOUT_S = 2;
    /** A statement that takes longer than this (PostgreSQL hung, a network cut) fails; seconds. */
    static final int SOCKET_TIMEOUT_S = 30;
    static final int POOL_SIZE = 6;
    /** How often {@link #inTransaction} tries work whose failure is transient. */
    static final int ATTEMPTS = 3;

    private final HikariDataSource pool;
    private final String nodeId;
    private final String url;

    private PgStore(HikariDataSource pool, String nodeId, String url) {
        this.pool = pool;
        this.nodeId = nodeId;
        this.url = url;
    }

    /**
     * Connects (once first, so that a bad URL or credentials stop the start with a message naming
     * the key), migrates the schema and records this node in {@code cluster_nodes}.
     *
     * @throws IllegalStateException naming {@code cluster.postgres.url} when PostgreSQL cannot be
     *                               reached or has no such database, {@code cluster.postgres.user}
     *                               and {@code password} when it refuses them
     */
    public static PgStore open(ClusterConfig.Postgres config, String nodeId) {
        String shownUrl = maskedUrl(config.url());
        Properties props = connectionProperties(config, nodeId);
        try (Connection c = DriverManager.getConnection(config.url(), props)) {
            c.isValid(CONNECT_TIMEOUT_S);
        } catch (SQLException e) {
            throw new IllegalStateException(explain(e, config, shownUrl), e);
        }
        HikariConfig h = new HikariConfig();
        h.setPoolName("pg-" + nodeId);
        h.setJdbcUrl(config.url());
        h.setDataSourceProperties(props);
        h.setUsername(config.user());
        h.setPassword(config.password());
        h.setMaximumPoolSize(POOL_SIZE);
        h.setMinimumIdle(1);
        h.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        h.setValidationTimeout(1_000);
        h.setInitializationFailTimeout(CONNECTION_TIMEOUT_MS);
        h.setKeepaliveTime(60_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(h);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cluster.postgres.url: cannot connect to PostgreSQL at " + shownUrl
                    + ": " + rootMessage(e), e);
        }
        try {
            MigrateResult r = Flyway.configure().dataSource(pool).locations(MIGRATIONS)
                    .table("flyway_schema_history").load().migrate();
            log.info("cluster: PostgreSQL {} schema at version {} ({} migration(s) applied now)", shownUrl,
                    r.targetSchemaVersion == null ? r.initialSchemaVersion : r.targetSchemaVersion,
                    r.migrationsExecuted);
            PgStore store = new PgStore(pool, nodeId, shownUrl);
            store.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO cluster_nodes (node_id, first_start, last_start, starts, last_seen)
                        VALUES (?, now(), now(), 1, now())
                        ON CONFLICT (node_id) DO UPDATE
                        SET last_start = now(), starts = cluster_nodes.starts + 1, last_seen = now()
                        """)) {
                    s.setString(1, nodeId);
                    s.executeUpdate();
                }
                return null;
            });
            return store;
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("cluster.postgres: the schema of " + shownUrl + " could not be migrated: "
                    + rootMessage(e), e);
        }
    }

    private static Properties connectionProperties(ClusterConfig.Postgres config, String nodeId) {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        p.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_S));
        p.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_S + 1));
        p.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_S));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "router-" + nodeId);
        return p;
    }

    /** What went wrong at the first connection, naming the key to look at. */
    private static String explain(SQLException e, ClusterConfig.Postgres config, String shownUrl) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = String.valueOf(e.getMessage()).replace(config.password(), "***");
        if (state.equals("28P01") || state.equals("28000")) {
            return "cluster.postgres.user/cluster.postgres.password: PostgreSQL at " + shownUrl + " refused user '"
                    + config.user() + "' with the configured password (" + msg + ")";
        }
        if (state.equals("3D000")) {
            return "cluster.postgres.url: " + shownUrl + ": " + msg;
        }
        return "cluster.postgres.url: cannot reach PostgreSQL at " + shownUrl + ": " + msg;
    }

    /** The URL with any {@code password=} parameter hidden. */
    static String maskedUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    // ---------------------------------------------------------------- use

    /** The pool: {@code try (Connection c = dataSource().getConnection())}; at most 2 s to get one. */
    public DataSource dataSource() {
        return pool;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The URL, with any password in it hidden: for messages. */
    public String shownUrl() {
        return url;
    }

    /** Work on one connection in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction (READ COMMITTED) and commits it; on a serialization
     * failure or deadlock (SQLSTATE 40001, 40P01) or a lost connection (class 08, or no connection
     * within 2 s) it is rolled back and run again, {@value #ATTEMPTS} times in all. Because a
     * connection can be lost after a commit was sent, work that is retried must be idempotent
     * (upserts, conditional updates).
     *
     * @throws PgUnavailableException when PostgreSQL cannot be reached (the caller answers with a
     *                                temporary error)
     * @throws PgException            on any other SQL error
     */
    public <T> T inTransaction(Work<T> work) {
        return inTransaction(Connection.TRANSACTION_READ_COMMITTED, work);
    }

    /** {@link #inTransaction(Work)} at the given isolation ({@link Connection#TRANSACTION_SERIALIZABLE}...). */
    public <T> T inTransaction(int isolation, Work<T> work) {
        return inTransaction(isolation, ATTEMPTS, work);
    }

    /**
     * {@link #inTransaction(Work)} tried once: for a caller that must not wait long (at most about
     * 2 s when PostgreSQL is down), e.g. on an event loop.
     */
    public <T> T inTransactionOnce(Work<T> work) {
        return inTransaction(Connection.TRANSACTION_READ_COMMITTED, 1, work);
    }

    private <T> T inTransaction(int isolation, int attempts, Work<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try (Connection c = pool.getConnection()) {
                int isolationBefore = c.getTransactionIsolation();
                c.setAutoCommit(false);
                c.setTransactionIsolation(isolation);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException re) {
                        e.addSuppressed(re);
                    }
                    throw e;
                } finally {
                    try {
                        c.setAutoCommit(true);
                        c.setTransactionIsolation(isolationBefore);
                    } catch (SQLException e) {
                        // a broken connection: Hikari drops it
                    }
                }
            } catch (SQLException e) {
                last = e;
                if (!transientFailure(e)) {
                    throw new PgException("PostgreSQL at " + url + ": " + e.getMessage(), e);
                }
                if (attempt < attempts) {
                    log.debug("cluster: PostgreSQL transaction tried again ({}): {}", attempt, e.toString());
                    sleep(50L * attempt);
                }
            }
        }
        if (connectionFailure(last)) {
            throw new PgUnavailableException("PostgreSQL at " + url + " is unavailable: " + last.getMessage(), last);
        }
        throw new PgException("PostgreSQL at " + url + ": " + last.getMessage() + " (after " + attempts
                + " attempts)", last);
    }

    static boolean transientFailure(SQLException e) {
        String s = e.getSQLState();
        return "40001".equals(s) || "40P01".equals(s) || connectionFailure(e);
    }

    static boolean connectionFailure(SQLException e) {
        String s = e.getSQLState();
        return e instanceof SQLTransientConnectionException || (s != null && (s.startsWith("08") || s.equals("57P01")
                || s.equals("57P02") || s.equals("57P03")));
    }

    /** True when PostgreSQL answers a trivial query now (within about 2 s). */
    public boolean reachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An SQL failure that is not a lost connection. */
    public static class PgException extends RuntimeException {
        public PgException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * PostgreSQL cannot be reached now: callers answer with a temporary error ({@code
     * cluster_unavailable}); the engine and the HTTP API know it as {@link ClusterUnavailableException}.
     */
    public static final class PgUnavailableException extends ClusterUnavailableException {
        public PgUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
