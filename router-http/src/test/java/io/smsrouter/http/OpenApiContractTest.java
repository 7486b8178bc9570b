package io.smsrouter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.billing.PriceTable;
import io.smsrouter.core.campaign.LinkCodes;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordFile;
import io.smsrouter.core.policy.DuplicateFilter;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.core.policy.QuietHours;
import io.smsrouter.core.policy.SendingWindow;
import io.smsrouter.core.policy.TimeZoneTable;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document ({@code openapi.yaml}, served at {@code GET /api/v1/openapi.yaml}) against
 * the real server: every documented operation exists and answers a documented status with a body
 * of the documented shape, provoked errors carry a documented status and code, every error code in
 * the sources is documented, the request examples are accepted, and the webhook is what the
 * document says. The opt-out endpoints take either scheme, and are called with each.
 *
 * <p>Bodies are checked strictly: a field the schema does not list fails the test unless the
 * schema says {@code additionalProperties}, so a field added to the server must be documented.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OpenApiContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "Bearer admin-token";
    private static final String SHOP = "Bearer k-shop";
    private static final String MOD = "Bearer k-mod";
    private static final String PICKY = "Bearer k-picky";
    private static final String SLOW = "Bearer k-slow";
    /** Billed: a balance of 1.00, a price of 1.00 a part to +7 numbers and none elsewhere. */
    private static final String PREPAID = "Bearer k-prepaid";
    /** Deduplicated: a repeat within 10 minutes is a DUPLICATE. */
    private static final String ONCE = "Bearer k-once";
    /** Promo traffic, whose recipients are always in quiet hours. */
    private static final String NIGHT = "Bearer k-night";
    /** Promo traffic with requireConsent: refused to numbers without a consent to advertising. */
    private static final String ADS = "Bearer k-ads";
    /** Stands for the moderator page's session: call() logs in and sends its cookie and CSRF token. */
    private static final String SESSION = "moderator session";
    private static final int MAX_RECIPIENTS = 3;
    /** The example code of {@code /l/{code}} in the document, which the test's link resolver knows. */
    private static final String SHORT_LINK_CODE = "3kTMd9Q";
    private static final List<String> METHODS = List.of("put", "post", "get", "head", "delete");

    @TempDir
    Path dir;
    private ChronicleJournal journal;
    /** Set to make the journal refuse opt-out changes and top-ups (as a full disk would), and reads for the SMS log. */
    private volatile boolean journalFails;
    private Engine engine;
    private EventLoopGroup group;
    private HttpServer server;
    private String base;
    /** The moderator session's cookie header and CSRF token, once logged in. */
    private String[] session;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<com.sun.net.httpserver.HttpServer> receivers = new ArrayList<>();
    /** What GET /api/v1/cluster shows; {@code fails} makes it throw as a view whose brokers are gone. */
    private volatile boolean clusterFails;
    private final io.smsrouter.core.cluster.ClusterView cluster = new io.smsrouter.core.cluster.ClusterView() {
        @Override
        public String nodeId() {
            return "r1";
        }

        @Override
        public String ack() {
            return "replicated";
        }

        @Override
        public List<Node> nodes() {
            if (clusterFails) {
                throw new IllegalStateException("Timed out waiting for a node assignment. Call: describeConsumerGroups");
            }
            return List.of(new Node("r1", "up", "127.0.0.1:40001", "127.0.0.1:40002"),
                    new Node("r2", "down", null, null));
        }

        @Override
        public List<Share> shares() {
            return List.of(new Share("opA", 0, "r1", 2, 500, 0), new Share("opA", 1, null, 0, 0, 17));
        }
    };

    @BeforeEach
    void start() throws Exception {
        journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        Moderator moderator = Moderator.withoutStopWords();
        Journal failing = (Journal) Proxy.newProxyInstance(Journal.class.getClassLoader(), new Class<?>[]{Journal.class},
                (proxy, method, args) -> {
                    if (journalFails && (method.getName().equals("optOut") || method.getName().equals("ledger")
                            || method.getName().equals("consent")
                            || method.getName().equals("replayFrom"))) {
                        throw new IllegalStateException("journal: no space left on device");
                    }
                    try {
                        return method.invoke(journal, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        // every account has an API key: the message, template and opt-out endpoints take it
        engine = new Engine(new AccountRegistry(List.of(
                Account.of("shop", "pw", "k-shop", Moderation.NONE, 0, 4, List.of()),
                Account.of("mod", "pw", "k-mod", Moderation.MANUAL, 0, 4, List.of()),
                Account.of("picky", "pw", "k-picky", Moderation.NONE, 0, 4, List.of("Shop")),
                Account.of("slow", "pw", "k-slow", Moderation.NONE, 1, 4, List.of()),
                Account.of("prepaid", "pw", "k-prepaid", Moderation.NONE, 0, 4, List.of()),
                Account.of("once", "pw", "k-once", Moderation.NONE, 0, 4, List.of()),
                Account.of("night", "pw", "k-night", Moderation.NONE, 0, 4, List.of(), TrafficClass.PROMO),
                Account.of("ads", "pw", "k-ads", Moderation.NONE, 0, 4, List.of(), TrafficClass.PROMO)
                        .withRequireConsent(true))),
                // nothing routes numbers outside +7 and +49: no_route for them
                new RouteTable(List.of(new Route(null, "7", null, List.of("opA")),
                        new Route(null, "49", null, List.of("opA")))),
                List.of("opA"), failing, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(),
                1000, moderator, new LocalModerationQueue(), 1000);
        // prepaid pays 1.00 a part to +7 and has no price for +49 (no_price); it starts with 1.00
        engine.billing(new Billing(PriceTable.of(List.of(new PriceTable.Price(null, null, "7", Amounts.parse("1.00")))),
                Map.of("prepaid", Amounts.parse("1.00")), false));
        engine.dedup(new DuplicateFilter(Map.of("once", Duration.ofMinutes(10)), 1000));
        // every +7 number is in UTC, and night's window opens two hours from now: always quiet now
        LocalTime opens = LocalTime.now(ZoneOffset.UTC).plusHours(2).withSecond(0).withNano(0);
        engine.quietHours(new QuietHours(TimeZoneTable.of(Map.of("7", ZoneId.of("UTC"))),
                new SendingWindow(opens, opens.plusHours(1)), Map.of(),
                java.util.Set.of("shop", "mod", "picky", "slow", "prepaid", "once")));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new HttpServer("127.0.0.1", 0, group, NioServerSocketChannel.class, engine, () -> null,
                "admin-token", new StopWordFile(null, moderator),
                new HttpServer.ApiOptions(dir.resolve("templates"), Map.of(), MAX_RECIPIENTS, 50));
        // the route reloader lives in the server module; here one that always finds a valid file
        server.routeAdmin(new RouteAdmin() {
            @Override
            public String file() {
                return "conf/router.yaml";
            }

            @Override
            public Reload reload() {
                return new Reload(true, 1, null, List.of());
            }

            @Override
            public Reload last() {
                return reload();
            }
        });
        // real campaigns, kept in the test's directory; their runner is not started, so that a
        // campaign stays RUNNING for pause, resume and cancel
        server.campaigns(dir.resolve("campaigns"), LinkCodes.loadOrCreate(dir.resolve("campaigns").resolve("link.key")),
                () -> base + "/l", null, InstantSource.system());
        // after the campaigns (whose resolver it replaces): one that knows the documented example code
        server.linkResolver((code, userAgent, atMs) -> code.equals(SHORT_LINK_CODE) ? "https://shop.example/?utm_source=sms" : null);
        // a cluster node's view; the Kafka module builds the real one
        server.clusterView(cluster);
        InetSocketAddress a = server.start();
        base = "http://127.0.0.1:" + a.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        receivers.forEach(r -> r.stop(0));
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        if (journal != null) {
            journal.close();
        }
    }

    // ---- the document itself ----

    @Test
    void shouldServeTheDocumentAsYamlWithoutAuthentication() throws Exception {
        HttpResponse<String> r = call("GET", ApiDocs.PATH, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/yaml; charset=utf-8");
        assertThat(r.body()).isEqualTo(resource());
        JsonNode doc = BlockYaml.parse(r.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.0.");
        assertThat(doc.path("paths").has(ApiDocs.PATH)).isTrue();
        assertThat(call("POST", ApiDocs.PATH, null, null).statusCode()).isEqualTo(405);
    }

    @Test
    void shouldResolveEveryReferenceAndSecureEveryApiOperation() throws Exception {
        JsonNode doc = document();
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(pointer(doc, ref).isMissingNode()).as("$ref %s", ref).isFalse();
        }
        for (Operation op : operations(doc)) {
            boolean api = op.path.startsWith("/api/v1/") && !op.path.equals(ApiDocs.PATH)
                    || op.path.equals("/moderation/session") || op.path.equals("/campaigns/{id}/report.json");
            assertThat(op.node.has("security")).as("security of %s", op).isEqualTo(api);
            if (api) {
                assertThat(op.node.path("responses").has("401")).as("401 of %s", op).isTrue();
            }
            assertThat(op.node.path("responses").has("405")).as("405 of %s", op).isTrue();
        }
    }

    @Test
    void shouldGiveResponseExamplesThatMatchTheirSchemas() throws Exception {
        JsonNode doc = document();
        int checked = 0;
        for (Operation op : operations(doc)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = op.node.path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                JsonNode json = resolve(doc, r.getValue()).path("content").path("application/json");
                List<JsonNode> examples = new ArrayList<>();
                if (json.has("example")) {
                    examples.add(json.get("example"));
                }
                json.path("examples").forEach(e -> examples.add(e.path("value")));
                for (JsonNode e : examples) {
                    String where = op + " " + r.getKey() + " example";
                    assertThat(problems(doc, e, json.path("schema"), where)).as(e.toString()).isEmpty();
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    // ---- 2. every documented operation exists and answers as documented ----

    @Test
    void shouldAnswerEveryDocumentedOperationWithADocumentedSuccess() throws Exception {
        JsonNode doc = document();
        // two held messages for approve and reject of one
        String held1 = send(MOD, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"hold me\"}").path("id").asText();
        String held2 = send(MOD, "{\"from\":\"Shop\",\"to\":\"79161234568\",\"text\":\"hold me too\"}").path("id").asText();
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("/api/v1/moderation/{id}/approve", held1);
        ids.put("/api/v1/moderation/{id}/reject", held2);
        ids.put("/api/v1/accounts/{id}/moderation", "mod");
        // the campaign that the documented POST /api/v1/campaigns creates (posts go first)
        String[] campaign = {null};
        String msisdn = doc.path("paths").path("/api/v1/optouts/{msisdn}").path("parameters").path(0)
                .path("example").asText();
        List<Operation> ops = operations(doc);
        assertThat(ops).hasSizeGreaterThanOrEqualTo(25);
        // creating methods first, deleting ones last, so that what a GET or DELETE names exists
        ops.sort((x, y) -> Integer.compare(METHODS.indexOf(x.method), METHODS.indexOf(y.method)));
        for (Operation op : ops) {
            String path = op.path;
            if (path.equals("/api/v1/messages/{id}")) {
                // a message of this run, queued (not yet with an operator) so that DELETE cancels it
                path = path.replace("{id}", send(SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\"}")
                        .path("id").asText());
            }
            if (path.startsWith("/api/v1/campaigns/{id}") || path.startsWith("/campaigns/{id}")) {
                assertThat(campaign[0]).as("a campaign created before %s", op).isNotNull();
                path = path.replace("{id}", campaign[0]);
            }
            path = path.replace("{id}", ids.getOrDefault(path, "0"))
                    .replace("{code}", SHORT_LINK_CODE)
                    .replace("{name}", schema(doc, "TemplateName").path("example").asText())
                    .replace("{msisdn}", msisdn);
            // with each scheme the operation takes: POST /api/v1/optouts's first example is the
            // account's opt-out with the key and a global one with the admin token, and DELETE
            // without parameters removes exactly that one of each
            List<String> keys = credentials(op);
            assertThat(keys).as("credentials of %s", op).isNotEmpty();
            for (String key : keys) {
                HttpResponse<String> r = call(op.method.toUpperCase(), path, key, requestBody(doc, op));
                JsonNode error = errorOf(r);
                assertThat(r.statusCode() == 404 && error.path("code").asText().equals("not_found")
                        && error.path("message").asText().startsWith("no such endpoint"))
                        .as("%s answered \"no such endpoint\"", op).isFalse();
                assertThat(r.statusCode()).as("%s %s as %s: %s", op, path, key, r.body()).isNotEqualTo(405);
                if (op.path.equals("/l/{code}")) {
                    assertThat(r.statusCode()).as("%s %s: %s", op, path, r.body()).isEqualTo(302);
                } else {
                    assertThat(r.statusCode()).as("%s %s as %s: %s", op, path, key, r.body()).isBetween(200, 299);
                }
                checkAgainstDocument(doc, op, r);
                if (op.method.equals("post") && op.path.equals(Campaigns.PATH)) {
                    campaign[0] = JSON.readTree(r.body()).path("id").asText();
                }
            }
        }
        // DELETE /api/v1/consents/{msisdn} opts the number out by design (source "consent")
        assertThat(engine.optOuts().list(null, null, 1000)).as("every opt-out the POSTs recorded was DELETEd")
                .allMatch(o -> o.source().equals(Engine.CONSENT_OPT_OUT_SOURCE));
    }

    @Test
    void shouldAcceptEveryRequestExampleOfSendingMessages() throws Exception {
        JsonNode doc = document();
        Operation put = operation(doc, "put", "/api/v1/templates/{name}");
        String name = schema(doc, "TemplateName").path("example").asText();
        assertThat(call("PUT", "/api/v1/templates/" + name, SHOP, requestBody(doc, put)).statusCode()).isEqualTo(201);
        Operation post = operation(doc, "post", "/api/v1/messages");
        JsonNode examples = post.node.path("requestBody").path("content").path("application/json").path("examples");
        assertThat(examples.size()).isGreaterThanOrEqualTo(5);
        for (Iterator<Map.Entry<String, JsonNode>> it = examples.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue().path("value");
            assertThat(problems(doc, value, schema(doc, "SendRequest"), e.getKey())).as("example %s", e.getKey()).isEmpty();
            HttpResponse<String> r = call("POST", "/api/v1/messages", SHOP, JSON.writeValueAsString(value));
            assertThat(r.statusCode()).as("example %s: %s", e.getKey(), r.body()).isEqualTo(202);
            checkAgainstDocument(doc, post, r);
            JsonNode answer = JSON.readTree(r.body());
            for (JsonNode item : answer.isArray() ? answer : JSON.createArrayNode().add(answer)) {
                assertThat(item.has("error")).as("example %s: %s", e.getKey(), item).isFalse();
            }
        }
    }

    @Test
    void shouldKeepOptOutsWithEitherSchemeAsDocumentedAndRefuseMessagesToThem() throws Exception {
        JsonNode doc = document();
        String opt = "/api/v1/optouts";
        Operation post = operation(doc, "post", opt);
        Operation get = operation(doc, "get", opt);
        Operation delete = operation(doc, "delete", opt + "/{msisdn}");
        for (Operation op : List.of(post, get, delete)) {
            assertThat(credentials(op)).as("schemes of %s", op).containsExactly(SHOP, ADMIN);
        }
        // every request example, with the account's key; those that make sense for the admin, with the token
        JsonNode examples = post.node.path("requestBody").path("content").path("application/json").path("examples");
        assertThat(examples.size()).isGreaterThanOrEqualTo(3);
        for (Iterator<Map.Entry<String, JsonNode>> it = examples.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue().path("value");
            assertThat(problems(doc, value, schema(doc, "OptOutRequest"), e.getKey())).as("example %s", e.getKey())
                    .isEmpty();
            for (String key : value.has("sender") && !value.has("account") ? List.of(SHOP) : List.of(SHOP, ADMIN)) {
                HttpResponse<String> r = call("POST", opt, key, JSON.writeValueAsString(value));
                assertThat(r.statusCode()).as("example %s as %s: %s", e.getKey(), key, r.body()).isIn(200, 201);
                checkAgainstDocument(doc, post, r);
            }
        }
        engine.optOuts().list(null, null, 100).forEach(o -> engine.optIn(o.accountId(), o.sender(), o.msisdn(), "test"));

        // the account's key: its own opt-out, account-wide; the same again is 200, created false
        HttpResponse<String> r = call("POST", opt, SHOP, "{\"msisdn\":\"+79161234501\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        checkAgainstDocument(doc, post, r);
        JsonNode created = JSON.readTree(r.body());
        assertThat(created.path("msisdn").asText()).isEqualTo("79161234501");
        assertThat(created.path("account").asText()).isEqualTo("shop");
        assertThat(created.path("scope").asText()).isEqualTo("account");
        assertThat(created.path("source").asText()).isEqualTo("api");
        assertThat(created.path("created").asBoolean()).isTrue();
        r = call("POST", opt, SHOP, "{\"msisdn\":\"79161234501\",\"account\":\"shop\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, post, r);
        assertThat(JSON.readTree(r.body()).path("created").asBoolean()).isFalse();
        // one sender name of the account, kept in lower case
        r = call("POST", opt, SHOP, "{\"msisdn\":\"79161234502\",\"sender\":\"Shop\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).path("scope").asText()).isEqualTo("sender");
        assertThat(JSON.readTree(r.body()).path("sender").asText()).isEqualTo("shop");
        // the admin token: a global opt-out, and another account's
        r = call("POST", opt, ADMIN, "{\"msisdn\":\"79161234503\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        checkAgainstDocument(doc, post, r);
        assertThat(JSON.readTree(r.body()).path("scope").asText()).isEqualTo("global");
        assertThat(JSON.readTree(r.body()).path("source").asText()).isEqualTo("admin");
        assertThat(JSON.readTree(r.body()).has("account")).isFalse();
        r = call("POST", opt, ADMIN, "{\"msisdn\":\"79161234504\",\"account\":\"mod\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).path("account").asText()).isEqualTo("mod");

        // listing: the key sees its account's, the token every one or one account's
        assertThat(listed(doc, get, SHOP, "")).containsExactlyInAnyOrder("79161234501", "79161234502");
        assertThat(listed(doc, get, SHOP, "?account=mod")).containsExactlyInAnyOrder("79161234501", "79161234502");
        assertThat(listed(doc, get, ADMIN, "")).containsExactlyInAnyOrder("79161234501", "79161234502",
                "79161234503", "79161234504");
        assertThat(listed(doc, get, ADMIN, "?account=mod")).containsExactly("79161234504");
        assertThat(listed(doc, get, ADMIN, "?msisdn=%2B79161234503")).containsExactly("79161234503");
        assertThat(listed(doc, get, ADMIN, "?limit=1")).hasSize(1);
        r = call("GET", opt, SHOP, null);
        assertThat(JSON.readTree(r.body()).path("total").asLong()).isEqualTo(2); // an account key counts its own entries only

        // sending: refused with opted_out (403) in each scope, but an OTP goes (exempt by default)
        Operation send = operation(doc, "post", "/api/v1/messages");
        for (String to : List.of("79161234501", "79161234502", "79161234503")) {
            r = call("POST", "/api/v1/messages", SHOP, "{\"from\":\"Shop\",\"to\":\"" + to
                    + "\",\"text\":\"sale\",\"category\":\"promo\"}");
            assertThat(r.statusCode()).as("%s: %s", to, r.body()).isEqualTo(403);
            assertThat(errorOf(r).path("code").asText()).isEqualTo("opted_out");
            checkAgainstDocument(doc, send, r);
            assertThat(mentionsCode(doc, response(doc, send, 403), "opted_out")).isTrue();
            r = call("POST", "/api/v1/messages", SHOP, "{\"from\":\"Shop\",\"to\":\"" + to
                    + "\",\"text\":\"Your code is 4711\",\"category\":\"otp\"}");
            assertThat(r.statusCode()).as("otp to %s: %s", to, r.body()).isEqualTo(202);
        }
        // another sender name of the account is not in the sender-scope opt-out
        assertThat(call("POST", "/api/v1/messages", SHOP, "{\"from\":\"Other\",\"to\":\"79161234502\","
                + "\"text\":\"x\",\"category\":\"promo\"}").statusCode()).isEqualTo(202);
        // in a list, the refused recipient is an item with the error
        r = call("POST", "/api/v1/messages", SHOP, "{\"from\":\"Shop\",\"to\":[\"79161234501\",\"79161234509\"],"
                + "\"text\":\"x\",\"category\":\"promo\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        checkAgainstDocument(doc, send, r);
        assertThat(JSON.readTree(r.body()).path(0).path("error").path("code").asText()).isEqualTo("opted_out");
        assertThat(JSON.readTree(r.body()).path(1).has("id")).isTrue();

        // withdrawing: exactly the key named, by the key or the token
        assertThat(call("DELETE", opt + "/79161234502", SHOP, null).statusCode()).isEqualTo(404);
        r = call("DELETE", opt + "/79161234502?sender=SHOP", SHOP, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, delete, r);
        r = call("DELETE", opt + "/+79161234501?account=mod", SHOP, null);
        assertThat(r.statusCode()).as("account is the key's own: %s", r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("msisdn").asText()).isEqualTo("79161234501");
        assertThat(call("DELETE", opt + "/79161234504", ADMIN, null).statusCode()).isEqualTo(404);
        r = call("DELETE", opt + "/79161234504?account=mod", ADMIN, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, delete, r);
        r = call("DELETE", opt + "/79161234503", ADMIN, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(listed(doc, get, ADMIN, "")).isEmpty();
        assertThat(call("POST", "/api/v1/messages", SHOP, "{\"from\":\"Shop\",\"to\":\"79161234503\","
                + "\"text\":\"x\",\"category\":\"promo\"}").statusCode()).isEqualTo(202);
    }

    /** The numbers GET /api/v1/optouts lists, its answer checked against the document. */
    private List<String> listed(JsonNode doc, Operation get, String key, String query) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/optouts" + query, key, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, get, r);
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).path("items").forEach(i -> out.add(i.path("msisdn").asText()));
        return out;
    }

    // ---- prepaid balances, duplicates and quiet hours ----

    @Test
    void shouldKeepPrepaidBalancesAsDocumentedAndRefuseWhatTheyDoNotCover() throws Exception {
        JsonNode doc = document();
        String msgs = "/api/v1/messages";
        Operation send = operation(doc, "post", msgs);
        Operation get = operation(doc, "get", "/api/v1/balance");
        Operation top = operation(doc, "post", "/api/v1/balance/topups");
        assertThat(credentials(get)).containsExactly(PREPAID, ADMIN);
        assertThat(credentials(top)).containsExactly(ADMIN);

        // the documented figures keep the invariant too
        invariant(top.node.path("responses").path("200").path("content").path("application/json").path("example"));
        get.node.path("responses").path("200").path("content").path("application/json").path("examples")
                .forEach(e -> (e.path("value").has("items") ? e.path("value").path("items") : List.of(e.path("value")))
                        .forEach(OpenApiContractTest::invariant));

        assertThat(figures(doc, get, PREPAID, "")).isEqualTo(List.of("prepaid", "1.00", "0.00", "0.00", "1.00", "0.00"));
        // the account key sees its own figures whatever it asks for
        assertThat(figures(doc, get, PREPAID, "?account=shop").get(0)).isEqualTo("prepaid");

        // the first message takes the whole 1.00, reserved until an operator has it
        String first = send(PREPAID, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\"}").path("id").asText();
        assertThat(figures(doc, get, PREPAID, "")).isEqualTo(List.of("prepaid", "0.00", "1.00", "0.00", "1.00", "0.00"));
        // the next is not covered: 402; a number no price applies to: 403 no_price
        HttpResponse<String> r = call("POST", msgs, PREPAID, "{\"from\":\"Shop\",\"to\":\"79161234568\",\"text\":\"x\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(402);
        assertThat(errorOf(r).path("code").asText()).isEqualTo("insufficient_balance");
        checkAgainstDocument(doc, send, r);
        assertThat(mentionsCode(doc, response(doc, send, 402), "insufficient_balance")).isTrue();
        r = call("POST", msgs, PREPAID, "{\"from\":\"Shop\",\"to\":\"+4915112345678\",\"text\":\"x\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(errorOf(r).path("code").asText()).isEqualTo("no_price");
        checkAgainstDocument(doc, send, r);
        assertThat(mentionsCode(doc, response(doc, send, 403), "no_price")).isTrue();
        // in a list each recipient is refused on its own, with the codes the description lists
        r = call("POST", msgs, PREPAID, "{\"from\":\"Shop\",\"to\":[\"79161234568\",\"4915112345678\"],\"text\":\"x\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        checkAgainstDocument(doc, send, r);
        JsonNode items = JSON.readTree(r.body());
        assertThat(items.path(0).path("error").path("code").asText()).isEqualTo("insufficient_balance");
        assertThat(items.path(1).path("error").path("code").asText()).isEqualTo("no_price");
        for (String code : List.of("insufficient_balance", "no_price")) {
            assertThat(mentions(send.node.path("description").asText(), code)).as("bulk code %s", code).isTrue();
        }
        assertThat(figures(doc, get, PREPAID, "")).isEqualTo(List.of("prepaid", "0.00", "1.00", "0.00", "1.00", "0.00"));

        // the operator takes the first: spent
        Message m = engine.operatorQueue("opA").poll();
        assertThat(m).isNotNull();
        assertThat(m.idString()).isEqualTo(first);
        engine.onSubmitted(m, "opA", "up-1");
        assertThat(figures(doc, get, PREPAID, "")).isEqualTo(List.of("prepaid", "0.00", "0.00", "1.00", "1.00", "0.00"));

        // a top-up (the documented example first), with exact decimals, as a string or a JSON number
        HttpResponse<String> t = call("POST", "/api/v1/balance/topups", ADMIN, requestBody(doc, top));
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        checkAgainstDocument(doc, top, t);
        assertThat(JSON.readTree(t.body()).path("topUps").asText()).isEqualTo("100.50");
        t = call("POST", "/api/v1/balance/topups", ADMIN, "{\"account\":\"prepaid\",\"amount\":\"0.000001\"}");
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        checkAgainstDocument(doc, top, t);
        t = call("POST", "/api/v1/balance/topups", ADMIN, "{\"account\":\"prepaid\",\"amount\":2}");
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        checkAgainstDocument(doc, top, t);
        assertThat(invariant(JSON.readTree(t.body()))).isEqualTo(List.of("prepaid", "102.500001", "0.00", "1.00", "1.00",
                "102.500001"));
        // covered again; a cancelled message gives its price back
        String second = send(PREPAID, "{\"from\":\"Shop\",\"to\":\"79161234568\",\"text\":\"x\"}").path("id").asText();
        assertThat(figures(doc, get, PREPAID, "")).isEqualTo(List.of("prepaid", "101.500001", "1.00", "1.00", "1.00",
                "102.500001"));
        assertThat(call("DELETE", msgs + "/" + second, PREPAID, null).statusCode()).isEqualTo(200);
        assertThat(figures(doc, get, PREPAID, "")).isEqualTo(List.of("prepaid", "102.500001", "0.00", "1.00", "1.00",
                "102.500001"));

        // the admin token: every billed account (a list), or one
        r = call("GET", "/api/v1/balance", ADMIN, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, get, r);
        JsonNode list = JSON.readTree(r.body()).path("items");
        assertThat(list.size()).isEqualTo(1);
        assertThat(invariant(list.get(0)).get(0)).isEqualTo("prepaid");
        assertThat(figures(doc, get, ADMIN, "?account=prepaid").get(1)).isEqualTo("102.500001");
    }

    /** The figures GET /api/v1/balance answers (account, balance, reserved, spent, initial, topUps), checked. */
    private List<String> figures(JsonNode doc, Operation get, String key, String query) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/balance" + query, key, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, get, r);
        assertThat(problems(doc, JSON.readTree(r.body()), schema(doc, "Balance"), "balance")).as(r.body()).isEmpty();
        return invariant(JSON.readTree(r.body()));
    }

    /** The figures of a Balance, once its documented invariant is checked: balance + reserved + spent = initial + topUps. */
    private static List<String> invariant(JsonNode b) {
        List<String> out = new ArrayList<>();
        for (String f : List.of("account", "balance", "reserved", "spent", "initial", "topUps")) {
            assertThat(b.path(f).isTextual()).as("%s is a string in %s", f, b).isTrue();
            out.add(b.path(f).asText());
        }
        BigDecimal left = new BigDecimal(out.get(1)).add(new BigDecimal(out.get(2))).add(new BigDecimal(out.get(3)));
        BigDecimal right = new BigDecimal(out.get(4)).add(new BigDecimal(out.get(5)));
        assertThat(left).as("balance + reserved + spent = initial + topUps in %s", b).isEqualByComparingTo(right);
        return out;
    }

    @Test
    void shouldAnswerARepeatWithinTheDedupWindowAsDuplicate() throws Exception {
        JsonNode doc = document();
        Operation send = operation(doc, "post", "/api/v1/messages");
        Operation get = operation(doc, "get", "/api/v1/messages/{id}");
        List<String> bodies = new CopyOnWriteArrayList<>();
        String url = receiver(bodies);
        String body = "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"Your order is ready\",\"callbackUrl\":\""
                + url + "\"}";
        HttpResponse<String> r = call("POST", "/api/v1/messages", ONCE, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("ACCEPTED");
        r = call("POST", "/api/v1/messages", ONCE, body.replace("Shop", "SHOP"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        checkAgainstDocument(doc, send, r);
        JsonNode dup = JSON.readTree(r.body());
        assertThat(dup.path("status").asText()).isEqualTo("DUPLICATE");
        String id = dup.path("id").asText();
        assertThat(id).isNotEmpty();

        // its status: DUPLICATE, final, error 998; the callback says REJECTED with 998
        JsonNode status = awaitStatus(ONCE, id, s -> s.path("callback").path("attempts").size() == 1);
        HttpResponse<String> g = call("GET", "/api/v1/messages/" + id, ONCE, null);
        checkAgainstDocument(doc, get, g);
        assertThat(status.path("status").asText()).isEqualTo("DUPLICATE");
        assertThat(status.path("error").asInt()).isEqualTo(Engine.DUPLICATE_ERROR);
        assertThat(status.has("doneAt")).isTrue();
        assertThat(bodies).hasSize(1);
        JsonNode payload = JSON.readTree(bodies.get(0));
        assertThat(problems(doc, payload, schema(doc, "WebhookPayload"), "webhook")).as(bodies.get(0)).isEmpty();
        assertThat(payload.path("status").asText()).isEqualTo("REJECTED");
        assertThat(payload.path("error").asInt()).isEqualTo(Engine.DUPLICATE_ERROR);
        // not sent: only the first is queued for the operator; and not cancellable
        assertThat(engine.operatorQueue("opA").size()).isEqualTo(1);
        r = call("DELETE", "/api/v1/messages/" + id, ONCE, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(errorOf(r).path("code").asText()).isEqualTo("not_cancellable");

        // another text goes; in a list, the same number twice is sent once
        assertThat(send(ONCE, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"Another\"}").path("status")
                .asText()).isEqualTo("ACCEPTED");
        r = call("POST", "/api/v1/messages", ONCE, "{\"from\":\"Shop\",\"to\":[\"79161234501\",\"+79161234501\"],"
                + "\"text\":\"x\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        checkAgainstDocument(doc, send, r);
        assertThat(JSON.readTree(r.body()).findValuesAsText("status")).containsExactly("ACCEPTED", "DUPLICATE");
        for (String state : List.of("DUPLICATE", "SCHEDULED")) {
            assertThat(schema(doc, "MessageState").path("enum").toString()).contains("\"" + state + "\"");
        }
    }

    @Test
    void shouldScheduleAPromoMessageInQuietHoursForTheWindowsOpening() throws Exception {
        JsonNode doc = document();
        Operation get = operation(doc, "get", "/api/v1/messages/{id}");
        long before = System.currentTimeMillis();
        JsonNode accepted = send(NIGHT, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"Sale!\"}");
        assertThat(accepted.path("status").asText()).isEqualTo("SCHEDULED");
        HttpResponse<String> r = call("GET", "/api/v1/messages/" + accepted.path("id").asText(), NIGHT, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, get, r);
        JsonNode status = JSON.readTree(r.body());
        assertThat(status.path("status").asText()).isEqualTo("SCHEDULED");
        long due = Instant.parse(status.path("scheduledFor").asText()).toEpochMilli();
        assertThat(due).isBetween(before + TimeUnit.MINUTES.toMillis(60), before + TimeUnit.HOURS.toMillis(2));
        assertThat(engine.operatorQueue("opA").size()).isZero();
        // the document says so where SCHEDULED is explained
        assertThat(schema(doc, "MessageState").path("description").asText()).contains("quiet hours");
        // an OTP of the same account is not delayed
        assertThat(send(NIGHT, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"4711\",\"category\":\"otp\"}")
                .path("status").asText()).isEqualTo("ACCEPTED");
    }

    // ---- the SMS log ----

    @Test
    void shouldListTheSmsLogAsDocumentedAsJsonAndCsvWithEitherScheme() throws Exception {
        JsonNode doc = document();
        String path = "/api/v1/log";
        Operation get = operation(doc, "get", path);
        assertThat(credentials(get)).containsExactly(SHOP, ADMIN);
        JsonNode documented = response(doc, get, 200);
        assertThat(documented.path("content").has("application/json")).isTrue();
        assertThat(documented.path("content").has("text/csv")).isTrue();
        assertThat(documented.path("headers").has("Content-Disposition")).isTrue();
        assertThat(schema(doc, "SmsLogItem").path("properties").path("state").path("allOf").path(0)
                .path("$ref").asText()).isEqualTo("#/components/schemas/MessageState");

        // shop: one delivered, one whose text a spreadsheet would run, a long text in three parts;
        // prepaid: one billed, then cancelled (refunded); once: a DUPLICATE
        String delivered = send(SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"Your order is ready\"}")
                .path("id").asText();
        Message m = engine.operatorQueue("opA").poll();
        assertThat(m).isNotNull();
        assertThat(m.idString()).isEqualTo(delivered);
        engine.onSubmitted(m, "opA", "up-1");
        long doneAt = System.currentTimeMillis();
        engine.onOperatorReceipt("opA", "up-1", DeliveryState.DELIVERED, 0, doneAt);
        String formula = send(SHOP, "{\"from\":\"Shop\",\"to\":\"+79161234568\",\"text\":\"=1+2, \\\"hi\\\"\"}")
                .path("id").asText();
        JsonNode parts = send(SHOP, "{\"from\":\"Promo\",\"to\":\"79161234569\",\"text\":\"" + "x".repeat(400) + "\"}");
        assertThat(parts.path("parts").asInt()).isEqualTo(3);
        String billed = send(PREPAID, "{\"from\":\"Bank\",\"to\":\"79161234570\",\"text\":\"Code 4711\"}")
                .path("id").asText();
        send(ONCE, "{\"from\":\"Shop\",\"to\":\"79161234571\",\"text\":\"Once\"}");
        String duplicate = send(ONCE, "{\"from\":\"Shop\",\"to\":\"79161234571\",\"text\":\"Once\"}").path("id").asText();

        // the account's key: its own messages, in acceptance order, whatever account it names
        JsonNode mine = awaitLog(doc, get, SHOP, "", l -> "DELIVERED".equals(item(l, delivered).path("state").asText()));
        assertThat(ids(mine)).hasSize(5).startsWith(delivered, formula);
        assertThat(ids(smsLog(doc, get, SHOP, "?account=prepaid"))).isEqualTo(ids(mine));
        assertThat(mine.path("truncated").asBoolean()).isFalse();
        JsonNode d = item(mine, delivered);
        assertThat(d.path("account").asText()).isEqualTo("shop");
        assertThat(d.path("origin").asText()).matches("api:shop key sha256:[0-9a-f]{8}").doesNotContain("k-shop");
        assertThat(d.path("from").asText()).isEqualTo("Shop");
        assertThat(d.path("to").asText()).isEqualTo("79161234567");
        assertThat(d.path("segments").asInt()).isEqualTo(1);
        assertThat(d.has("price")).as("shop is not billed").isFalse();
        assertThat(d.path("refunded").asBoolean()).isFalse();
        assertThat(d.path("error").asInt()).isZero();
        assertThat(d.path("operator").asText()).isEqualTo("opA");
        assertThat(d.path("upstreamId").asText()).isEqualTo("up-1");
        assertThat(Instant.parse(d.path("doneAt").asText()).toEpochMilli()).isEqualTo(doneAt);
        assertThat(d.path("text").asText()).isEqualTo("Your order is ready");
        JsonNode f = item(mine, formula);
        assertThat(f.path("state").asText()).isEqualTo("ACCEPTED");
        assertThat(f.path("to").asText()).isEqualTo("79161234568");
        assertThat(f.has("doneAt")).isFalse();
        assertThat(f.has("upstreamId")).isFalse();
        // a concatenated text: one item per part, one segment each, the pieces make the text
        StringBuilder pieces = new StringBuilder();
        for (JsonNode i : mine.path("items")) {
            if (i.path("from").asText().equals("Promo")) {
                assertThat(i.path("segments").asInt()).isEqualTo(1);
                pieces.append(i.path("text").asText());
            }
        }
        assertThat(pieces.toString()).isEqualTo("x".repeat(400));

        // filters: number (+ sent as %2B), sender in any case, limit, period (an offset sent as %2B)
        assertThat(ids(smsLog(doc, get, SHOP, "?msisdn=%2B79161234568"))).containsExactly(formula);
        assertThat(ids(smsLog(doc, get, SHOP, "?sender=PROMO"))).hasSize(3);
        JsonNode one = smsLog(doc, get, SHOP, "?limit=1&format=json");
        assertThat(ids(one)).containsExactly(delivered);
        assertThat(one.path("truncated").asBoolean()).isTrue();
        JsonNode later = smsLog(doc, get, SHOP, "?from=2099-01-01T00:00:00Z&to=2099-01-02T00:00:00Z");
        assertThat(later.path("count").asInt()).isZero();
        assertThat(later.path("from").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(later.path("to").asText()).isEqualTo("2099-01-02T00:00:00Z");
        String hourAgo = java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                OffsetDateTime.now(ZoneOffset.ofHours(3)).minusHours(1).withNano(0));
        assertThat(ids(smsLog(doc, get, SHOP, "?from=" + hourAgo.replace("+", "%2B")))).isEqualTo(ids(mine));
        JsonNode dflt = smsLog(doc, get, SHOP, "");
        assertThat(Instant.parse(dflt.path("to").asText()).toEpochMilli()
                - Instant.parse(dflt.path("from").asText()).toEpochMilli()).isEqualTo(TimeUnit.DAYS.toMillis(1));

        // the admin token: every account's, or one account's; the price, the refund, the duplicate
        JsonNode all = smsLog(doc, get, ADMIN, "");
        assertThat(all.path("count").asInt()).isEqualTo(8);
        assertThat(ids(all)).containsSubsequence(delivered, billed, duplicate);
        assertThat(call("DELETE", "/api/v1/messages/" + billed, PREPAID, null).statusCode()).isEqualTo(200);
        JsonNode prepaid = smsLog(doc, get, ADMIN, "?account=prepaid");
        assertThat(ids(prepaid)).containsExactly(billed);
        JsonNode b = item(prepaid, billed);
        assertThat(b.path("origin").asText()).matches("api:prepaid key sha256:[0-9a-f]{8}");
        assertThat(b.path("price").asText()).isEqualTo("1.00");
        assertThat(b.path("refunded").asBoolean()).isTrue();
        assertThat(b.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(b.has("doneAt")).isTrue();
        JsonNode dup = item(smsLog(doc, get, ADMIN, "?account=once"), duplicate);
        assertThat(dup.path("state").asText()).isEqualTo("DUPLICATE");
        assertThat(dup.path("error").asInt()).isEqualTo(Engine.DUPLICATE_ERROR);
        assertThat(dup.has("price")).isFalse();

        // CSV: the documented type, attachment and columns (SmsLogItem's fields in order), with either scheme
        List<String> columns = new ArrayList<>();
        schema(doc, "SmsLogItem").path("properties").fieldNames().forEachRemaining(columns::add);
        String header = String.join(",", columns);
        assertThat(documented.path("content").path("text/csv").path("example").asText()).startsWith(header + "\n");
        for (String key : credentials(get)) {
            HttpResponse<String> csv = call("GET", path + "?format=csv", key, null);
            assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
            checkAgainstDocument(doc, get, csv);
            assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
            assertThat(csv.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"sms-log.csv\"");
            assertThat(csv.body()).endsWith("\r\n").startsWith("\uFEFF");
            List<String> lines = List.of(csv.body().substring(1).split("\r\n"));
            assertThat(lines.get(0)).isEqualTo(header);
            assertThat(lines).hasSize(1 + smsLog(doc, get, key, "").path("count").asInt());
        }
        List<String> lines = List.of(call("GET", path + "?format=csv", SHOP, null).body().substring(1).split("\r\n"));
        assertThat(lines.get(1)).startsWith(delivered + ",shop,api:shop key sha256:")
                .endsWith(",Shop,79161234567,1,,false,DELIVERED,0,opA,up-1," + d.path("acceptedAt").asText() + ","
                        + d.path("doneAt").asText() + ",Your order is ready");
        // quoted per RFC 4180, and defused for spreadsheets
        assertThat(lines.get(2)).startsWith(formula + ",")
                .endsWith(",ACCEPTED,0,opA,," + f.path("acceptedAt").asText() + ",,\"'=1+2, \"\"hi\"\"\"");
    }

    /** GET /api/v1/log with the query: 200, checked against the document, count = items. */
    private JsonNode smsLog(JsonNode doc, Operation get, String key, String query) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/log" + query, key, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, get, r);
        JsonNode log = JSON.readTree(r.body());
        assertThat(log.path("count").asInt()).isEqualTo(log.path("items").size());
        return log;
    }

    private JsonNode awaitLog(JsonNode doc, Operation get, String key, String query,
                              java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode log;
        do {
            log = smsLog(doc, get, key, query);
            if (done.test(log)) {
                return log;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the log did not get there: " + log);
    }

    private static List<String> ids(JsonNode log) {
        List<String> out = new ArrayList<>();
        log.path("items").forEach(i -> out.add(i.path("id").asText()));
        return out;
    }

    private static JsonNode item(JsonNode log, String id) {
        for (JsonNode i : log.path("items")) {
            if (i.path("id").asText().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no item " + id + " in " + log);
    }

    /** A callback receiver that records the bodies it gets and answers 200; its URL. */
    private String receiver(List<String> bodies) throws IOException {
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receivers.add(receiver);
        receiver.createContext("/hook", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    // ---- 3. errors carry a documented status and code ----

    /** A request that should fail, and the operation (or, for a wrong method, the path) that documents it. */
    private record Provoked(String method, String path, String key, String body, int status, String code,
                            String docMethod, String docPath) {
    }

    @Test
    void shouldDocumentTheStatusAndCodeOfEveryProvokedError() throws Exception {
        JsonNode doc = document();
        String msgs = "/api/v1/messages";
        String one = "/api/v1/messages/{id}";
        String tpl = "/api/v1/templates/{name}";
        String opt = "/api/v1/optouts";
        String optOne = "/api/v1/optouts/{msisdn}";
        String bal = "/api/v1/balance";
        String top = "/api/v1/balance/topups";
        String smsLog = "/api/v1/log";
        List<Provoked> cases = new ArrayList<>(List.of(
                new Provoked("POST", msgs, "Bearer nope", "{}", 401, "unauthorized", "post", msgs),
                new Provoked("POST", msgs, null, "{}", 401, "unauthorized", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":", 400, "bad_json", "post", msgs),
                new Provoked("POST", msgs, SHOP, "[1]", 400, "bad_request", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"to\":\"79161234567\",\"text\":\"x\"}", 400, "missing_field",
                        "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"12\",\"text\":\"x\"}", 400,
                        "invalid_number", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"AVeryLongSenderName\",\"to\":\"79161234567\",\"text\":\"x\"}",
                        400, "invalid_sender", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\","
                        + "\"scheduleAt\":\"tomorrow\"}", 400, "invalid_schedule", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\","
                        + "\"callbackUrl\":\"ftp://example.com/x\"}", 400, "invalid_callback", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\","
                        + "\"category\":\"urgent\"}", 400, "invalid_category", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"\"}", 400,
                        "empty_text", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\""
                        + "x".repeat(153 * 256) + "\"}", 400, "text_too_long", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"{name\","
                        + "\"vars\":{}}", 400, "template_error", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"Hi {name}\","
                        + "\"vars\":{}}", 400, "template_error", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"template\":\"nope\"}",
                        404, "unknown_template", "post", msgs),
                new Provoked("POST", msgs, PICKY, "{\"from\":\"Other\",\"to\":\"79161234567\",\"text\":\"x\"}", 403,
                        "sender_not_allowed", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"12025550123\",\"text\":\"x\"}", 403,
                        "no_route", "post", msgs),
                new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":[\"79161234561\",\"79161234562\","
                        + "\"79161234563\",\"79161234564\"],\"text\":\"x\"}", 413, "too_many_recipients", "post", msgs),
                new Provoked("GET", msgs, SHOP, null, 405, "method_not_allowed", null, msgs),
                new Provoked("GET", "/api/v1/messages/999999999", SHOP, null, 404, "not_found", "get", one),
                new Provoked("DELETE", "/api/v1/messages/999999999", SHOP, null, 404, "not_found", "delete", one),
                new Provoked("GET", "/api/v1/messages/abc", SHOP, null, 400, "bad_request", "get", one),
                new Provoked("GET", "/api/v1/messages/1", null, null, 401, "unauthorized", "get", one),
                new Provoked("PUT", "/api/v1/messages/1", SHOP, "{}", 405, "method_not_allowed", null, one),
                new Provoked("GET", "/api/v1/templates", "Bearer nope", null, 401, "unauthorized", "get",
                        "/api/v1/templates"),
                new Provoked("POST", "/api/v1/templates", SHOP, "{}", 405, "method_not_allowed", null,
                        "/api/v1/templates"),
                new Provoked("GET", "/api/v1/templates/nope", SHOP, null, 404, "unknown_template", "get", tpl),
                new Provoked("DELETE", "/api/v1/templates/nope", SHOP, null, 404, "unknown_template", "delete", tpl),
                new Provoked("PUT", "/api/v1/templates/t1", SHOP, "{\"text\":\"{n | plurl}\"}", 400, "template_error",
                        "put", tpl),
                new Provoked("PUT", "/api/v1/templates/t1", SHOP, "{}", 400, "missing_field", "put", tpl),
                new Provoked("PUT", "/api/v1/templates/t1", SHOP, "{\"text\":", 400, "bad_json", "put", tpl),
                new Provoked("PUT", "/api/v1/templates/a*b", SHOP, "{\"text\":\"x\"}", 400, "bad_request", "put", tpl),
                new Provoked("POST", "/api/v1/templates/t1", SHOP, "{}", 405, "method_not_allowed", null, tpl),
                new Provoked("GET", "/api/v1/moderation/queue", null, null, 401, "unauthorized", "get",
                        "/api/v1/moderation/queue"),
                new Provoked("GET", "/api/v1/moderation/queue", SHOP, null, 401, "unauthorized", "get",
                        "/api/v1/moderation/queue"),
                new Provoked("GET", "/api/v1/moderation/queue?limit=0", ADMIN, null, 400, "bad_request", "get",
                        "/api/v1/moderation/queue"),
                new Provoked("POST", "/api/v1/moderation/queue", ADMIN, null, 405, "method_not_allowed", null,
                        "/api/v1/moderation/queue"),
                new Provoked("GET", "/api/v1/moderation/decisions?limit=x", ADMIN, null, 400, "bad_request", "get",
                        "/api/v1/moderation/decisions"),
                new Provoked("POST", "/api/v1/moderation/999999999/approve", ADMIN, "{}", 404, "not_held", "post",
                        "/api/v1/moderation/{id}/approve"),
                new Provoked("POST", "/api/v1/moderation/999999999/reject", ADMIN, "{\"reason\":", 400, "bad_json",
                        "post", "/api/v1/moderation/{id}/reject"),
                new Provoked("POST", "/api/v1/moderation/abc/reject", ADMIN, "{}", 400, "bad_request", "post",
                        "/api/v1/moderation/{id}/reject"),
                new Provoked("GET", "/api/v1/moderation/1/approve", ADMIN, null, 405, "method_not_allowed", null,
                        "/api/v1/moderation/{id}/approve"),
                new Provoked("POST", "/api/v1/moderation/approve", ADMIN, "{}", 400, "bad_request", "post",
                        "/api/v1/moderation/approve"),
                new Provoked("POST", "/api/v1/moderation/reject", ADMIN, "{\"ids\":[\"x\"]}", 400, "bad_request",
                        "post", "/api/v1/moderation/reject"),
                new Provoked("PUT", "/api/v1/moderation/stopwords", ADMIN, "=\n", 400, "invalid_stopwords", "put",
                        "/api/v1/moderation/stopwords"),
                new Provoked("DELETE", "/api/v1/moderation/stopwords", ADMIN, null, 405, "method_not_allowed", null,
                        "/api/v1/moderation/stopwords"),
                new Provoked("POST", "/api/v1/accounts", ADMIN, "{}", 405, "method_not_allowed", null,
                        "/api/v1/accounts"),
                new Provoked("GET", "/api/v1/accounts/nobody/moderation", ADMIN, null, 404, "unknown_account", "get",
                        "/api/v1/accounts/{id}/moderation"),
                new Provoked("PUT", "/api/v1/accounts/shop/moderation", ADMIN, "{\"mode\":\"sometimes\"}", 400,
                        "bad_request", "put", "/api/v1/accounts/{id}/moderation"),
                new Provoked("POST", "/api/v1/accounts/shop/moderation", ADMIN, "{\"mode\":", 400, "bad_json",
                        "post", "/api/v1/accounts/{id}/moderation"),
                new Provoked("DELETE", "/api/v1/accounts/shop/moderation", ADMIN, null, 405, "method_not_allowed",
                        null, "/api/v1/accounts/{id}/moderation"),
                new Provoked("POST", opt, null, "{\"msisdn\":\"79161234567\"}", 401, "unauthorized", "post", opt),
                new Provoked("GET", opt, "Bearer nope", null, 401, "unauthorized", "get", opt),
                new Provoked("PUT", opt, null, "{}", 401, "unauthorized", "post", opt),
                new Provoked("DELETE", opt + "/79161234567", "Bearer nope", null, 401, "unauthorized", "delete",
                        optOne),
                new Provoked("POST", opt, SHOP, "{\"msisdn\":", 400, "bad_json", "post", opt),
                new Provoked("POST", opt, ADMIN, "[1]", 400, "bad_request", "post", opt),
                new Provoked("POST", opt, SHOP, "{\"msisdn\":79161234567}", 400, "bad_request", "post", opt),
                new Provoked("POST", opt, SHOP, "{\"sender\":\"Shop\"}", 400, "missing_field", "post", opt),
                new Provoked("POST", opt, SHOP, "{\"msisdn\":\"12\"}", 400, "invalid_number", "post", opt),
                new Provoked("POST", opt, ADMIN, "{\"msisdn\":\"79161234567\",\"sender\":\"Shop\"}", 400,
                        "bad_request", "post", opt),
                new Provoked("POST", opt, SHOP, "{\"msisdn\":\"79161234567\",\"account\":\"mod\"}", 403,
                        "forbidden", "post", opt),
                new Provoked("POST", opt, ADMIN, "{\"msisdn\":\"79161234567\",\"account\":\"nobody\"}", 404,
                        "unknown_account", "post", opt),
                new Provoked("PUT", opt, ADMIN, "{}", 405, "method_not_allowed", null, opt),
                new Provoked("DELETE", opt, SHOP, null, 405, "method_not_allowed", null, opt),
                new Provoked("GET", opt + "?limit=0", ADMIN, null, 400, "bad_request", "get", opt),
                new Provoked("GET", opt + "?limit=x", SHOP, null, 400, "bad_request", "get", opt),
                new Provoked("GET", opt + "?msisdn=abc", SHOP, null, 400, "invalid_number", "get", opt),
                new Provoked("DELETE", opt + "/79161234567", SHOP, null, 404, "not_found", "delete", optOne),
                new Provoked("DELETE", opt + "/79161234567?account=shop", ADMIN, null, 404, "not_found", "delete",
                        optOne),
                new Provoked("DELETE", opt + "/79161234567", ADMIN, null, 404, "not_found", "delete", optOne),
                new Provoked("DELETE", opt + "/abc", ADMIN, null, 400, "invalid_number", "delete", optOne),
                new Provoked("DELETE", opt + "/79161234567?sender=Shop", ADMIN, null, 400, "bad_request", "delete",
                        optOne),
                new Provoked("GET", opt + "/79161234567", SHOP, null, 405, "method_not_allowed", null, optOne),
                new Provoked("GET", bal, null, null, 401, "unauthorized", "get", bal),
                new Provoked("GET", bal, "Bearer nope", null, 401, "unauthorized", "get", bal),
                new Provoked("PUT", bal, null, "{}", 401, "unauthorized", "get", bal),
                new Provoked("GET", bal, SHOP, null, 404, "not_billed", "get", bal),
                new Provoked("GET", bal + "?account=shop", ADMIN, null, 404, "not_billed", "get", bal),
                new Provoked("GET", bal + "?account=nobody", ADMIN, null, 404, "unknown_account", "get", bal),
                new Provoked("POST", bal, ADMIN, "{}", 405, "method_not_allowed", null, bal),
                new Provoked("DELETE", bal, PREPAID, null, 405, "method_not_allowed", null, bal),
                new Provoked("POST", top, null, "{\"account\":\"prepaid\",\"amount\":\"1\"}", 401, "unauthorized",
                        "post", top),
                new Provoked("POST", top, PREPAID, "{\"account\":\"prepaid\",\"amount\":\"1\"}", 403, "forbidden",
                        "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":", 400, "bad_json", "post", top),
                new Provoked("POST", top, ADMIN, "[1]", 400, "bad_request", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\"}", 400, "bad_request", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\",\"amount\":true}", 400, "bad_request",
                        "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":7,\"amount\":\"1\"}", 400, "bad_request", "post",
                        top),
                new Provoked("POST", top, ADMIN, "{\"amount\":\"1\"}", 400, "missing_field", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\",\"amount\":\"-1\"}", 400, "bad_amount",
                        "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\",\"amount\":\"0.00\"}", 400,
                        "bad_amount", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\",\"amount\":\"1.0000001\"}", 400,
                        "bad_amount", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\",\"amount\":\"ten\"}", 400,
                        "bad_amount", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\",\"amount\":\"1000000000001\"}", 400,
                        "bad_amount", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"nobody\",\"amount\":\"1\"}", 404,
                        "unknown_account", "post", top),
                new Provoked("POST", top, ADMIN, "{\"account\":\"shop\",\"amount\":\"1\"}", 404, "not_billed",
                        "post", top),
                new Provoked("GET", top, ADMIN, null, 405, "method_not_allowed", null, top),
                new Provoked("GET", smsLog, null, null, 401, "unauthorized", "get", smsLog),
                new Provoked("GET", smsLog, "Bearer nope", null, 401, "unauthorized", "get", smsLog),
                new Provoked("POST", smsLog, null, "{}", 401, "unauthorized", "get", smsLog),
                new Provoked("GET", smsLog + "?from=yesterday", SHOP, null, 400, "bad_request", "get", smsLog),
                new Provoked("GET", smsLog + "?to=2026-13-01T00:00:00Z", ADMIN, null, 400, "bad_request", "get",
                        smsLog),
                new Provoked("GET", smsLog + "?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", SHOP, null, 400,
                        "bad_request", "get", smsLog),
                new Provoked("GET", smsLog + "?limit=0", SHOP, null, 400, "bad_request", "get", smsLog),
                new Provoked("GET", smsLog + "?limit=100001", ADMIN, null, 400, "bad_request", "get", smsLog),
                new Provoked("GET", smsLog + "?limit=x", SHOP, null, 400, "bad_request", "get", smsLog),
                new Provoked("GET", smsLog + "?format=xlsx", SHOP, null, 400, "bad_request", "get", smsLog),
                new Provoked("GET", smsLog + "?msisdn=abc", SHOP, null, 400, "invalid_number", "get", smsLog),
                new Provoked("GET", smsLog + "?account=nobody", ADMIN, null, 404, "unknown_account", "get", smsLog),
                new Provoked("POST", smsLog, ADMIN, "{}", 405, "method_not_allowed", null, smsLog),
                new Provoked("DELETE", smsLog, SHOP, null, 405, "method_not_allowed", null, smsLog),
                new Provoked("POST", "/health", null, null, 405, "method_not_allowed", null, "/health"),
                new Provoked("POST", "/metrics", null, null, 405, "method_not_allowed", null, "/metrics"),
                new Provoked("POST", "/moderation", null, null, 405, "method_not_allowed", null, "/moderation"),
                new Provoked("PUT", ApiDocs.PATH, null, "x", 405, "method_not_allowed", null, ApiDocs.PATH)));
        // a message taken by the operator connection can no longer be cancelled
        String taken = send(SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\"}").path("id").asText();
        assertThat(engine.operatorQueue("opA").poll()).isNotNull();
        cases.add(new Provoked("DELETE", "/api/v1/messages/" + taken, SHOP, null, 409, "not_cancellable", "delete", one));
        // a recipient who opted out of the account; promo traffic to it is refused
        engine.optOut(OptOut.account("shop", "79161234599", System.currentTimeMillis(), "api"));
        cases.add(new Provoked("POST", msgs, SHOP, "{\"from\":\"Shop\",\"to\":\"79161234599\",\"text\":\"x\","
                + "\"category\":\"promo\"}", 403, "opted_out", "post", msgs));
        // consents: a promo message of a requireConsent account to a number without one, and bad consents
        String con = "/api/v1/consents";
        String conOne = "/api/v1/consents/{msisdn}";
        cases.add(new Provoked("POST", msgs, ADS, "{\"from\":\"Ads\",\"to\":\"79161234597\",\"text\":\"Sale\"}",
                403, "no_consent", "post", msgs));
        cases.add(new Provoked("POST", con, SHOP, "{\"msisdn\":\"79161234597\",\"source\":\"email\"}", 400,
                "invalid_source", "post", con));
        cases.add(new Provoked("POST", con, SHOP, "{\"msisdn\":\"79161234597\",\"source\":\"web\","
                + "\"givenAt\":\"2999-01-01T00:00:00Z\"}", 400, "invalid_given_at", "post", con));
        cases.add(new Provoked("POST", con, SHOP, "{\"msisdn\":\"79161234597\",\"source\":\"web\","
                + "\"givenAt\":\"yesterday\"}", 400, "invalid_given_at", "post", con));
        cases.add(new Provoked("POST", con, ADMIN, "{\"msisdn\":\"79161234597\",\"source\":\"web\"}", 400,
                "missing_field", "post", con));
        cases.add(new Provoked("POST", con, SHOP, "{\"msisdn\":\"1\",\"source\":\"web\"}", 400,
                "invalid_number", "post", con));
        cases.add(new Provoked("POST", con, SHOP, "{\"msisdn\":\"79161234597\",\"source\":\"web\","
                + "\"evidence\":\"" + "x".repeat(2001) + "\"}", 400, "bad_request", "post", con));
        cases.add(new Provoked("POST", con, SHOP, "{\"msisdn\":\"79161234597\",\"source\":\"web\","
                + "\"account\":\"ads\"}", 403, "forbidden", "post", con));
        cases.add(new Provoked("POST", con, PICKY, "{\"msisdn\":\"79161234597\",\"source\":\"web\","
                + "\"sender\":\"Other\"}", 403, "sender_not_allowed", "post", con));
        cases.add(new Provoked("POST", con, ADMIN, "{\"msisdn\":\"79161234597\",\"source\":\"web\","
                + "\"account\":\"nobody\"}", 404, "unknown_account", "post", con));
        cases.add(new Provoked("GET", con, SHOP, null, 405, "method_not_allowed", null, con));
        cases.add(new Provoked("GET", con + "/79161234597?account=ads", SHOP, null, 403, "forbidden", "get", conOne));
        cases.add(new Provoked("DELETE", con + "/79161234597?source=fax", SHOP, null, 400, "invalid_source", "delete",
                conOne));
        cases.add(new Provoked("DELETE", con + "/79161234596", ADMIN, null, 404, "not_found", "delete", conOne));
        // the billed account: its 1.00 goes on the first message to +7, the next is not covered,
        // and nothing prices +49; alone or in a list
        send(PREPAID, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\"}");
        cases.add(new Provoked("POST", msgs, PREPAID, "{\"from\":\"Shop\",\"to\":\"79161234568\",\"text\":\"x\"}",
                402, "insufficient_balance", "post", msgs));
        cases.add(new Provoked("POST", msgs, PREPAID, "{\"from\":\"Shop\",\"to\":\"4915112345678\",\"text\":\"x\"}",
                403, "no_price", "post", msgs));
        // campaigns: what a create can be refused for, and an unknown campaign
        String camps = Campaigns.PATH;
        String camp = camps + "/{id}";
        String ok = "\"name\":\"c\",\"from\":\"Shop\",\"recipients\":[\"79161234567\"]";
        cases.add(new Provoked("POST", camps, SHOP, "{\"name\":", 400, "bad_json", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{\"name\":\"c\",\"from\":\"Shop\",\"text\":\"x\"}", 400,
                "missing_field", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + "}", 400, "bad_request", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + ",\"text\":\"x\",\"rate\":0}", 400, "bad_request",
                "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{\"name\":\"c\",\"from\":\"Shop\",\"text\":\"x\","
                + "\"recipients\":[\"12\"]}", 400, "invalid_number", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + ",\"text\":\"x\",\"schedule\":{\"at\":\"tomorrow\"}}",
                400, "invalid_schedule", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + ",\"text\":\"x\",\"schedule\":{\"every\":\"week\","
                + "\"day\":8,\"time\":\"10:00\"}}", 400, "invalid_schedule", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + ",\"variants\":[{\"name\":\"A\",\"share\":0,"
                + "\"text\":\"x\"}]}", 400, "invalid_variants", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + ",\"text\":\"\"}", 400, "empty_text", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + ",\"text\":\"x\",\"category\":\"spam\"}", 400,
                "invalid_category", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{\"name\":\"c\",\"from\":\"Shop\",\"text\":\"{n | plurl}\","
                + "\"recipients\":[{\"to\":\"79161234567\",\"vars\":{\"n\":1}}]}", 400, "template_error", "post", camps));
        cases.add(new Provoked("POST", camps, SHOP, "{" + ok + ",\"template\":\"nope\"}", 404, "unknown_template",
                "post", camps));
        cases.add(new Provoked("POST", camps, PICKY, "{\"name\":\"c\",\"from\":\"Other\",\"text\":\"x\","
                + "\"recipients\":[\"79161234567\"]}", 403, "sender_not_allowed", "post", camps));
        cases.add(new Provoked("DELETE", camps, SHOP, null, 405, "method_not_allowed", null, camps));
        cases.add(new Provoked("GET", camps + "/424242", SHOP, null, 404, "not_found", "get", camp));
        cases.add(new Provoked("POST", camps + "/424242/pause", SHOP, null, 404, "not_found", "post", camp + "/pause"));
        cases.add(new Provoked("GET", camps + "/424242/recipients.csv", SHOP, null, 404, "not_found", "get",
                camp + "/recipients.csv"));
        // the journal refusing an opt-out change or a top-up ...
        cases.add(new Provoked("POST", opt, SHOP, "{\"msisdn\":\"79161234598\"}", 503, "unavailable", "post", opt));
        cases.add(new Provoked("DELETE", opt + "/79161234599", SHOP, null, 503, "unavailable", "delete", optOne));
        cases.add(new Provoked("POST", top, ADMIN, "{\"account\":\"prepaid\",\"amount\":\"1\"}", 503,
                "unavailable", "post", top));
        // ... or a read of the SMS log, with either scheme
        cases.add(new Provoked("GET", smsLog, SHOP, null, 503, "unavailable", "get", smsLog));
        cases.add(new Provoked("GET", smsLog + "?format=csv", ADMIN, null, 503, "unavailable", "get", smsLog));
        // ... or a consent (last: a failed consent write also stops new messages until the journal recovers)
        cases.add(new Provoked("POST", con, SHOP, "{\"msisdn\":\"79161234597\",\"source\":\"web\"}", 503,
                "unavailable", "post", con));
        cases.add(new Provoked("DELETE", con + "/79161234597", SHOP, null, 503, "unavailable", "delete", conOne));

        for (Provoked c : cases) {
            journalFails = c.status == 503;
            HttpResponse<String> r = call(c.method, c.path, c.key, c.body);
            String what = c.method + " " + c.path + " -> " + r.statusCode() + " " + r.body();
            assertThat(r.statusCode()).as(what).isEqualTo(c.status);
            assertThat(errorOf(r).path("code").asText()).as(what).isEqualTo(c.code);
            assertThat(documented(doc, c, r.statusCode(), c.code)).as("documented: %s", what).isTrue();
        }
        assertThat(engine.billing().balance("prepaid").topUps()).as("the refused top-ups changed nothing").isZero();
    }

    @Test
    void shouldAnswerClusterUnavailableAsDocumentedWhenSharedTemplatesAndModesCannotBeChanged() throws Exception {
        JsonNode doc = document();
        // cluster mode with PostgreSQL down: the shared stores refuse changes, reads answer from memory
        java.util.function.Supplier<RuntimeException> down = () ->
                new io.smsrouter.core.cluster.ClusterUnavailableException("PostgreSQL is unavailable", null);
        io.smsrouter.core.template.Template kept = io.smsrouter.core.template.Template.compile("kept", "kept {x}");
        server.templateStores(account -> new io.smsrouter.core.template.TemplateStore() {
            @Override
            public io.smsrouter.core.template.Template put(String name, String source) {
                io.smsrouter.core.template.Template.compile(name, source);
                throw down.get();
            }

            @Override
            public java.util.Optional<io.smsrouter.core.template.Template> get(String name) {
                return name.equals("kept") ? java.util.Optional.of(kept) : java.util.Optional.empty();
            }

            @Override
            public boolean remove(String name) {
                throw down.get();
            }

            @Override
            public List<io.smsrouter.core.template.Template> all() {
                return List.of(kept);
            }
        });
        engine.moderator().modeStore((accountId, mode) -> {
            throw down.get();
        });
        String tpl = "/api/v1/templates/kept";
        String docTpl = "/api/v1/templates/{name}";
        String mod = "/api/v1/accounts/shop/moderation";
        String docMod = "/api/v1/accounts/{id}/moderation";
        List<Provoked> cases = List.of(
                new Provoked("PUT", tpl, SHOP, "{\"text\":\"new {x}\"}", 503, "cluster_unavailable", "put", docTpl),
                new Provoked("PUT", tpl, SHOP, "{\"text\":\"{x | plurl}\"}", 400, "template_error", "put", docTpl),
                new Provoked("DELETE", tpl, SHOP, null, 503, "cluster_unavailable", "delete", docTpl),
                new Provoked("PUT", mod, ADMIN, "{\"mode\":\"manual\"}", 503, "cluster_unavailable", "put", docMod),
                new Provoked("POST", mod, ADMIN, "{\"mode\":\"manual\"}", 503, "cluster_unavailable", "post",
                        docMod));
        for (Provoked c : cases) {
            HttpResponse<String> r = call(c.method, c.path, c.key, c.body);
            String what = c.method + " " + c.path + " -> " + r.statusCode() + " " + r.body();
            assertThat(r.statusCode()).as(what).isEqualTo(c.status);
            assertThat(errorOf(r).path("code").asText()).as(what).isEqualTo(c.code);
            assertThat(documented(doc, c, r.statusCode(), c.code)).as("documented: %s", what).isTrue();
        }
        HttpResponse<String> read = call("GET", tpl, SHOP, null);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        checkAgainstDocument(doc, operation(doc, "get", docTpl), read);
        HttpResponse<String> mode = call("GET", mod, ADMIN, null);
        assertThat(mode.body()).as("nothing changed").contains("\"moderation\":\"none\"");
    }

    @Test
    void shouldShowTheClusterAsDocumentedToTheAdminOnlyAndNotClusteredWithoutAView() throws Exception {
        JsonNode doc = document();
        String path = "/api/v1/cluster";
        Operation get = operation(doc, "get", path);
        HttpResponse<String> r = call("GET", path, ADMIN, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        checkAgainstDocument(doc, get, r);
        assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("""
                {"node":"r1","ack":"replicated",
                 "nodes":[{"id":"r1","state":"up","smpp":"127.0.0.1:40001","http":"127.0.0.1:40002"},
                          {"id":"r2","state":"down","smpp":null,"http":null}],
                 "shares":[{"operator":"opA","partition":0,"owner":"r1","binds":2,"tps":500,"lag":0},
                           {"operator":"opA","partition":1,"owner":null,"binds":0,"tps":0,"lag":17}]}"""));
        assertThat(call("GET", path + "/", SESSION, null).statusCode()).isEqualTo(200);

        List<Provoked> cases = List.of(
                new Provoked("GET", path, SHOP, null, 401, "unauthorized", "get", path),
                new Provoked("GET", path, null, null, 401, "unauthorized", "get", path),
                new Provoked("POST", path, ADMIN, "{}", 405, "method_not_allowed", null, path),
                new Provoked("GET", path, ADMIN, null, 503, "cluster_unavailable", "get", path),
                new Provoked("GET", path, ADMIN, null, 404, "not_clustered", "get", path));
        for (Provoked c : cases) {
            clusterFails = c.status == 503;
            if (c.status == 404) {
                server.clusterView(null); // the embedded router
            }
            r = call(c.method, c.path, c.key, c.body);
            String what = c.method + " " + c.path + " -> " + r.statusCode() + " " + r.body();
            assertThat(r.statusCode()).as(what).isEqualTo(c.status);
            assertThat(errorOf(r).path("code").asText()).as(what).isEqualTo(c.code);
            assertThat(documented(doc, c, r.statusCode(), c.code)).as("documented: %s", what).isTrue();
            if (c.status != 405) {
                checkAgainstDocument(doc, get, r);
            }
        }
        assertThat(r.body()).contains("no cluster section");
    }

    @Test
    void shouldCreateACampaignFromTheDocumentedCsvExampleAndAnswerItsReportAndControlsAsDocumented() throws Exception {
        JsonNode doc = document();
        Operation post = operation(doc, "post", Campaigns.PATH);
        String csv = post.node.path("requestBody").path("content").path("text/csv").path("example").asText();
        assertThat(csv).startsWith("to,");
        // the other fields from the query, the schedule's one by one: at, a day from now
        String at = java.time.OffsetDateTime.now(ZoneOffset.ofHours(3)).plusDays(1).withNano(0).toString();
        String query = "?name=CSV%20upload&from=Shop&category=service&text=" + enc("Hi {name}") + "&at=" + enc(at);
        HttpResponse<String> created = call("POST", Campaigns.PATH + query, SHOP, "text/csv; charset=utf-8", csv);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        checkAgainstDocument(doc, post, created);
        JsonNode c = JSON.readTree(created.body());
        long rows = csv.lines().filter(l -> !l.isBlank()).count() - 1;
        assertThat(c.path("recipients").asLong()).isEqualTo(rows);
        assertThat(c.path("status").asText()).isEqualTo("SCHEDULED");
        String id = c.path("id").asText();
        assertThat(created.headers().firstValue("Location")).contains(Campaigns.PATH + "/" + id);

        HttpResponse<String> report = call("GET", Campaigns.PATH + "/" + id, SHOP, null);
        checkAgainstDocument(doc, operation(doc, "get", Campaigns.PATH + "/{id}"), report);
        JsonNode rep = JSON.readTree(report.body());
        assertThat(rep.path("total").asLong()).isEqualTo(rows);
        assertThat(rep.path("pending").asLong()).isEqualTo(rows);
        assertThat(rep.path("category").asText()).isEqualTo("service");
        assertThat(java.time.Instant.parse(rep.path("schedule").path("at").asText()))
                .isEqualTo(java.time.OffsetDateTime.parse(at).toInstant());
        assertThat(rep.path("nextRunAt").asText()).isEqualTo(rep.path("schedule").path("at").asText());

        HttpResponse<String> recipients = call("GET", Campaigns.PATH + "/" + id + "/recipients.csv", SHOP, null);
        checkAgainstDocument(doc, operation(doc, "get", Campaigns.PATH + "/{id}/recipients.csv"), recipients);
        assertThat(recipients.body().lines().toList()).hasSize((int) rows + 1)
                .first().isEqualTo("to,variant,messageId,state,linkCode,clicks");
        assertThat(recipients.body().lines().skip(1)).allMatch(l -> l.contains(",PENDING,"));

        // another account does not see it
        assertThat(call("GET", Campaigns.PATH + "/" + id, PICKY, null).statusCode()).isEqualTo(404);
        // cancelled, it cannot be paused or resumed: 409 invalid_state, as documented
        String control = Campaigns.PATH + "/{id}/";
        HttpResponse<String> cancel = call("POST", Campaigns.PATH + "/" + id + "/cancel", SHOP, null);
        checkAgainstDocument(doc, operation(doc, "post", control + "cancel"), cancel);
        assertThat(JSON.readTree(cancel.body()).path("status").asText()).isEqualTo("CANCELLED");
        for (String action : List.of("pause", "resume")) {
            Provoked p = new Provoked("POST", Campaigns.PATH + "/" + id + "/" + action, SHOP, null, 409,
                    "invalid_state", "post", control + action);
            HttpResponse<String> r = call(p.method, p.path, p.key, p.body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
            assertThat(errorOf(r).path("code").asText()).isEqualTo("invalid_state");
            assertThat(documented(doc, p, 409, "invalid_state")).isTrue();
            checkAgainstDocument(doc, operation(doc, "post", control + action), r);
        }

        // a CSV without a to column, or with a short row: 400 bad_csv, as documented
        for (String bad : List.of("number,name\n79161234567,Ann\n", "to,name\n79161234567\n", "to\n")) {
            Provoked p = new Provoked("POST", Campaigns.PATH + query, SHOP, bad, 400, "bad_csv", "post", Campaigns.PATH);
            HttpResponse<String> r = call("POST", p.path, SHOP, "text/csv", bad);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(errorOf(r).path("code").asText()).as(bad).isEqualTo("bad_csv");
            assertThat(documented(doc, p, 400, "bad_csv")).isTrue();
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void shouldDocumentThrottlingWithRetryAfter() throws Exception {
        JsonNode doc = document();
        HttpResponse<String> throttled = null;
        for (int i = 0; i < 20 && throttled == null; i++) {
            HttpResponse<String> r = call("POST", "/api/v1/messages", SLOW,
                    "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\"}");
            if (r.statusCode() != 202) {
                throttled = r;
            }
        }
        assertThat(throttled).isNotNull();
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(errorOf(throttled).path("code").asText()).isEqualTo("throttled");
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        JsonNode documented = response(doc, operation(doc, "post", "/api/v1/messages"), 429);
        assertThat(mentionsCode(doc, documented, "throttled")).isTrue();
        assertThat(documented.path("headers").has("Retry-After")).isTrue();
    }

    // ---- 4. every code the sources produce is documented, and no other ----

    /**
     * The code of {@code new ApiError(status, "code", ..)} and {@code HttpServer.error(status, "code", ..)}
     * (the second argument), and of {@code ApiError.bad("code", ..)} and AdminApi's
     * {@code new BadRequest("code", ..)} (the first).
     */
    private static final Pattern SOURCE_CODE = Pattern.compile(
            "(?:new ApiError|\\berror)\\(\\s*HttpResponseStatus\\.\\w+,\\s*\"([a-z_]+)\""
                    + "|(?:\\bbad|new BadRequest)\\(\\s*\"([a-z_]+)\"");
    /** A code named in a response description: "Code `x`" or a list item "- `x`: ...". */
    private static final Pattern DOC_CODE = Pattern.compile("(?m)(?:Codes? |^\\s*- )`([a-z_]+)`");

    @Test
    void shouldDocumentEveryErrorCodeTheSourcesProduceAndNoOther() throws Exception {
        Set<String> produced = new TreeSet<>();
        for (String file : List.of("MessageApi.java", "Templates.java", "ApiError.java", "AdminApi.java",
                "HttpServer.java", "ApiDocs.java", "OptOutApi.java", "ConsentApi.java", "BalanceApi.java",
                "LogApi.java", "AdminAuth.java", "ModerationPage.java", "CampaignPage.java", "Campaigns.java",
                "Csv.java", "ClusterApi.java")) {
            Matcher m = SOURCE_CODE.matcher(Files.readString(sources().resolve(file)));
            while (m.find()) {
                produced.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        assertThat(produced).contains("unauthorized", "bad_json", "missing_field", "unknown_template", "throttled",
                "journal_unavailable", "not_cancellable", "not_held", "invalid_stopwords", "write_failed", "opted_out",
                "forbidden", "unknown_account", "not_found", "unavailable", "insufficient_balance", "no_price",
                "not_billed", "bad_amount", "csrf_failed");
        String yaml = resource();
        for (String code : produced) {
            assertThat(mentions(yaml, code)).as("code %s is in the document", code).isTrue();
        }
        Set<String> documented = new TreeSet<>();
        JsonNode doc = document();
        List<JsonNode> responses = new ArrayList<>();
        for (Operation op : operations(doc)) {
            op.node.path("responses").forEach(responses::add);
        }
        doc.path("components").path("responses").forEach(responses::add);
        for (JsonNode r : responses) {
            Matcher m = DOC_CODE.matcher(resolve(doc, r).path("description").asText());
            while (m.find()) {
                documented.add(m.group(1));
            }
        }
        assertThat(documented).as("codes the document promises").containsExactlyInAnyOrderElementsOf(produced);
    }

    // ---- the webhook and the status object ----

    @Test
    void shouldPostTheDocumentedWebhookAndShowItsAttemptsInTheStatus() throws Exception {
        JsonNode doc = document();
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receivers.add(receiver);
        receiver.createContext("/hook", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            // the first attempt fails, so that the status shows a retry
            ex.sendResponseHeaders(calls.incrementAndGet() == 1 ? 502 : 200, -1);
            ex.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        String id = send(SHOP, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"x\",\"callbackUrl\":\"" + url
                + "\"}").path("id").asText();

        Message m = engine.operatorQueue("opA").poll();
        assertThat(m).isNotNull();
        engine.onSubmitted(m, "opA", "up-1");
        engine.onOperatorReceipt("opA", "up-1", DeliveryState.DELIVERED, 0, System.currentTimeMillis());

        JsonNode status = awaitStatus(id, s -> s.path("callback").path("attempts").size() == 2);
        assertThat(bodies).hasSize(2);
        JsonNode payloadSchema = schema(doc, "WebhookPayload");
        for (String body : bodies) {
            JsonNode payload = JSON.readTree(body);
            assertThat(problems(doc, payload, payloadSchema, "webhook")).as(body).isEmpty();
            assertThat(payload.path("id").asText()).isEqualTo(id);
            assertThat(payload.path("status").asText()).isEqualTo("DELIVERED");
        }
        JsonNode callback = operation(doc, "post", "/api/v1/messages").node.path("callbacks").path("messageFinal")
                .path("{$request.body#/callbackUrl}").path("post");
        assertThat(resolve(doc, callback.path("requestBody").path("content").path("application/json").path("schema")))
                .isEqualTo(payloadSchema);

        assertThat(problems(doc, status, schema(doc, "MessageStatus"), "status")).as(status.toString()).isEmpty();
        assertThat(status.path("status").asText()).isEqualTo("DELIVERED");
        List<String> events = new ArrayList<>();
        status.path("history").forEach(e -> events.add(e.path("event").asText()));
        assertThat(events).containsSubsequence("accepted", "submitted", "delivered");
        assertThat(status.path("callback").path("url").asText()).isEqualTo(url);
        assertThat(status.path("callback").path("attempts").findValuesAsText("event"))
                .containsExactly("callback_failed", "callback");
    }

    private JsonNode awaitStatus(String id, java.util.function.Predicate<JsonNode> done) throws Exception {
        return awaitStatus(SHOP, id, done);
    }

    private JsonNode awaitStatus(String key, String id, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode s;
        do {
            HttpResponse<String> r = call("GET", "/api/v1/messages/" + id, key, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            s = JSON.readTree(r.body());
            if (done.test(s)) {
                return s;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("message " + id + " did not get there: " + s);
    }

    // ---- checking answers against the document ----

    private void checkAgainstDocument(JsonNode doc, Operation op, HttpResponse<String> r) throws IOException {
        JsonNode documented = response(doc, op, r.statusCode());
        assertThat(documented).as("%s documents status %d", op, r.statusCode()).isNotNull();
        JsonNode content = documented.path("content");
        if (content.isMissingNode() || op.method.equals("head")) {
            return;
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        String mediaType = type.replaceAll(";.*", "").trim();
        assertThat(content.has(mediaType)).as("%s documents %s for %d", op, type, r.statusCode()).isTrue();
        if (mediaType.equals("application/json")) {
            JsonNode schema = content.path(mediaType).path("schema");
            assertThat(problems(doc, JSON.readTree(r.body()), schema, op.toString())).as(r.body()).isEmpty();
        }
    }

    /** The documented response of an operation for a status: exact, then "4XX", then "default". */
    private static JsonNode response(JsonNode doc, Operation op, int status) {
        JsonNode responses = op.node.path("responses");
        for (String key : List.of(Integer.toString(status), status / 100 + "XX", "default")) {
            if (responses.has(key)) {
                return resolve(doc, responses.get(key));
            }
        }
        return null;
    }

    private static boolean documented(JsonNode doc, Provoked c, int status, String code) {
        List<Operation> candidates = new ArrayList<>();
        for (Operation op : operations(doc)) {
            if (op.path.equals(c.docPath) && (c.docMethod == null || op.method.equals(c.docMethod))) {
                candidates.add(op);
            }
        }
        assertThat(candidates).as("documented operation for %s %s", c.docMethod, c.docPath).isNotEmpty();
        for (Operation op : candidates) {
            JsonNode r = response(doc, op, status);
            if (r != null && mentionsCode(doc, r, code)) {
                return true;
            }
        }
        return false;
    }

    /** The code is in the response's description or in an enum of its schemas. */
    private static boolean mentionsCode(JsonNode doc, JsonNode response, String code) {
        if (mentions(response.path("description").asText(), code)) {
            return true;
        }
        List<String> enums = new ArrayList<>();
        collectEnums(doc, response.path("content"), enums, Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return enums.contains(code);
    }

    private static boolean mentions(String text, String code) {
        return Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(code) + "(?![A-Za-z0-9_])").matcher(text).find();
    }

    private static void collectEnums(JsonNode doc, JsonNode n, List<String> out, Set<JsonNode> seen) {
        if (n == null || !n.isContainerNode() || !seen.add(n)) {
            return;
        }
        if (n.has("$ref")) {
            collectEnums(doc, pointer(doc, n.get("$ref").asText()), out, seen);
        }
        if (n.path("enum").isArray()) {
            n.get("enum").forEach(v -> out.add(v.asText()));
        }
        n.forEach(child -> collectEnums(doc, child, out, seen));
    }

    /**
     * What is wrong with a value by a schema: the OpenAPI 3.0 subset the document uses ($ref,
     * type, nullable, enum, required, properties, additionalProperties, items, minItems, oneOf,
     * allOf, pattern, format date-time). Fields the schema does not list are reported.
     */
    static List<String> problems(JsonNode doc, JsonNode value, JsonNode schema, String where) {
        List<String> out = new ArrayList<>();
        check(doc, value, schema, where, out);
        return out;
    }

    private static void check(JsonNode doc, JsonNode v, JsonNode schema, String where, List<String> out) {
        schema = resolve(doc, schema);
        if (v.isNull() && schema.path("nullable").asBoolean(false)) {
            return;
        }
        if (schema.has("oneOf")) {
            int matching = 0;
            List<String> why = new ArrayList<>();
            for (JsonNode alternative : schema.get("oneOf")) {
                List<String> p = problems(doc, v, alternative, where);
                matching += p.isEmpty() ? 1 : 0;
                why.addAll(p);
            }
            if (matching != 1) {
                out.add(where + ": matches " + matching + " of oneOf " + (matching == 0 ? why : ""));
            }
        }
        for (JsonNode part : schema.path("allOf")) {
            check(doc, v, part, where, out);
        }
        String type = schema.path("type").asText("");
        boolean typeOk = switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
        if (!typeOk) {
            out.add(where + ": expected " + type + ", got " + v);
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.asText().equals(v.asText());
            }
            if (!found) {
                out.add(where + ": " + v + " is not one of " + schema.get("enum"));
            }
        }
        if (v.isTextual() && schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText())
                .matcher(v.asText()).find()) {
            out.add(where + ": " + v + " does not match " + schema.get("pattern").asText());
        }
        if (v.isTextual() && schema.path("format").asText().equals("date-time")) {
            try {
                OffsetDateTime.parse(v.asText());
            } catch (DateTimeParseException e) {
                out.add(where + ": " + v + " is not a date-time");
            }
        }
        if (v.isObject() && (type.equals("object") || schema.has("properties"))) {
            for (JsonNode r : schema.path("required")) {
                if (!v.has(r.asText())) {
                    out.add(where + ": no " + r.asText());
                }
            }
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (props.has(f.getKey())) {
                    check(doc, f.getValue(), props.get(f.getKey()), where + "." + f.getKey(), out);
                } else if (additional.isObject()) {
                    check(doc, f.getValue(), additional, where + "." + f.getKey(), out);
                } else if (!additional.asBoolean(false)) {
                    out.add(where + ": field " + f.getKey() + " is not documented");
                }
            }
        }
        if (v.isArray()) {
            if (v.size() < schema.path("minItems").asInt(0)) {
                out.add(where + ": fewer than " + schema.get("minItems") + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < v.size(); i++) {
                    check(doc, v.get(i), schema.get("items"), where + "[" + i + "]", out);
                }
            }
        }
    }

    // ---- the document's structure ----

    private record Operation(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private static List<Operation> operations(JsonNode doc) {
        List<Operation> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            for (String method : List.of("get", "put", "post", "delete", "head", "patch", "options", "trace")) {
                if (p.getValue().has(method)) {
                    ops.add(new Operation(method, p.getKey(), p.getValue().get(method)));
                }
            }
        }
        return ops;
    }

    private static Operation operation(JsonNode doc, String method, String path) {
        JsonNode n = doc.path("paths").path(path).path(method);
        assertThat(n.isMissingNode()).as("%s %s is documented", method, path).isFalse();
        return new Operation(method, path, n);
    }

    private static JsonNode schema(JsonNode doc, String name) {
        JsonNode s = doc.path("components").path("schemas").path(name);
        assertThat(s.isMissingNode()).as("schema %s", name).isFalse();
        return s;
    }

    private static JsonNode resolve(JsonNode doc, JsonNode n) {
        for (int i = 0; i < 10 && n.has("$ref"); i++) {
            n = pointer(doc, n.get("$ref").asText());
        }
        return n;
    }

    private static JsonNode pointer(JsonNode doc, String ref) {
        assertThat(ref).startsWith("#/");
        return doc.at(ref.substring(1));
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.has("$ref")) {
            out.add(n.get("$ref").asText());
        }
        n.forEach(child -> collectRefs(child, out));
    }

    /** The first example of the operation's request body, as the body to send (JSON or text). */
    private static String requestBody(JsonNode doc, Operation op) throws IOException {
        JsonNode rb = resolve(doc, op.node.path("requestBody"));
        if (rb.isMissingNode()) {
            return null;
        }
        Map.Entry<String, JsonNode> media = rb.path("content").fields().next();
        JsonNode example = media.getValue().has("example") ? media.getValue().get("example")
                : media.getValue().path("examples").elements().next().path("value");
        assertThat(example.isMissingNode()).as("an example for %s", op).isFalse();
        return media.getKey().equals("application/json") ? JSON.writeValueAsString(example) : example.asText();
    }

    /**
     * A valid Authorization header for each security alternative of the operation; null for none.
     * The account key is shop's, or under /api/v1/balance the billed account's.
     */
    private static List<String> credentials(Operation op) {
        List<String> keys = new ArrayList<>();
        if (!op.node.has("security")) {
            keys.add(null);
        }
        for (JsonNode alternative : op.node.path("security")) {
            for (Iterator<String> it = alternative.fieldNames(); it.hasNext(); ) {
                String scheme = it.next();
                keys.add(switch (scheme) {
                    case "apiKey" -> op.path.startsWith("/api/v1/balance") ? PREPAID : SHOP;
                    case "adminToken" -> ADMIN;
                    case "moderatorSession" -> SESSION;
                    default -> throw new AssertionError(op + ": unknown security scheme " + scheme);
                });
            }
        }
        return keys;
    }

    // ---- plumbing ----

    private JsonNode document() throws Exception {
        HttpResponse<String> r = call("GET", ApiDocs.PATH, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return BlockYaml.parse(r.body());
    }

    private static String resource() throws IOException {
        try (InputStream in = ApiDocs.class.getResourceAsStream("openapi.yaml")) {
            assertThat(in).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path sources() {
        Path p = Path.of("src/main/java/io/smsrouter/http");
        return Files.isDirectory(p) ? p : Path.of("router-http").resolve(p);
    }

    private JsonNode send(String key, String body) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/messages", key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        return call(method, path, key, body == null ? null
                : body.startsWith("{") || body.startsWith("[") ? "application/json" : "text/plain", body);
    }

    private HttpResponse<String> call(String method, String path, String key, String contentType, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (SESSION.equals(key)) {
            if (session == null) {
                HttpResponse<String> login = call("POST", "/moderation/login", null,
                        "{\"token\":\"admin-token\",\"moderator\":\"contract\"}");
                assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
                String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().replaceAll(";.*", "");
                session = new String[]{cookie, JSON.readTree(login.body()).path("csrfToken").asText()};
            }
            b.header("Cookie", session[0]).header("X-CSRF-Token", session[1]);
        } else if (key != null) {
            b.header("Authorization", key);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(method + " " + path + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode errorOf(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body()).path("error");
        } catch (IOException | RuntimeException notJson) {
            return NullNode.getInstance();
        }
    }

    /**
     * Reads the block-style YAML subset the document is written in (router-http has no YAML
     * library): mappings, "- " sequences, plain, 'single' and "double" quoted scalars, one-line
     * flow [..] and {..}, "|" and "|-" literal blocks, # comments. Anything else fails loudly, so
     * the document cannot drift out of the subset unnoticed. Plain scalars are typed as YAML 1.2's
     * core schema does (null, true/false, integers, decimals, else text).
     */
    static final class BlockYaml {
        private static final JsonNodeFactory F = JsonNodeFactory.instance;
        private final String[] raw;
        private final int[] indent;
        private final String[] text;
        private int i;

        private BlockYaml(String source) {
            raw = source.replace("\r\n", "\n").split("\n", -1);
            indent = new int[raw.length];
            text = new String[raw.length];
            for (int k = 0; k < raw.length; k++) {
                if (raw[k].indexOf('\t') >= 0 && !raw[k].isBlank()) {
                    int lead = raw[k].length() - raw[k].stripLeading().length();
                    if (raw[k].substring(0, lead).indexOf('\t') >= 0) {
                        throw error(k, "a tab in the indentation");
                    }
                }
                String t = raw[k].stripLeading();
                indent[k] = raw[k].length() - t.length();
                text[k] = t.stripTrailing();
            }
        }

        static JsonNode parse(String source) {
            BlockYaml y = new BlockYaml(source);
            JsonNode root = y.node(-1);
            if (y.next() < y.raw.length) {
                throw y.error(y.i, "unexpected content");
            }
            return root == null ? NullNode.getInstance() : root;
        }

        private IllegalArgumentException error(int line, String what) {
            return new IllegalArgumentException("openapi.yaml line " + (line + 1) + ": " + what
                    + (line < raw.length ? ": " + raw[line].strip() : ""));
        }

        /** The next line that is not blank or a comment (sets i to it). */
        private int next() {
            while (i < raw.length && (text[i].isEmpty() || text[i].startsWith("#"))) {
                i++;
            }
            return i;
        }

        private static boolean isItem(String t) {
            return t.equals("-") || t.startsWith("- ");
        }

        /** The block value whose lines are indented more than parentIndent; null when there is none. */
        private JsonNode node(int parentIndent) {
            int k = next();
            if (k >= raw.length || indent[k] <= parentIndent) {
                return null;
            }
            return isItem(text[k]) ? sequence(indent[k]) : mapping(indent[k]);
        }

        private ObjectNode mapping(int ind) {
            ObjectNode map = F.objectNode();
            while (true) {
                int k = next();
                if (k >= raw.length || indent[k] < ind) {
                    return map;
                }
                if (indent[k] > ind || isItem(text[k])) {
                    throw error(k, "unexpected indentation or list item");
                }
                String[] kv = splitKey(text[k], k);
                i = k + 1;
                JsonNode value;
                String rest = kv[1];
                if (rest.isEmpty()) {
                    int n = next();
                    value = n < raw.length && indent[n] == ind && isItem(text[n]) ? sequence(ind) : node(ind);
                    value = value == null ? NullNode.getInstance() : value;
                } else if (rest.startsWith("|")) {
                    value = literal(rest, ind, k);
                } else if (rest.startsWith(">") || rest.startsWith("&") || rest.startsWith("*") || rest.startsWith("!")) {
                    throw error(k, "not in the subset (folded block, anchor, alias or tag)");
                } else {
                    value = inline(rest, k);
                }
                if (map.has(kv[0])) {
                    throw error(k, "duplicate key " + kv[0]);
                }
                map.set(kv[0], value);
            }
        }

        private ArrayNode sequence(int ind) {
            ArrayNode list = F.arrayNode();
            while (true) {
                int k = next();
                if (k >= raw.length || indent[k] < ind || (indent[k] == ind && !isItem(text[k]))) {
                    return list;
                }
                if (indent[k] > ind) {
                    throw error(k, "unexpected indentation");
                }
                String after = text[k].substring(1);
                String content = after.strip();
                if (content.isEmpty()) {
                    i = k + 1;
                    JsonNode n = node(ind);
                    list.add(n == null ? NullNode.getInstance() : n);
                } else if (content.startsWith("- ") || content.startsWith("|") || content.startsWith(">")) {
                    throw error(k, "not in the subset (a nested list or a block in a list item)");
                } else if (isMapEntry(content)) {
                    // "- key: value": a mapping whose keys line up with this first one
                    indent[k] = ind + 1 + (after.length() - after.stripLeading().length());
                    text[k] = content;
                    i = k;
                    list.add(mapping(indent[k]));
                } else {
                    i = k + 1;
                    list.add(inline(content, k));
                }
            }
        }

        private static boolean isMapEntry(String t) {
            if (t.startsWith("[") || t.startsWith("{")) {
                return false;
            }
            int from = 0;
            if (t.startsWith("'") || t.startsWith("\"")) {
                from = new Cursor(t, 0).skipQuoted();
            }
            int colon = keyColon(t, from);
            return colon >= 0;
        }

        /** Where the ':' ending a plain key is (followed by a space or the end), or -1. */
        private static int keyColon(String t, int from) {
            for (int c = from; c < t.length(); c++) {
                if (t.charAt(c) == '#' && c > 0 && t.charAt(c - 1) == ' ') {
                    return -1;
                }
                if (t.charAt(c) == ':' && (c + 1 == t.length() || t.charAt(c + 1) == ' ')) {
                    return c;
                }
            }
            return -1;
        }

        private String[] splitKey(String t, int k) {
            String key;
            int colon;
            if (t.startsWith("'") || t.startsWith("\"")) {
                Cursor c = new Cursor(t, 0);
                key = c.quoted();
                colon = c.pos;
                if (colon >= t.length() || t.charAt(colon) != ':') {
                    throw error(k, "expected ':' after a quoted key");
                }
            } else {
                colon = keyColon(t, 0);
                if (colon < 0) {
                    throw error(k, "expected key: value");
                }
                key = t.substring(0, colon).strip();
            }
            return new String[]{key, t.substring(colon + 1).strip()};
        }

        /** A "|" or "|-" block: the lines after the key indented more than it (blank lines kept). */
        private JsonNode literal(String header, int keyIndent, int k) {
            String h = stripComment(header);
            if (!h.equals("|") && !h.equals("|-")) {
                throw error(k, "only | and |- blocks are in the subset");
            }
            List<String> lines = new ArrayList<>();
            int contentIndent = -1;
            while (i < raw.length) {
                String line = raw[i];
                if (line.isBlank()) {
                    lines.add("");
                    i++;
                    continue;
                }
                int ind = line.length() - line.stripLeading().length();
                if (ind <= keyIndent) {
                    break;
                }
                if (contentIndent < 0) {
                    contentIndent = ind;
                } else if (ind < contentIndent) {
                    throw error(i, "less indented than the block's first line");
                }
                lines.add(line.substring(contentIndent));
                i++;
            }
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            String s = String.join("\n", lines);
            return TextNode.valueOf(h.equals("|") && !s.isEmpty() ? s + "\n" : s);
        }

        private JsonNode inline(String rest, int k) {
            if (rest.startsWith("'") || rest.startsWith("\"") || rest.startsWith("[") || rest.startsWith("{")) {
                Cursor c = new Cursor(rest, 0);
                JsonNode v;
                try {
                    v = c.flowValue();
                } catch (IllegalArgumentException e) {
                    throw error(k, e.getMessage());
                }
                String tail = rest.substring(c.pos).strip();
                if (!tail.isEmpty() && !tail.startsWith("#")) {
                    throw error(k, "text after the value");
                }
                return v;
            }
            return plain(stripComment(rest));
        }

        private static String stripComment(String s) {
            int hash = s.indexOf(" #");
            return (hash >= 0 ? s.substring(0, hash) : s).strip();
        }

        static JsonNode plain(String s) {
            switch (s) {
                case "null", "~", "" -> {
                    return NullNode.getInstance();
                }
                case "true" -> {
                    return BooleanNode.TRUE;
                }
                case "false" -> {
                    return BooleanNode.FALSE;
                }
                default -> {
                    if (s.matches("[-+]?[0-9]+")) {
                        return LongNode.valueOf(Long.parseLong(s));
                    }
                    if (s.matches("[-+]?[0-9]+\\.[0-9]+")) {
                        return DecimalNode.valueOf(new BigDecimal(s));
                    }
                    return TextNode.valueOf(s);
                }
            }
        }

        /** One-line flow values: [a, b], {k: v}, quoted and plain scalars. */
        private static final class Cursor {
            final String s;
            int pos;

            Cursor(String s, int pos) {
                this.s = s;
                this.pos = pos;
            }

            void skipSpaces() {
                while (pos < s.length() && s.charAt(pos) == ' ') {
                    pos++;
                }
            }

            int skipQuoted() {
                quoted();
                return pos;
            }

            JsonNode flowValue() {
                skipSpaces();
                if (pos >= s.length()) {
                    throw new IllegalArgumentException("a value is missing");
                }
                char c = s.charAt(pos);
                if (c == '[') {
                    pos++;
                    ArrayNode a = F.arrayNode();
                    skipSpaces();
                    if (s.startsWith("]", pos)) {
                        pos++;
                        return a;
                    }
                    while (true) {
                        a.add(flowValue());
                        skipSpaces();
                        if (expect(",]") == ']') {
                            return a;
                        }
                    }
                }
                if (c == '{') {
                    pos++;
                    ObjectNode o = F.objectNode();
                    skipSpaces();
                    if (s.startsWith("}", pos)) {
                        pos++;
                        return o;
                    }
                    while (true) {
                        skipSpaces();
                        String key = s.charAt(pos) == '\'' || s.charAt(pos) == '"' ? quoted() : plainUntil(":");
                        expect(":");
                        if (o.has(key)) {
                            throw new IllegalArgumentException("duplicate key " + key);
                        }
                        o.set(key, flowValue());
                        skipSpaces();
                        if (expect(",}") == '}') {
                            return o;
                        }
                    }
                }
                if (c == '\'' || c == '"') {
                    return TextNode.valueOf(quoted());
                }
                return plain(plainUntil(",]}"));
            }

            private char expect(String chars) {
                skipSpaces();
                if (pos >= s.length() || chars.indexOf(s.charAt(pos)) < 0) {
                    throw new IllegalArgumentException("expected one of " + chars + " at column " + (pos + 1));
                }
                return s.charAt(pos++);
            }

            private String plainUntil(String stops) {
                int start = pos;
                while (pos < s.length() && stops.indexOf(s.charAt(pos)) < 0) {
                    pos++;
                }
                return s.substring(start, pos).strip();
            }

            String quoted() {
                char q = s.charAt(pos++);
                StringBuilder b = new StringBuilder();
                while (true) {
                    if (pos >= s.length()) {
                        throw new IllegalArgumentException("an unclosed quote");
                    }
                    char c = s.charAt(pos++);
                    if (q == '\'' && c == '\'') {
                        if (pos < s.length() && s.charAt(pos) == '\'') {
                            b.append('\'');
                            pos++;
                            continue;
                        }
                        return b.toString();
                    }
                    if (q == '"' && c == '"') {
                        return b.toString();
                    }
                    if (q == '"' && c == '\\') {
                        char e = s.charAt(pos++);
                        switch (e) {
                            case 'n' -> b.append('\n');
                            case 't' -> b.append('\t');
                            case '"', '\\', '/' -> b.append(e);
                            case 'u' -> {
                                b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                                pos += 4;
                            }
                            default -> throw new IllegalArgumentException("escape \\" + e + " is not in the subset");
                        }
                        continue;
                    }
                    b.append(c);
                }
            }
        }
    }
}
