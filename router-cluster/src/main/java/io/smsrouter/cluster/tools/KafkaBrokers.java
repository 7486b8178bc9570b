package io.smsrouter.cluster.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs N Apache Kafka brokers on this machine for {@code scripts/cluster} and the tests: KRaft in
 * combined mode ({@code process.roles=broker,controller}, a static {@code controller.quorum.voters}),
 * each broker a JVM of its own ({@code java -cp <jar> kafka.Kafka server.properties}), loopback only.
 *
 * <p>Layout under {@code dir}: {@code brokers.properties} (count, cluster id, ports: written once by
 * {@link #create}, read by {@link #open}), and per broker {@code kN/server.properties},
 * {@code kN/data/} (its log dir, formatted by Kafka's StorageTool with the one cluster id),
 * {@code kN/broker.log} (its output) and {@code kN/pid} while it runs. A broker killed with
 * {@link #kill} (kill -9) comes back with {@link #start} on its data and ports.
 *
 * <p>Broker defaults for 3 brokers: replication factor 3 everywhere, {@code min.insync.replicas=2}
 * (acks=all writes go on with one broker down), {@code num.partitions=4}, no auto-created topics, no
 * initial rebalance delay; for 1 broker the factors are 1. {@code overrides} replace any of them.
 */
public final class KafkaBrokers implements AutoCloseable {

    public static final String LAYOUT_FILE = "brokers.properties";
    /** The JVM options of each broker: small heaps, as several brokers and routers share the machine. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
            "-Dlogback.configurationFile=io/smsrouter/cluster/tools/broker-logback.xml");
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);

    /** One broker: {@code name} k1..kN, its {@code node.id}, client and controller ports, and directory. */
    public record Broker(String name, int nodeId, int port, int controllerPort, Path dir) {
        public String address() {
            return "127.0.0.1:" + port;
        }

        public Path propertiesFile() {
            return dir.resolve("server.properties");
        }

        public Path pidFile() {
            return dir.resolve("pid");
        }

        public Path logFile() {
            return dir.resolve("broker.log");
        }

        public Path dataDir() {
            return dir.resolve("data");
        }
    }

    private final Path dir;
    private final String clusterId;
    private final List<Broker> brokers;
    private final String classPath;
    private final List<String> jvmOptions;

    private KafkaBrokers(Path dir, String clusterId, List<Broker> brokers, String classPath, List<String> jvmOptions) {
        this.dir = dir;
        this.clusterId = clusterId;
        this.brokers = List.copyOf(brokers);
        this.classPath = classPath;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Lays out {@code count} brokers under {@code dir} (which must not hold brokers yet): free
     * loopback ports, {@code server.properties} from the defaults plus {@code overrides}, storage
     * formatted with one new cluster id. Starts nothing.
     *
     * @param classPath the class path of the broker JVMs (router-cluster.jar, or the test class path)
     */
    public static KafkaBrokers create(Path dir, int count, Map<String, String> overrides, String classPath,
                                      List<String> jvmOptions) throws IOException {
        if (count < 1 || count > 9) {
            throw new IllegalArgumentException("brokers: expected 1 to 9, got " + count);
        }
        dir = dir.toAbsolutePath().normalize();
        if (Files.exists(dir.resolve(LAYOUT_FILE))) {
            throw new IllegalStateException(dir.resolve(LAYOUT_FILE) + " exists: brokers are laid out there already");
        }
        Files.createDirectories(dir);
        int[] ports = freePorts(2 * count);
        List<Broker> brokers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            brokers.add(new Broker("k" + i, i, ports[2 * (i - 1)], ports[2 * (i - 1) + 1], dir.resolve("k" + i)));
        }
        String clusterId = Uuid.randomUuid().toString();
        Properties layout = new Properties();
        layout.setProperty("cluster.id", clusterId);
        layout.setProperty("count", String.valueOf(count));
        for (Broker b : brokers) {
            layout.setProperty(b.name() + ".port", String.valueOf(b.port()));
            layout.setProperty(b.name() + ".controllerPort", String.valueOf(b.controllerPort()));
        }
        KafkaBrokers kafka = new KafkaBrokers(dir, clusterId, brokers, classPath, jvmOptions);
        for (Broker b : brokers) {
            Files.createDirectories(b.dir());
            writeProperties(b.propertiesFile(), kafka.serverProperties(b, overrides),
                    "Kafka broker " + b.name() + " (written by KafkaBrokers; scripts/cluster)");
            kafka.format(b);
        }
        // Last: a layout file means "formatted, ready to start".
        writeProperties(dir.resolve(LAYOUT_FILE), layout, "Kafka brokers of scripts/cluster (KafkaBrokers)");
        return kafka;
    }

    /** The brokers {@link #create} laid out under {@code dir} earlier, running or not. */
    public static KafkaBrokers open(Path dir, String classPath, List<String> jvmOptions) throws IOException {
        dir = dir.toAbsolutePath().normalize();
        Properties layout = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(LAYOUT_FILE))) {
            layout.load(in);
        }
        int count = Integer.parseInt(layout.getProperty("count"));
        List<Broker> brokers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = "k" + i;
            brokers.add(new Broker(name, i, Integer.parseInt(layout.getProperty(name + ".port")),
                    Integer.parseInt(layout.getProperty(name + ".controllerPort")), dir.resolve(name)));
        }
        return new KafkaBrokers(dir, layout.getProperty("cluster.id"), brokers, classPath, jvmOptions);
    }

    /** The broker defaults of this class for {@code count} brokers (see the class comment). */
    public static Map<String, String> defaults(int count) {
        String rf = count >= 3 ? "3" : String.valueOf(count);
        String minIsr = count >= 3 ? "2" : "1";
        Map<String, String> p = new LinkedHashMap<>();
        p.put("num.partitions", "4");
        p.put("default.replication.factor", rf);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", rf);
        // 50 by default: 150 replicas to load at every start, for a handful of consumer groups
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "10");
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // A killed broker is fenced (and dropped from every ISR, so acks=all goes on) after this long.
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "1500");
        p.put("replica.lag.time.max.ms", "10000");
        // Two cores shared with the routers: few threads each.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        p.put("num.recovery.threads.per.data.dir", "1");
        return p;
    }

    private Properties serverProperties(Broker b, Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", String.valueOf(b.nodeId()));
        p.setProperty("controller.quorum.voters", voters());
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + b.port() + ",CONTROLLER://127.0.0.1:"
                + b.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + b.port());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", b.dataDir().toString());
        defaults(brokers.size()).forEach(p::setProperty);
        if (overrides != null) {
            overrides.forEach(p::setProperty);
        }
        return p;
    }

    private String voters() {
        StringBuilder s = new StringBuilder();
        for (Broker b : brokers) {
            s.append(s.isEmpty() ? "" : ",").append(b.nodeId()).append("@127.0.0.1:").append(b.controllerPort());
        }
        return s.toString();
    }

    /** Kafka's {@code kafka-storage.sh format}, in this JVM: the broker refuses to start on an unformatted dir. */
    private void format(Broker b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {"format", "--cluster-id", clusterId, "--config",
                    b.propertiesFile().toString()}, print);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting " + b.dataDir() + " failed (" + rc + "): "
                    + out.toString(StandardCharsets.UTF_8).trim());
        }
    }

    public Path dir() {
        return dir;
    }

    public String clusterId() {
        return clusterId;
    }

    public List<Broker> brokers() {
        return brokers;
    }

    public Broker broker(String name) {
        return brokers.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + name + " (have "
                        + String.join(", ", brokers.stream().map(Broker::name).toList()) + ")"));
    }

    /** The {@code bootstrap.servers} of every broker: {@code 127.0.0.1:P1,127.0.0.1:P2,...}. */
    public String bootstrap() {
        return String.join(",", brokers.stream().map(Broker::address).toList());
    }

    /** Starts every broker that is not running, then waits until the cluster has them all. */
    public void startAll(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        for (Broker b : brokers) {
            if (pid(b).isEmpty()) {
                launch(b);
            }
        }
        awaitReady(timeout);
    }

    /** Starts one broker again on its data and ports, and waits until it answers. */
    public void start(String name, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        Broker b = broker(name);
        if (pid(b).isEmpty()) {
            launch(b);
        }
        awaitAnswers(List.of(b), brokers.size(), timeout);
    }

    private void launch(Broker b) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add("kafka.Kafka");
        command.add(b.propertiesFile().toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(b.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(b.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        Files.writeString(b.pidFile(), p.pid() + "\n");
    }

    /**
     * Waits until every broker answers on its own port and the cluster lists them all; on a timeout
     * the exception names the brokers that did not answer, and where their logs are.
     */
    public void awaitReady(Duration timeout) throws InterruptedException, TimeoutException {
        awaitAnswers(brokers, brokers.size(), timeout);
    }

    private void awaitAnswers(List<Broker> which, int clusterSize, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Broker b : which) {
            String last = "no answer";
            while (true) {
                if (pid(b).isEmpty()) {
                    throw new IllegalStateException("broker " + b.name() + " exited; see " + b.logFile());
                }
                try (Admin admin = admin(b.address())) {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes().get(3, TimeUnit.SECONDS);
                    if (nodes.size() >= clusterSize) {
                        break;
                    }
                    last = nodes.size() + " of " + clusterSize + " brokers registered";
                } catch (ExecutionException | TimeoutException e) {
                    last = String.valueOf(e.getCause() == null ? e : e.getCause());
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("broker " + b.name() + " (" + b.address() + ") not ready after "
                            + timeout.toSeconds() + " s: " + last + "; see " + b.logFile());
                }
                Thread.sleep(250);
            }
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        return Admin.create(p);
    }

    /** kill -9 of one broker (its pid file); waits until it is gone. False when it was not running. */
    public boolean kill(String name) throws InterruptedException {
        Broker b = broker(name);
        Optional<ProcessHandle> p = pid(b).flatMap(ProcessHandle::of);
        if (p.isEmpty()) {
            return false;
        }
        p.get().destroyForcibly();
        awaitExit(p.get(), Duration.ofSeconds(30));
        deleteQuietly(b.pidFile());
        return true;
    }

    /** Stops every running broker: SIGTERM (a controlled shutdown), then kill -9 after {@code grace}. */
    public void stopAll(Duration grace) throws InterruptedException {
        List<ProcessHandle> running = new ArrayList<>();
        for (Broker b : brokers) {
            pid(b).flatMap(ProcessHandle::of).ifPresent(p -> {
                p.destroy();
                running.add(p);
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : running) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!awaitExit(p, Duration.ofNanos(left))) {
                p.destroyForcibly();
                awaitExit(p, Duration.ofSeconds(30));
            }
        }
        brokers.forEach(b -> deleteQuietly(b.pidFile()));
    }

    @Override
    public void close() throws InterruptedException {
        stopAll(Duration.ofSeconds(20));
    }

    /** True when the broker's process runs (whether or not it answers yet). */
    public boolean isRunning(String name) {
        return pid(broker(name)).isPresent();
    }

    /** The broker's pid when its pid file names a live {@code kafka.Kafka} process of this broker. */
    public Optional<Long> pid(Broker b) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(b.pidFile()).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        // The pid may have been reused by another process since the broker died.
        try {
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"), StandardCharsets.ISO_8859_1);
            return cmdline.contains("kafka.Kafka") && cmdline.contains(b.propertiesFile().toString())
                    ? Optional.of(pid) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Resident memory of the broker's JVM in KiB ({@code VmRSS}), or -1 when it does not run. */
    public long rssKib(String name) {
        Optional<Long> pid = pid(broker(name));
        if (pid.isEmpty()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid.get()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
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

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale pid file is ignored by pid(): it names no live broker
        }
    }

    /** Sorted by key, for people who read the file. */
    private static void writeProperties(Path file, Properties p, String comment) throws IOException {
        Properties sorted = new Properties() {
            @Override
            public java.util.Set<Map.Entry<Object, Object>> entrySet() {
                java.util.TreeMap<Object, Object> m = new java.util.TreeMap<>(Comparator.comparing(Object::toString));
                for (Map.Entry<Object, Object> e : super.entrySet()) {
                    m.put(e.getKey(), e.getValue());
                }
                return java.util.Collections.unmodifiableMap(m).entrySet();
            }
        };
        sorted.putAll(p);
        try (OutputStream out = Files.newOutputStream(file)) {
            sorted.store(out, comment);
        }
    }

    /** {@code n} distinct ports free on 127.0.0.1 now (held open together, so no two are the same). */
    public static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a listening socket that never accepted
                }
            }
        }
    }

    /** The class path this JVM was started with (Maven's test class path under surefire). */
    public static String currentClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        // absolute: the brokers run in their own directories
        return String.join(java.io.File.pathSeparator, java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
                .filter(e -> !e.isBlank()).map(e -> Path.of(e).toAbsolutePath().toString()).toList());
    }

    // ---------------------------------------------------------------- command line (scripts/cluster)

    @Command(name = "kafka-brokers", mixinStandardHelpOptions = true,
            description = "Runs Kafka brokers (KRaft, combined mode) on 127.0.0.1 for scripts/cluster.",
            subcommands = {Up.class, Start.class, Kill.class, Stop.class, Status.class})
    public static final class Main implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "directory of the brokers' data, logs and pid files")
        Path dir;

        @Override
        public Integer call() {
            CommandLine.usage(this, System.out);
            return 2;
        }

        KafkaBrokers open() throws IOException {
            if (!Files.exists(dir.resolve(LAYOUT_FILE))) {
                throw new CommandLine.ParameterException(new CommandLine(this), "no brokers under " + dir
                        + " (run up first)");
            }
            return KafkaBrokers.open(dir, currentClassPath(), DEFAULT_JVM_OPTIONS);
        }
    }

    @Command(name = "up", description = "Lays out and formats N brokers under --dir unless there are some, starts "
            + "those not running, waits until the cluster has them all and prints one line a broker.")
    static final class Up implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;
        @Option(names = "--brokers", defaultValue = "3", description = "how many brokers (default ${DEFAULT-VALUE})")
        int count;
        @Option(names = "--timeout-seconds", defaultValue = "120", description = "default ${DEFAULT-VALUE}")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            long t0 = System.nanoTime();
            KafkaBrokers kafka = Files.exists(main.dir.resolve(LAYOUT_FILE)) ? main.open()
                    : KafkaBrokers.create(main.dir, count, Map.of(), currentClassPath(), DEFAULT_JVM_OPTIONS);
            kafka.startAll(Duration.ofSeconds(timeoutSeconds));
            printStatus(kafka);
            System.out.printf("brokers ready in %.1f s bootstrap=%s%n", (System.nanoTime() - t0) / 1e9,
                    kafka.bootstrap());
            return 0;
        }
    }

    @Command(name = "start", description = "Starts one broker again on its data and waits until it answers.")
    static final class Start implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;
        @Parameters(paramLabel = "NAME", description = "k1, k2, ...")
        String name;

        @Override
        public Integer call() throws Exception {
            KafkaBrokers kafka = main.open();
            kafka.start(name, DEFAULT_READY_TIMEOUT);
            printStatus(kafka);
            return 0;
        }
    }

    @Command(name = "kill", description = "kill -9 of one broker.")
    static final class Kill implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            boolean killed = main.open().kill(name);
            System.out.println(killed ? "killed " + name : name + " was not running");
            return 0;
        }
    }

    @Command(name = "stop", description = "Stops every broker (SIGTERM, kill -9 after 20 s).")
    static final class Stop implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            main.open().stopAll(Duration.ofSeconds(20));
            return 0;
        }
    }

    @Command(name = "status", description = "One line a broker: up (its process runs) or down.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            printStatus(main.open());
            return 0;
        }
    }

    private static void printStatus(KafkaBrokers kafka) {
        for (Broker b : kafka.brokers()) {
            Optional<Long> pid = kafka.pid(b);
            System.out.println("broker " + b.name() + " kafka=" + b.address() + " "
                    + (pid.isPresent() ? "up pid=" + pid.get() + " rss=" + kafka.rssKib(b.name()) / 1024 + "MB"
                    : "down"));
        }
    }

    public static void main(String[] args) {
        int rc = new CommandLine(new Main()).execute(args);
        System.exit(rc);
    }
}
