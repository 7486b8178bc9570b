package io.smsrouter.cluster;

import io.smsrouter.server.Router;
import io.smsrouter.server.config.ClusterConfig;
import io.smsrouter.server.it.JsmppSmsc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cluster node with {@code cluster.postgres}: it connects and migrates before recovery and
 * offers the store to the features; a wrong password stops its start naming the keys, never
 * showing the password; without the section the node has no store.
 */
class ClusterPostgresTest {
    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static PgTestServer pg;
    static JsmppSmsc smsc;

    @BeforeAll
    static void start() throws Exception {
        pg = PgTestServer.start();
        kafka = KafkaTestCluster.start(1);
        smsc = new JsmppSmsc("router", "routerpw");
    }

    @AfterAll
    static void stop() throws Exception {
        if (smsc != null) {
            smsc.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldOpenTheSharedStoreWhenPostgresIsConfigured() throws Exception {
        try (Router r1 = ClusterNodes.node(dir, "r1", kafka.bootstrap(), "pga", smsc.port(), "binds: 1", "replicated",
                pg.config());
             Router r2 = ClusterNodes.node(dir, "r2", kafka.bootstrap(), "pga", smsc.port(), "binds: 1", "replicated")) {
            KafkaClusterNode n1 = (KafkaClusterNode) r1.clusterView();
            assertThat(n1.pg()).isNotNull();
            assertThat(((KafkaClusterNode) r2.clusterView()).pg()).isNull();
            try (Connection c = n1.pg().dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT starts FROM cluster_nodes WHERE node_id = 'r1'")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getLong(1)).isPositive();
            }
        }
    }

    @Test
    void shouldStopTheStartNamingTheKeysWhenThePasswordIsWrong() {
        String wrong = "Wrong-Pass-77";
        assertThatThrownBy(() -> ClusterNodes.node(dir, "r3", kafka.bootstrap(), "pgb", smsc.port(), "binds: 1",
                "replicated", new ClusterConfig.Postgres(pg.url(), pg.user(), wrong)))
                .isInstanceOf(Router.StartException.class)
                .hasMessageContaining("cluster.postgres.user/cluster.postgres.password")
                .hasMessageNotContaining(wrong);
    }
}
