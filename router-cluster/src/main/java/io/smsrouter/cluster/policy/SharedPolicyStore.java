package io.smsrouter.cluster.policy;

import io.smsrouter.cluster.Loops;

import io.smsrouter.cluster.pg.PgStore;
import io.smsrouter.core.cluster.ClusterUnavailableException;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.policy.Consent;
import io.smsrouter.core.policy.ConsentRegistry;
import io.smsrouter.core.policy.LocalConsentRegistry;
import io.smsrouter.core.policy.LocalOptOutRegistry;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.core.policy.OptOutRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opt-outs and consents shared by every node (issue 12 item 3), the engine's
 * {@link Engine.SharedPolicies} in cluster mode with {@code cluster.postgres}.
 *
 * <p><b>Where things are.</b> PostgreSQL is the truth (migration V2: {@code optouts} keyed by
 * account, sender and msisdn, a withdrawn one kept with {@code active = false}; {@code consents}
 * by id from one sequence). Each node answers from its own in-memory registries
 * ({@link LocalOptOutRegistry}, {@link LocalConsentRegistry}: O(1), no round trip on a message's
 * path), kept current by folding the compacted topic {@code <prefix>.optouts}.
 *
 * <p><b>A change</b> (the opt-out API, a STOP reply, the consent API) is written to PostgreSQL
 * first (one transaction, tried once; when it fails nothing changed and the caller gets
 * {@link ClusterUnavailableException}: HTTP 503 {@code cluster_unavailable}, an operator's STOP a
 * temporary error so it comes again; while PostgreSQL is known to be down that answer comes at
 * once), and applied to this node's registry; then published by a thread of its own (the caller,
 * maybe an operator's event loop, does not wait for Kafka): a second transaction locks the row,
 * puts its <em>current</em> state on the topic (waiting for {@code acks=all}), marks it published
 * and commits. Publishing under the row lock keeps one key's records in the order of its changes, so
 * the topic's last record of a key is PostgreSQL's latest state. A row that reached PostgreSQL
 * but not Kafka (the node died in between, Kafka was away) stays {@code published = false}; every
 * node's repair loop publishes such rows older than a second ({@code FOR UPDATE SKIP LOCKED}).
 * Folding is applying: an active opt-out is added, an inactive one removed, a consent entry
 * recorded (by id, once). This node's own changes come back through the fold too (no harm).
 *
 * <p><b>A start</b> ({@link #open}, before recovery and before the router listens): the topic's
 * end offsets are taken first, then PostgreSQL is loaded into fresh registries, which replace the
 * engine's; the fold then starts at those offsets (a change committed after the load was published
 * after it, so at or past them). Opt-outs and consent entries this node had from before
 * PostgreSQL (its snapshot) that PostgreSQL has never seen are imported first, so switching
 * PostgreSQL on loses none. From then on the journal's opt-out and consent events are not
 * replayed: an old event would undo a newer change of another node.
 */
public final class SharedPolicyStore implements Engine.SharedPolicies, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedPolicyStore.class);
    private static final byte VERSION = 1;
    private static final byte OPT_OUT = 'O';
    private static final byte CONSENT = 'C';
    /** Rows unpublished for longer than this are published by the repair loop. */
    static final long REPAIR_AFTER_MS = 1_000;
    private static final long PUBLISH_TIMEOUT_MS = 10_000;

    private final PgStore pg;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Properties consumerProps;
    private final Engine engine;
    private final String nodeId;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    private OptOutRegistry optOuts;
    private ConsentRegistry consents;
    private final AtomicLong folded = new AtomicLong();
    /** Set when a write found PostgreSQL unreachable; cleared by the repair loop once it answers again. */
    private volatile boolean pgDown;
    /** Publishes after the change is committed, so the caller (maybe an event loop: a STOP reply) does not wait for Kafka. */
    private final java.util.concurrent.ExecutorService publisher = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "cluster-optouts-publish");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong repaired = new AtomicLong();

    public SharedPolicyStore(PgStore pg, KafkaProducer<String, byte[]> producer, String topic, Properties consumerProps,
                             Engine engine, String nodeId) {
        this.pg = pg;
        this.producer = producer;
        this.topic = topic;
        this.consumerProps = consumerProps;
        this.engine = engine;
        this.nodeId = nodeId;
    }

    // ---------------------------------------------------------------- start and stop

    /** See the class comment: before the engine's recovery. */
    public void open() {
        long t0 = System.nanoTime();
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps);
        List<TopicPartition> tps = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (tps.isEmpty()) { // a topic created a moment ago may not be known to this broker yet
            List<PartitionInfo> ps = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (ps != null) {
                for (PartitionInfo p : ps) {
                    tps.add(new TopicPartition(topic, p.partition()));
                }
            }
            if (tps.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    c.close();
                    throw new IllegalStateException("cluster.kafka: topic " + topic + " has no partitions after 30 s");
                }
                sleep(200);
            }
        }
        c.assign(tps);
        Map<TopicPartition, Long> ends = c.endOffsets(tps, Duration.ofSeconds(30));
        ends.forEach(c::seek);
        consumer = c;

        LocalOptOutRegistry freshOptOuts = new LocalOptOutRegistry();
        LocalConsentRegistry freshConsents = new LocalConsentRegistry();
        Set<String> knownOptOuts = new HashSet<>();
        Set<String> knownConsents = new HashSet<>();
        int imported;
        try {
            pg.inTransaction(con -> {
                loadOptOuts(con, freshOptOuts, knownOptOuts);
                loadConsents(con, freshConsents, knownConsents);
                return null;
            });
            imported = importLocal(engine.optOuts(), engine.consents(), freshOptOuts, freshConsents, knownOptOuts,
                    knownConsents);
        } catch (RuntimeException e) {
            c.close();
            consumer = null;
            throw e;
        }
        optOuts = freshOptOuts;
        consents = freshConsents;
        engine.sharePolicies(this, freshOptOuts, freshConsents);
        log.info("cluster: opt-outs and consents from PostgreSQL: {} opt-outs, {} consent entries ({} imported from "
                        + "this node's own) in {} ms; folding {} from offsets {}", freshOptOuts.size(),
                freshConsents.size(), imported, (System.nanoTime() - t0) / 1_000_000, topic, ends.values());
        thread("cluster-optouts", this::foldLoop);
        thread("cluster-optouts-repair", this::repairLoop);
    }

    private static void loadOptOuts(Connection con, OptOutRegistry into, Set<String> known) throws SQLException {
        try (PreparedStatement s = con.prepareStatement(
                "SELECT account_id, sender, msisdn, active, at_ms, source FROM optouts")) {
            s.setFetchSize(10_000);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String account = none(r.getString(1));
                    String sender = none(r.getString(2));
                    known.add(key(account, sender, r.getString(3)));
                    if (r.getBoolean(4)) {
                        try {
                            into.add(new OptOut(account, sender, r.getString(3), r.getLong(5), r.getString(6)));
                        } catch (IllegalArgumentException e) {
                            log.warn("cluster: opt-out row for {} skipped: {}", r.getString(3), e.getMessage());
                        }
                    }
                }
            }
        }
    }

    private static void loadConsents(Connection con, ConsentRegistry into, Set<String> known) throws SQLException {
        try (PreparedStatement s = con.prepareStatement("SELECT id, granted, account_id, sender, msisdn, source, "
                + "evidence, given_at_ms, recorded_at_ms, recorded_by FROM consents ORDER BY id")) {
            s.setFetchSize(10_000);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    try {
                        Consent c = new Consent(r.getLong(1), r.getBoolean(2), r.getString(3), r.getString(4),
                                r.getString(5), r.getString(6), r.getString(7), r.getLong(8), r.getLong(9),
                                r.getString(10));
                        into.record(c);
                        known.add(naturalKey(c));
                    } catch (IllegalArgumentException e) {
                        log.warn("cluster: consent row {} skipped: {}", r.getLong(1), e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * What this node had before PostgreSQL (its snapshot) and PostgreSQL has never seen goes in
     * (published by the repair loop), so switching PostgreSQL on loses no opt-out and no consent.
     */
    private int importLocal(OptOutRegistry localOptOuts, ConsentRegistry localConsents, OptOutRegistry freshOptOuts,
                            ConsentRegistry freshConsents, Set<String> knownOptOuts, Set<String> knownConsents) {
        List<OptOut> newOptOuts = new ArrayList<>();
        localOptOuts.forEach(o -> {
            if (!knownOptOuts.contains(key(o.accountId(), o.sender(), o.msisdn()))) {
                newOptOuts.add(o);
            }
        });
        List<Consent> newConsents = new ArrayList<>();
        localConsents.forEach(c -> {
            if (!knownConsents.contains(naturalKey(c))) {
                newConsents.add(c);
            }
        });
        if (newOptOuts.isEmpty() && newConsents.isEmpty()) {
            return 0;
        }
        pg.inTransaction(con -> {
            try (PreparedStatement s = con.prepareStatement("INSERT INTO optouts (account_id, sender, msisdn, active, "
                    + "at_ms, source) VALUES (?, ?, ?, true, ?, ?) ON CONFLICT DO NOTHING")) {
                for (OptOut o : newOptOuts) {
                    s.setString(1, blank(o.accountId()));
                    s.setString(2, blank(o.sender()));
                    s.setString(3, o.msisdn());
                    s.setLong(4, o.atMs());
                    s.setString(5, o.source());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
        for (OptOut o : newOptOuts) {
            freshOptOuts.add(o);
        }
        for (Consent c : newConsents) {
            Consent stored = pg.inTransaction(con -> insertConsent(con, c));
            freshConsents.record(stored);
        }
        log.info("cluster: {} opt-outs and {} consent entries of this node's own, unknown to PostgreSQL, imported",
                newOptOuts.size(), newConsents.size());
        return newOptOuts.size() + newConsents.size();
    }

    @Override
    public void close() {
        publisher.shutdown();
        try {
            publisher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void thread(String name, Runnable r) {
        threads.add(Loops.start(name, () -> running, r));
    }

    // ---------------------------------------------------------------- the engine's changes

    @Override
    public boolean optOut(OptOut o) {
        boolean changed = write(con -> {
            try (PreparedStatement s = con.prepareStatement("""
                    INSERT INTO optouts (account_id, sender, msisdn, active, at_ms, source) VALUES (?, ?, ?, true, ?, ?)
                    ON CONFLICT (account_id, sender, msisdn) DO UPDATE
                      SET active = true, at_ms = excluded.at_ms, source = excluded.source, changed_at = now(),
                          published = false
                      WHERE NOT optouts.active
                    """)) {
                s.setString(1, blank(o.accountId()));
                s.setString(2, blank(o.sender()));
                s.setString(3, o.msisdn());
                s.setLong(4, o.atMs());
                s.setString(5, o.source());
                return s.executeUpdate() == 1;
            }
        });
        if (changed) {
            publisher.execute(() -> publishOptOut(o.accountId(), o.sender(), o.msisdn()));
        }
        return changed;
    }

    @Override
    public boolean optIn(OptOut key) {
        boolean changed = write(con -> {
            try (PreparedStatement s = con.prepareStatement("""
                    UPDATE optouts SET active = false, at_ms = ?, source = ?, changed_at = now(), published = false
                    WHERE account_id = ? AND sender = ? AND msisdn = ? AND active
                    """)) {
                s.setLong(1, key.atMs());
                s.setString(2, key.source());
                s.setString(3, blank(key.accountId()));
                s.setString(4, blank(key.sender()));
                s.setString(5, key.msisdn());
                return s.executeUpdate() == 1;
            }
        });
        if (changed) {
            publisher.execute(() -> publishOptOut(key.accountId(), key.sender(), key.msisdn()));
        }
        return changed;
    }

    @Override
    public Consent consent(Consent entry) {
        Consent stored = write(con -> insertConsent(con, entry));
        publisher.execute(() -> publishConsent(stored.id()));
        return stored;
    }

    /** Inserts the entry with an id of the sequence; an identical entry (same natural key) already there is returned instead. */
    private static Consent insertConsent(Connection con, Consent c) throws SQLException {
        try (PreparedStatement s = con.prepareStatement("""
                INSERT INTO consents (granted, account_id, sender, msisdn, source, evidence, given_at_ms, recorded_at_ms,
                                      recorded_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, msisdn, coalesce(sender, ''), granted, given_at_ms, recorded_at_ms) DO NOTHING
                RETURNING id
                """)) {
            s.setBoolean(1, c.granted());
            s.setString(2, c.accountId());
            s.setString(3, c.sender());
            s.setString(4, c.msisdn());
            s.setString(5, c.source());
            s.setString(6, c.evidence());
            s.setLong(7, c.givenAtMs());
            s.setLong(8, c.recordedAtMs());
            s.setString(9, c.recordedBy());
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return withId(c, r.getLong(1));
                }
            }
        }
        try (PreparedStatement s = con.prepareStatement("SELECT id FROM consents WHERE account_id = ? AND msisdn = ? "
                + "AND coalesce(sender, '') = ? AND granted = ? AND given_at_ms = ? AND recorded_at_ms = ?")) {
            s.setString(1, c.accountId());
            s.setString(2, c.msisdn());
            s.setString(3, blank(c.sender()));
            s.setBoolean(4, c.granted());
            s.setLong(5, c.givenAtMs());
            s.setLong(6, c.recordedAtMs());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return withId(c, r.getLong(1));
            }
        }
    }

    private static Consent withId(Consent c, long id) {
        return new Consent(id, c.granted(), c.accountId(), c.sender(), c.msisdn(), c.source(), c.evidence(),
                c.givenAtMs(), c.recordedAtMs(), c.recordedBy());
    }

    /**
     * A write the caller waits for, tried once (a STOP reply waits on an operator's event loop: at
     * most about 2 s when PostgreSQL just went away, and no wait at all while it is known to be
     * down); PostgreSQL unreachable is the engine's ClusterUnavailableException.
     */
    private <T> T write(PgStore.Work<T> work) {
        if (pgDown) {
            throw new ClusterUnavailableException("PostgreSQL at " + pg.shownUrl() + " is unavailable", null);
        }
        try {
            return pg.inTransactionOnce(work);
        } catch (PgStore.PgUnavailableException e) {
            pgDown = true;
            throw e;
        } catch (PgStore.PgException e) {
            throw new ClusterUnavailableException("PostgreSQL refused the change: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- publishing

    /**
     * Puts the key's current state on the topic under its row lock and marks it published. A
     * failure is logged, not thrown: PostgreSQL has the change, and the repair loop publishes it.
     */
    private void publishOptOut(String accountId, String sender, String msisdn) {
        try {
            pg.inTransaction(con -> {
                try (PreparedStatement s = con.prepareStatement("SELECT active, at_ms, source FROM optouts WHERE "
                        + "account_id = ? AND sender = ? AND msisdn = ? FOR UPDATE")) {
                    s.setString(1, blank(accountId));
                    s.setString(2, blank(sender));
                    s.setString(3, msisdn);
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next()) {
                            return null;
                        }
                        await(producer.send(optOutRecord(r.getBoolean(1), accountId, sender, msisdn, r.getLong(2),
                                r.getString(3))));
                    }
                }
                List<String[]> one = new ArrayList<>();
                one.add(new String[] {blank(accountId), blank(sender), msisdn});
                markOptOutPublished(con, one);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("cluster: opt-out change for {} is in PostgreSQL but not on {} yet (the repair loop publishes it): "
                    + "{}", msisdn, topic, e.toString());
        }
    }

    private void publishConsent(long id) {
        try {
            pg.inTransaction(con -> {
                publishConsents(con, "SELECT id, granted, account_id, sender, msisdn, source, evidence, given_at_ms, "
                        + "recorded_at_ms, recorded_by FROM consents WHERE id = " + id + " FOR UPDATE");
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("cluster: consent {} is in PostgreSQL but not on {} yet (the repair loop publishes it): {}", id,
                    topic, e.toString());
        }
    }

    /** Publishes the consent rows the query selects (locked), then marks them; the count. */
    private int publishConsents(Connection con, String query) throws SQLException {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement s = con.prepareStatement(query); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                Consent c = new Consent(r.getLong(1), r.getBoolean(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getString(6), r.getString(7), r.getLong(8), r.getLong(9), r.getString(10));
                sent.add(producer.send(consentRecord(c)));
                ids.add(c.id());
            }
        }
        for (Future<RecordMetadata> f : sent) {
            await(f);
        }
        if (!ids.isEmpty()) {
            try (PreparedStatement s = con.prepareStatement("UPDATE consents SET published = true WHERE id = ?")) {
                for (long id : ids) {
                    s.setLong(1, id);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        return ids.size();
    }

    private static void markOptOutPublished(Connection con, List<String[]> keys) throws SQLException {
        try (PreparedStatement s = con.prepareStatement(
                "UPDATE optouts SET published = true WHERE account_id = ? AND sender = ? AND msisdn = ?")) {
            for (String[] k : keys) {
                s.setString(1, k[0]);
                s.setString(2, k[1]);
                s.setString(3, k[2]);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void await(Future<RecordMetadata> f) {
        try {
            f.get(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not take it: " + e, e);
        }
    }

    /**
     * Every second: rows changed more than {@link #REPAIR_AFTER_MS} ago and still unpublished (their
     * node died between PostgreSQL and Kafka, or Kafka was away) are published by whichever node
     * locks them first.
     */
    private void repairLoop() {
        while (running) {
            sleep(1_000);
            if (!running) {
                return;
            }
            if (pgDown && pg.reachable()) {
                pgDown = false;
                log.info("cluster: PostgreSQL answers again: opt-out and consent changes are taken again");
            }
            try {
                int n = pg.inTransactionOnce(con -> {
                    List<String[]> keys = new ArrayList<>();
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    try (PreparedStatement s = con.prepareStatement("SELECT account_id, sender, msisdn, active, at_ms, "
                            + "source FROM optouts WHERE NOT published AND changed_at < now() - make_interval(secs => ?) "
                            + "ORDER BY changed_at LIMIT 500 FOR UPDATE SKIP LOCKED")) {
                        s.setDouble(1, REPAIR_AFTER_MS / 1000.0);
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                keys.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
                                sent.add(producer.send(optOutRecord(r.getBoolean(4), none(r.getString(1)),
                                        none(r.getString(2)), r.getString(3), r.getLong(5), r.getString(6))));
                            }
                        }
                    }
                    for (Future<RecordMetadata> f : sent) {
                        await(f);
                    }
                    markOptOutPublished(con, keys);
                    return keys.size();
                });
                n += pg.inTransactionOnce(con -> publishConsents(con, "SELECT id, granted, account_id, sender, msisdn, "
                        + "source, evidence, given_at_ms, recorded_at_ms, recorded_by FROM consents WHERE NOT published "
                        + "AND recorded_at_ms < " + (System.currentTimeMillis() - REPAIR_AFTER_MS)
                        + " ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED"));
                if (n > 0) {
                    repaired.addAndGet(n);
                    log.info("cluster: published {} opt-out/consent changes that had reached PostgreSQL only", n);
                }
            } catch (PgStore.PgUnavailableException e) {
                pgDown = true;
                log.debug("cluster: opt-out repair put off: {}", e.toString()); // next second
            } catch (RuntimeException e) {
                log.debug("cluster: opt-out repair put off: {}", e.toString()); // Kafka away: next second
            }
        }
    }

    // ---------------------------------------------------------------- folding

    private void foldLoop() {
        KafkaConsumer<String, byte[]> c = consumer;
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        apply(r.value());
                        folded.incrementAndGet();
                    } catch (RuntimeException e) {
                        log.error("cluster: {} record {} of partition {} skipped: {}", topic, r.offset(), r.partition(),
                                e.toString());
                    }
                }
            }
        } finally {
            c.close(Duration.ofSeconds(2));
        }
    }

    private void apply(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            if (in.readByte() != VERSION) {
                throw new IllegalArgumentException("unknown version");
            }
            byte type = in.readByte();
            if (type == OPT_OUT) {
                boolean active = in.readBoolean();
                String account = none(in.readUTF());
                String sender = none(in.readUTF());
                String msisdn = in.readUTF();
                long atMs = in.readLong();
                String source = in.readUTF();
                if (active) {
                    optOuts.add(new OptOut(account, sender, msisdn, atMs, source));
                } else {
                    optOuts.remove(account, sender, msisdn);
                }
            } else if (type == CONSENT) {
                consents.record(new Consent(in.readLong(), in.readBoolean(), in.readUTF(), none(in.readUTF()),
                        in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readLong(), in.readUTF()));
            } else {
                throw new IllegalArgumentException("unknown type " + type);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated: " + e, e);
        }
    }

    private ProducerRecord<String, byte[]> optOutRecord(boolean active, String account, String sender, String msisdn,
                                                        long atMs, String source) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(VERSION);
            out.writeByte(OPT_OUT);
            out.writeBoolean(active);
            out.writeUTF(blank(account));
            out.writeUTF(blank(sender));
            out.writeUTF(msisdn);
            out.writeLong(atMs);
            out.writeUTF(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProducerRecord<>(topic, key(account, sender, msisdn), b.toByteArray());
    }

    private ProducerRecord<String, byte[]> consentRecord(Consent c) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(VERSION);
            out.writeByte(CONSENT);
            out.writeLong(c.id());
            out.writeBoolean(c.granted());
            out.writeUTF(c.accountId());
            out.writeUTF(blank(c.sender()));
            out.writeUTF(c.msisdn());
            out.writeUTF(c.source());
            out.writeUTF(c.evidence());
            out.writeLong(c.givenAtMs());
            out.writeLong(c.recordedAtMs());
            out.writeUTF(c.recordedBy());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProducerRecord<>(topic, "c\u0000" + c.id(), b.toByteArray());
    }

    /** The topic's key of an opt-out: one partition, and compaction keeps its last state. */
    static String key(String account, String sender, String msisdn) {
        return "o\u0000" + blank(account) + "\u0000" + blank(sender) + "\u0000" + msisdn;
    }

    private static String naturalKey(Consent c) {
        return c.accountId() + "\u0000" + c.msisdn() + "\u0000" + blank(c.sender()) + "\u0000" + c.granted() + "\u0000"
                + c.givenAtMs() + "\u0000" + c.recordedAtMs();
    }

    private static String blank(String s) {
        return s == null ? "" : s;
    }

    private static String none(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * False while PostgreSQL is known to be unreachable (a write failed; the repair loop looks again
     * every second): changes are then refused at once.
     */
    public boolean available() {
        return !pgDown;
    }

    /** Records of the topic applied here since start. */
    public long foldedCount() {
        return folded.get();
    }

    /** Changes this node published for another that had reached PostgreSQL only. */
    public long repairedCount() {
        return repaired.get();
    }

    private static void sleep(long ms) {
        Loops.sleep(ms);
    }
}
