package io.smsrouter.cluster;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Router nodes as JVMs of their own (so that one can be killed with SIGKILL), on this test's class
 * path; configs, journals and logs under a directory of target/ that is kept after the run.
 */
final class NodeProcesses implements AutoCloseable {
    static final List<String> JVM_FLAGS = List.of(
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true", "-Xmx384m", "-XX:+UseSerialGC");

    record Node(String id, int smpp, int http, Path config, Process[] process) {
        InetSocketAddress smppAddress() {
            return new InetSocketAddress("127.0.0.1", smpp);
        }

        void kill() throws InterruptedException {
            process[0].destroyForcibly().waitFor();
        }
    }

    final Path dir;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    /** {@code name}: the directory under target/, with the time appended. */
    NodeProcesses(String name) throws IOException {
        dir = Files.createDirectories(Path.of("target", name + "-" + System.currentTimeMillis()).toAbsolutePath());
    }

    /** A node whose config is its listeners (free ports), its journal under {@link #dir}, then {@code rest}. */
    Node node(String id, String rest) throws IOException {
        int smpp = freePort();
        int http = freePort();
        Path config = dir.resolve(id + ".yaml");
        Files.writeString(config, """
                smpp: {host: 127.0.0.1, port: %d}
                http: {host: 127.0.0.1, port: %d}
                journal: {dir: %s}
                """.formatted(smpp, http, dir.resolve(id + "-journal")) + rest);
        Node n = new Node(id, smpp, http, config, new Process[1]);
        nodes.put(id, n);
        return n;
    }

    Node get(String id) {
        return nodes.get(id);
    }

    Iterable<Node> all() {
        return nodes.values();
    }

    void start(Node n) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.smsrouter.server.RouterMain",
                "--config", n.config().toString()));
        Path log = dir.resolve(n.id() + ".log");
        n.process()[0] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    void awaitHealthy(Node n) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!n.process()[0].isAlive()) {
                throw new AssertionError(n.id() + " exited: " + Files.readString(dir.resolve(n.id() + ".log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + n.http() + "/health")
                        .toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                return c.getResponseCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops every node gracefully (SIGTERM), forcibly after 20 s. */
    @Override
    public void close() throws InterruptedException {
        for (Node n : nodes.values()) {
            Process p = n.process()[0];
            if (p != null) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
