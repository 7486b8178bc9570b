package io.smsrouter.cluster;

import io.smsrouter.cluster.pg.PgStore;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.MessageStatus;
import io.smsrouter.core.engine.SmsLog;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.MessageIdGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster's SMS log on a real PostgreSQL, written from two real Chronicle journals as two nodes
 * would: the node that accepted a message and the node that sent it write their parts of its row, in
 * either order, and the row says what both did; a state never goes back; the operator id of a send
 * wins over the route's choice; a restart goes on from the stored position without writing a row
 * twice; days older than the retention are dropped.
 */
class PgSmsLogTest {
    static PgTestServer pg;

    @TempDir
    Path dir;

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

    private static Message message(long id, String to, String text) {
        return new Message(id, "shop", "", 5, 0, "Shop", 1, 1, to, 0, 0, 0, "", "", 1, 0,
                text.getBytes(StandardCharsets.ISO_8859_1), null, System.currentTimeMillis());
    }

    @Test
    void twoNodesWriteTheirPartsOfOneRowInEitherOrder() throws Exception {
        long base1 = MessageIdGenerator.clusterBase(1);
        long base2 = MessageIdGenerator.clusterBase(2);
        long now = System.currentTimeMillis() * 1000;
        Message a = message(base1 + now, "79161110001", "sent by the other node");
        Message b = message(base1 + now + 1, "79161110002", "receipt written first");
        Message c = message(base2 + now + 2, "79161110003", "refused for good");
        try (PgStore s1 = PgStore.open(pg.config(), "n1"); PgStore s2 = PgStore.open(pg.config(), "n2");
             ChronicleJournal j1 = new ChronicleJournal(dir.resolve("n1"), "HOURLY", false);
             ChronicleJournal j2 = new ChronicleJournal(dir.resolve("n2"), "HOURLY", false)) {
            // n2 sent b and matched its receipt, and its log is written before n1's
            j2.beginBatch();
            j2.submitted(b.id(), "opB", "up-b");
            j2.receipt(b.id(), DeliveryState.DELIVERED, 0, 1_000);
            j2.endBatch();
            PgSmsLog log2 = new PgSmsLog(s2, j2, "n2", Duration.ofHours(72));
            log2.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> log2.rows() == 1);
            assertThat(log2.status(b.id())).as("no acceptance written yet: not known").isNull();

            // n1 accepted a, b (route's choice opA) and c, and shipped a and b to the cluster
            j1.beginBatch();
            j1.noted(0, Engine.ORIGIN_NOTE, "smpp:shop@10.0.0.1:4000");
            j1.accepted(a, "opA");
            j1.accepted(b, "opA");
            j1.ledger(Journal.LEDGER_CHARGE, "shop", 150, a.id(), 0);
            j1.submitted(a.id(), "opA", Engine.SHIPPED_TO_CLUSTER);
            j1.submitted(b.id(), "opA", Engine.SHIPPED_TO_CLUSTER);
            j1.endBatch();
            j1.beginBatch();
            j1.accepted(c, "opA");
            j1.failed(c.id(), 0x0B);
            j1.receipt(c.id(), DeliveryState.UNDELIVERABLE, 0x0B, 2_000);
            j1.ledger(Journal.LEDGER_REFUND, "shop", 150, c.id(), 0);
            j1.endBatch();
            PgSmsLog log1 = new PgSmsLog(s1, j1, "n1", Duration.ofHours(72));
            log1.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> log1.rows() == 3);
            // n2 then sends a (after n1 wrote its acceptance)
            j2.beginBatch();
            j2.submitted(a.id(), "opA2", "up-a");
            j2.endBatch();
            await().atMost(Duration.ofSeconds(20)).until(() -> log2.rows() == 2);

            List<SmsLog.Row> rows = log1.query(new SmsLog.Query("shop", a.acceptedAtMs() - 60_000,
                    a.acceptedAtMs() + 60_000, null, null, 100));
            assertThat(rows).extracting(r -> r.id).containsExactly(a.id(), b.id(), c.id());
            SmsLog.Row ra = rows.get(0);
            assertThat(ra.state).isEqualTo("SUBMITTED");
            assertThat(ra.operatorId).as("the send's operator, not the route's").isEqualTo("opA2");
            assertThat(ra.upstreamId).isEqualTo("up-a");
            assertThat(ra.price).isEqualTo(150);
            assertThat(ra.origin).isEqualTo("smpp:shop@10.0.0.1:4000");
            assertThat(ra.text).isEqualTo("sent by the other node");
            SmsLog.Row rb = rows.get(1);
            assertThat(rb.state).as("n1's later ACCEPTED does not move it back").isEqualTo("DELIVERED");
            assertThat(rb.operatorId).isEqualTo("opB");
            assertThat(rb.text).isEqualTo("receipt written first");
            assertThat(rb.doneAtMs).isEqualTo(1_000);
            SmsLog.Row rc = rows.get(2);
            assertThat(rc.state).isEqualTo("FAILED");
            assertThat(rc.error).isEqualTo(0x0B);
            assertThat(rc.refunded).isTrue();
            assertThat(rc.price).as("never charged").isEqualTo(-1);
            assertThat(log2.query(new SmsLog.Query(null, a.acceptedAtMs() - 60_000, a.acceptedAtMs() + 60_000,
                    "+79161110002", "shop", 100))).extracting(r -> r.id).containsExactly(b.id());

            MessageStatus sb = log2.status(b.id());
            assertThat(sb.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(sb.accountId()).isEqualTo("shop");
            assertThat(log2.status(a.id()).state()).isEqualTo(DeliveryState.ENROUTE);
            assertThat(log2.status(c.id()).state()).isEqualTo(DeliveryState.UNDELIVERABLE);

            // a restart goes on from the stored position: nothing is written again
            log1.close();
            long rowsBefore = count(s1, "SELECT count(*) FROM sms_log");
            PgSmsLog again = new PgSmsLog(s1, j1, "n1", Duration.ofHours(72));
            again.start();
            Thread.sleep(3 * PgSmsLog.EVERY_MS);
            assertThat(again.rows()).isZero();
            assertThat(count(s1, "SELECT count(*) FROM sms_log")).isEqualTo(rowsBefore);

            // retention: a day long past is dropped at the (first) hourly check of a new writer
            s1.inTransaction(cx -> cx.prepareStatement("CREATE TABLE sms_log_20200101 PARTITION OF sms_log "
                    + "FOR VALUES FROM ('2020-01-01') TO ('2020-01-02')").execute());
            again.close();
            log2.close();
            PgSmsLog third = new PgSmsLog(s1, j1, "n1", Duration.ofHours(72));
            third.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> partitions(s1).stream()
                    .noneMatch("sms_log_20200101"::equals));
            assertThat(partitions(s1)).isNotEmpty();
            third.close();
        }
    }

    private static long count(PgStore s, String sql) {
        return s.inTransaction(c -> {
            try (ResultSet r = c.prepareStatement(sql).executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    private static List<String> partitions(PgStore s) {
        return s.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (ResultSet r = c.prepareStatement("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                    + "ON c.oid = i.inhrelid WHERE i.inhparent = 'sms_log'::regclass").executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        });
    }
}
