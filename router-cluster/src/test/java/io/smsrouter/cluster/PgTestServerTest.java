package io.smsrouter.cluster;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test PostgreSQL (Debian's server through PgServer): reachable over TCP with the router
 * role's password only, and what was committed survives a stop, and a kill -9, of the server.
 */
class PgTestServerTest {

    @Test
    void shouldKeepCommittedRowsAcrossStopAndKillNine() throws Exception {
        Path dir;
        try (PgTestServer pg = PgTestServer.start()) {
            dir = pg.server().dir();
            assertThat(pg.isRunning()).isTrue();
            assertThat(pg.url()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/router");
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (n int)");
                s.execute("INSERT INTO t VALUES (1)");
                assertThat(one(s, "SHOW fsync")).isEqualTo("on");
                assertThat(one(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(pg.url(), pg.user(), "wrong-password"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");

            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(() -> connect(pg)).isInstanceOf(SQLException.class);
            pg.startAgain();
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                assertThat(one(s, "SELECT count(*) FROM t")).isEqualTo("1");
                s.execute("INSERT INTO t VALUES (2)"); // autocommit: committed before the kill
            }

            pg.kill9();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(() -> connect(pg)).isInstanceOf(SQLException.class);
            pg.startAgain(); // crash recovery from the WAL
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                assertThat(one(s, "SELECT sum(n) FROM t")).isEqualTo("3");
            }
        }
        assertThat(Files.exists(dir)).isFalse();
    }

    private static Connection connect(PgTestServer pg) throws SQLException {
        return DriverManager.getConnection(pg.url(), pg.user(), pg.password());
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
