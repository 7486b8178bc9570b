package io.smsrouter.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smsrouter.cluster.pg.PgStore;
import io.smsrouter.cluster.pg.SharedSettings;
import io.smsrouter.cluster.policy.SharedPolicyStore;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.cluster.ClusterView;
import io.smsrouter.core.correlation.ReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.MessageIdGenerator;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.server.config.ClusterConfig;
import io.smsrouter.smpp.upstream.OperatorConnector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One router node of a cluster on Apache Kafka. It is the engine's {@link Engine.ClusterLink}:
 *
 * <ul>
 *   <li><b>Acceptance</b>: an accepted message is produced ({@code acks=all}, idempotent) to its
 *   operator's topic; with {@code ack: replicated} the batch's responses wait for the brokers,
 *   with {@code local} only for this node's journal. Confirmed messages are marked shipped in the
 *   journal, so a restart ships only the unconfirmed tail again.</li>
 *   <li><b>Shares</b>: the nodes form one consumer group over the operators' topics; the owner of
 *   partition i runs bind i of that operator (at one bind's rate), so an operator's bind count and
 *   rate hold across the cluster with no coordination beyond Kafka's group protocol. The OTP
 *   topic's partition i follows the bulk topic's partition i and is read first. Offsets are
 *   committed only past messages the operator took (and whose correlation the brokers have) or
 *   that ended; a new owner skips messages whose correlation it has already seen.</li>
 *   <li><b>Correlations</b>: every node folds the correlations topic into its own correlator, so a
 *   receipt is matched on whichever node's bind it arrives.</li>
 *   <li><b>Receipts</b>: every node reads every receipt; the node that hands one to a client is the
 *   first (by id) of the live nodes where the account has a receiving session. The client's
 *   acknowledgement is published, and every node forgets the receipt; one not yet taken waits in
 *   Kafka (uncommitted) while the account has no receiver anywhere.</li>
 * </ul>
 */
public final class KafkaClusterNode implements Engine.ClusterLink, ClusterView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaClusterNode.class);
    /** A node whose heartbeat is older than this is down. */
    static final long LIVE_MS = 5_000;
    /** Heartbeats go out every second; a receiver this old here is known to every live node. */
    static final long SETTLE_MS = 2_500;
    private static final int HIGH_WATER = 20_000;
    private static final int LOW_WATER = 5_000;

    /** {@code slot}: this node's id slot (0 to 63), see {@link MessageIdGenerator#clusterBase}. */
    public record Settings(String nodeId, int slot, String bootstrap, String topicPrefix, boolean replicated,
                           Duration receiptValidity, Duration logRetention) {
        /** Without an SMS log retention (journal.retentionHours): 72 hours, the journal's default. */
        public Settings(String nodeId, int slot, String bootstrap, String topicPrefix, boolean replicated,
                        Duration receiptValidity) {
            this(nodeId, slot, bootstrap, topicPrefix, replicated, receiptValidity, Duration.ofHours(72));
        }
    }

    private final Settings settings;
    private final Topics topics;
    private final Engine engine;
    private final ReceiptCorrelator correlator;
    private final ClientRegistry clients;
    private final Supplier<String> smppAddress;
    private final Supplier<String> httpAddress;
    private final Map<String, OperatorConnector> connectors = new ConcurrentHashMap<>();
    private final Map<String, Integer> bindsByOperator;
    private final Map<String, Integer> tpsByBind;

    private Admin admin;
    private KafkaProducer<String, byte[]> producer;
    /** The shared PostgreSQL when {@code cluster.postgres} is set, else null; open from {@link #open} to {@link #close}. */
    private final ClusterConfig.Postgres postgres;
    private volatile PgStore pg;
    /** The cluster's moderation queue, in {@link #pg}; null without PostgreSQL. */
    private volatile PgModerationQueue moderation;
    /** Opt-outs and consents shared through PostgreSQL and Kafka; null without {@code cluster.postgres}. */
    private volatile SharedPolicyStore policies;
    private volatile SharedSettings shared;
    /** Scheduled messages in PostgreSQL, when there is one. */
    private volatile PgSchedule schedule;
    /** The SMS log shared through PostgreSQL, when there is one. */
    private volatile PgSmsLog smsLog;
    private final ThreadLocal<ArrayList<Future<RecordMetadata>>> unflushed = ThreadLocal.withInitial(ArrayList::new);
    /** The calling thread's sends since its last flush, for {@link #flushAsync}. */
    private final ThreadLocal<Sends> sends = new ThreadLocal<>();

    /**
     * A count of sends the brokers have not answered yet, plus one until {@link #flushAsync} seals
     * it; at zero its future completes (exceptionally when one failed).
     */
    private static final class Sends {
        final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(1);
        final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        volatile Exception failure;

        void answered(Exception e) {
            if (e != null && failure == null) {
                failure = e;
            }
            if (open.decrementAndGet() == 0) {
                Exception f = failure;
                if (f == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new IllegalStateException("Kafka did not confirm the batch: " + f, f));
                }
            }
        }
    }
    private final ConcurrentLinkedQueue<Object[]> confirmed = new ConcurrentLinkedQueue<>();
    /**
     * Held while confirmed messages are billed ({@link #drainConfirmed}) and while {@link
     * #consistently} reads this node's figures, so that those figures count exactly this node's
     * records below {@link #shippedTo} in each operator partition.
     */
    private final Object shipLock = new Object();
    /** Per operator partition: every record this node wrote below this offset is billed (guarded by {@link #shipLock}). */
    private final Map<TopicPartition, Long> shippedTo = new HashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /** Messages whose correlation this node has seen (sent by some node): a new owner skips them. */
    private final Cache<Long, Boolean> sentIds = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(2_000_000).expireAfterWrite(Duration.ofHours(1)).build();
    private volatile long correlationsQuietSinceMs;

    /** Message id to where it came from, for messages this node took from the cluster and still has. */
    private final Map<Long, TopicPartition> takenFrom = new ConcurrentHashMap<>();
    private final Map<Long, Long> takenOffset = new ConcurrentHashMap<>();
    private final Map<TopicPartition, ConcurrentSkipListSet<Long>> pendingOffsets = new ConcurrentHashMap<>();
    private final Map<TopicPartition, AtomicLong> nextOffsets = new ConcurrentHashMap<>();

    private final Map<String, Codec.Presence> presence = new ConcurrentHashMap<>();
    private final LongAdder duplicatesSkipped = new LongAdder();
    private final LongAdder receiptsHanded = new LongAdder();

    public KafkaClusterNode(Settings settings, Engine engine, ReceiptCorrelator correlator, ClientRegistry clients,
                            Map<String, Integer> bindsByOperator, Map<String, Integer> tpsByBind,
                            Supplier<String> smppAddress, Supplier<String> httpAddress) {
        this(settings, engine, correlator, clients, bindsByOperator, tpsByBind, smppAddress, httpAddress, null);
    }

    /** {@code postgres}: the shared PostgreSQL ({@code cluster.postgres}), or null without one. */
    public KafkaClusterNode(Settings settings, Engine engine, ReceiptCorrelator correlator, ClientRegistry clients,
                            Map<String, Integer> bindsByOperator, Map<String, Integer> tpsByBind,
                            Supplier<String> smppAddress, Supplier<String> httpAddress,
                            ClusterConfig.Postgres postgres) {
        this.postgres = postgres;
        this.settings = settings;
        this.topics = new Topics(settings.topicPrefix());
        this.engine = engine;
        this.correlator = correlator;
        this.clients = clients;
        this.bindsByOperator = Map.copyOf(bindsByOperator);
        this.tpsByBind = Map.copyOf(tpsByBind);
        this.smppAddress = smppAddress;
        this.httpAddress = httpAddress;
    }

    /** The slot of a node id: its trailing number (r1: 1) modulo 64, else a hash of it. */
    public static int slotOf(String nodeId) {
        int i = nodeId.length();
        while (i > 0 && Character.isDigit(nodeId.charAt(i - 1))) {
            i--;
        }
        if (i < nodeId.length() && nodeId.length() - i <= 9) {
            return Integer.parseInt(nodeId.substring(i)) % MessageIdGenerator.CLUSTER_SLOTS;
        }
        return Math.floorMod(nodeId.hashCode(), MessageIdGenerator.CLUSTER_SLOTS);
    }

    // ---------------------------------------------------------------- start and stop

    /**
     * Connects to the shared PostgreSQL when there is one ({@link #pg()}: pool opened, schema
     * migrated), then to Kafka, creates the missing topics, reads the other nodes' heartbeats (a
     * live node with this node's id slot stops the start), and hooks this node into the engine.
     * Before the engine's recovery, which may ship messages again.
     */
    public void open() throws Exception {
        if (postgres != null) {
            // first: the features that read shared state load it from here before recovery
            pg = PgStore.open(postgres, settings.nodeId());
        }
        try {
            openKafka();
        } catch (Exception | Error e) {
            if (pg != null) {
                pg.close();
                pg = null;
            }
            throw e;
        }
    }

    private void openKafka() throws Exception {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.nodeId() + "-admin");
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        admin = Admin.create(a);
        try {
            topics.ensure(admin, bindsByOperator, settings.receiptValidity().toMillis(), pg != null);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cluster.kafka.bootstrap: cannot reach Kafka at " + settings.bootstrap()
                    + ": " + e, e);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, settings.nodeId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        readPresence(Duration.ofSeconds(2));
        for (Codec.Presence other : presence.values()) {
            if (!other.nodeId().equals(settings.nodeId()) && other.slot() == settings.slot() && live(other)) {
                throw new IllegalStateException("cluster.nodeId: node " + other.nodeId() + " is up and uses id slot "
                        + settings.slot() + " too (the slot is the node id's trailing number modulo 64); give this "
                        + "node another id");
            }
        }
        if (pg != null) {
            // before recovery and before the router listens: the node answers from PostgreSQL's opt-outs from the start
            policies = new SharedPolicyStore(pg, producer, topics.optouts(), consumerProps(null), engine,
                    settings.nodeId());
            policies.open();
            // templates and API-made account settings: loaded before the router listens, then polled
            shared = new SharedSettings(pg, engine.moderator());
            shared.open();
        }
        markEnds(); // before recovery, which may ship messages again
        engine.cluster(this, MessageIdGenerator.clusterBase(settings.slot()));
        clients.bindsElsewhere(this::bindsElsewhere);
        if (pg != null) {
            // held messages live in PostgreSQL: one queue for every node (recovery adds this journal's)
            moderation = new PgModerationQueue(pg.dataSource(), settings.nodeId(), settings.slot(),
                    engine.moderator());
            engine.moderationQueue(moderation);
            schedule = new PgSchedule(pg, settings.nodeId(), engine, this::shipNow);
            smsLog = new PgSmsLog(pg, engine.journal(), settings.nodeId(), settings.logRetention());
        }
        thread("cluster-confirmed", this::markConfirmed);
        log.info("cluster: node {} (id slot {}) on Kafka {}, topics {}.*, ack {}", settings.nodeId(), settings.slot(),
                settings.bootstrap(), settings.topicPrefix(), settings.replicated() ? "replicated" : "local");
    }

    /**
     * Starts sending and receiving for the cluster: the operators' binds as shares come, the
     * correlations, the receipts and the heartbeat. After recovery, with the router listening.
     */
    public void start(Map<String, OperatorConnector> operators) {
        if (moderation != null) {
            moderation.live();
        }
        connectors.putAll(operators);
        if (schedule != null) {
            schedule.start();
        }
        if (smsLog != null) {
            smsLog.start();
        }
        thread("cluster-presence", this::presenceLoop);
        thread("cluster-correlations", this::correlationLoop);
        thread("cluster-receipts", this::receiptLoop);
        thread("cluster-shares", this::shareLoop);
    }

    private void thread(String name, Runnable r) {
        threads.add(Loops.start(name, () -> running, r));
    }

    @Override
    public void close() {
        PgSchedule s = schedule;
        if (s != null) {
            s.close(); // first: a claim in progress finishes or rolls back while Kafka is still open
        }
        running = false;
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (policies != null) {
            policies.close();
        }
        if (shared != null) {
            shared.close();
        }
        if (producer != null) {
            try {
                producer.send(new ProducerRecord<>(topics.nodes(), settings.nodeId(),
                        Codec.presence(heartbeat(0)))).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("cluster: last heartbeat not sent: {}", e.toString());
            }
            producer.close(Duration.ofSeconds(10));
        }
        drainConfirmed();
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (moderation != null) {
            moderation.close();
        }
        PgSmsLog sl = smsLog;
        if (sl != null) {
            sl.close(); // the journal's last events first
        }
        if (pg != null) {
            pg.close(); // last: what closed before may still have written to it
        }
    }

    /**
     * The shared PostgreSQL ({@code cluster.postgres}) once {@link #open} connected to it; null when
     * the config has none (cluster mode on Kafka alone) or before {@link #open}.
     */
    public PgStore pg() {
        return pg;
    }

    /** Each account's templates shared through PostgreSQL; null without {@code cluster.postgres}. */
    public java.util.function.Function<String, io.smsrouter.core.template.TemplateStore> templateStores() {
        SharedSettings s = shared;
        return s == null ? null : s::templates;
    }

    /** The shared opt-outs and consents, null without {@code cluster.postgres}. */
    public SharedPolicyStore policies() {
        return policies;
    }

    private Properties consumerProps(String group) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.nodeId() + "-" + group);
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        return c;
    }

    // ---------------------------------------------------------------- the engine's link

    @Override
    public void send(Message m, String operatorId) {
        send(m, operatorId, true);
    }

    /** {@code withCharge} false: the message's charge, if any, went to Kafka when it was scheduled. */
    private void send(Message m, String operatorId, boolean withCharge) {
        boolean otp = engine.classOf(m) == TrafficClass.OTP;
        int partitions = bindsByOperator.getOrDefault(operatorId, 1);
        String topic = otp ? topics.otp(operatorId) : topics.out(operatorId);
        int partition = partition(m, partitions);
        String key = Long.toString(m.id());
        long id = m.id();
        Billing bill = engine.billing();
        Billing.Charge charge = bill == null ? null : bill.charge(id);
        // a durable charge (a held message approved) is in this node's figures already
        long charged = !withCharge || charge == null || bill.isDurable(id) ? 0 : charge.amount();
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, partition, key,
                Codec.chargedMessage(m, settings.nodeId(), charged));
        sendInBatch(r, id, operatorId);
    }

    /**
     * Sends {@code r} as part of the calling thread's batch ({@link #flushAsync} waits for it); once
     * Kafka has it, {@code (id, what)} and its place go to the confirmed queue ({@link #drainConfirmed});
     * {@code what}: the message's operator, or {@link #KEPT_HELD} / {@link #KEPT_SCHEDULED} for a charge.
     */
    private void sendInBatch(ProducerRecord<String, byte[]> r, long id, String what) {
        Sends batch = sends.get();
        if (batch == null) {
            batch = new Sends();
            sends.set(batch);
        }
        batch.open.incrementAndGet();
        Sends of = batch;
        try {
            unflushed.get().add(producer.send(r, (md, e) -> {
                if (e == null) {
                    confirmed.add(new Object[]{id, what, new TopicPartition(md.topic(), md.partition()), md.offset()});
                } else if (what == KEPT_HELD || what == KEPT_SCHEDULED) {
                    log.error("cluster: the charge of message {} not taken by Kafka: {}", id, e.toString());
                } else {
                    log.error("cluster: message {} for {} not taken by Kafka: {}; it is shipped again at the next "
                            + "start", id, what, e.toString());
                }
                of.answered(e);
            }));
        } catch (RuntimeException e) {
            // the batch fails (its caller does not answer it); the thread's next batch starts afresh
            sends.remove();
            unflushed.get().clear();
            throw e;
        }
    }

    /** Marks in the confirmed queue (instead of an operator id) of charges of held and scheduled messages. */
    private static final String KEPT_HELD = "\0held";
    private static final String KEPT_SCHEDULED = "\0scheduled";

    /** With PostgreSQL, the charges of held and scheduled messages go to Kafka with their batch. */
    @Override
    public boolean billsKept() {
        return pg != null;
    }

    /**
     * The charge of a held or scheduled message, to the {@code charges} topic in the batch: once
     * Kafka has it, {@link #drainConfirmed} bills it (durable when held, spent when scheduled), so
     * that this node's figures and its marks agree for them too.
     */
    @Override
    public void kept(long messageId, String accountId, long amount, boolean held) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.charges(), 0, accountId,
                Codec.charge(new Codec.Charge(settings.nodeId(), accountId, messageId, amount)));
        sendInBatch(r, messageId, held ? KEPT_HELD : KEPT_SCHEDULED);
    }

    /**
     * One phone's messages go to one partition, so to one node and one bind: the parts of one long
     * text stay together, as some operators need, and the node that owns the share sees every
     * message to that number through this operator (its duplicate filter works across the cluster).
     */
    static int partition(Message m, int partitions) {
        String to = m.destination();
        long h = 0;
        for (int i = 0; i < to.length(); i++) {
            char c = to.charAt(i);
            if (c >= '0' && c <= '9') {
                h = h * 31 + c;
            }
        }
        h *= 0x9E3779B97F4A7C15L;
        return (int) Math.floorMod(h ^ (h >>> 32), (long) partitions);
    }

    @Override
    public void flush() {
        if (!flushSchedule()) {
            return;
        }
        awaitUnflushed();
    }

    /**
     * The event loops' flush: the batch's responses wait for Kafka's acknowledgement (with {@code
     * ack: replicated}) while the loop serves its other connections, instead of the loop waiting;
     * after 30 s the batch fails, as the loop's own wait did.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Void> flushAsync() {
        if (!flushSchedule()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        unflushed.get().clear();
        Sends batch = sends.get();
        sends.remove();
        if (batch == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        batch.answered(null); // sealed: complete once every send is answered
        // as long as the loop used to wait: then the batch fails (its connection closes unanswered)
        return batch.done.orTimeout(30, TimeUnit.SECONDS);
    }

    /**
     * Writes the batch's scheduled messages; false when nothing is to be waited for in Kafka (they
     * failed, thrown; or {@code ack: local}: this node's journal has them, the callbacks mark what
     * Kafka confirms).
     */
    private boolean flushSchedule() {
        PgSchedule s = schedule;
        if (s != null) {
            try {
                s.flushPending();
            } catch (RuntimeException e) {
                unflushed.get().clear();
                sends.remove();
                throw e;
            }
        }
        if (!settings.replicated()) {
            unflushed.get().clear();
            sends.remove();
            return false;
        }
        return true;
    }

    @Override
    public io.smsrouter.core.cluster.SharedSchedule schedule() {
        return schedule;
    }

    /** From the SMS log every node writes (table {@code sms_log}), which keeps each message's SMPP state too. */
    @Override
    public io.smsrouter.core.engine.MessageStatus statusOf(long messageId) {
        PgSmsLog sl = smsLog;
        return sl == null ? null : sl.status(messageId);
    }

    @Override
    public java.util.List<io.smsrouter.core.engine.SmsLog.Row> smsLog(io.smsrouter.core.engine.SmsLog.Query q) {
        PgSmsLog sl = smsLog;
        return sl == null ? null : sl.query(q);
    }

    /** The SMS log shared through PostgreSQL, or null without one (tests). */
    PgSmsLog sharedLog() {
        return smsLog;
    }

    /** Scheduled messages claimed when due: to Kafka now, whatever {@code cluster.ack}, and waited for. */
    private void shipNow(List<io.smsrouter.core.cluster.SharedSchedule.Entry> due) {
        for (io.smsrouter.core.cluster.SharedSchedule.Entry e : due) {
            send(e.message().withoutSchedule(), e.operatorId(), false);
        }
        awaitUnflushed();
    }

    /** Waits until Kafka confirmed every record the calling thread sent since its last flush; throws when one failed. */
    private void awaitUnflushed() {
        ArrayList<Future<RecordMetadata>> fs = unflushed.get();
        try {
            for (Future<RecordMetadata> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not confirm the batch: "
                    + (e.getCause() == null ? e : e.getCause()), e);
        } finally {
            fs.clear();
            sends.remove();
        }
    }

    /** Writes the marks of messages Kafka confirmed, in batches, off the producer's thread. */
    private void markConfirmed() {
        while (running) {
            if (drainConfirmed() == 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private int drainConfirmed() {
        long[] ids = new long[512];
        String[] ops = new String[512];
        Map<TopicPartition, Long> upTo = new HashMap<>();
        int total = 0;
        while (true) {
            int n = 0;
            int taken = 0;
            Object[] c;
            upTo.clear();
            synchronized (shipLock) {
                Billing bill = engine.billing();
                while (taken < ids.length && (c = confirmed.poll()) != null) {
                    taken++;
                    upTo.merge((TopicPartition) c[2], (Long) c[3] + 1, Math::max);
                    long id = (Long) c[0];
                    String op = (String) c[1];
                    if (op == KEPT_HELD || op == KEPT_SCHEDULED) {
                        if (bill != null) {
                            if (op == KEPT_HELD || bill.refundUndelivered()) {
                                bill.markDurable(id);
                            } else {
                                bill.settle(id); // as when it was stored: the cluster sends it when due
                            }
                        }
                        continue;
                    }
                    ids[n] = id;
                    ops[n] = op;
                    n++;
                }
                if (taken == 0) {
                    return total;
                }
                if (n > 0) {
                    try {
                        engine.markShipped(ids, ops, n); // bills them first, then journals
                    } catch (RuntimeException e) {
                        log.warn("cluster: {} shipped messages not marked in the journal ({}); a restart ships them "
                                + "again", n, e.toString());
                    }
                }
                upTo.forEach((tp, next) -> shippedTo.merge(tp, next, Math::max));
            }
            total += taken;
        }
    }

    /** What {@link #consistently} read, and the partition offsets it is exact up to. */
    public record Consistent<T>(T value, Map<TopicPartition, Long> shippedTo) {
    }

    /**
     * Reads {@code figures} (this node's billing) while no confirmed message is being billed: the
     * figures then hold the charges of exactly this node's records below the returned offsets of
     * each operator partition, and none above (those are {@link #chargesAfter}).
     */
    public <T> Consistent<T> consistently(Supplier<T> figures) {
        synchronized (shipLock) {
            return new Consistent<>(figures.get(), new HashMap<>(shippedTo));
        }
    }

    /** Every partition that holds charges: the operators' (bulk and OTP) and, with PostgreSQL, {@code charges}. */
    private List<TopicPartition> operatorPartitions() {
        List<TopicPartition> out = new ArrayList<>();
        if (pg != null) {
            out.add(new TopicPartition(topics.charges(), 0));
        }
        for (Map.Entry<String, Integer> e : new TreeMap<>(bindsByOperator).entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                out.add(new TopicPartition(topics.out(e.getKey()), i));
                out.add(new TopicPartition(topics.otp(e.getKey()), i));
            }
        }
        return out;
    }

    /** Before this node writes: its records all come after today's ends of the operator partitions. */
    private void markEnds() throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> want = new HashMap<>();
        for (TopicPartition tp : operatorPartitions()) {
            want.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        var ends = admin.listOffsets(want).all().get(30, TimeUnit.SECONDS);
        synchronized (shipLock) {
            ends.forEach((tp, info) -> shippedTo.put(tp, info.offset()));
        }
    }

    /**
     * What node {@code origin} charged per account in its records at or after {@code from} (per
     * operator partition; a partition missing from it is read from its start), read up to the ends
     * the partitions have now. For settling a dead node's credit: its figures count its records
     * below {@code from} ({@link #consistently}).
     */
    public io.smsrouter.cluster.pg.PgCreditPool.Tail chargesAfter(String origin, Map<TopicPartition, Long> from) {
        Map<String, Long> out = new HashMap<>();
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(null))) {
            List<TopicPartition> all = operatorPartitions();
            c.assign(all);
            ends = c.endOffsets(all, Duration.ofSeconds(30));
            List<TopicPartition> left = new ArrayList<>();
            for (TopicPartition tp : all) {
                Long start = from.get(tp);
                if (start == null) {
                    c.seekToBeginning(List.of(tp));
                } else {
                    c.seek(tp, start);
                }
                if (c.position(tp, Duration.ofSeconds(30)) < ends.getOrDefault(tp, 0L)) {
                    left.add(tp);
                }
            }
            long deadline = System.currentTimeMillis() + 120_000;
            while (!left.isEmpty()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("cluster: reading " + left + " for " + origin
                            + "'s charges took more than 120 s");
                }
                c.pause(all.stream().filter(tp -> !left.contains(tp)).toList());
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= ends.getOrDefault(tp, 0L) || r.value() == null) {
                        continue;
                    }
                    if (Codec.type(r.value()) == Codec.CHARGE) {
                        try {
                            Codec.Charge ch = Codec.readCharge(r.value());
                            if (ch.originNode().equals(origin)) {
                                out.merge(ch.accountId(), ch.amount(), Long::sum);
                            }
                        } catch (IllegalArgumentException e) {
                            log.warn("cluster: charge record {} skipped while counting {}'s charges: {}", r.offset(),
                                    origin, e.getMessage());
                        }
                        continue;
                    }
                    if (Codec.type(r.value()) != Codec.CHARGED_MESSAGE) {
                        continue;
                    }
                    try {
                        Codec.Shipped sh = Codec.readMessage(r.value());
                        if (sh.originNode().equals(origin) && sh.charge() != 0) {
                            out.merge(sh.message().accountId(), sh.charge(), Long::sum);
                        }
                    } catch (IllegalArgumentException e) {
                        log.warn("cluster: record {} of {} skipped while counting {}'s charges: {}", r.offset(), tp,
                                origin, e.getMessage());
                    }
                }
                left.removeIf(tp -> c.position(tp) >= ends.getOrDefault(tp, 0L));
            }
        }
        return new io.smsrouter.cluster.pg.PgCreditPool.Tail(out, ends);
    }

    /** When node {@code nodeId}'s last heartbeat was written, 0 when none is known. */
    public long lastHeardMs(String nodeId) {
        Codec.Presence p = presence.get(nodeId);
        return p == null ? 0 : p.atMs();
    }

    @Override
    public void sent(Message m, String operatorId, String upstreamId) {
        sentIds.put(m.id(), Boolean.TRUE);
        producer.send(new ProducerRecord<>(topics.correlations(), operatorId + '\0' + upstreamId,
                Codec.correlation(settings.nodeId(), operatorId, upstreamId,
                        io.smsrouter.core.correlation.Correlation.of(m))), (md, e) -> {
            if (e != null) {
                log.error("cluster: correlation of message {} ({} id {}) not taken by Kafka: {}; a receipt for it "
                        + "on another node's bind will not be matched", m.id(), operatorId, upstreamId, e.toString());
            }
        });
        done(m.id());
    }

    @Override
    public void done(long messageId) {
        TopicPartition tp = takenFrom.remove(messageId);
        if (tp == null) {
            return;
        }
        Long offset = takenOffset.remove(messageId);
        ConcurrentSkipListSet<Long> p = pendingOffsets.get(tp);
        if (p != null && offset != null) {
            p.remove(offset);
        }
    }

    @Override
    public void receipt(Receipt r) {
        long id = r.messageId();
        // not waited for: the journal here has it (recovery hands it on again), and waiting on the
        // operator's event loop for every receipt batch would stall the clients served by that loop
        producer.send(new ProducerRecord<>(topics.receipts(), r.accountId(), Codec.receipt(r)), (md, e) -> {
            if (e == null) {
                try {
                    engine.receiptShipped(id);
                } catch (RuntimeException je) {
                    log.warn("cluster: receipt {} shipped but not marked in the journal: {}", id, je.toString());
                }
            } else {
                log.error("cluster: receipt for message {} not taken by Kafka: {}; it is shipped again at the next "
                        + "start", id, e.toString());
            }
        });
    }

    @Override
    public void forwarded(Receipt r) {
        producer.send(new ProducerRecord<>(topics.receipts(), r.accountId(), Codec.forwarded(r.messageId())));
    }

    // ---------------------------------------------------------------- shares of the operators

    private void shareLoop() {
        Properties props = consumerProps(settings.topicPrefix() + "-out");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        try (KafkaConsumer<String, byte[]> bulk = new KafkaConsumer<>(props);
             KafkaConsumer<String, byte[]> otp = new KafkaConsumer<>(consumerProps(settings.topicPrefix() + "-otp"))) {
            Set<TopicPartition> paused = new HashSet<>();
            var listener = new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> tps) {
                    giveUp(tps, bulk, otp, true);
                    paused.removeAll(tps);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> tps) {
                    giveUp(tps, bulk, otp, false);
                    paused.removeAll(tps);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> tps) {
                    take(tps, bulk, otp);
                }
            };
            subscribe(bulk, listener);
            long nextCommit = System.currentTimeMillis() + 200;
            long nextCheck = 0;
            while (running) {
                if (!otp.assignment().isEmpty()) {
                    for (ConsumerRecord<String, byte[]> r : otp.poll(Duration.ZERO)) {
                        handle(r);
                    }
                }
                if (bulk.subscription().isEmpty()) {
                    sleep(20); // stepped back from every operator
                } else {
                    for (ConsumerRecord<String, byte[]> r : bulk.poll(Duration.ofMillis(20))) {
                        handle(r);
                    }
                }
                if (System.currentTimeMillis() >= nextCheck) {
                    if (failover(System.currentTimeMillis())) {
                        subscribe(bulk, listener);
                    }
                    nextCheck = System.currentTimeMillis() + 500;
                }
                backPressure(bulk, paused);
                long now = System.currentTimeMillis();
                if (now >= nextCommit) {
                    commit(bulk, otp, null);
                    nextCommit = now + 200;
                }
            }
            Set<TopicPartition> mine = new HashSet<>(bulk.assignment());
            giveUp(mine, bulk, otp, true);
            bulk.unsubscribe();
        }
    }

    /** Operators this node stepped back from (it could not bind to them), and when it tries again. */
    private final Map<String, Long> away = new ConcurrentHashMap<>();
    /** Since when this node has owned shares of an operator with none of their binds up. */
    private final Map<String, Long> unboundSince = new HashMap<>();
    /** The next wait before trying an operator again, per operator (doubles up to {@link #AWAY_MAX_MS}). */
    private final Map<String, Long> awayFor = new HashMap<>();
    /** How long a node owns shares of an operator with no bind up before it lets another node take them. */
    static final long FAILOVER_MS = Long.getLong("router.cluster.failoverMs", 15_000);
    static final long AWAY_FIRST_MS = Long.getLong("router.cluster.awayMs", 60_000);
    static final long AWAY_MAX_MS = 600_000;

    /** The share loop's topics: every operator's but those it stepped back from. */
    private void subscribe(KafkaConsumer<String, byte[]> bulk,
                           org.apache.kafka.clients.consumer.ConsumerRebalanceListener listener) {
        List<String> outTopics = new ArrayList<>();
        for (String op : new TreeSet<>(bindsByOperator.keySet())) {
            if (!away.containsKey(op)) {
                outTopics.add(topics.out(op));
            }
        }
        if (outTopics.isEmpty()) {
            bulk.unsubscribe(); // gives up what it holds, through the listener
        } else {
            bulk.subscribe(outTopics, listener);
        }
    }

    /**
     * Operator failover across nodes: a node that has owned shares of an operator for {@link
     * #FAILOVER_MS} with none of their binds up (the operator is unreachable from here) steps back
     * from it, when another live node has not, so that the cluster's rebalance gives its shares to
     * a node that can reach it; it tries again after a wait that doubles each time (1 minute to 10).
     * True when the subscription must change.
     */
    private boolean failover(long now) {
        boolean change = false;
        for (Map.Entry<String, OperatorConnector> e : connectors.entrySet()) {
            String op = e.getKey();
            OperatorConnector c = e.getValue();
            Long back = away.get(op);
            if (back != null) {
                if (now >= back) {
                    away.remove(op);
                    unboundSince.remove(op);
                    log.info("cluster: node {} takes shares of operator {} again", settings.nodeId(), op);
                    change = true;
                }
                continue;
            }
            if (c.owned().isEmpty() || c.boundCount() > 0) {
                unboundSince.remove(op);
                if (c.boundCount() > 0) {
                    awayFor.remove(op);
                }
                continue;
            }
            long since = unboundSince.computeIfAbsent(op, k -> now);
            if (now - since < FAILOVER_MS || !anotherNodeFor(op)) {
                continue;
            }
            long wait = awayFor.getOrDefault(op, AWAY_FIRST_MS);
            awayFor.put(op, Math.min(AWAY_MAX_MS, wait * 2));
            away.put(op, now + wait);
            log.warn("cluster: node {} has had no bind to operator {} for {} s: it steps back and lets another node "
                    + "take its shares {}; it tries again in {} s", settings.nodeId(), op, (now - since) / 1000,
                    c.owned(), wait / 1000);
            change = true;
        }
        return change;
    }

    /** Whether a live node other than this one has not stepped back from {@code op}. */
    private boolean anotherNodeFor(String op) {
        for (Codec.Presence p : presence.values()) {
            if (!p.nodeId().equals(settings.nodeId()) && live(p) && !p.away().containsKey(op)) {
                return true;
            }
        }
        return false;
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        AtomicLong next = nextOffsets.computeIfAbsent(tp, k -> new AtomicLong());
        next.set(r.offset() + 1);
        Codec.Shipped s;
        try {
            s = Codec.readMessage(r.value());
        } catch (IllegalArgumentException e) {
            log.error("cluster: record {} of {} is not a message ({}); skipped", r.offset(), tp, e.getMessage());
            return;
        }
        Message m = s.message();
        if (sentIds.getIfPresent(m.id()) != null) {
            duplicatesSkipped.increment(); // an earlier owner sent it before it could commit
            return;
        }
        String op = topics.operatorOf(r.topic());
        pendingOffsets.computeIfAbsent(tp, k -> new ConcurrentSkipListSet<>()).add(r.offset());
        takenFrom.put(m.id(), tp);
        takenOffset.put(m.id(), r.offset());
        if (!engine.takeFromCluster(m, op)) {
            log.error("cluster: message {} is for operator {}, which this node's config lacks; skipped", m.id(), op);
            done(m.id());
        }
    }

    private void backPressure(KafkaConsumer<String, byte[]> bulk, Set<TopicPartition> paused) {
        for (String op : bindsByOperator.keySet()) {
            var q = engine.operatorQueue(op);
            if (q == null) {
                continue;
            }
            int size = q.size();
            List<TopicPartition> of = new ArrayList<>();
            for (TopicPartition tp : bulk.assignment()) {
                if (tp.topic().equals(topics.out(op))) {
                    of.add(tp);
                }
            }
            if (size > HIGH_WATER && !paused.containsAll(of)) {
                bulk.pause(of);
                paused.addAll(of);
            } else if (size < LOW_WATER && !of.isEmpty() && paused.stream().anyMatch(of::contains)) {
                bulk.resume(of);
                of.forEach(paused::remove);
            }
        }
    }

    /** Commits, per partition, up to the first message not done yet (all of {@code only}, or every one). */
    private void commit(KafkaConsumer<String, byte[]> bulk, KafkaConsumer<String, byte[]> otp,
                        Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> bulkOffsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> otpOffsets = new HashMap<>();
        for (Map.Entry<TopicPartition, AtomicLong> e : nextOffsets.entrySet()) {
            TopicPartition tp = e.getKey();
            TopicPartition bulkTp = topics.isOtp(tp.topic())
                    ? new TopicPartition(topics.out(topics.operatorOf(tp.topic())), tp.partition()) : tp;
            if (only != null && !only.contains(bulkTp)) {
                continue;
            }
            ConcurrentSkipListSet<Long> p = pendingOffsets.get(tp);
            Long first = p == null || p.isEmpty() ? null : p.first();
            long upTo = first != null ? first : e.getValue().get();
            (topics.isOtp(tp.topic()) ? otpOffsets : bulkOffsets).put(tp, new OffsetAndMetadata(upTo));
        }
        if (bulkOffsets.isEmpty() && otpOffsets.isEmpty()) {
            return;
        }
        producer.flush(); // the correlations of the messages counted done are in Kafka before the offsets move
        try {
            if (!bulkOffsets.isEmpty()) {
                bulk.commitSync(bulkOffsets, Duration.ofSeconds(10));
            }
            if (!otpOffsets.isEmpty()) {
                otp.commitSync(otpOffsets, Duration.ofSeconds(10));
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            // a rebalance, or a coordinator away (a broker down): the next round commits as far
            log.debug("cluster: commit put off: {}", e.toString());
        }
    }

    private void take(Collection<TopicPartition> tps, KafkaConsumer<String, byte[]> bulk,
                      KafkaConsumer<String, byte[]> otp) {
        if (tps.isEmpty()) {
            return;
        }
        // a message the earlier owner sent just before it died must be known sent here first
        long asked = System.currentTimeMillis();
        long deadline = asked + 5_000;
        while (correlationsQuietSinceMs < asked && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        Set<TopicPartition> otpTps = new HashSet<>(otp.assignment());
        for (TopicPartition tp : tps) {
            otpTps.add(new TopicPartition(topics.otp(topics.operatorOf(tp.topic())), tp.partition()));
        }
        otp.assign(otpTps);
        reconcileBinds(bulk);
        log.info("cluster: node {} takes {}", settings.nodeId(), tps);
    }

    private void giveUp(Collection<TopicPartition> tps, KafkaConsumer<String, byte[]> bulk,
                        KafkaConsumer<String, byte[]> otp, boolean commit) {
        if (tps.isEmpty()) {
            return;
        }
        Set<TopicPartition> all = new HashSet<>(tps);
        for (TopicPartition tp : tps) {
            all.add(new TopicPartition(topics.otp(topics.operatorOf(tp.topic())), tp.partition()));
        }
        // what waits here goes back: the next owner reads it again from the last commit
        for (String op : bindsByOperator.keySet()) {
            List<Message> back = engine.giveBackToCluster(op, m -> {
                TopicPartition from = takenFrom.get(m.id());
                return from != null && all.contains(from);
            });
            for (Message m : back) {
                takenFrom.remove(m.id());
                takenOffset.remove(m.id());
            }
        }
        Set<TopicPartition> remaining = new HashSet<>(bulk.assignment());
        remaining.removeAll(tps);
        reconcileBinds(remaining);
        if (commit) {
            // the binds given up finish what they sent (or give it back); then commit what is done
            long deadline = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < deadline && anyPending(all)) {
                sleep(10);
            }
            try {
                commit(bulk, otp, tps);
            } catch (RuntimeException e) {
                log.warn("cluster: commit of {} on hand-over failed: {}", tps, e.toString());
            }
        }
        for (TopicPartition tp : all) {
            pendingOffsets.remove(tp);
            nextOffsets.remove(tp);
        }
        takenFrom.entrySet().removeIf(e -> all.contains(e.getValue()));
        Set<TopicPartition> otpTps = new HashSet<>(otp.assignment());
        otpTps.removeAll(all);
        otp.assign(otpTps);
        log.info("cluster: node {} hands over {}", settings.nodeId(), tps);
    }

    private boolean anyPending(Set<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            ConcurrentSkipListSet<Long> p = pendingOffsets.get(tp);
            if (p != null && !p.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void reconcileBinds(KafkaConsumer<String, byte[]> bulk) {
        reconcileBinds(bulk.assignment());
    }

    private void reconcileBinds(Collection<TopicPartition> owned) {
        for (Map.Entry<String, OperatorConnector> e : connectors.entrySet()) {
            Set<Integer> mine = new TreeSet<>();
            for (TopicPartition tp : owned) {
                if (tp.topic().equals(topics.out(e.getKey()))) {
                    mine.add(tp.partition());
                }
            }
            e.getValue().own(mine, 2_000);
        }
    }

    // ---------------------------------------------------------------- correlations

    private void correlationLoop() {
        Properties props = consumerProps(settings.topicPrefix() + "-corr-" + settings.nodeId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            c.subscribe(List.of(topics.correlations()));
            while (running) {
                var records = c.poll(Duration.ofMillis(100));
                long validFrom = System.currentTimeMillis() - settings.receiptValidity().toMillis();
                for (ConsumerRecord<String, byte[]> r : records) {
                    Codec.Correlated k;
                    try {
                        k = Codec.readCorrelation(r.value());
                    } catch (IllegalArgumentException e) {
                        log.error("cluster: correlation record {} skipped: {}", r.offset(), e.getMessage());
                        continue;
                    }
                    sentIds.put(k.correlation().messageId(), Boolean.TRUE);
                    if (k.originNode().equals(settings.nodeId()) || k.correlation().submitTimeMs() < validFrom) {
                        continue; // ours is in our correlator already
                    }
                    correlator.put(k.operatorId(), k.upstreamId(), k.correlation());
                    try {
                        engine.onCorrelated(k.operatorId(), k.upstreamId());
                    } catch (RuntimeException e) {
                        log.warn("cluster: early receipt for {} id {} not applied: {}", k.operatorId(), k.upstreamId(),
                                e.toString());
                    }
                }
                if (records.isEmpty()) {
                    correlationsQuietSinceMs = System.currentTimeMillis();
                }
            }
        }
    }

    // ---------------------------------------------------------------- receipts

    private record Waiting(Receipt receipt, TopicPartition tp, long offset, boolean[] handed) {
    }

    private void receiptLoop() {
        Map<String, LinkedHashMap<Long, Waiting>> waiting = new HashMap<>();
        Map<TopicPartition, TreeMap<Long, Long>> byOffset = new HashMap<>();
        Map<String, Long> receiverSince = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                consumerProps(settings.topicPrefix() + "-receipts-" + settings.nodeId()))) {
            c.subscribe(List.of(topics.receipts()));
            long nextCommit = 0;
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    String account = r.key();
                    try {
                        if (Codec.type(r.value()) == Codec.RECEIPT) {
                            Receipt rc = Codec.readReceipt(r.value());
                            if (rc.moBody() == null && (rc.messageId() >>> 52) == settings.slot()) {
                                // accepted here, perhaps matched elsewhere: its charge here is settled now
                                engine.receiptElsewhere(rc.messageId(), rc.state());
                            }
                            Waiting w = new Waiting(rc, tp, r.offset(), new boolean[1]);
                            if (waiting.computeIfAbsent(rc.accountId(), k -> new LinkedHashMap<>())
                                    .putIfAbsent(rc.messageId(), w) == null && (rc.messageId() >>> 52) == settings.slot()
                                    && clients.offerToInterceptor(rc)) {
                                // an HTTP message's receipt: its callback is known on the node that accepted
                                // it (the id's slot); it waits here until the callback is done (its mark)
                                w.handed()[0] = true;
                                receiptsHanded.increment();
                            }
                            byOffset.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), rc.messageId());
                        } else if (Codec.type(r.value()) == Codec.FORWARDED) {
                            long id = Codec.readForwarded(r.value());
                            LinkedHashMap<Long, Waiting> w = waiting.get(account);
                            Waiting gone = w == null ? null : w.remove(id);
                            if (gone != null) {
                                TreeMap<Long, Long> o = byOffset.get(gone.tp());
                                if (o != null) {
                                    o.remove(gone.offset());
                                }
                            }
                        }
                    } catch (IllegalArgumentException e) {
                        log.error("cluster: receipts record {} of {} skipped: {}", r.offset(), tp, e.getMessage());
                    }
                }
                Set<String> mineNow = settled(receiverSince, clients.accountsWithReceivers());
                for (Map.Entry<String, LinkedHashMap<Long, Waiting>> e : waiting.entrySet()) {
                    if (e.getValue().isEmpty() || !mineNow.contains(e.getKey())
                            || !settings.nodeId().equals(deliverer(e.getKey(), mineNow))) {
                        continue;
                    }
                    for (Waiting w : e.getValue().values()) {
                        if (!w.handed()[0]) {
                            w.handed()[0] = true;
                            receiptsHanded.increment();
                            clients.dispatch(w.receipt());
                        }
                    }
                }
                waiting.values().removeIf(Map::isEmpty);
                long now = System.currentTimeMillis();
                if (now >= nextCommit) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (TopicPartition tp : c.assignment()) {
                        TreeMap<Long, Long> o = byOffset.get(tp);
                        offsets.put(tp, new OffsetAndMetadata(o == null || o.isEmpty() ? c.position(tp) : o.firstKey()));
                    }
                    if (!offsets.isEmpty()) {
                        try {
                            c.commitSync(offsets, Duration.ofSeconds(10));
                        } catch (org.apache.kafka.common.KafkaException e) {
                            log.debug("cluster: receipts commit put off: {}", e.toString()); // next second
                        }
                    }
                    nextCommit = now + 1_000;
                }
            }
        }
    }

    /**
     * Of the accounts with a receiver here now, those that have had one for {@link #SETTLE_MS}: by
     * then the other nodes have heard of it, so two nodes never both think they come first.
     */
    private static Set<String> settled(Map<String, Long> since, Set<String> now) {
        long t = System.currentTimeMillis();
        since.keySet().retainAll(now);
        Set<String> out = new HashSet<>();
        for (String a : now) {
            if (since.computeIfAbsent(a, k -> t) <= t - SETTLE_MS) {
                out.add(a);
            }
        }
        return out;
    }

    /** The node that hands out the account's receipts: the first live node (by id) where it has a receiver. */
    private String deliverer(String accountId, Set<String> mineNow) {
        String best = mineNow.contains(accountId) ? settings.nodeId() : null;
        for (Codec.Presence p : presence.values()) {
            if (p.nodeId().equals(settings.nodeId()) || !live(p) || !p.receivers().contains(accountId)) {
                continue;
            }
            if (best == null || p.nodeId().compareTo(best) < 0) {
                best = p.nodeId();
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- heartbeats

    private static boolean live(Codec.Presence p) {
        return p.atMs() > System.currentTimeMillis() - LIVE_MS;
    }

    private Codec.Presence heartbeat(long atMs) {
        Map<String, List<Integer>> shares = new TreeMap<>();
        connectors.forEach((op, c) -> shares.put(op, new ArrayList<>(c.owned())));
        Map<String, Integer> awayNow = new TreeMap<>();
        away.keySet().forEach(op -> awayNow.put(op, 1));
        return new Codec.Presence(settings.nodeId(), settings.slot(), smppAddress.get(), httpAddress.get(), atMs,
                new ArrayList<>(clients.accountsWithReceivers()), shares, new TreeMap<>(clients.bindCounts()),
                offered, awayNow);
    }

    /** Messages per second each account with a {@code tps} offered this node, as of the last heartbeat. */
    private volatile Map<String, Integer> offered = Map.of();
    private long offeredSince = System.nanoTime();

    /**
     * Once a second, before the heartbeat that tells the others: what each account with a {@code
     * tps} offered this node over the last second.
     */
    private void measureOffered() {
        long now = System.nanoTime();
        double seconds = Math.max(0.001, (now - offeredSince) / 1e9);
        offeredSince = now;
        Map<String, Long> attempts = engine.takeAccountAttempts();
        Map<String, Integer> mine = new TreeMap<>();
        attempts.forEach((a, n) -> mine.put(a, (int) Math.min(Integer.MAX_VALUE, Math.round(n / seconds))));
        offered = mine;
    }

    /**
     * Sets this node's share of each account's rate to its part of what the live nodes are
     * offered (plus an even part of 2% of the rate each, so a node that gets traffic again is not
     * shut out), so that the account's {@code tps} holds across the cluster: a node with all of the
     * traffic gets all of the rate; two nodes offered as much each get half.
     *
     * <p>Every node works from the same figures: the last one each node published, its own
     * included, and it works again whenever one of them changes (its own heartbeat, or another
     * node's arriving). Until 2026-11-27 a node set its share once a second from its own fresh
     * figure and the others' older ones, and the shares added up to more than the whole: the
     * account got 107-111% of its tps across two nodes (measured; the likely cause is feedback: a
     * node with a bigger share answers more slowly, so it is offered less the next second).
     */
    private void shareAccountRates() {
        Map<String, Integer> mine = offered;
        Map<String, Integer> rates = engine.accountRates();
        if (rates.isEmpty()) {
            return;
        }
        List<Codec.Presence> others = new ArrayList<>();
        for (Codec.Presence p : presence.values()) {
            if (!p.nodeId().equals(settings.nodeId()) && live(p)) {
                others.add(p);
            }
        }
        int nodes = others.size() + 1;
        rates.forEach((account, tps) -> {
            double floor = 0.02 * tps;
            double all = mine.getOrDefault(account, 0) + floor;
            double total = all;
            for (Codec.Presence p : others) {
                total += p.offered().getOrDefault(account, 0) + floor;
            }
            engine.accountShare(account, nodes == 1 ? 1 : all / total);
        });
    }

    /** The account's binds on the other live nodes, as their last heartbeats said. */
    private int bindsElsewhere(String account) {
        int n = 0;
        for (Codec.Presence p : presence.values()) {
            if (!p.nodeId().equals(settings.nodeId()) && live(p)) {
                n += p.binds().getOrDefault(account, 0);
            }
        }
        return n;
    }

    private void readPresence(Duration atMost) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(null))) {
            TopicPartition tp = new TopicPartition(topics.nodes(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + atMost.toMillis();
            while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    fold(r);
                }
            }
        }
    }

    private void fold(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            presence.remove(r.key());
            return;
        }
        try {
            Codec.Presence p = Codec.readPresence(r.value());
            presence.put(p.nodeId(), p);
        } catch (IllegalArgumentException e) {
            log.warn("cluster: heartbeat record {} skipped: {}", r.offset(), e.getMessage());
        }
    }

    private void presenceLoop() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(null))) {
            TopicPartition tp = new TopicPartition(topics.nodes(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long nextBeat = 0;
            while (running) {
                long now = System.currentTimeMillis();
                if (now >= nextBeat) {
                    measureOffered();
                    Codec.Presence me = heartbeat(now);
                    presence.put(me.nodeId(), me);
                    producer.send(new ProducerRecord<>(topics.nodes(), settings.nodeId(), Codec.presence(me)));
                    shareAccountRates();
                    nextBeat = now + 1_000;
                }
                boolean others = false;
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (!settings.nodeId().equals(r.key())) {
                        fold(r);
                        others = true;
                    }
                }
                if (others) {
                    shareAccountRates();
                }
            }
        }
    }

    // ---------------------------------------------------------------- the view

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public String ack() {
        return settings.replicated() ? "replicated" : "local";
    }

    @Override
    public List<Node> nodes() {
        List<Node> out = new ArrayList<>();
        for (Codec.Presence p : new TreeMap<>(presence).values()) {
            out.add(new Node(p.nodeId(), live(p) ? "up" : "down", p.smpp(), p.http()));
        }
        return out;
    }

    @Override
    public List<Share> shares() {
        Map<TopicPartition, Long> lag = lag();
        List<Share> out = new ArrayList<>();
        for (String op : new TreeSet<>(bindsByOperator.keySet())) {
            for (int i = 0; i < bindsByOperator.get(op); i++) {
                String owner = null;
                for (Codec.Presence p : presence.values()) {
                    List<Integer> s = p.shares().get(op);
                    if (live(p) && s != null && s.contains(i)) {
                        owner = owner == null || p.nodeId().compareTo(owner) < 0 ? p.nodeId() : owner;
                    }
                }
                TopicPartition bulk = new TopicPartition(topics.out(op), i);
                out.add(new Share(op, i, owner, 1, tpsByBind.getOrDefault(op, 0), lag.getOrDefault(bulk, -1L)));
            }
        }
        return out;
    }

    private volatile Map<TopicPartition, Long> lastLag = Map.of();
    private volatile long lastLagAtMs;

    /**
     * Messages in each bulk partition that its owner has not committed yet, asked of the brokers at
     * most once a second (the metrics scrape and the API share it).
     */
    private Map<TopicPartition, Long> lag() {
        long now = System.currentTimeMillis();
        if (now - lastLagAtMs < 1_000) {
            return lastLag;
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(settings.topicPrefix() + "-out").partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            bindsByOperator.forEach((op, n) -> {
                for (int i = 0; i < n; i++) {
                    ask.put(new TopicPartition(topics.out(op), i), OffsetSpec.latest());
                }
            });
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(ask).all()
                    .get(5, TimeUnit.SECONDS);
            ends.forEach((tp, info) -> {
                OffsetAndMetadata c = committed.get(tp);
                out.put(tp, Math.max(0, info.offset() - (c == null ? 0 : c.offset())));
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("cluster: lag unknown: {}", e.toString());
        }
        lastLag = out;
        lastLagAtMs = now;
        return out;
    }

    @Override
    public long duplicatesSkipped() {
        return duplicatesSkipped.sum();
    }

    @Override
    public long receiptsHanded() {
        return receiptsHanded.sum();
    }

    private static void sleep(long ms) {
        Loops.sleep(ms);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
