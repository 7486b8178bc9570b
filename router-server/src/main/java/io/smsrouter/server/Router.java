package io.smsrouter.server;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.DiskReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.ReceiptOverflow;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.StopWordFile;
import io.smsrouter.core.moderation.StopWordFormatException;
import io.smsrouter.core.policy.OptOutSnapshot;
import io.smsrouter.http.HttpServer;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.ConfigException;
import io.smsrouter.server.config.JournalConfig;
import io.smsrouter.server.config.OperatorConfig;
import io.smsrouter.server.config.RouterConfig;
import io.smsrouter.server.config.SimulatorConfig;
import io.smsrouter.server.config.SmppConfig;
import io.smsrouter.server.config.TlsConfig;
import io.smsrouter.smpp.server.SmppServer;
import io.smsrouter.smpp.server.SmppServerSettings;
import io.smsrouter.smpp.simulator.SimulatorSettings;
import io.smsrouter.smpp.simulator.SmscSimulator;
import io.smsrouter.smpp.transport.SmppTransport;
import io.smsrouter.smpp.transport.TlsContexts;
import io.smsrouter.smpp.upstream.OperatorConnector;
import io.smsrouter.smpp.upstream.OperatorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running router: builds every part from a validated {@link RouterConfig}, starts them in
 * order (journal and recovery, simulator, operator binds, SMPP and HTTP listeners) and stops them
 * in reverse.
 */
