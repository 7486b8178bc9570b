package io.smsrouter.cluster;

import io.smsrouter.cluster.tools.PgServer;
import io.smsrouter.server.config.ClusterConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * A real PostgreSQL server (Debian's package, through {@link PgServer}) for a test: a temp
 * directory of its own under /tmp (the postgres OS user must reach it, which JUnit's 0700 temp
 * dirs do not allow), a free loopback port, the {@code router} role with a random password.
 * {@link #stop} and {@link #start} again keep the data; {@link #kill9} is a crash; {@link #close}
 * stops it and removes everything.
 */
public final class PgTestServer implements AutoCloseable {
    private final PgServer server;

    private PgTestServer(PgServer server) {
        this.server = server;
    }

    /** initdb in a fresh temp dir, then started. */
    public static PgTestServer start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgtest-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgTestServer pg = new PgTestServer(PgServer.create(dir, 0, PgServer.DEFAULT_USER, null));
        pg.startAgain();
        return pg;
    }

    /** Starts it again on its data (after {@link #stop} or {@link #kill9}). */
    public PgTestServer startAgain() throws IOException, InterruptedException {
        server.start(Duration.ofSeconds(60));
        return this;
    }

    public void stop() throws IOException, InterruptedException {
        server.stop();
    }

    /** SIGKILL of the postmaster; returns once it and its children are gone. */
    public void kill9() throws InterruptedException {
        server.kill9();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    public String url() {
        return server.url();
    }

    public String user() {
        return server.user();
    }

    public String password() {
        return server.password();
    }

    public int port() {
        return server.port();
    }

    public PgServer server() {
        return server;
    }

    /** The config section of a node using this server. */
    public ClusterConfig.Postgres config() {
        return new ClusterConfig.Postgres(url(), user(), password());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.destroy();
    }
}
