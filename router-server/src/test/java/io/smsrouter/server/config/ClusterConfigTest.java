package io.smsrouter.server.config;

import io.smsrouter.server.ClusterSupport;
import io.smsrouter.server.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code cluster:} (shared/SPEC.md §7): read, checked, and refused by the embedded router. */
class ClusterConfigTest {
    private static final Path FILE = Path.of("conf/router.yaml");
    private static final String F = "conf/router.yaml: ";
    private static final String ACCOUNT = "accounts: [{id: shop, password: secret1}]\n";
    private static final String KAFKA = "  kafka: {bootstrap: \"127.0.0.1:9092,127.0.0.1:9093\"}\n";

    private static ClusterConfig cluster(String section) {
        return ConfigLoader.parse(ACCOUNT + "cluster:\n" + section, FILE).cluster();
    }

    private static java.util.List<String> problems(String section) {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(ACCOUNT + "cluster:\n" + section, FILE),
                ConfigException.class);
        assertThat(e).as(section).isNotNull();
        return e.problems();
    }

    @Test
    void shouldBeAbsentWithoutACluster() {
        assertThat(ConfigLoader.parse(ACCOUNT, FILE).cluster()).isNull();
        assertThat(ConfigLoader.parse(ACCOUNT + "cluster: ~\n", FILE).cluster()).isNull();
    }

    @Test
    void shouldReadEveryKeyOfTheSpecSection() {
        ClusterConfig c = cluster("""
                  nodeId: r1
                  kafka:
                    bootstrap: 127.0.0.1:9092, 127.0.0.1:9093,localhost:9094
                    topicPrefix: sms.prod
                  postgres:
                    url: jdbc:postgresql://127.0.0.1:5432/router
                    user: router
                    password: change-me
                  ack: local
                """);
        assertThat(c.nodeId()).isEqualTo("r1");
        assertThat(c.kafka().bootstrap()).isEqualTo("127.0.0.1:9092,127.0.0.1:9093,localhost:9094");
        assertThat(c.kafka().servers()).containsExactly("127.0.0.1:9092", "127.0.0.1:9093", "localhost:9094");
        assertThat(c.kafka().topicPrefix()).isEqualTo("sms.prod");
        assertThat(c.ack()).isEqualTo("local");
        assertThat(c.replicatedAck()).isFalse();
        assertThat(c.postgres()).isEqualTo(new ClusterConfig.Postgres("jdbc:postgresql://127.0.0.1:5432/router",
                "router", "change-me"));
        // the password never reaches a log through toString
        assertThat(c.toString()).doesNotContain("change-me").contains("password=***");
    }

    @Test
    void shouldDefaultToReplicatedAckAndTheRouterPrefixWithoutPostgres() {
        ClusterConfig c = cluster("  nodeId: node_2-b\n" + KAFKA);
        assertThat(c.ack()).isEqualTo("replicated");
        assertThat(c.replicatedAck()).isTrue();
        assertThat(c.kafka().topicPrefix()).isEqualTo("router");
        assertThat(c.postgres()).isNull();
        assertThat(cluster("  nodeId: " + "n".repeat(32) + "\n" + KAFKA).nodeId()).hasSize(32);
        assertThat(cluster("  nodeId: r1\n  kafka: {bootstrap: \"[::1]:9092\"}\n").kafka().bootstrap())
                .isEqualTo("[::1]:9092");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', value = {
            "r 1|\"r 1\"",
            "r1.a|\"r1.a\"",
            "nœud|\"nœud\"",
            "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn|\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"",
            "''|\"\""})
    void shouldRefuseANodeIdOutsideItsCharacters(String id, String got) {
        assertThat(problems("  nodeId: \"" + id + "\"\n" + KAFKA)).containsExactly(F + "cluster.nodeId: expected 1 to 32 "
                + "letters, digits, '_' or '-' (this node's id, unique in the cluster), got " + got);
    }

    @Test
    void shouldNameEachMissingRequiredKey() {
        assertThat(problems("  ack: local\n")).containsExactly(
                F + "cluster.nodeId: required key missing, expected 1 to 32 letters, digits, '_' or '-' (this node's "
                        + "id, unique in the cluster)",
                F + "cluster.kafka: required key missing, expected a mapping of bootstrap, topicPrefix");
        assertThat(problems("  nodeId: r1\n  kafka: {topicPrefix: x}\n")).containsExactly(
                F + "cluster.kafka.bootstrap: required key missing, expected Kafka's bootstrap.servers: host:port "
                        + "pairs separated by commas, e.g. 127.0.0.1:9092,127.0.0.1:9093");
        assertThat(problems("  nodeId: r1\n" + KAFKA + "  postgres: {url: \"jdbc:postgresql://db/router\"}\n"))
                .containsExactly(
                        F + "cluster.postgres.user: required key missing, expected 1 to 63 characters without spaces "
                                + "(a PostgreSQL user)",
                        F + "cluster.postgres.password: required key missing, expected 1 to 256 printable ASCII "
                                + "characters (a PostgreSQL password)");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|\"127.0.0.1\" in \"127.0.0.1\"",
            "127.0.0.1:9092,kafka2|\"kafka2\" in \"127.0.0.1:9092,kafka2\"",
            "127.0.0.1:0|\"127.0.0.1:0\" in \"127.0.0.1:0\"",
            "127.0.0.1:70000|\"127.0.0.1:70000\" in \"127.0.0.1:70000\"",
            "http://k:9092|\"http://k:9092\" in \"http://k:9092\""})
    void shouldRefuseABootstrapThatIsNotHostPortPairs(String bootstrap, String got) {
        assertThat(problems("  nodeId: r1\n  kafka: {bootstrap: \"" + bootstrap + "\"}\n")).containsExactly(
                F + "cluster.kafka.bootstrap: expected Kafka's bootstrap.servers: host:port pairs separated by commas, "
                        + "e.g. 127.0.0.1:9092,127.0.0.1:9093, got " + got + " (each a host and a port 1..65535)");
    }

    @Test
    void shouldRefuseBadValuesNamingTheKey() {
        assertThat(problems("  nodeId: r1\n  kafka: {bootstrap: \"127.0.0.1:9092,\"}\n")).containsExactly(
                F + "cluster.kafka.bootstrap: expected Kafka's bootstrap.servers: host:port pairs separated by commas, "
                        + "e.g. 127.0.0.1:9092,127.0.0.1:9093, got \"127.0.0.1:9092,\"");
        assertThat(problems("  nodeId: r1\n  kafka: {bootstrap: \"k:1\", topicPrefix: \"a/b\"}\n")).containsExactly(
                F + "cluster.kafka.topicPrefix: expected 1 to 100 letters, digits, '.', '_' or '-' (Kafka topic name "
                        + "characters), got \"a/b\"");
        assertThat(problems("  nodeId: r1\n" + KAFKA + "  ack: all\n")).containsExactly(
                F + "cluster.ack: expected one of replicated, local, got \"all\"");
        assertThat(problems("  nodeId: r1\n" + KAFKA + "  acks: local\n")).containsExactly(
                F + "cluster.acks: unknown key (expected one of nodeId, kafka, ack, postgres)");
        assertThat(problems("  nodeId: r1\n  kafka: \"127.0.0.1:9092\"\n")).containsExactly(
                F + "cluster.kafka: expected a mapping of bootstrap, topicPrefix, got \"127.0.0.1:9092\"");
        assertThat(problems("  nodeId: r1\n" + KAFKA + "  postgres: {url: \"postgres://db/router\", user: router, "
                + "password: pw}\n")).containsExactly(F + "cluster.postgres.url: expected a PostgreSQL JDBC URL "
                + "jdbc:postgresql://host[:port]/database, got \"postgres://db/router\"");
        assertThat(catchThrowableOfType(() -> ConfigLoader.parse(ACCOUNT + "cluster: r1\n", FILE),
                ConfigException.class).problems()).containsExactly(
                F + "cluster: expected a mapping of nodeId, kafka, ack, postgres, got \"r1\"");
    }

    @Test
    void shouldNeverShowThePostgresPassword() {
        assertThat(problems("  nodeId: r1\n" + KAFKA + "  postgres: {url: \"jdbc:postgresql://db/router\", "
                + "user: router, password: \"pässwörd-secret\"}\n")).containsExactly(
                F + "cluster.postgres.password: expected 1 to 256 printable ASCII characters (a PostgreSQL password), "
                        + "got a string of 15 characters");
        java.util.List<String> p = problems("  nodeId: r1\n" + KAFKA + "  postgres: {url: "
                + "\"jdbc:postgresql://db/router?user=router&password=hunter2\", user: router, password: pw}\n");
        assertThat(p).containsExactly(F + "cluster.postgres.url: expected a PostgreSQL JDBC URL "
                + "jdbc:postgresql://host[:port]/database without a password (it goes in cluster.postgres.password), "
                + "got a URL with password= in it (not shown)");
        assertThat(String.join("\n", p)).doesNotContain("hunter2");
    }

    @Test
    void shouldStopTheEmbeddedRouterWithAClusterSectionNamingTheKey(@TempDir Path dir) {
        RouterConfig config = ConfigLoader.parse(ACCOUNT + "journal: {dir: \"" + dir.resolve("journal") + "\"}\n"
                + "cluster:\n  nodeId: r1\n" + KAFKA, FILE);
        // router-server's class path is the embedded router.jar's: no cluster mode on it
        assertThatThrownBy(() -> new Router(config).close())
                .isInstanceOf(ConfigException.class)
                .hasMessage("conf/router.yaml: cluster: cluster mode needs router-cluster.jar (scripts/cluster); "
                        + "this jar is the embedded router");
        assertThat(ClusterSupport.load(ConfigLoader.parse(ACCOUNT, FILE))).isNull();
        // refused before anything was opened
        assertThat(dir.resolve("journal")).doesNotExist();
    }
}
