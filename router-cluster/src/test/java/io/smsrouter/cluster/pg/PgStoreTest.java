package io.smsrouter.cluster.pg;

import io.smsrouter.cluster.PgTestServer;
import io.smsrouter.cluster.tools.KafkaBrokers;
import io.smsrouter.server.config.ClusterConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A node's PgStore on a real PostgreSQL: migrations at open, clear start errors, quick failure when it is down. */
class PgStoreTest {
    static PgTestServer pg;

    @BeforeAll
    static void start() throws Exception {
        pg = PgTestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldMigrateOnceWhenNodesOpenTogetherAndRecordEachNode() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(3);
        List<Future<PgStore>> opening = new ArrayList<>();
        for (String node : List.of("m1", "m2", "m3")) {
            opening.add(ex.submit(() -> PgStore.open(pg.config(), node)));
        }
        List<PgStore> stores = new ArrayList<>();
        for (Future<PgStore> f : opening) {
            stores.add(f.get());
        }
        ex.shutdown();
        try {
            PgStore s = stores.get(0);
            long v1 = s.inTransaction(c -> count(c.prepareStatement(
                    "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success")));
            assertThat(v1).isEqualTo(1);
            long nodes = s.inTransaction(c -> count(c.prepareStatement(
                    "SELECT count(*) FROM cluster_nodes WHERE node_id IN ('m1', 'm2', 'm3') AND starts >= 1")));
            assertThat(nodes).isEqualTo(3);
        } finally {
            stores.forEach(PgStore::close);
        }
        try (PgStore again = PgStore.open(pg.config(), "m1")) {
            long starts = again.inTransaction(c -> count(c.prepareStatement(
                    "SELECT starts FROM cluster_nodes WHERE node_id = 'm1'")));
            assertThat(starts).isEqualTo(2);
        }
    }

    @Test
    void shouldNameTheKeyAndHideThePasswordWhenTheStartCannotConnect() {
        String secret = "Not-The-Password-42";
        assertThatThrownBy(() -> PgStore.open(new ClusterConfig.Postgres(pg.url(), pg.user(), secret), "w1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cluster.postgres.user/cluster.postgres.password")
                .hasMessageContaining("'router'")
                .hasMessageNotContaining(secret);
        int nobody = KafkaBrokers.freePorts(1)[0];
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> PgStore.open(new ClusterConfig.Postgres("jdbc:postgresql://127.0.0.1:" + nobody
                + "/router", pg.user(), pg.password()), "w1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cluster.postgres.url: cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:"
                        + nobody + "/router")
                .hasMessageNotContaining(pg.password());
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        assertThatThrownBy(() -> PgStore.open(new ClusterConfig.Postgres(pg.url() + "_nope", pg.user(),
                pg.password()), "w1"))
                .hasMessageStartingWith("cluster.postgres.url: ").hasMessageContaining("router_nope");
    }

    @Test
    void shouldFailQuicklyWhilePostgresIsDownAndWorkAgainAfter() throws Exception {
        try (PgStore s = PgStore.open(pg.config(), "d1")) {
            s.inTransaction(c -> c.prepareStatement("CREATE TABLE IF NOT EXISTS down_test (n int)").execute());
            pg.stop();
            try {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> s.inTransaction(c -> c.prepareStatement(
                        "INSERT INTO down_test VALUES (1)").executeUpdate()))
                        .isInstanceOf(PgStore.PgUnavailableException.class)
                        .hasMessageContaining("is unavailable");
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
                assertThat(s.reachable()).isFalse();
            } finally {
                pg.startAgain();
            }
            s.inTransaction(c -> c.prepareStatement("INSERT INTO down_test VALUES (1)").executeUpdate());
            assertThat(s.reachable()).isTrue();
            long rows = s.inTransaction(c -> count(c.prepareStatement("SELECT count(*) FROM down_test")));
            assertThat(rows).isEqualTo(1);
        }
    }

    private static long count(PreparedStatement s) throws java.sql.SQLException {
        try (s; ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
