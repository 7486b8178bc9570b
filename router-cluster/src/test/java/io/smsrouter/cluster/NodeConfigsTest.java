package io.smsrouter.cluster;

import io.smsrouter.cluster.tools.NodeConfigs;
import io.smsrouter.server.config.ConfigLoader;
import io.smsrouter.server.config.RouterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The node configs of scripts/cluster: the shipped config, per node its ports, journal and cluster section. */
class NodeConfigsTest {
    private static final Path PROJECT_ROOT = Path.of("..").toAbsolutePath().normalize();

    private static List<String> run(Path dir, int nodes) {
        PrintStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = new CommandLine(new NodeConfigs()).execute("--config", PROJECT_ROOT.resolve("conf/router.yaml")
                    .toString(), "--nodes", String.valueOf(nodes), "--dir", dir.toString(), "--bootstrap",
                    "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094", "--working-dir", PROJECT_ROOT.toString());
        } finally {
            System.setOut(out);
        }
        assertThat(rc).isZero();
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void shouldWriteOneLoadableConfigPerNodeWithItsOwnPortsJournalAndClusterSection(@TempDir Path dir)
            throws Exception {
        List<String> lines = run(dir, 3);
        assertThat(lines).first().asString().startsWith("simulator --host 127.0.0.1 --port 2776 ")
                .contains("--dlr-delay-ms 50");
        assertThat(lines.stream().filter(l -> l.startsWith("node "))).hasSize(3);
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 1; i <= 3; i++) {
            Path file = dir.resolve("r" + i).resolve("router.yaml");
            RouterConfig c = ConfigLoader.load(file, PROJECT_ROOT);
            assertThat(c.cluster().nodeId()).isEqualTo("r" + i);
            assertThat(c.cluster().kafka().bootstrap()).isEqualTo("127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094");
            assertThat(c.cluster().ack()).isEqualTo("replicated");
            assertThat(c.journal().dir()).isEqualTo(dir.resolve("r" + i).resolve("journal"));
            assertThat(c.simulator().enabled()).isFalse();
            // FILE's accounts, operators and routes
            assertThat(c.accounts()).extracting(a -> a.id()).contains("shop", "otp", "bulk");
            assertThat(c.operators()).extracting(o -> o.id()).containsExactly("opA");
            assertThat(lines).contains("node r" + i + " " + file + " " + c.smpp().port() + " " + c.http().port());
            ports.add(c.smpp().port());
            ports.add(c.http().port());
        }
        assertThat(ports).hasSize(6).doesNotContain(2775, 8080, 2776);

        // --check loads the config and writes nothing; a config the router refuses fails it with the router's message
        Path other = dir.resolve("other");
        assertThat(new CommandLine(new NodeConfigs()).execute("--config", PROJECT_ROOT.resolve("conf/router.yaml")
                .toString(), "--dir", other.toString(), "--working-dir", PROJECT_ROOT.toString(), "--check")).isZero();
        assertThat(other).doesNotExist();
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "accounts: [{id: a}]\n");
        assertThat(new CommandLine(new NodeConfigs()).execute("--config", bad.toString(), "--dir", other.toString(),
                "--check")).isEqualTo(2);

        // a second up keeps each node's ports, so clients find the node where it was
        String before = Files.readString(dir.resolve("r2").resolve("router.yaml"));
        run(dir, 3);
        assertThat(Files.readString(dir.resolve("r2").resolve("router.yaml"))).isEqualTo(before);
    }

    @Test
    void shouldGiveEveryNodeThePostgresOfPostgresDir(@TempDir Path dir) throws Exception {
        // the layout PgServer.create writes (no server needed to write the configs)
        Path pgDir = dir.resolve("pg");
        Files.createDirectories(pgDir);
        Files.writeString(pgDir.resolve(io.smsrouter.cluster.tools.PgServer.LAYOUT_FILE),
                "port=54329\nuser=router\npassword=Pw-from-layout-1\ndatabase=router\nbin=/nonexistent\n");
        PrintStream out = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = new CommandLine(new NodeConfigs()).execute("--config", PROJECT_ROOT.resolve("conf/router.yaml")
                    .toString(), "--nodes", "2", "--dir", dir.toString(), "--bootstrap", "127.0.0.1:9092",
                    "--postgres-dir", pgDir.toString(), "--working-dir", PROJECT_ROOT.toString());
        } finally {
            System.setOut(out);
        }
        assertThat(rc).isZero();
        for (String node : List.of("r1", "r2")) {
            RouterConfig c = ConfigLoader.load(dir.resolve(node).resolve("router.yaml"), PROJECT_ROOT);
            assertThat(c.cluster().postgres().url()).isEqualTo("jdbc:postgresql://127.0.0.1:54329/router");
            assertThat(c.cluster().postgres().user()).isEqualTo("router");
            assertThat(c.cluster().postgres().password()).isEqualTo("Pw-from-layout-1");
        }
        // no PostgreSQL laid out there: refused
        assertThat(new CommandLine(new NodeConfigs()).execute("--config", PROJECT_ROOT.resolve("conf/router.yaml")
                .toString(), "--dir", dir.toString(), "--bootstrap", "127.0.0.1:9092", "--postgres-dir",
                dir.resolve("none").toString(), "--working-dir", PROJECT_ROOT.toString())).isEqualTo(2);
    }
}