public final class Router implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    /** How long a receipt may come after its message and still be matched. */
    public static final Duration RECEIPT_VALIDITY = Duration.ofHours(72);
    /**
     * How long a message without a validity_period may wait for an operator that can take it
     * before it ends UNDELIV (err:997).
     */
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(48);
    /** Messages remembered for one-SMS-per-phone at most (about 150 bytes each). */
    static final long DEDUP_ENTRIES = 1_000_000;
    /**
     * Messages accepted but not yet taken by an operator (held on the heap, about 0.5 KB each)
     * before clients get ESME_RMSGQFUL.
     */
    public static final int MAX_UNDELIVERED = 500_000;
    /** Receipt correlations kept on the heap (about 200 B each); older ones are read from disk. */
    public static final int HOT_CORRELATIONS = 1_000_000;
    /**
     * How long an operator may have no live bind before its queued messages move to the other
     * operators of their routes (a reconnect usually takes less).
     */
    public static final long FAILOVER_AFTER_MS = 3_000;

    private final RouterConfig config;
    private final EventLoopGroup group;
    /**
     * HTTP requests run on threads of their own: a bulk request does milliseconds of work, and on
     * the SMPP event loops it would queue ahead of every operator response, so the binds' windows
     * would wait and sending would nearly stop while HTTP traffic comes in.
     */
    private final EventLoopGroup httpGroup;
    private final ChronicleJournal journal;
    private final DiskReceiptCorrelator correlator;
    private final ReceiptOverflow receiptsWaiting;
    private final RouteReloader routeReloader;
    private final Engine engine;
    private final SmscSimulator simulator;
    private final List<OperatorConnector> operators = new ArrayList<>();
    /** This router's node of the cluster, or null: the embedded router. */
    private final ClusterSupport.Node clusterNode;
    private final SmppServer smppServer;
    private final HttpServer httpServer;
    private final StopWordFile stopWords;
    private final JournalSpaceGuard journalGuard;
    /** Two threads: a slow stop-word reload must not delay the journal's space checks. */
    private final ScheduledExecutorService housekeeping = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "router-housekeeping");
        t.setDaemon(true);
        return t;
    });
    /**
     * The recovery checkpoint's own thread: following the journal and writing a checkpoint take
     * seconds under load, which must not delay the journal's space checks on the housekeeping threads.
     */
    private final ScheduledExecutorService checkpointer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "router-checkpoint");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean accepting;
    /** When the last checkpoint was written (0: none since start). */
    private volatile long lastCheckpointMs;
    private InetSocketAddress smppAddress;
    private InetSocketAddress httpAddress;
    private InetSocketAddress simulatorAddress;
    private InetSocketAddress smppTlsAddress;
    private InetSocketAddress httpsAddress;
    /** TLS contexts, built (and their files checked) once at construction; null where TLS is off. */
    private final SslContext smppTls;
    private final SslContext httpTls;
    private final SslContext simulatorTls;
    private final Map<String, SslContext> operatorTls = new HashMap<>();
    /** Cluster mode (router-cluster.jar); null on the embedded single node. */
    private final ClusterSupport cluster;

    public Router(RouterConfig config) {
        this(config, java.time.InstantSource.system());
    }

    /**
     * A router whose campaigns read the time from {@code campaignClock} (their schedules: tests and
     * simulations of months in seconds); everything else keeps the system's time.
     */
    public Router(RouterConfig config, java.time.InstantSource campaignClock) {
        this.config = config;
        this.cluster = ClusterSupport.load(config);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.group = SmppTransport.newGroup("smpp-io", threads);
        // half the cores (one here): measured with scripts/http-bench, one HTTP thread beside the
        // SMPP loops gave the best single-request rate; a thread per core cost about a third of it
        this.httpGroup = SmppTransport.newGroup("http-io", Math.max(1, threads / 2));
        this.journal = new ChronicleJournal(config.journal().dir(), config.journal().rollCycle(),
                config.journal().syncEachBatch());
        List<Account> accounts = new ArrayList<>();
        for (AccountConfig a : config.accounts()) {
            accounts.add(Account.of(a.id(), a.password(), a.apiKey(), Moderation.parse(a.moderation()), a.tps(),
                    a.maxBinds(), a.senders(), io.smsrouter.core.account.TrafficClass.parse(a.trafficClass()))
                    .withAllowedIps(io.smsrouter.core.account.IpAllowList.parse(a.allowedIps()))
                    .withClientCert(a.clientCert())
                    .withRequireConsent(a.requireConsent()));
        }
        Moderator moderator = new Moderator(StopWordAutomaton.EMPTY);
        this.stopWords = new StopWordFile(config.moderation().stopWords(), moderator);
        try {
            stopWords.load();
        } catch (StopWordFormatException | java.io.IOException e) {
            journal.close();
            throw new ConfigException(config.file() + ": moderation.stopWords: expected a valid stop-word file: "
                    + e.getMessage(), e);
        }
        // receipts for a client that does not take them: the first receiptsInMemory on the heap, the rest on disk
        this.receiptsWaiting = new ReceiptOverflow(config.journal().dir().resolve("receipts-waiting"));
        // operator id -> our id: the recent million on the heap, all of the last 72 h on disk
        this.correlator = new DiskReceiptCorrelator(config.journal().dir().resolve("correlation"), RECEIPT_VALIDITY,
                HOT_CORRELATIONS);
        this.engine = new Engine(new AccountRegistry(accounts), RouteReloader.table(config.routes()),
                config.operators().stream().map(OperatorConfig::id).toList(), journal,
                correlator, new ClientRegistry(receiptsWaiting, config.smpp().receiptsInMemory()), MAX_UNDELIVERED,
                moderator, new LocalModerationQueue(), config.moderation().maxHeld());
        if (config.journal().checkpointSeconds() > 0) {
            engine.checkpoints(config.journal().dir().resolve(JournalConfig.CHECKPOINT_FILE));
        }
        java.util.Set<io.smsrouter.core.account.TrafficClass> exempt = new java.util.HashSet<>();
        config.compliance().optOutExempt().forEach(c -> exempt.add(io.smsrouter.core.account.TrafficClass.parse(c)));
        engine.optOutPolicy(io.smsrouter.core.policy.StopKeywords.of(config.compliance().stopKeywords()), exempt);
        Map<String, Duration> dedupWindows = new HashMap<>();
        config.accounts().stream().filter(a -> a.dedupWindowSeconds() > 0)
                .forEach(a -> dedupWindows.put(a.id(), Duration.ofSeconds(a.dedupWindowSeconds())));
        if (!dedupWindows.isEmpty()) {
            engine.dedup(new io.smsrouter.core.policy.DuplicateFilter(dedupWindows, DEDUP_ENTRIES));
        }
        io.smsrouter.core.policy.TimeZoneTable zones = null;
        if (config.compliance().timeZones() != null) {
            try {
                zones = io.smsrouter.core.policy.TimeZoneTable.load(config.compliance().timeZones());
            } catch (java.io.IOException | IllegalArgumentException e) {
                journal.close();
                throw new ConfigException(config.file() + ": compliance.timeZones: expected a valid time-zone file: "
                        + e.getMessage(), e);
            }
            Map<String, io.smsrouter.core.policy.SendingWindow> windows = new HashMap<>();
            java.util.Set<String> anyTime = new java.util.HashSet<>();
            for (AccountConfig a : config.accounts()) {
                if (io.smsrouter.server.config.ComplianceConfig.ANY_TIME.equals(a.sendingWindow())) {
                    anyTime.add(a.id());
                } else if (a.sendingWindow() != null) {
                    windows.put(a.id(), io.smsrouter.core.policy.SendingWindow.parse(a.sendingWindow()));
                }
            }
            engine.quietHours(new io.smsrouter.core.policy.QuietHours(zones,
                    io.smsrouter.core.policy.SendingWindow.parse(config.compliance().sendingWindow()), windows,
                    anyTime));
        }
        Map<String, Long> balances = new HashMap<>();
        config.accounts().stream().filter(a -> a.balance() != null).forEach(a -> balances.put(a.id(), a.balance()));
        if (!balances.isEmpty()) {
            io.smsrouter.core.billing.PriceTable prices;
            try {
                prices = io.smsrouter.core.billing.PriceTable.load(config.billing().prices());
            } catch (java.io.IOException | IllegalArgumentException e) {
                journal.close();
                throw new ConfigException(config.file() + ": billing.prices: expected a valid price file: "
                        + e.getMessage(), e);
            }
            // cluster mode with PostgreSQL: the balances of record are there, each node spends leases of
            // them (the cluster node seeds them with these and sets the engine's credit after recovery)
            Map<String, Long> local = new HashMap<>();
            boolean shared = config.cluster() != null && config.cluster().postgres() != null;
            balances.forEach((id, v) -> local.put(id, shared ? 0L : v));
            engine.billing(new io.smsrouter.core.billing.Billing(prices, local,
                    config.billing().refundUndelivered()));
        }
        try {
            boolean pinned = config.accounts().stream().anyMatch(a -> a.clientCert() != null);
            this.smppTls = serverTls(config, "smpp.tls", config.smpp().tls(), pinned);
            this.httpTls = serverTls(config, "http.tls", config.http().tls(), false);
            this.simulatorTls = config.simulator().enabled()
                    ? serverTls(config, "simulator.tls", config.simulator().tls(), false) : null;
            for (OperatorConfig o : config.operators()) {
                if (o.tls()) {
                    operatorTls.put(o.id(), clientTls(config, o));
                }
            }
        } catch (ConfigException e) {
            journal.close();
            correlator.close();
            throw e;
        }
        SimulatorConfig sim = config.simulator();
        this.simulator = sim.enabled()
                ? new SmscSimulator(new SimulatorSettings(sim.host(), sim.port(), sim.systemId(), sim.password(),
                sim.submitLatencyMs(), sim.dlrDelayMs(), sim.deliveredPercent(), sim.undeliverablePercent(),
                sim.expiredPercent(), sim.tps(), config.smpp().maxPduLength()), group, simulatorTls)
                : null;
        SmppConfig s = config.smpp();
        this.smppServer = new SmppServer(new SmppServerSettings(s.host(), s.port(), s.maxPduLength(), s.windowSize(),
                s.enquireLinkIntervalMs(), s.idleTimeoutMs(), s.responseTimeoutMs(), s.bindTimeoutMs(), "smsrouter",
                s.maxConnections(), s.maxConnectionsPerIp(), s.bindFailuresPerIpPerMinute()),
                engine, group);
        Map<String, String> callbacks = new HashMap<>();
        Map<String, String> moUrls = new HashMap<>();
        for (AccountConfig a : config.accounts()) {
            if (a.callbackUrl() != null) {
                callbacks.put(a.id(), a.callbackUrl());
            }
            if (a.moUrl() != null) {
                moUrls.put(a.id(), a.moUrl());
            }
        }
        // templates beside the journal: data/journal -> data/templates
        java.nio.file.Path journalDir = config.journal().dir().toAbsolutePath();
        this.httpServer = new HttpServer(config.http().host(), config.http().port(), httpGroup,
                SmppTransport.serverChannel(), engine, this::notAcceptingReason, config.admin().token(), stopWords,
                new HttpServer.ApiOptions(journalDir.resolveSibling("templates"), callbacks,
                        config.http().maxRecipients(), 1000, moUrls,
                        java.time.Duration.ofSeconds(config.admin().sessionIdleSeconds()),
                        java.time.Duration.ofSeconds(config.admin().sessionLifetimeSeconds()),
                        config.http().authFailuresPerIpPerMinute()));
        // campaigns beside the journal too: data/journal -> data/campaigns (with the link-code key)
        java.nio.file.Path campaignsDir = journalDir.resolveSibling("campaigns");
        io.smsrouter.core.campaign.LinkCodes linkCodes;
        try {
            linkCodes = io.smsrouter.core.campaign.LinkCodes.loadOrCreate(campaignsDir.resolve("link.key"));
        } catch (RuntimeException e) {
            journal.close();
            throw new StartException("cannot read or create the link-code key " + campaignsDir.resolve("link.key")
                    + ": " + e.getMessage(), e);
        }
        io.smsrouter.core.policy.TimeZoneTable campaignZones = zones;
        httpServer.campaigns(campaignsDir, linkCodes, this::shortBase,
                campaignZones == null ? null : campaignZones::zoneOf, campaignClock);
        this.routeReloader = new RouteReloader(config, engine);
        httpServer.routeAdmin(routeReloader);
        io.micrometer.core.instrument.Gauge.builder("router.smpp.connections", smppServer,
                        SmppServer::openConnections)
                .description("client SMPP connections open (admitted by smpp.maxConnections/maxConnectionsPerIp)")
                .register(httpServer.registry());
        io.micrometer.core.instrument.Gauge.builder("router.journal.size", this, Router::journalBytes)
                .baseUnit("bytes").description("disk used by the journal directory").register(httpServer.registry());
        io.micrometer.core.instrument.Gauge.builder("router.recovery.duration", engine,
                        e -> e.lastRecovery() == null ? Double.NaN : e.lastRecovery().millis() / 1000.0)
                .baseUnit("seconds").description("how long recovery took at this start").register(httpServer.registry());
        io.micrometer.core.instrument.Gauge.builder("router.recovery.excerpts", engine,
                        e -> e.lastRecovery() == null ? Double.NaN : e.lastRecovery().excerpts())
                .description("journal excerpts recovery replayed at this start (after the checkpoint, when one was read)")
                .register(httpServer.registry());
        io.micrometer.core.instrument.Gauge.builder("router.checkpoint.age", this,
                        r -> r.lastCheckpointMs == 0 ? Double.NaN : (System.currentTimeMillis() - r.lastCheckpointMs) / 1000.0)
                .baseUnit("seconds").description("time since the last recovery checkpoint was written (none yet: NaN)")
                .register(httpServer.registry());
        try {
            this.journalGuard = new JournalSpaceGuard(engine, config.journal().dir(), config.journal().minFreeMb());
        } catch (java.io.IOException e) {
            journal.close();
            correlator.close();
            throw new ConfigException(config.file() + ": journal.dir: cannot read the free space of "
                    + config.journal().dir() + ": " + e.getMessage(), e);
        }
        this.clusterNode = cluster == null ? null : clusterNode(config, cluster);
        if (clusterNode != null) {
            httpServer.clusterView(clusterNode.view());
            clusterMetrics(clusterNode.view());
        }
    }

    /** This router's node of the cluster, not connected yet. */
    private ClusterSupport.Node clusterNode(RouterConfig config, ClusterSupport support) {
        Map<String, Integer> binds = new java.util.LinkedHashMap<>();
        Map<String, Integer> tps = new java.util.LinkedHashMap<>();
        for (OperatorConfig o : config.operators()) {
            binds.put(o.id(), o.binds());
            tps.put(o.id(), new OperatorSettings(o.id(), o.host(), o.port(), o.systemId(), o.password(),
                    o.systemType(), o.binds(), o.window(), o.tps(), o.enquireLinkIntervalMs(), o.responseTimeoutMs(),
                    o.reconnectDelayMs(), o.maxReconnectDelayMs(), config.smpp().maxPduLength(), false, o.bindTps())
                    .perBindTps());
        }
        Map<String, Long> balances = new HashMap<>();
        config.accounts().stream().filter(a -> a.balance() != null).forEach(a -> balances.put(a.id(), a.balance()));
        return support.node(config.cluster(), new ClusterSupport.Context(engine, correlator, engine.clients(), binds,
                tps, RECEIPT_VALIDITY, () -> address(smppAddress), () -> address(httpAddress), balances,
                Duration.ofHours(config.journal().retentionHours())));
    }

    private static String address(InetSocketAddress a) {
        return a == null ? null : a.getHostString() + ":" + a.getPort();
    }

    /** The cluster this router is a node of, or null on the embedded router. */
    public io.smsrouter.core.cluster.ClusterView clusterView() {
        return clusterNode == null ? null : clusterNode.view();
    }

    /** The context of a TLS listener, or null without one; a bad file stops the start naming its key. */
    private static SslContext serverTls(RouterConfig config, String key, TlsConfig tls, boolean requestClientCerts) {
        if (tls == null) {
            return null;
        }
        try {
            return TlsContexts.server(tls.cert(), tls.key(), tls.clientCa(), requestClientCerts);
        } catch (TlsContexts.TlsFileException e) {
            throw new ConfigException(config.file() + ": " + key + "." + e.role() + ": " + e.getMessage(), e);
        }
    }

    private static SslContext clientTls(RouterConfig config, OperatorConfig o) {
        try {
            return TlsContexts.client(o.tlsTrust(), o.tlsVerifyHostname());
        } catch (TlsContexts.TlsFileException e) {
            int i = config.operators().indexOf(o);
            throw new ConfigException(config.file() + ": operators[" + i + "].tlsTrust: " + e.getMessage(), e);
        }
    }

    /** A cluster node's gauges: nodes up, shares held, consumer lag per operator, duplicates skipped. */
    private void clusterMetrics(io.smsrouter.core.cluster.ClusterView view) {
        io.micrometer.core.instrument.MeterRegistry r = httpServer.registry();
        io.micrometer.core.instrument.Gauge.builder("router.cluster.nodes.up", view,
                        v -> v.nodes().stream().filter(n -> "up".equals(n.state())).count())
                .description("router nodes of the cluster with a heartbeat in the last 5 s").register(r);
        io.micrometer.core.instrument.Gauge.builder("router.cluster.shares.owned", operators,
                        ops -> ops.stream().mapToInt(c -> c.owned().size()).sum())
                .description("operator shares (binds) this node holds").register(r);
        io.micrometer.core.instrument.FunctionCounter.builder("router.cluster.duplicates.skipped", view,
                        v -> v.duplicatesSkipped())
                .description("messages a new owner found already sent by the earlier one, and skipped").register(r);
        io.micrometer.core.instrument.FunctionCounter.builder("router.cluster.receipts.handed", view,
                        v -> v.receiptsHanded())
                .description("receipts this node handed to its clients for the cluster").register(r);
        for (OperatorConfig o : config.operators()) {
            io.micrometer.core.instrument.Gauge.builder("router.cluster.lag", view, v -> v.shares().stream()
                            .filter(s -> s.operatorId().equals(o.id()) && s.lag() >= 0).mapToLong(s -> s.lag()).sum())
                    .tag("operator", o.id()).baseUnit("messages")
                    .description("messages in Kafka for the operator that its owners have not committed yet")
                    .register(r);
        }
    }

    /** Per bind of an operator: up, window use, window size (Prometheus gauges). */
    private void bindMetrics(OperatorConnector c) {
        io.micrometer.core.instrument.MeterRegistry r = httpServer.registry();
        for (int i = 0; i < c.bindCount(); i++) {
            int bind = i;
            String name = Integer.toString(i);
            io.micrometer.core.instrument.Gauge.builder("router.bind.up", c, x -> x.bound(bind) ? 1 : 0)
                    .tag("operator", c.id()).tag("bind", name).description("1 while the bind is bound").register(r);
            io.micrometer.core.instrument.Gauge.builder("router.bind.outstanding", c, x -> x.outstanding(bind))
                    .tag("operator", c.id()).tag("bind", name)
                    .description("submit_sm sent on the bind and not answered yet").register(r);
            io.micrometer.core.instrument.Gauge.builder("router.bind.window", c, x -> x.window())
                    .tag("operator", c.id()).tag("bind", name)
                    .description("submit_sm the bind may have unanswered at once").register(r);
        }
    }

    /** Bytes of the journal's files (queue files, correlation segments, snapshots). */
    private double journalBytes() {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(config.journal().dir())) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> {
                try {
                    return java.nio.file.Files.size(f);
                } catch (java.io.IOException gone) {
                    return 0; // deleted by retention meanwhile
                }
            }).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return Double.NaN;
        }
    }

    private java.nio.file.Path optOutSnapshot() {
        return config.journal().dir().resolve("optouts.snapshot");
    }

    private java.nio.file.Path consentSnapshot() {
        return config.journal().dir().resolve("consents.snapshot");
    }

    /**
     * Deletes the journal files older than {@code journal.retentionHours}: first the messages still
     * waiting in the router that were accepted in them are journaled again, and the opt-outs and
     * consent histories are written to their snapshots, so that recovery needs none of the deleted files.
     */
    void applyRetention() {
        long retentionMs = config.journal().retentionHours() * 3_600_000L;
        if (retentionMs <= 0) {
            return;
        }
        long cycle = journal.cycleMillis();
        long boundary = (System.currentTimeMillis() - retentionMs) / cycle * cycle;
        if (!journal.hasCyclesEndingBefore(boundary)) {
            return;
        }
        // also what the binds have sent and not had answered: its accepted event may be in a file about to go
        int carried = engine.carryForward(boundary + 60_000, () -> {
            List<Engine.InFlight> all = new ArrayList<>();
            for (OperatorConnector c : operators) {
                all.addAll(c.inFlight(5_000));
            }
            return all;
        });
        long optOuts;
        try {
            optOuts = OptOutSnapshot.write(engine.optOuts(), optOutSnapshot());
        } catch (java.io.IOException e) {
            log.error("journal retention skipped: the opt-out snapshot could not be written: {}", e.toString());
            return;
        }
        long consents;
        try {
            consents = io.smsrouter.core.policy.ConsentSnapshot.write(engine.consents(), consentSnapshot());
        } catch (java.io.IOException e) {
            log.error("journal retention skipped: the consent snapshot could not be written: {}", e.toString());
            return;
        }
        int deleted = journal.deleteCyclesEndingBefore(boundary);
        log.info("journal retention: {} files older than {} h deleted; {} waiting messages written again, "
                + "{} opt-outs in {}, {} consent entries in {}", deleted, config.journal().retentionHours(), carried,
                optOuts, optOutSnapshot(), consents, consentSnapshot());
    }

    /**
     * Writes a recovery checkpoint (see {@code Engine.checkpoint}); the opt-out and consent
     * snapshots are written first, as the checkpoint's replay skips their journal events before it.
     * A failure is logged and leaves the previous checkpoint in force. Returns what was written, or
     * null (none: checkpoints off, not started, or the failure).
     */
    public Engine.CheckpointReport writeCheckpoint(String why) {
        try {
            Engine.CheckpointReport r = engine.checkpoint(() -> {
                try {
                    OptOutSnapshot.write(engine.optOuts(), optOutSnapshot());
                    io.smsrouter.core.policy.ConsentSnapshot.write(engine.consents(), consentSnapshot());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("the opt-out or consent snapshot could not be written", e);
                }
            });
            if (r != null) {
                lastCheckpointMs = System.currentTimeMillis();
                log.info("checkpoint ({}): {} messages in flight, {} records ({} KB) up to journal excerpt {}, "
                                + "written to {} in {} ms", why, r.inFlight(), r.records(), r.bytes() / 1024, r.index(),
                        r.file(), r.millis());
            }
            return r;
        } catch (java.io.IOException | RuntimeException e) {
            log.error("checkpoint ({}) not written, the previous one stays in force: {}", why, e.toString());
            return null;
        }
    }

    /** Null while the router accepts traffic; otherwise why not (for /health). */
    private String notAcceptingReason() {
        if (!accepting) {
            return "not started, or stopping";
        }
        return engine.journalProblem();
    }

    public Router start() throws InterruptedException {
        try {
            long loaded = OptOutSnapshot.load(optOutSnapshot(), engine.optOuts());
            if (loaded > 0) {
                log.info("opt-outs: {} from {}", loaded, optOutSnapshot());
            }
        } catch (java.io.IOException e) {
            throw new StartException("cannot read the opt-out snapshot " + optOutSnapshot() + ": " + e.getMessage(), e);
        }
        try {
            long loaded = io.smsrouter.core.policy.ConsentSnapshot.load(consentSnapshot(), engine.consents());
            if (loaded > 0) {
                log.info("consents: {} history entries from {}", loaded, consentSnapshot());
            }
        } catch (java.io.IOException e) {
            throw new StartException("cannot read the consent snapshot " + consentSnapshot() + ": " + e.getMessage(),
                    e);
        }
        if (clusterNode != null) {
            try {
                clusterNode.open();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new StartException("cluster: " + e.getMessage(), e);
            }
            var sharedTemplates = clusterNode.templateStores();
            if (sharedTemplates != null) {
                httpServer.templateStores(sharedTemplates);
            }
        }
        engine.recover(RECEIPT_VALIDITY);
        if (clusterNode != null) {
            try {
                clusterNode.recovered();
            } catch (RuntimeException e) {
                throw new StartException("cluster: " + e.getMessage(), e);
            }
        }
        httpServer.startCampaigns();
        journalGuard.check();
        if (simulator != null) {
            simulatorAddress = listen("the operator simulator", config.simulator().host(), config.simulator().port(),
                    simulator::start);
        }
        for (OperatorConfig o : config.operators()) {
            int port = o.port();
            // an operator pointed at the in-process simulator's port 0 follows it to the port it got
            if (simulator != null && port == 0) {
                port = simulatorAddress.getPort();
            }
            OperatorConnector c = new OperatorConnector(new OperatorSettings(o.id(), o.host(), port, o.systemId(),
                    o.password(), o.systemType(), o.binds(), o.window(), o.tps(), o.enquireLinkIntervalMs(),
                    o.responseTimeoutMs(), o.reconnectDelayMs(), o.maxReconnectDelayMs(),
                    config.smpp().maxPduLength(), "sar".equals(o.concatenation()), o.bindTps()), engine, group,
                    operatorTls.get(o.id()), clusterNode != null);
            operators.add(c);
            bindMetrics(c);
            c.start();
        }
        Map<String, OperatorConnector> byId = new HashMap<>();
        operators.forEach(c -> byId.put(c.id(), c));
        if (clusterNode == null) {
            engine.operatorHealth(id -> {
                OperatorConnector c = byId.get(id);
                return c != null && c.boundCount() > 0;
            });
        } // in a cluster another node may hold an operator's binds: its messages go to Kafka whatever binds are here
        smppAddress = listen("SMPP", config.smpp().host(), config.smpp().port(), smppServer::start);
        httpAddress = listen("HTTP", config.http().host(), config.http().port(), httpServer::start);
        TlsConfig smppTlsConfig = config.smpp().tls();
        if (smppTls != null) {
            smppTlsAddress = listen("SMPP over TLS", smppTlsConfig.host(), smppTlsConfig.port(),
                    () -> smppServer.startTls(smppTlsConfig.host(), smppTlsConfig.port(), smppTls));
        }
        TlsConfig httpTlsConfig = config.http().tls();
        if (httpTls != null) {
            httpsAddress = listen("HTTPS", httpTlsConfig.host(), httpTlsConfig.port(),
                    () -> httpServer.startTls(httpTlsConfig.host(), httpTlsConfig.port(), httpTls));
        }
        long maxWaitMs = config.moderation().maxWaitSeconds() * 1000L;
        housekeeping.scheduleWithFixedDelay(() -> guarded("journal space check", journalGuard::check),
                100, 100, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(() -> guarded("stop-word reload", () -> stopWords.reloadIfChanged()),
                2, 2, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> guarded("route reload", routeReloader::reloadIfChanged),
                1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> guarded("moderation expiry", () -> engine.expireHeld(maxWaitMs)),
                1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> guarded("journal retention", this::applyRetention),
                0, 10, TimeUnit.MINUTES);
        int checkpointSeconds = config.journal().checkpointSeconds();
        if (checkpointSeconds > 0) {
            // the checkpoint follows the journal in small steps, so that writing one (and the one at
            // stop) has little left to read
            long catchUpSeconds = Math.min(10, checkpointSeconds);
            checkpointer.scheduleWithFixedDelay(() -> guarded("checkpoint catch-up", engine::checkpointCatchUp),
                    catchUpSeconds, catchUpSeconds, TimeUnit.SECONDS);
            String every = "every " + checkpointSeconds + " s";
            checkpointer.scheduleWithFixedDelay(() -> guarded("checkpoint", () -> writeCheckpoint(every)),
                    checkpointSeconds, checkpointSeconds, TimeUnit.SECONDS);
        }
        if (clusterNode == null) {
            scheduleFailover();
        }
        if (engine.billing() != null && engine.billing().refundUndelivered()) {
            // no receipt comes after the validity: what is still reserved then counts as spent
            housekeeping.scheduleWithFixedDelay(() -> guarded("billing settlement", () -> engine.billing()
                    .settleOlderThan(System.currentTimeMillis() - RECEIPT_VALIDITY.toMillis())), 1, 1, TimeUnit.MINUTES);
        }
        housekeeping.scheduleWithFixedDelay(() -> guarded("validity of queued messages",
                () -> engine.expireQueued(System.currentTimeMillis(), DEFAULT_VALIDITY.toMillis())), 5, 5,
                TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> guarded("scheduled messages",
                () -> engine.releaseDue(System.currentTimeMillis())), 200, 200, TimeUnit.MILLISECONDS);
        if (clusterNode != null) {
            clusterNode.start(byId);
        }
        accepting = true;
        return this;
    }

    /**
     * Moves the queued messages of an operator that has had no live bind for {@link
     * #FAILOVER_AFTER_MS} to the other operators of their routes (embedded router only: in a
     * cluster the operator's binds may live on another node).
     */
    private void scheduleFailover() {
        Map<String, Long> downSince = new HashMap<>();
        java.util.Set<String> movedOff = new java.util.HashSet<>();
        java.util.Set<String> upBefore = new java.util.HashSet<>();
        housekeeping.scheduleWithFixedDelay(() -> guarded("operator failover", () -> {
            long now = System.currentTimeMillis();
            java.util.Set<String> up = new java.util.HashSet<>();
            operators.stream().filter(c -> c.boundCount() > 0).forEach(c -> up.add(c.id()));
            boolean changed = !up.equals(upBefore);
            upBefore.clear();
            upBefore.addAll(up);
            for (OperatorConnector c : operators) {
                if (up.contains(c.id())) {
                    downSince.remove(c.id());
                    movedOff.remove(c.id());
                } else if (now - downSince.computeIfAbsent(c.id(), k -> now) >= FAILOVER_AFTER_MS
                        && (movedOff.add(c.id()) || changed)) {
                    // once per outage, and again when another operator comes up: the messages that
                    // had nowhere else to go may have somewhere now
                    engine.failover(c.id());
                }
            }
        }), 1, 1, TimeUnit.SECONDS);
    }

    private interface Listener {
        InetSocketAddress start() throws Exception;
    }

    /** Starts a listener; a port taken or an address not ours becomes a message that names them. */
    private static InetSocketAddress listen(String what, String host, int port, Listener l) throws InterruptedException {
        try {
            return l.start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new StartException("cannot listen for " + what + " on " + host + ":" + port + ": "
                    + e.getMessage().replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", ""), e);
        }
    }

    /** The router could not start; the message says why, for the operator of the machine. */
    public static final class StartException extends RuntimeException {
        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs a periodic task so that one failure is logged and does not cancel the later runs. */
    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("{} failed; trying again on the next round", what, e);
        }
    }

    public StopWordFile stopWords() {
        return stopWords;
    }

    /** Reloads the route table from the config file (also done by itself when the file changes). */
    public RouteReloader routeReloader() {
        return routeReloader;
    }

    public Engine engine() {
        return engine;
    }

    public InetSocketAddress smppAddress() {
        return smppAddress;
    }

    /** Client SMPP connections open now (admitted, bound or not). */
    public int smppConnections() {
        return smppServer.openConnections();
    }

    /**
     * The public base of tracked short links: {@code links.shortBase}, or when it is left at its
     * default, this router's own HTTP address (loopback when it listens on every address, the port
     * it got when it asked for 0) with {@code /l}, which is the default on the default port.
     */
    private String shortBase() {
        String configured = config.links().shortBase();
        if (!io.smsrouter.server.config.LinksConfig.DEFAULT_SHORT_BASE.equals(configured)) {
            return configured;
        }
        InetSocketAddress a = httpAddress;
        String host = config.http().host();
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + (a == null ? config.http().port() : a.getPort()) + "/l";
    }

    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    /** The SMPP-over-TLS listener's address; null without {@code smpp.tls}. */
    public InetSocketAddress smppTlsAddress() {
        return smppTlsAddress;
    }

    /** The HTTPS listener's address; null without {@code http.tls}. */
    public InetSocketAddress httpsAddress() {
        return httpsAddress;
    }

    public InetSocketAddress simulatorAddress() {
        return simulatorAddress;
    }

    public SmscSimulator simulator() {
        return simulator;
    }

    public List<OperatorConnector> operators() {
        return operators;
    }

    /**
     * Graceful stop: no new connections, clients asked to unbind, requests already sent upstream
     * given time to be answered, then the journal is closed. What is still queued stays in the
     * journal and is sent after the next start.
     */
    @Override
    public void close() {
        accepting = false;
        housekeeping.shutdownNow();
        checkpointer.shutdown(); // a checkpoint being written finishes; the one at stop below waits for it
        log.info("stopping: no new SMPP connections; unbinding clients");
        smppServer.stopAccepting();
        smppServer.unbindAll(3000);
        httpServer.close();
        if (clusterNode != null) {
            clusterNode.close(); // hands its shares over first: the binds finish what they sent
        }
        for (OperatorConnector c : operators) {
            c.close(3000);
        }
        if (simulator != null) {
            simulator.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
        httpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
        writeCheckpoint("stop"); // nothing moves any more: the next start reads only this (none before recovery)
        journal.close();
        correlator.close();
        receiptsWaiting.close();
        log.info("stopped: accepted={} submitted={} receipts in={} out={}", engine.acceptedCount(),
                engine.submittedCount(), engine.receiptsInCount(), engine.receiptsOutCount());
    }
}
