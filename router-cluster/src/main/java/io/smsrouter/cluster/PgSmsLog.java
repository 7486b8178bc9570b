package io.smsrouter.cluster;

import io.smsrouter.cluster.pg.PgStore;
import io.smsrouter.core.billing.Segments;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.SmsLog;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's SMS log in PostgreSQL (table {@code sms_log}, partitioned by day, migration V9).
 * A thread follows this node's journal from where the database says it stopped ({@code
 * sms_log_nodes}), folds each message's events into one change (what this node did to it:
 * accepted, held, decided, sent, ended, charged, refunded), and writes the changes every 200 ms as
 * multi-row upserts of up to {@link #ROWS_PER_STATEMENT} rows, with the new journal position in the
 * same transaction: statements grow with batches, not messages, and nothing is written twice or
 * lost when a node or the database stops (the journal is read again from the stored position). The
 * rows of one message written by several nodes meet by id: content fills in what is missing, a
 * state never goes back (rank), an operator id from a send wins over the route's choice.
 * {@link #query} answers {@code GET /api/v1/log} on every node.
 */
final class PgSmsLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgSmsLog.class);
    static final long EVERY_MS = 200;
    /** Changes folded before they are written, in the middle of a long catch-up. */
    static final int BATCH = 5_000;
    static final int ROWS_PER_STATEMENT = 1_000;
    private static final int COLUMNS = 19;
    /** The clock part of a message id (microseconds); the bits above are the cluster slot. */
    private static final long CLOCK_MASK = (1L << 52) - 1;
    private static final long DAY_MS = 86_400_000L;
    private static final long PARTITION_LOCK = 0x5_3a5_106L;
    private static final long RETENTION_EVERY_MS = 3_600_000L;

    /** Ranks of states: one never replaces a state of a higher rank. */
    private static final int HELD = 0;
    private static final int ACCEPTED = 1;
    private static final int SUBMITTED = 2;
    private static final int FINAL = 3;

    private final PgStore pg;
    private final Journal journal;
    private final String nodeId;
    private final Duration retention;
    private final Set<LocalDate> partitions = new HashSet<>();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private volatile long position = Long.MIN_VALUE;
    private volatile boolean running = true;
    private long retentionCheckedMs;
    private Thread writer;

    /** {@code retention} zero keeps every day. */
    PgSmsLog(PgStore pg, Journal journal, String nodeId, Duration retention) {
        this.pg = pg;
        this.journal = journal;
        this.nodeId = nodeId;
        this.retention = retention;
    }

    /** Starts following the journal. */
    void start() {
        writer = new Thread(this::loop, "cluster-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Rows (message changes) written since start. */
    long rows() {
        return rows.get();
    }

    /** INSERT statements written since start (each of up to {@link #ROWS_PER_STATEMENT} rows). */
    long statements() {
        return statements.get();
    }

    /** Transactions that wrote rows since start (each also moves the journal position). */
    long transactions() {
        return transactions.get();
    }

    private void loop() {
        long warned = 0;
        while (running) {
            try {
                catchUp();
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() - warned > 10_000) {
                    warned = System.currentTimeMillis();
                    log.warn("cluster: the SMS log in PostgreSQL is behind this node's journal ({}); trying again",
                            e.getMessage());
                }
                Loops.sleep(1_000);
            }
            Loops.sleep(EVERY_MS);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** Writes what the journal has beyond the stored position; the loop's thread (or close). */
    private synchronized void catchUp() {
        if (position == Long.MIN_VALUE) {
            position = readPosition();
        }
        dropOldDays();
        long last = journal.lastIndex();
        if (last < position) {
            log.warn("cluster: this node's journal ends before the SMS log's position {} (a new journal?): "
                    + "the log follows it from its start", position);
            position = -1;
        }
        if (last < 0 || last == position) {
            return;
        }
        Fold fold = new Fold();
        if (!journal.replayAfter(position, last, fold)) {
            log.warn("cluster: the journal no longer has excerpt {} (retention deleted it): the SMS log follows "
                    + "the journal from its first file", position);
            fold = new Fold();
            journal.replayAfter(-1, last, fold);
        }
        write(fold.changes, last);
    }

    private long readPosition() {
        return pg.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT journal_index FROM sms_log_nodes WHERE node_id = ?")) {
                s.setString(1, nodeId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : -1L;
                }
            }
        });
    }

    /** One message's changes from this node's journal, folded (the same rules as the upsert's). */
    private static final class Change {
        final long id;
        String accountId;
        String origin;
        String sender;
        String recipient;
        String msisdn;
        Integer segments;
        String text;
        Long acceptedAtMs;
        Long price;
        boolean refunded;
        String state;
        int rank = -1;
        /** The SMPP message_state of {@link #state} (0 none). */
        int delivery;
        int error;
        String operatorId;
        String upstreamId;
        long doneAtMs;

        Change(long id) {
            this.id = id;
        }

        void content(Message m, String origin, String operatorId) {
            accountId = m.accountId();
            if (origin != null) {
                this.origin = origin;
            }
            sender = m.source();
            recipient = m.destination();
            msisdn = SmsLog.digits(m.destination());
            segments = Segments.of(m);
            text = SmsLog.text(m);
            acceptedAtMs = m.acceptedAtMs();
            operator(operatorId, null);
        }

        void operator(String operatorId, String upstreamId) {
            if (upstreamId != null) {
                this.upstreamId = upstreamId;
                this.operatorId = operatorId;
            } else if (this.upstreamId == null && operatorId != null) {
                this.operatorId = operatorId;
            }
        }

        void state(String state, int rank, int error, long doneAtMs, DeliveryState delivery) {
            if (rank >= this.rank) {
                this.state = state;
                this.rank = rank;
                this.delivery = delivery.code();
                this.error = error;
                this.doneAtMs = doneAtMs;
            }
        }
    }

    /** Folds journal events into changes; writes a batch at an excerpt boundary when it is large. */
    private final class Fold implements Journal.JournalListener {
        Map<Long, Change> changes = new LinkedHashMap<>();
        long current = -1;
        String origin;

        private Change of(long id) {
            return changes.computeIfAbsent(id, Change::new);
        }

        @Override
        public void excerpt(long index) {
            if (changes.size() >= BATCH && current >= 0) {
                write(changes, current); // everything through the previous excerpt
                changes = new LinkedHashMap<>();
            }
            current = index;
            origin = null; // an origin covers the messages of its own excerpt only
        }

        @Override
        public void noted(long id, String key, String value) {
            if (id == 0 && Engine.ORIGIN_NOTE.equals(key)) {
                origin = value;
            }
        }

        @Override
        public void accepted(Message m, String operatorId) {
            Change c = of(m.id());
            c.content(m, origin, operatorId);
            c.state(SmsLog.acceptedState(m), ACCEPTED, 0, 0, DeliveryState.ENROUTE);
        }

        @Override
        public void held(Message m, String operatorId) {
            Change c = of(m.id());
            c.content(m, origin, operatorId);
            c.state("HELD", HELD, 0, 0, DeliveryState.ENROUTE);
        }

        @Override
        public void moderated(long id, int verdict, long atMs, String moderator, String reason) {
            String state = SmsLog.moderatedState(verdict);
            boolean approved = "ACCEPTED".equals(state);
            of(id).state(state, approved ? ACCEPTED : FINAL, 0, approved ? 0 : atMs, approved ? DeliveryState.ENROUTE
                    : "REJECTED".equals(state) ? DeliveryState.REJECTED : DeliveryState.EXPIRED);
        }

        @Override
        public void submitted(long id, String operatorId, String upstreamId) {
            if (Engine.SHIPPED_TO_CLUSTER.equals(upstreamId)) {
                return; // handed to the cluster: the node that sends it writes its state
            }
            Change c = of(id);
            c.operator(operatorId, upstreamId);
            c.state("SUBMITTED", SUBMITTED, 0, 0, DeliveryState.ENROUTE);
        }

        @Override
        public void failed(long id, int errorCode) {
            // the final receipt event that follows says the precise state
            of(id).state(SmsLog.failedState(errorCode), FINAL, errorCode, 0, errorCode == Engine.DUPLICATE_ERROR
                    ? DeliveryState.REJECTED : DeliveryState.UNDELIVERABLE);
        }

        @Override
        public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
            if (state.isFinal()) {
                Change c = of(id);
                // FAILED for an undelivered message here; the query shows UNDELIVERABLE once the row has an upstream id
                c.state(SmsLog.finalState(state, errorCode, c.upstreamId != null), FINAL, errorCode, doneTimeMs, state);
            }
        }

        @Override
        public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
            if (messageId == 0) {
                return;
            }
            if (kind == Journal.LEDGER_CHARGE) {
                of(messageId).price = amount;
            } else if (kind == Journal.LEDGER_REFUND) {
                of(messageId).refunded = true;
            }
        }
    }

    private static final String UPSERT_HEAD = "INSERT INTO sms_log (id, day, account_id, origin, sender, recipient, "
            + "msisdn, segments, body, accepted_ms, price, refunded, state, rank, error, operator_id, upstream_id, "
            + "done_ms, delivery) VALUES ";
    private static final String UPSERT_TAIL = """
             ON CONFLICT (id, day) DO UPDATE SET
                account_id = COALESCE(EXCLUDED.account_id, sms_log.account_id),
                origin = COALESCE(EXCLUDED.origin, sms_log.origin),
                sender = COALESCE(EXCLUDED.sender, sms_log.sender),
                recipient = COALESCE(EXCLUDED.recipient, sms_log.recipient),
                msisdn = COALESCE(EXCLUDED.msisdn, sms_log.msisdn),
                segments = COALESCE(EXCLUDED.segments, sms_log.segments),
                body = COALESCE(EXCLUDED.body, sms_log.body),
                accepted_ms = COALESCE(EXCLUDED.accepted_ms, sms_log.accepted_ms),
                price = COALESCE(EXCLUDED.price, sms_log.price),
                refunded = sms_log.refunded OR EXCLUDED.refunded,
                state = CASE WHEN EXCLUDED.rank >= sms_log.rank AND EXCLUDED.rank >= 0
                             THEN EXCLUDED.state ELSE sms_log.state END,
                error = CASE WHEN EXCLUDED.rank >= sms_log.rank AND EXCLUDED.rank >= 0
                             THEN EXCLUDED.error ELSE sms_log.error END,
                done_ms = CASE WHEN EXCLUDED.rank >= sms_log.rank AND EXCLUDED.rank >= 0
                               THEN EXCLUDED.done_ms ELSE sms_log.done_ms END,
                delivery = CASE WHEN EXCLUDED.rank >= sms_log.rank AND EXCLUDED.rank >= 0
                                THEN EXCLUDED.delivery ELSE sms_log.delivery END,
                rank = GREATEST(sms_log.rank, EXCLUDED.rank),
                operator_id = CASE WHEN EXCLUDED.upstream_id IS NOT NULL OR sms_log.upstream_id IS NULL
                                   THEN COALESCE(EXCLUDED.operator_id, sms_log.operator_id)
                                   ELSE sms_log.operator_id END,
                upstream_id = COALESCE(EXCLUDED.upstream_id, sms_log.upstream_id)""";

    /** Writes the changes and the new position in one transaction (retried by {@link PgStore#inTransaction}). */
    private void write(Map<Long, Change> changes, long throughIndex) {
        List<Change> list = new ArrayList<>(changes.values());
        Set<LocalDate> days = new TreeSet<>();
        for (Change c : list) {
            days.add(dayOf(c.id));
        }
        for (LocalDate d : days) {
            ensurePartition(d);
        }
        pg.inTransaction(c -> {
            for (int from = 0; from < list.size(); from += ROWS_PER_STATEMENT) {
                int n = Math.min(ROWS_PER_STATEMENT, list.size() - from);
                StringBuilder sql = new StringBuilder(UPSERT_HEAD.length() + UPSERT_TAIL.length() + n * 40)
                        .append(UPSERT_HEAD);
                for (int i = 0; i < n; i++) {
                    sql.append(i == 0 ? "(" : ",(").append("?,".repeat(COLUMNS - 1)).append("?)");
                }
                sql.append(UPSERT_TAIL);
                try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                    int p = 1;
                    for (int i = 0; i < n; i++) {
                        p = bind(s, p, list.get(from + i));
                    }
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO sms_log_nodes (node_id, journal_index, "
                    + "updated_ms) VALUES (?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET journal_index = "
                    + "EXCLUDED.journal_index, updated_ms = EXCLUDED.updated_ms")) {
                s.setString(1, nodeId);
                s.setLong(2, throughIndex);
                s.setLong(3, System.currentTimeMillis());
                s.executeUpdate();
            }
            return null;
        });
        position = throughIndex;
        rows.addAndGet(list.size());
        statements.addAndGet((list.size() + ROWS_PER_STATEMENT - 1) / ROWS_PER_STATEMENT);
        transactions.incrementAndGet();
    }

    private static int bind(PreparedStatement s, int p, Change c) throws SQLException {
        s.setLong(p++, c.id);
        s.setDate(p++, Date.valueOf(dayOf(c.id)));
        s.setString(p++, c.accountId);
        s.setString(p++, c.origin);
        s.setString(p++, c.sender);
        s.setString(p++, c.recipient);
        s.setString(p++, c.msisdn);
        if (c.segments == null) {
            s.setNull(p++, Types.INTEGER);
        } else {
            s.setInt(p++, c.segments);
        }
        s.setString(p++, c.text);
        setLong(s, p++, c.acceptedAtMs);
        setLong(s, p++, c.price);
        s.setBoolean(p++, c.refunded);
        s.setString(p++, c.state);
        s.setShort(p++, (short) c.rank);
        s.setInt(p++, c.error);
        s.setString(p++, c.operatorId);
        s.setString(p++, c.upstreamId);
        s.setLong(p++, c.doneAtMs);
        s.setShort(p++, (short) c.delivery);
        return p;
    }

    private static void setLong(PreparedStatement s, int p, Long v) throws SQLException {
        if (v == null) {
            s.setNull(p, Types.BIGINT);
        } else {
            s.setLong(p, v);
        }
    }

    /** The day of a message's partition: that of its id's clock (its acceptance), UTC. */
    static LocalDate dayOf(long messageId) {
        return LocalDate.ofEpochDay(Math.floorDiv((messageId & CLOCK_MASK) / 1000, DAY_MS));
    }

    private static String partition(LocalDate d) {
        return "sms_log_" + d.toString().replace("-", "");
    }

    /** Creates the day's partition (and the next day's) unless this node knows they exist. */
    private void ensurePartition(LocalDate day) {
        if (partitions.contains(day) && partitions.contains(day.plusDays(1))) {
            return;
        }
        pg.inTransaction(c -> {
            lock(c);
            for (LocalDate d : List.of(day, day.plusDays(1))) {
                try (PreparedStatement s = c.prepareStatement("CREATE TABLE IF NOT EXISTS " + partition(d)
                        + " PARTITION OF sms_log FOR VALUES FROM ('" + d + "') TO ('" + d.plusDays(1) + "')")) {
                    s.execute();
                }
            }
            return null;
        });
        partitions.add(day);
        partitions.add(day.plusDays(1));
    }

    /** Serializes the nodes' partition changes (two creating one day at once would collide). */
    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            s.setLong(1, PARTITION_LOCK);
            s.execute();
        }
    }

    /** Once an hour: drops the days older than the retention (with a day's margin). */
    private void dropOldDays() {
        long now = System.currentTimeMillis();
        if (retention.isZero() || now - retentionCheckedMs < RETENTION_EVERY_MS) {
            return;
        }
        retentionCheckedMs = now;
        LocalDate before = LocalDate.ofEpochDay(Math.floorDiv(now - retention.toMillis(), DAY_MS)).minusDays(1);
        List<String> dropped = pg.inTransaction(c -> {
            lock(c);
            List<String> names = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                    + "ON c.oid = i.inhrelid WHERE i.inhparent = 'sms_log'::regclass");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String name = r.getString(1);
                    if (name.matches("sms_log_\\d{8}") && name.compareTo(partition(before)) < 0) {
                        names.add(name);
                    }
                }
            }
            for (String name : names) {
                try (PreparedStatement s = c.prepareStatement("DROP TABLE IF EXISTS " + name)) {
                    s.execute();
                }
            }
            return names;
        });
        if (!dropped.isEmpty()) {
            partitions.removeIf(d -> d.isBefore(before));
            log.info("cluster: SMS log days older than the journal's retention dropped: {}", dropped);
        }
    }

    /**
     * The status of a message as the nodes that handled it wrote it, or null when no node wrote its
     * acceptance yet; throws when PostgreSQL does not answer (about 2 s at most).
     */
    io.smsrouter.core.engine.MessageStatus status(long messageId) {
        return pg.inTransactionOnce(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT account_id, delivery, error, operator_id, "
                    + "accepted_ms, done_ms FROM sms_log WHERE id = ? AND day = ?")) {
                s.setLong(1, messageId);
                s.setDate(2, Date.valueOf(dayOf(messageId)));
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() || r.getString(1) == null || r.getShort(2) == 0) {
                        return null;
                    }
                    return new io.smsrouter.core.engine.MessageStatus(messageId, r.getString(1),
                            DeliveryState.fromCode(r.getShort(2)), r.getInt(3), r.getString(4), r.getLong(5),
                            r.getLong(6));
                }
            }
        });
    }

    /** The rows the query asks for, from every node's writes; throws when PostgreSQL does not answer. */
    List<SmsLog.Row> query(SmsLog.Query q) {
        StringBuilder sql = new StringBuilder("SELECT id, account_id, origin, sender, recipient, segments, body, "
                + "accepted_ms, price, refunded, state, error, operator_id, upstream_id, done_ms FROM sms_log "
                + "WHERE day BETWEEN ? AND ? AND accepted_ms BETWEEN ? AND ?");
        if (q.accountId() != null) {
            sql.append(" AND account_id = ?");
        }
        if (q.msisdn() != null) {
            sql.append(" AND msisdn = ?");
        }
        if (q.sender() != null) {
            sql.append(" AND lower(sender) = lower(?)");
        }
        sql.append(" ORDER BY accepted_ms, id LIMIT ?");
        return pg.inTransactionOnce(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int p = 1;
                s.setDate(p++, Date.valueOf(LocalDate.ofInstant(java.time.Instant.ofEpochMilli(q.fromMs()),
                        ZoneOffset.UTC)));
                // an id's clock is at or after its acceptance: its day may be the next one
                s.setDate(p++, Date.valueOf(LocalDate.ofInstant(java.time.Instant.ofEpochMilli(q.toMs()),
                        ZoneOffset.UTC).plusDays(1)));
                s.setLong(p++, q.fromMs());
                s.setLong(p++, q.toMs());
                if (q.accountId() != null) {
                    s.setString(p++, q.accountId());
                }
                if (q.msisdn() != null) {
                    s.setString(p++, SmsLog.digits(q.msisdn()));
                }
                if (q.sender() != null) {
                    s.setString(p++, q.sender());
                }
                s.setInt(p, q.limit());
                List<SmsLog.Row> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        SmsLog.Row row = new SmsLog.Row(r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), r.getInt(6), r.getString(7), r.getLong(8));
                        long price = r.getLong(9);
                        row.price = r.wasNull() ? -1 : price;
                        row.refunded = r.getBoolean(10);
                        row.upstreamId = r.getString(14);
                        String state = r.getString(11);
                        row.state = "FAILED".equals(state) && row.upstreamId != null ? "UNDELIVERABLE" : state;
                        row.error = r.getInt(12);
                        row.operatorId = r.getString(13);
                        row.doneAtMs = r.getLong(15);
                        out.add(row);
                    }
                }
                return out;
            }
        });
    }

    /** Writes what the journal has (for up to 5 s: a graceful stop leaves the log complete), then stops. */
    @Override
    public void close() {
        running = false;
        Thread t = writer;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            catchUp();
        } catch (RuntimeException e) {
            log.warn("cluster: the SMS log's last writes failed ({}); the next start writes them", e.getMessage());
        }
    }
}
