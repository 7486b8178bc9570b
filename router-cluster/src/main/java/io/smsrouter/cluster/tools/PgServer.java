package io.smsrouter.cluster.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs a PostgreSQL server of Debian's {@code postgresql} package on this machine for
 * {@code scripts/cluster} and the tests (cluster mode's shared state, issue 12).
 *
 * <p>The binaries are the newest {@code /usr/lib/postgresql/N/bin} that has {@code initdb} (or
 * {@code bin}, given). PostgreSQL refuses to run as root, so when this JVM is root every
 * {@code initdb}, {@code pg_ctl} and {@code psql} runs as the {@code postgres} OS user
 * ({@code runuser -u postgres --}) and the data directory is chowned to it.
 *
 * <p>Layout under {@code dir} (which, and whose parents, the postgres user must be able to enter):
 * {@code pg.properties} (port, user, password, database: written once by {@link #create}, read by
 * {@link #open}; mode 600), {@code data/} (PGDATA: {@code initdb} when empty; listens on
 * 127.0.0.1 only, its Unix socket inside {@code data/}, small {@code shared_buffers},
 * {@code fsync} and {@code synchronous_commit} on: durability is the point), and
 * {@code postgres.log}. Local (socket) connections are trusted: the socket lies in the 0700 data
 * directory, so only the postgres user and root reach it; TCP connections need the password
 * (scram-sha-256). {@link #start} creates (or updates) the login role and its database.
 */
public final class PgServer {

    public static final String LAYOUT_FILE = "pg.properties";
    public static final String DEFAULT_USER = "router";
    public static final String DEFAULT_DATABASE = "router";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private final Path dir;
    private final int port;
    private final String user;
    private final String password;
    private final String database;
    private final Path bin;

    private PgServer(Path dir, int port, String user, String password, String database, Path bin) {
        this.dir = dir;
        this.port = port;
        this.user = user;
        this.password = password;
        this.database = database;
        this.bin = bin;
    }

    /**
     * Lays out a server under {@code dir} (which must not hold one yet): {@code initdb} and the
     * settings of the class comment. {@code port} 0 takes a free one; {@code password} null makes
     * a random one. Starts nothing.
     */
    public static PgServer create(Path dir, int port, String user, String password) throws IOException,
            InterruptedException {
        dir = dir.toAbsolutePath().normalize();
        if (Files.exists(dir.resolve(LAYOUT_FILE))) {
            throw new IllegalStateException(dir.resolve(LAYOUT_FILE) + " exists: a PostgreSQL is laid out there already");
        }
        if (user == null || !user.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("user: expected 1 to 63 lower-case letters, digits or _, got " + user);
        }
        if (password == null) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } else if (!password.matches("[\\x21-\\x7e]{1,256}")) {
            throw new IllegalArgumentException("password: expected 1 to 256 printable ASCII characters without spaces");
        }
        if (port == 0) {
            port = KafkaBrokers.freePorts(1)[0];
        }
        PgServer pg = new PgServer(dir, port, user, password, DEFAULT_DATABASE, findBin());
        Files.createDirectories(dir);
        pg.initdb();
        Properties layout = new Properties();
        layout.setProperty("port", String.valueOf(port));
        layout.setProperty("user", user);
        layout.setProperty("password", password);
        layout.setProperty("database", DEFAULT_DATABASE);
        layout.setProperty("bin", pg.bin.toString());
        // Last: a layout file means "initialised, ready to start". Only its owner reads it (the password).
        Path tmp = dir.resolve(LAYOUT_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            layout.store(out, "PostgreSQL of scripts/cluster (PgServer); the password is the router role's");
        }
        Files.move(tmp, dir.resolve(LAYOUT_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return pg;
    }

    /** The server {@link #create} laid out under {@code dir} earlier, running or not. */
    public static PgServer open(Path dir) throws IOException {
        dir = dir.toAbsolutePath().normalize();
        Properties layout = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(LAYOUT_FILE))) {
            layout.load(in);
        }
        Path bin = Path.of(layout.getProperty("bin", ""));
        if (!Files.isExecutable(bin.resolve("pg_ctl"))) {
            try {
                bin = findBin(); // the package was upgraded (the data must still suit it: pg_ctl says so)
            } catch (IllegalStateException none) {
                // kept: reading the layout (url, user) needs no binaries; starting says what is missing
            }
        }
        return new PgServer(dir, Integer.parseInt(layout.getProperty("port")), layout.getProperty("user"),
                layout.getProperty("password"), layout.getProperty("database", DEFAULT_DATABASE), bin);
    }

    /** True when {@code dir} holds a server laid out by {@link #create}. */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(LAYOUT_FILE));
    }

    /**
     * The newest {@code /usr/lib/postgresql/N/bin} with {@code initdb} and {@code pg_ctl}; an
     * exception saying how to install them when there is none.
     */
    public static Path findBin() {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(DEBIAN_ROOT)) {
            try (Stream<Path> s = Files.list(DEBIAN_ROOT)) {
                s.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .map(p -> p.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .forEach(found::add);
            } catch (IOException e) {
                // none found: said below
            }
        }
        return found.stream().max(Comparator.comparingDouble(b -> Double.parseDouble(
                        b.getParent().getFileName().toString())))
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under " + DEBIAN_ROOT
                        + "/*/bin (initdb, pg_ctl): install Debian's postgresql package (apt-get install postgresql)"));
    }

    // ---------------------------------------------------------------- what it is

    public Path dir() {
        return dir;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path logFile() {
        return dir.resolve("postgres.log");
    }

    public Path bin() {
        return bin;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String database() {
        return database;
    }

    /** The JDBC URL of the router's database. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "PgServer[" + address() + ", " + dataDir() + "]";
    }

    // ---------------------------------------------------------------- life

    private void initdb() throws IOException, InterruptedException {
        Path data = dataDir();
        if (Files.isDirectory(data)) {
            try (Stream<Path> s = Files.list(data)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalStateException(data + " is not empty and has no " + LAYOUT_FILE
                            + " beside it: remove it, or lay the server out elsewhere");
                }
            }
        }
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        if (!Files.exists(logFile())) {
            Files.createFile(logFile());
        }
        if (isRoot()) {
            // the postgres user must reach the directory; dir itself is ours
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            chownToPostgres(data);
            chownToPostgres(logFile());
            try {
                run(Duration.ofSeconds(10), null, "test", "-w", data.toString());
            } catch (IllegalStateException e) {
                throw new IllegalStateException("the postgres OS user cannot enter " + data + " (PostgreSQL runs as "
                        + "it): give " + dir + " and its parent directories o+x (chmod o+x DIR)");
            }
        }
        run(Duration.ofMinutes(2), null, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "-E", "UTF8", "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-instructions");
        String conf = """

                # ---- set by PgServer (scripts/cluster, tests) ----
                listen_addresses = '127.0.0.1'
                port = %d
                unix_socket_directories = '%s'
                shared_buffers = 32MB
                max_connections = 60
                fsync = on
                synchronous_commit = on
                full_page_writes = on
                password_encryption = 'scram-sha-256'
                log_min_messages = warning
                log_min_error_statement = panic
                """.formatted(port, data.toString().replace("'", "''"));
        Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /**
     * Starts the server unless it runs ({@code pg_ctl -w start}), then makes sure the login role has
     * its password and its database exists.
     */
    public void start(Duration timeout) throws IOException, InterruptedException {
        if (pid().isEmpty()) {
            run(timeout.plusSeconds(10), null, bin.resolve("pg_ctl").toString(), "-D", dataDir().toString(),
                    "-l", logFile().toString(), "-w", "-t", String.valueOf(Math.max(1, timeout.toSeconds())), "start");
        }
        String pw = password.replace("'", "''");
        // on stdin, so that the password is on no command line; statements are not logged (log_min_error_statement)
        String sql = """
                DO $$BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1$s') THEN
                    CREATE ROLE %1$s LOGIN PASSWORD '%2$s';
                  ELSE
                    ALTER ROLE %1$s LOGIN PASSWORD '%2$s';
                  END IF;
                END$$;
                SELECT 'CREATE DATABASE %3$s OWNER %1$s' WHERE NOT EXISTS
                  (SELECT FROM pg_database WHERE datname = '%3$s')\\gexec
                """.formatted(user, pw, database);
        run(Duration.ofSeconds(30), sql, bin.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", dataDir().toString(), "-p", String.valueOf(port), "-U", "postgres", "-d", "postgres", "-f", "-");
    }

    /** Stops the server ({@code pg_ctl -m fast -w stop}) when it runs. */
    public void stop() throws IOException, InterruptedException {
        if (pid().isPresent()) {
            run(Duration.ofSeconds(70), null, bin.resolve("pg_ctl").toString(), "-D", dataDir().toString(), "-m",
                    "fast", "-w", "-t", "60", "stop");
        }
    }

    /**
     * kill -9 of the postmaster (a crash): waits until it and its children are gone (they leave on
     * their own when the postmaster dies; any still there after 10 s get a SIGKILL too), so that
     * {@link #start} works at once. False when it was not running.
     */
    public boolean kill9() throws InterruptedException {
        Optional<ProcessHandle> p = pid().flatMap(ProcessHandle::of);
        if (p.isEmpty()) {
            return false;
        }
        List<ProcessHandle> children = p.get().descendants().toList();
        p.get().destroyForcibly();
        awaitExit(p.get(), Duration.ofSeconds(30));
        for (ProcessHandle c : children) {
            if (!awaitExit(c, Duration.ofSeconds(10))) {
                c.destroyForcibly();
                awaitExit(c, Duration.ofSeconds(10));
            }
        }
        return true;
    }

    /** True when the postmaster runs (whether or not it accepts connections yet). */
    public boolean isRunning() {
        return pid().isPresent();
    }

    /** The postmaster's pid when {@code postmaster.pid} names a live postgres process of this data directory. */
    public Optional<Long> pid() {
        long pid;
        try (Stream<String> lines = Files.lines(dataDir().resolve("postmaster.pid"))) {
            pid = Long.parseLong(lines.findFirst().orElse("").trim());
        } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
        try {
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"),
                    StandardCharsets.ISO_8859_1);
            return cmdline.contains("postgres") ? Optional.of(pid) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Stops the server and removes {@code dir}. */
    public void destroy() throws IOException, InterruptedException {
        try {
            stop();
        } catch (IllegalStateException e) {
            kill9();
        }
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---------------------------------------------------------------- processes

    /** Runs a PostgreSQL program (as the postgres user when we are root); its output in the exception when it fails. */
    private void run(Duration timeout, String stdin, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        Path out = Files.createTempFile("pgserver", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().put("LC_ALL", "C");
            pb.environment().remove("PGPASSWORD");
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no end after " + timeout.toSeconds()
                        + " s; see " + logFile());
            }
            if (p.exitValue() != 0) {
                String text = Files.readString(out, StandardCharsets.UTF_8).replace(password, "***").trim();
                throw new IllegalStateException(Path.of(command[0]).getFileName() + " " + command[command.length - 1]
                        + " failed (" + p.exitValue() + "): " + text + "; see " + logFile());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void chownToPostgres(Path p) throws IOException {
        var lookup = p.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal u;
        GroupPrincipal g;
        try {
            u = lookup.lookupPrincipalByName("postgres");
            g = lookup.lookupPrincipalByGroupName("postgres");
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IllegalStateException("there is no postgres OS user to run PostgreSQL as (we are root, and "
                    + "PostgreSQL refuses to run as root): install Debian's postgresql package, which creates it");
        }
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        v.setOwner(u);
        v.setGroup(g);
    }

    private static boolean awaitExit(ProcessHandle p, Duration timeout) throws InterruptedException {
        try {
            p.onExit().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (TimeoutException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- command line (scripts/cluster)

    @Command(name = "pg-server", mixinStandardHelpOptions = true,
            description = "Runs a PostgreSQL server (Debian's package) on 127.0.0.1 for scripts/cluster.",
            subcommands = {Up.class, Start.class, Kill.class, Stop.class, Status.class})
    public static final class Main implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "directory of the server's data, log and settings")
        Path dir;

        @Override
        public Integer call() {
            CommandLine.usage(this, System.out);
            return 2;
        }

        PgServer open() throws IOException {
            if (!exists(dir)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "no PostgreSQL under " + dir
                        + " (run up first)");
            }
            return PgServer.open(dir);
        }
    }

    @Command(name = "up", description = "initdb under --dir unless done, starts the server unless it runs, makes "
            + "the router role and database, and prints its status line and url=, user= lines.")
    static final class Up implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;
        @Option(names = "--port", defaultValue = "0", description = "at the first up only; 0: a free one (default)")
        int port;
        @Option(names = "--timeout-seconds", defaultValue = "60", description = "default ${DEFAULT-VALUE}")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            PgServer pg = exists(main.dir) ? PgServer.open(main.dir)
                    : PgServer.create(main.dir, port, DEFAULT_USER, null);
            pg.start(Duration.ofSeconds(timeoutSeconds));
            printStatus(pg);
            System.out.println("url=" + pg.url());
            System.out.println("user=" + pg.user());
            return 0;
        }
    }

    @Command(name = "start", description = "Starts the server again on its data and waits until it answers.")
    static final class Start implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            PgServer pg = main.open();
            pg.start(DEFAULT_TIMEOUT);
            printStatus(pg);
            return 0;
        }
    }

    @Command(name = "kill", description = "kill -9 of the postmaster.")
    static final class Kill implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            System.out.println(main.open().kill9() ? "killed pg" : "pg was not running");
            return 0;
        }
    }

    @Command(name = "stop", description = "Stops the server (pg_ctl stop -m fast).")
    static final class Stop implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            main.open().stop();
            return 0;
        }
    }

    @Command(name = "status", description = "One line: postgres 127.0.0.1:PORT up|down.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            printStatus(main.open());
            return 0;
        }
    }

    private static void printStatus(PgServer pg) {
        System.out.println("postgres " + pg.address() + " " + (pg.isRunning() ? "up" : "down"));
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
