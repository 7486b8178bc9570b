package io.smsrouter.cluster.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.smsrouter.server.config.ConfigException;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.config.OperatorConfig;
import io.smsrouter.server.config.RouterConfig;
import io.smsrouter.server.config.SimulatorConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Writes the config of each router node of {@code scripts/cluster}: FILE's accounts, operators,
 * routes and the rest, plus per node its own free SMPP and HTTP ports (kept from an earlier run of
 * the same node, so clients can reconnect to the same address), {@code journal.dir} under the
 * node's directory, the in-process simulator off (the script runs one standalone simulator), and
 * the {@code cluster} section: {@code nodeId} rN and the brokers' bootstrap list (FILE's own
 * {@code cluster.ack}, {@code topicPrefix} and {@code postgres} kept when it has them; with
 * {@code --postgres-dir} the {@link PgServer} laid out there is every node's {@code cluster.postgres}).
 *
 * <p>Prints, for the script, one line per standalone simulator to run ({@code simulator
 * <smsc-sim options>}: one per distinct port of FILE's operators on 127.0.0.1/localhost, with
 * FILE's {@code simulator} settings) and one per node ({@code node rN <config> <smpp port> <http
 * port>}). Every generated file is loaded with {@link ConfigLoader} before it is kept, so a FILE
 * the router would refuse stops here with the router's own message.
 */
@Command(name = "node-configs", mixinStandardHelpOptions = true,
        description = "Writes DIR/rN/router.yaml for each router node of scripts/cluster.")
public final class NodeConfigs implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "the config the nodes share (accounts, operators, routes...)")
    Path config;
    @Option(names = "--nodes", defaultValue = "3", description = "how many nodes, r1..rN (default ${DEFAULT-VALUE})")
    int nodes;
    @Option(names = "--dir", required = true, description = "where rN/ go (data/cluster)")
    Path dir;
    @Option(names = "--bootstrap", description = "the Kafka brokers, host:port,... (required unless --check)")
    String bootstrap;
    @Option(names = "--postgres-dir", description = "the PostgreSQL of PgServer there becomes each node's "
            + "cluster.postgres (url, user, password), replacing FILE's")
    Path postgresDir;
    @Option(names = "--check", description = "only load --config as the router would, and write nothing")
    boolean check;
    @Option(names = "--working-dir", defaultValue = ".",
            description = "where the nodes run: relative paths in the config resolve against it (default: here)")
    Path workingDir;

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build();
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 32) {
            System.err.println("cluster: --nodes: expected 1 to 32, got " + nodes);
            return 2;
        }
        RouterConfig shared;
        JsonNode tree;
        try {
            shared = ConfigLoader.load(config, workingDir);
            tree = YAML.readTree(Files.readString(config, StandardCharsets.UTF_8));
        } catch (ConfigException e) {
            System.err.println("cluster: configuration error: " + e.getMessage());
            return 2;
        }
        if (check) {
            return 0;
        }
        if (bootstrap == null) {
            System.err.println("cluster: --bootstrap is required");
            return 2;
        }
        PgServer pg = null;
        if (postgresDir != null) {
            if (!PgServer.exists(postgresDir)) {
                System.err.println("cluster: --postgres-dir: no PostgreSQL laid out under " + postgresDir);
                return 2;
            }
            pg = PgServer.open(postgresDir);
        }
        for (String line : simulators(shared)) {
            System.out.println(line);
        }
        for (int i = 1; i <= nodes; i++) {
            String name = "r" + i;
            Path file = dir.resolve(name).resolve("router.yaml");
            int[] ports = previousPorts(file);
            if (ports == null) {
                ports = KafkaBrokers.freePorts(2);
            }
            String yaml = "# Node " + name + " of scripts/cluster, written from " + config + " by NodeConfigs;\n"
                    + "# scripts/cluster up writes it again (keeping the ports): change " + config + " instead.\n"
                    + YAML.writeValueAsString(nodeTree((ObjectNode) tree.deepCopy(), name, ports[0], ports[1], pg));
            try {
                ConfigLoader.parse(yaml, file, workingDir);
            } catch (ConfigException e) {
                System.err.println("cluster: the config written for " + name + " is refused: " + e.getMessage());
                return 2;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            System.out.println("node " + name + " " + file + " " + ports[0] + " " + ports[1]);
        }
        return 0;
    }

    private ObjectNode nodeTree(ObjectNode root, String name, int smppPort, int httpPort, PgServer pg) {
        ObjectNode smpp = root.with("smpp");
        smpp.put("port", smppPort);
        if (!smpp.has("host") || smpp.get("host").isNull()) {
            smpp.put("host", "127.0.0.1");
        }
        if (smpp.get("tls") instanceof ObjectNode tls) {
            tls.put("port", KafkaBrokers.freePorts(1)[0]);
        }
        ObjectNode http = root.with("http");
        http.put("port", httpPort);
        if (!http.has("host") || http.get("host").isNull()) {
            http.put("host", "127.0.0.1");
        }
        if (http.get("tls") instanceof ObjectNode tls) {
            tls.put("port", KafkaBrokers.freePorts(1)[0]);
        }
        root.with("journal").put("dir", dir.resolve(name).resolve("journal").toString());
        ObjectNode simulator = root.objectNode();
        simulator.put("enabled", false);
        root.set("simulator", simulator);
        ObjectNode cluster = root.get("cluster") instanceof ObjectNode c ? c : root.objectNode();
        cluster.put("nodeId", name);
        ObjectNode kafka = cluster.get("kafka") instanceof ObjectNode k ? k : cluster.objectNode();
        kafka.put("bootstrap", bootstrap);
        cluster.set("kafka", kafka);
        if (pg != null) {
            ObjectNode postgres = cluster.objectNode();
            postgres.put("url", pg.url());
            postgres.put("user", pg.user());
            postgres.put("password", pg.password());
            cluster.set("postgres", postgres);
        }
        root.set("cluster", cluster);
        return root;
    }

    /** The SMPP and HTTP ports of an earlier config of this node, or null. */
    private static int[] previousPorts(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode old = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
            int smpp = old.path("smpp").path("port").asInt(0);
            int http = old.path("http").path("port").asInt(0);
            return smpp > 0 && http > 0 ? new int[] {smpp, http} : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** One {@code simulator <options>} line per distinct local operator port, with FILE's simulator settings. */
    private static List<String> simulators(RouterConfig c) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (OperatorConfig o : c.operators()) {
            if (LOOPBACK.contains(o.host())) {
                ports.add(o.port());
            }
        }
        SimulatorConfig s = c.simulator();
        List<String> lines = new ArrayList<>();
        for (int port : ports) {
            StringBuilder line = new StringBuilder("simulator --host 127.0.0.1 --port ").append(port)
                    .append(" --submit-latency-ms ").append(s.submitLatencyMs())
                    .append(" --dlr-delay-ms ").append(s.dlrDelayMs())
                    .append(" --delivered ").append(s.deliveredPercent())
                    .append(" --undeliverable ").append(s.undeliverablePercent())
                    .append(" --expired ").append(s.expiredPercent())
                    .append(" --tps ").append(s.tps());
            if (s.systemId() != null) {
                line.append(" --system-id ").append(s.systemId());
            }
            if (s.password() != null) {
                line.append(" --password ").append(s.password());
            }
            if (s.tls() != null) {
                line.append(" --tls-cert ").append(s.tls().cert()).append(" --tls-key ").append(s.tls().key());
            }
            lines.add(line.toString());
        }
        return lines;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new NodeConfigs()).execute(args));
    }
}
