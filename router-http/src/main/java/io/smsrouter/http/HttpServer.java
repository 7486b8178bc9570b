package io.smsrouter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.smsrouter.core.account.FailureLimiter;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.moderation.StopWordFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP listener: {@code GET /health} (200 while the router accepts traffic), {@code GET /metrics}
 * (Prometheus text from Micrometer), the moderator's page {@code GET /moderation}, the campaign
 * report page {@code GET /campaigns/{id}} ({@link CampaignPage}), the admin API ({@link AdminApi}),
 * and the redirect of campaigns' short links {@code GET /l/{code}} ({@link LinkRedirect}, an HTML page
 * when it fails: phones open it). Every other path gets a JSON error {@code {"error":{"code","message"}}}.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest request body: a stop-word list of 100,000 entries is about 2 MB. Larger: 413. */
    static final int MAX_BODY = 8 * 1024 * 1024;

    private final String host;
    private final int port;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelType;
    private final PrometheusMeterRegistry registry;
    private final Supplier<String> unhealthy;
    private final AdminApi admin;
    private final HttpMessages texts;
    private final Webhooks webhooks;
    private final MessageApi messages;
    private final Templates templates;
    private final OptOutApi optOuts;
    private final ConsentApi consents;
    private final BalanceApi balances;
    private final LogApi smsLog;
    private final ClusterApi cluster;
    private final ModerationPage moderationPage;
    private final CampaignPage campaignPage;
    /** {@code GET /l/{code}}: the redirect of short links. */
    private final LinkRedirect links = new LinkRedirect();
    private final Engine engine;
    /** Campaigns, once {@link #campaigns} set them up; null before (their endpoints answer 503). */
    private volatile Campaigns campaigns;
    /** Bearer tokens, checked once here before routing (slow hash checks off the loop). */
    private final ApiAuth auth;
    /** 401 answers per address; past the limit, 429 unchecked. */
    private final FailureLimiter authFailures;
    private io.netty.util.concurrent.ScheduledFuture<?> sweeper;
    /** Admin work too slow for an event loop (building a stop-word automaton). */
    private final ExecutorService slow = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "http-admin");
        t.setDaemon(true);
        return t;
    });
    /**
     * Opt-out and consent changes: in cluster mode each waits for PostgreSQL and Kafka (up to a few
     * seconds when PostgreSQL is down), so on a thread of their own, never on an event loop nor
     * behind the admin's work.
     */
    private final ExecutorService policyWorker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "http-optouts");
        t.setDaemon(true);
        return t;
    });
    private Channel listener;
    private Channel tlsListener;

    /**
     * Settings of the message API.
     *
     * @param templatesDir     where named templates are stored (a directory per account); null: memory only
     * @param accountCallbacks account id → default callback URL for receipts of its HTTP messages
     * @param maxRecipients    most recipients in one request
     * @param webhookFirstRetryMs delay before the first retry of a failed callback (doubling after)
     * @param moUrls           account id → URL its subscribers' messages are POSTed to
     * @param sessionIdle      a moderator page session unused this long ends
     * @param sessionLifetime  a moderator page session ends this long after its login
     * @param authFailuresPerIpPerMinute 401 answers to one address in a minute after which its requests
     *                         are answered 429 unchecked for the rest of that minute; 0: no limit
     */
    public record ApiOptions(java.nio.file.Path templatesDir, java.util.Map<String, String> accountCallbacks,
                             int maxRecipients, long webhookFirstRetryMs, java.util.Map<String, String> moUrls,
                             java.time.Duration sessionIdle, java.time.Duration sessionLifetime,
                             int authFailuresPerIpPerMinute) {
        public static final int DEFAULT_AUTH_FAILURES_PER_IP_PER_MINUTE = 20;

        public ApiOptions(java.nio.file.Path templatesDir, java.util.Map<String, String> accountCallbacks,
                          int maxRecipients, long webhookFirstRetryMs, java.util.Map<String, String> moUrls,
                          java.time.Duration sessionIdle, java.time.Duration sessionLifetime) {
            this(templatesDir, accountCallbacks, maxRecipients, webhookFirstRetryMs, moUrls, sessionIdle,
                    sessionLifetime, DEFAULT_AUTH_FAILURES_PER_IP_PER_MINUTE);
        }

        public ApiOptions(java.nio.file.Path templatesDir, java.util.Map<String, String> accountCallbacks,
                          int maxRecipients, long webhookFirstRetryMs, java.util.Map<String, String> moUrls) {
            this(templatesDir, accountCallbacks, maxRecipients, webhookFirstRetryMs, moUrls,
                    AdminSessions.Settings.DEFAULT_IDLE, AdminSessions.Settings.DEFAULT_LIFETIME);
        }

        /** The same with another limit of 401 answers per address and minute. */
        public ApiOptions withAuthFailuresPerIpPerMinute(int n) {
            return new ApiOptions(templatesDir, accountCallbacks, maxRecipients, webhookFirstRetryMs, moUrls,
                    sessionIdle, sessionLifetime, n);
        }

        public ApiOptions(java.nio.file.Path templatesDir, java.util.Map<String, String> accountCallbacks,
                          int maxRecipients, long webhookFirstRetryMs) {
            this(templatesDir, accountCallbacks, maxRecipients, webhookFirstRetryMs, java.util.Map.of());
        }

        AdminSessions.Settings sessions() {
            return new AdminSessions.Settings(sessionIdle, sessionLifetime);
        }

        public static ApiOptions defaults() {
            return new ApiOptions(null, java.util.Map.of(), 10_000, 1000);
        }
    }

    public HttpServer(String host, int port, EventLoopGroup group, Class<? extends ServerChannel> channelType,
                      Engine engine, Supplier<String> unhealthy, String adminToken, StopWordFile stopWords) {
        this(host, port, group, channelType, engine, unhealthy, adminToken, stopWords, ApiOptions.defaults());
    }

    /**
     * Also takes over the receipts of messages sent through the API (their callbacks) and watches
     * the engine for their history: create it before the engine's recovery.
     */
    public HttpServer(String host, int port, EventLoopGroup group, Class<? extends ServerChannel> channelType,
                      Engine engine, Supplier<String> unhealthy, String adminToken, StopWordFile stopWords,
                      ApiOptions api) {
        this.host = host;
        this.port = port;
        this.group = group;
        this.channelType = channelType;
        this.unhealthy = unhealthy;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new io.prometheus.metrics.model.registry.PrometheusRegistry(), CoarseClock.INSTANCE);
        this.engine = engine;
        RouterMetrics.bind(registry, engine);
        this.texts = new HttpMessages();
        this.auth = new ApiAuth(engine.accounts(), adminToken);
        this.authFailures = new FailureLimiter(log, "HTTP requests refused 401", "http.authFailuresPerIpPerMinute",
                api.authFailuresPerIpPerMinute());
        AdminAuth adminAuth = new AdminAuth(auth, new AdminSessions(api.sessions()));
        this.admin = new AdminApi(JSON, engine, stopWords, adminAuth, texts::partsOf);
        this.moderationPage = new ModerationPage(JSON, adminAuth);
        this.campaignPage = new CampaignPage(JSON, adminAuth, auth);
        this.webhooks = new Webhooks(engine, texts, JSON, api.webhookFirstRetryMs(), api.moUrls());
        this.templates = new Templates(JSON, api.templatesDir());
        this.messages = new MessageApi(JSON, engine, texts, templates, api.accountCallbacks(), api.maxRecipients());
        this.optOuts = new OptOutApi(JSON, engine, messages, adminAuth);
        this.consents = new ConsentApi(JSON, engine, messages, adminAuth);
        this.balances = new BalanceApi(JSON, engine, messages, adminAuth);
        this.smsLog = new LogApi(JSON, engine, messages, adminAuth);
        this.cluster = new ClusterApi(JSON, adminAuth);
        engine.observe(texts);
        engine.clients().intercept(webhooks::take);
    }

    /**
     * Each account's named templates from {@code stores} instead of files (cluster mode with
     * PostgreSQL: one set for every node); before {@link #start}.
     */
    public void templateStores(java.util.function.Function<String, io.smsrouter.core.template.TemplateStore> stores) {
        templates.use(stores);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public InetSocketAddress start() throws InterruptedException {
        listener = listen(host, port, null);
        sweeper = group.scheduleAtFixedRate(authFailures::sweep, FailureLimiter.WINDOW_MS, FailureLimiter.WINDOW_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        InetSocketAddress a = (InetSocketAddress) listener.localAddress();
        log.info("HTTP listening on {}:{}", a.getHostString(), a.getPort());
        return a;
    }

    /**
     * HTTPS on a port of its own ({@code http.tls}): the same handlers behind an {@code SslHandler}.
     * The plain port keeps serving, for {@code /metrics} and {@code /health} on a private network.
     */
    public InetSocketAddress startTls(String tlsHost, int tlsPort, SslContext tls) throws InterruptedException {
        tlsListener = listen(tlsHost, tlsPort, tls);
        InetSocketAddress a = (InetSocketAddress) tlsListener.localAddress();
        log.info("HTTPS listening on {}:{}", a.getHostString(), a.getPort());
        return a;
    }

    private Channel listen(String listenHost, int listenPort, SslContext tls) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(channelType)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpServerKeepAliveHandler())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new Handler());
                    }
                })
                .bind(listenHost, listenPort).sync().channel();
    }

    /**
     * Serves the campaign report page ({@code GET /campaigns/{id}}) from these reports; until it is
     * called the page answers 404.
     */
    public void campaignReports(CampaignReports r) {
        campaignPage.reports(r);
    }

    /**
     * Answers {@code GET /l/{code}} (campaigns' short links) with this resolver; until one is set
     * (or with null) every code gets the 404 page. May be called while running.
     */
    public void linkResolver(io.smsrouter.core.campaign.LinkResolver resolver) {
        links.resolver(resolver);
    }

    /**
     * Answers {@code GET /api/v1/cluster} from this node's view of its cluster; without one (null,
     * the embedded router) it answers 404 {@code not_clustered}. May be called while running.
     */
    public void clusterView(io.smsrouter.core.cluster.ClusterView view) {
        cluster.view(view);
    }

    /** Offers reloading the route table through the admin API ({@code /api/v1/routes}). */
    public void routeAdmin(RouteAdmin r) {
        admin.routeAdmin(r);
    }

    /**
     * Sets up campaigns (shared/SPEC.md §8), reading those kept in {@code dir}; call before the
     * engine's recovery, which hands their journal notes over, and {@link #startCampaigns} after it.
     *
     * @param codes     link codes for tracked links (null: campaigns cannot track links)
     * @param shortBase the public base of short links, asked whenever a message is made
     * @param zones     a number's time zone, null when unknown (recurring schedules then use UTC)
     */
    public void campaigns(java.nio.file.Path dir, io.smsrouter.core.campaign.LinkCodes codes,
                          Supplier<String> shortBase, java.util.function.Function<String, java.time.ZoneId> zones,
                          java.time.InstantSource clock) {
        Campaigns c = new Campaigns(JSON, engine, messages, templates, dir, codes, shortBase, zones, clock);
        engine.observe(new Engine.MessageObserver() {
            @Override
            public void noted(long messageId, String key, String value) {
                texts.noted(messageId, key, value);
                c.noted(messageId, key, value);
            }

            @Override
            public void submitted(long messageId, String operatorId, String upstreamId) {
                texts.submitted(messageId, operatorId, upstreamId);
            }

            @Override
            public void moderated(long messageId, io.smsrouter.core.moderation.Verdict verdict, String moderator,
                                  String reason) {
                texts.moderated(messageId, verdict, moderator, reason);
            }
        });
        for (Campaign.Status st : Campaign.Status.values()) {
            io.micrometer.core.instrument.Gauge.builder("router.campaigns", c, x -> x.count(st))
                    .tag("status", st.name()).description("campaigns by status").register(registry);
        }
        io.micrometer.core.instrument.Gauge.builder("router.campaign.recipients.pending", c, Campaigns::pendingRecipients)
                .description("recipients of running or scheduled campaigns not yet sent").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("router.link.clicks", c, Campaigns::clicks)
                .description("clicks on campaigns' tracked links").register(registry);
        this.campaigns = c;
        campaignPage.reports(c);
        links.resolver(c);
    }

    /** Starts sending campaigns (after recovery). */
    public void startCampaigns() {
        Campaigns c = campaigns;
        if (c != null) {
            c.start();
        }
    }

    /** The campaigns' link resolver and report source; null before {@link #campaigns}. */
    Campaigns campaignsOrNull() {
        return campaigns;
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (listener != null) {
            listener.close().awaitUninterruptibly(2000);
        }
        if (tlsListener != null) {
            tlsListener.close().awaitUninterruptibly(2000);
        }
        slow.shutdown();
        policyWorker.shutdown();
        webhooks.close();
        Campaigns c = campaigns;
        if (c != null) {
            c.close();
        }
    }

    /** Paths anyone may call, which no failed-auth limit closes. */
    private static boolean open(String path) {
        return LinkRedirect.handles(path) || path.equals("/health") || path.equals("/metrics")
                || path.equals(ApiDocs.PATH);
    }

    private static String pathOf(FullHttpRequest req) {
        String path = req.uri();
        int q = path.indexOf('?');
        return q >= 0 ? path.substring(0, q) : path;
    }

    private static InetAddress remoteIp(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /**
     * The admin token or API key the request presents: its bearer token, or the token of a moderator
     * or campaign page login's body.
     */
    private String presentedToken(FullHttpRequest req, String path) {
        String token = ApiAuth.bearer(req);
        if (token == null && (path.equals(ModerationPage.LOGIN) || path.equals(CampaignPage.LOGIN))
                && req.method() == HttpMethod.POST) {
            try {
                com.fasterxml.jackson.databind.JsonNode body = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
                token = body != null && body.path("token").isTextual() ? body.path("token").textValue() : null;
            } catch (java.io.IOException | RuntimeException e) {
                token = null; // the login itself answers a bad body
            }
        }
        return token;
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /**
         * The gate before routing: an address past its 401 limit gets 429 unchecked; a token that
         * only a slow hash check can place (a hashed API key or admin token not seen before, as a
         * bearer token or in a moderator login) is verified on the verifier's thread while this
         * connection stops reading, and the request routed after; an account's key from an address
         * outside its {@code allowedIps} gets 403 {@code ip_not_allowed}.
         */
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = pathOf(req);
            if (LinkRedirect.handles(path) && req.decoderResult().isSuccess()) {
                // first and without any gate: short links are opened by anyone, often, from phones
                respond(ctx, req, links.handle(req, path));
                return;
            }
            if (!open(path) && req.decoderResult().isSuccess()) {
                long waitMs = authFailures.blockedForMs(remoteIp(ctx));
                if (waitMs > 0) {
                    FullHttpResponse r = error(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_auth_failures",
                            "too many requests with a missing or wrong key or token from this address; "
                                    + "try again after Retry-After seconds");
                    r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString((waitMs + 999) / 1000));
                    respond(ctx, req, r);
                    return;
                }
                String token = presentedToken(req, path);
                if (token != null && auth.needsVerification(token)) {
                    FullHttpRequest held = req.retain();
                    ctx.channel().config().setAutoRead(false);
                    auth.verify(token).whenComplete((done, busy) -> ctx.executor().execute(() -> {
                        try {
                            ctx.channel().config().setAutoRead(true);
                            if (busy != null) {
                                FullHttpResponse r = error(HttpResponseStatus.SERVICE_UNAVAILABLE, "auth_busy",
                                        "too many keys to verify at the moment; try again after Retry-After seconds");
                                r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                                respond(ctx, held, r);
                            } else {
                                route(ctx, held, path);
                            }
                        } finally {
                            held.release();
                        }
                    }));
                    return;
                }
            }
            route(ctx, req, path);
        }

        private void route(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
            if (auth.anyAllowList() && !open(path)) {
                io.smsrouter.core.account.Account caller = auth.account(ApiAuth.bearer(req));
                if (caller != null && !caller.allowedIps().allows(remoteIp(ctx))) {
                    respond(ctx, req, error(HttpResponseStatus.FORBIDDEN, "ip_not_allowed",
                            "account " + caller.id() + " may not call the API from this address (its allowedIps)"));
                    return;
                }
            }
            FullHttpResponse resp;
            if (req.decoderResult().isSuccess() && AdminApi.handles(path)) {
                if (AdminApi.isModeChange(req, path) && engine.moderator().sharesModes()) {
                    // cluster mode with PostgreSQL: the change waits for the database, off the event loop
                    FullHttpRequest held = req.retainedDuplicate();
                    String p = path;
                    policyWorker.execute(() -> {
                        FullHttpResponse r;
                        try {
                            r = admin.handle(held, p);
                        } finally {
                            held.release();
                        }
                        ctx.executor().execute(() -> respond(ctx, req, r));
                    });
                    return;
                }
                if (AdminApi.isSlow(req, path)) {
                    FullHttpRequest held = req.retainedDuplicate();
                    String p = path;
                    slow.execute(() -> {
                        FullHttpResponse r;
                        try {
                            r = admin.handle(held, p);
                        } finally {
                            held.release();
                        }
                        ctx.executor().execute(() -> respond(ctx, req, r));
                    });
                    return;
                }
                resp = admin.handle(req, path);
            } else if (req.decoderResult().isSuccess() && ClusterApi.handles(path)) {
                // the view may ask the Kafka brokers: off the event loop
                FullHttpRequest held = req.retainedDuplicate();
                slow.execute(() -> {
                    FullHttpResponse r;
                    try {
                        r = cluster.handle(held);
                    } finally {
                        held.release();
                    }
                    ctx.executor().execute(() -> respond(ctx, req, r));
                });
                return;
            } else if (req.decoderResult().isSuccess() && LogApi.handles(path)) {
                FullHttpRequest held = req.retainedDuplicate();
                slow.execute(() -> {
                    FullHttpResponse r;
                    try {
                        r = smsLog.handle(held);
                    } finally {
                        held.release();
                    }
                    ctx.executor().execute(() -> respond(ctx, req, r));
                });
                return;
            } else if (req.decoderResult().isSuccess() && Campaigns.handles(path)) {
                Campaigns c = campaigns;
                if (c == null) {
                    resp = error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "campaigns are not set up");
                } else {
                    // parsing a list, writing it to disk, counting a report: off the event loop
                    FullHttpRequest held = req.retainedDuplicate();
                    slow.execute(() -> {
                        FullHttpResponse r;
                        try {
                            r = c.handle(held, path);
                        } finally {
                            held.release();
                        }
                        ctx.executor().execute(() -> respond(ctx, req, r));
                    });
                    return;
                }
            } else if (req.decoderResult().isSuccess() && MessageApi.handles(path)) {
                MessageApi.Answer a = messages.handle(req, path);
                if (!a.durable().isDone()) {
                    // cluster mode, ack replicated: answered once Kafka confirms, the event loop goes on
                    a.durable().whenComplete((v, e) -> ctx.executor().execute(() -> respond(ctx, req, a.response())));
                    return;
                }
                resp = a.response();
            } else if (req.decoderResult().isSuccess() && (OptOutApi.handles(path) || ConsentApi.handles(path))) {
                // a change may wait for the cluster's PostgreSQL and Kafka (cluster mode): off the event loop
                FullHttpRequest held = req.retainedDuplicate();
                boolean optOut = OptOutApi.handles(path);
                policyWorker.execute(() -> {
                    FullHttpResponse r;
                    try {
                        r = optOut ? optOuts.handle(held, path) : consents.handle(held, path);
                    } finally {
                        held.release();
                    }
                    ctx.executor().execute(() -> respond(ctx, req, r));
                });
                return;
            } else if (req.decoderResult().isSuccess() && BalanceApi.handles(path)) {
                resp = balances.handle(req, path);
            } else if (req.decoderResult().isSuccess() && Templates.handles(path)) {
                io.smsrouter.core.account.Account a = messages.account(req);
                if (a != null && templates.shared() && req.method() != HttpMethod.GET) {
                    // cluster mode with PostgreSQL: a change waits for the database, off the event loop
                    FullHttpRequest held = req.retainedDuplicate();
                    String p = path;
                    policyWorker.execute(() -> {
                        FullHttpResponse r;
                        try {
                            r = templates.handle(held, p, a);
                        } finally {
                            held.release();
                        }
                        ctx.executor().execute(() -> respond(ctx, req, r));
                    });
                    return;
                }
                resp = a == null ? MessageApi.unauthorized() : templates.handle(req, path, a);
            } else if (!req.decoderResult().isSuccess()) {
                resp = error(HttpResponseStatus.BAD_REQUEST, "bad_request", "the request could not be parsed");
            } else if (path.equals("/health")) {
                resp = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD
                        ? health()
                        : error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET");
            } else if (path.equals("/metrics")) {
                resp = req.method() == HttpMethod.GET
                        ? text(registry.scrape(), "text/plain; version=0.0.4; charset=utf-8")
                        : error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET");
            } else if (req.decoderResult().isSuccess() && CampaignPage.handles(path)) {
                boolean tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
                InetAddress ip = remoteIp(ctx);
                String remote = String.valueOf(ctx.channel().remoteAddress());
                if (CampaignPage.isSlow(req, path)) {
                    // the report may walk a campaign's recipients: not on an event loop
                    FullHttpRequest held = req.retainedDuplicate();
                    slow.execute(() -> {
                        FullHttpResponse r;
                        try {
                            r = campaignPage.handle(held, path, tls, ip, remote);
                        } finally {
                            held.release();
                        }
                        ctx.executor().execute(() -> respond(ctx, req, r));
                    });
                    return;
                }
                resp = campaignPage.handle(req, path, tls, ip, remote);
            } else if (ModerationPage.handles(path)) {
                resp = moderationPage.handle(req, path,
                        ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null,
                        String.valueOf(ctx.channel().remoteAddress()));
            } else if (path.equals(ApiDocs.PATH)) {
                resp = ApiDocs.response(req.method());
            } else {
                resp = error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
            }
            respond(ctx, req, resp);
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
            if (resp.status().code() == HttpResponseStatus.UNAUTHORIZED.code() && !ModerationPage.isProbe(req)) {
                // never the header or body itself: only whether a key or token was given
                authFailures.recordFailure(remoteIp(ctx), req.method() + " " + pathOf(req) + " from "
                        + ctx.channel().remoteAddress() + " answered 401, "
                        + (req.headers().contains(HttpHeaderNames.AUTHORIZATION) ? "wrong key or token" : "no key"));
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(resp, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(resp);
            } else {
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** 200 {"status":"UP"} while the router accepts traffic, else 503 {"status":"DOWN","reason":...}. */
    private FullHttpResponse health() {
        String why = unhealthy.get();
        if (why == null) {
            return json(HttpResponseStatus.OK, "{\"status\":\"UP\"}");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("status", "DOWN");
        root.put("reason", why);
        return json(HttpResponseStatus.SERVICE_UNAVAILABLE, root.toString());
    }

    static FullHttpResponse error(HttpResponseStatus status, String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("code", code);
        err.put("message", message);
        return json(status, root.toString());
    }

    static FullHttpResponse json(HttpResponseStatus status, String body) {
        return text(status, body, HttpHeaderValues.APPLICATION_JSON.toString());
    }

    private static FullHttpResponse text(String body, String contentType) {
        return text(HttpResponseStatus.OK, body, contentType);
    }

    static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
        return r;
    }
}
