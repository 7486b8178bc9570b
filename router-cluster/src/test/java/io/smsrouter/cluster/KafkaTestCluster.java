package io.smsrouter.cluster;

import io.smsrouter.cluster.tools.KafkaBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Real Kafka brokers for a test: 1 or 3 KRaft brokers, each its own JVM on free loopback ports,
 * started from the test class path by {@link KafkaBrokers}; {@link #close} stops them and deletes
 * their data (unless it was the caller's directory). A JVM shutdown hook kills them if the test JVM
 * ends without closing.
 *
 * <pre>{@code
 * try (KafkaTestCluster kafka = KafkaTestCluster.start(3)) {
 *     kafka.createTopic("router.opA", 4);
 *     props.put("bootstrap.servers", kafka.bootstrap());
 *     kafka.kill("k2");      // kill -9
 *     kafka.restart("k2");   // on its data, waits until it answers
 * }
 * }</pre>
 */
public final class KafkaTestCluster implements AutoCloseable {

    private final KafkaBrokers brokers;
    private final Path dir;
    private final boolean deleteDir;
    private final Thread killer;
    private Duration startedIn;

    private KafkaTestCluster(KafkaBrokers brokers, Path dir, boolean deleteDir) {
        this.brokers = brokers;
        this.dir = dir;
        this.deleteDir = deleteDir;
        this.killer = new Thread(() -> brokers.brokers().forEach(b -> brokers.pid(b)
                .flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly)), "kafka-test-cluster-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** {@code count} (1 or 3) brokers with the defaults of {@link KafkaBrokers}, in a temporary directory. */
    public static KafkaTestCluster start(int count) throws IOException, InterruptedException, TimeoutException {
        return start(count, Files.createTempDirectory("kafka-test-"), true, Map.of());
    }

    /** {@code count} brokers with data under {@code dir} (kept after close), broker properties overridden. */
    public static KafkaTestCluster start(int count, Path dir, Map<String, String> overrides)
            throws IOException, InterruptedException, TimeoutException {
        return start(count, dir, false, overrides);
    }

    private static KafkaTestCluster start(int count, Path dir, boolean deleteDir, Map<String, String> overrides)
            throws IOException, InterruptedException, TimeoutException {
        if (count != 1 && count != 3) {
            throw new IllegalArgumentException("brokers: 1 or 3, got " + count);
        }
        long t0 = System.nanoTime();
        KafkaBrokers brokers = KafkaBrokers.create(dir, count, overrides, KafkaBrokers.currentClassPath(),
                KafkaBrokers.DEFAULT_JVM_OPTIONS);
        KafkaTestCluster cluster = new KafkaTestCluster(brokers, dir, deleteDir);
        try {
            brokers.startAll(KafkaBrokers.DEFAULT_READY_TIMEOUT);
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        cluster.startedIn = Duration.ofNanos(System.nanoTime() - t0);
        return cluster;
    }

    /** {@code bootstrap.servers} for producers, consumers and {@code cluster.kafka.bootstrap}. */
    public String bootstrap() {
        return brokers.bootstrap();
    }

    public KafkaBrokers brokers() {
        return brokers;
    }

    /** From the layout to every broker answering. */
    public Duration startedIn() {
        return startedIn;
    }

    /** An admin client on this cluster; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(p);
    }

    /** Creates a topic with the cluster's default replication factor (3, or 1 for one broker). */
    public void createTopic(String name, int partitions) throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, java.util.Optional.of(partitions),
                    java.util.Optional.empty()))).all().get();
        }
    }

    /** kill -9 of broker {@code name} (k1..k3); returns when its process is gone. */
    public void kill(String name) throws InterruptedException {
        if (!brokers.kill(name)) {
            throw new IllegalStateException("broker " + name + " was not running");
        }
    }

    /** Starts broker {@code name} again on its data and ports; returns when it answers. */
    public void restart(String name) throws IOException, InterruptedException, TimeoutException {
        brokers.start(name, KafkaBrokers.DEFAULT_READY_TIMEOUT);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            brokers.stopAll(Duration.ofSeconds(10));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already; the hook runs anyway
            }
            if (deleteDir) {
                deleteRecursively(dir);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
