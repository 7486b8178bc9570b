package io.smsrouter.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.OperatorConfig;
import io.smsrouter.server.config.RouteConfig;
import io.smsrouter.server.config.RouterConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * conf/grafana-dashboard.json only asks for what the router exports: a real router (the
 * in-process simulator as operator {@value ItConfig#OPERATOR}, a second operator that refuses
 * everything so that the refusal counter exists, a prepaid account so that the balance gauges
 * exist) takes traffic from cloudhopper, /metrics is scraped, and every metric name in every
 * panel query and template variable of the dashboard must appear in the scrape, with the labels
 * the query matches on and groups by.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GrafanaDashboardTest {
    /** Tests run in the module directory; conf/ is at the project root. */
    private static final Path DASHBOARD = Path.of("..", "conf", "grafana-dashboard.json");
    private static final String REFUSING = "opB";
    private static final String REFUSED_PREFIX = "7999";
    private static final int N = 20;
    private static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__range");

    @TempDir
    Path dir;

    private Router router;
    private ChClient client;
    private RefusingSmsc refusing;

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
        if (refusing != null) {
            refusing.close();
        }
    }

    // ---- PromQL: which metrics and labels an expression uses ----

    /** What one query asks for: metric names, label names matched per selector, labels grouped by, $variables. */
    record Use(List<String> metrics, Map<String, Set<String>> matched, Set<String> grouping, Set<String> variables) {
    }

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)[^}]*}|\\$(\\w+)");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    /** An identifier that is not part of a number or duration and not a function name (not followed by "("). */
    private static final Pattern IDENTIFIER = Pattern.compile(
            "(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w:])(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
            "by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Pattern LABEL_VALUES = Pattern.compile(
            "label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    /**
     * The metrics a PromQL expression selects: with string literals, label matchers ({...}), ranges
     * ([...]), grouping label lists (by/without/on/ignoring/group_left/group_right (...)) and
     * Grafana variables taken out, every identifier left that is not a function call or a
     * keyword is a metric name.
     */
    static Use analyse(String expr) {
        Set<String> variables = new TreeSet<>();
        Matcher v = VARIABLE.matcher(expr);
        while (v.find()) {
            variables.add(v.group(1) != null ? v.group(1) : v.group(2));
        }
        String s = STRING.matcher(expr).replaceAll("\"\"");
        Map<String, Set<String>> matched = new TreeMap<>();
        Matcher sel = SELECTOR.matcher(s);
        while (sel.find()) {
            Set<String> labels = matched.computeIfAbsent(sel.group(1), k -> new TreeSet<>());
            Matcher m = MATCHER.matcher(sel.group(2));
            while (m.find()) {
                labels.add(m.group(1));
            }
        }
        s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^\\]]*\\]", " ");
        Set<String> grouping = new TreeSet<>();
        Matcher g = GROUPING.matcher(s);
        while (g.find()) {
            for (String l : g.group(1).split(",")) {
                if (!l.isBlank()) {
                    grouping.add(l.strip());
                }
            }
        }
        s = GROUPING.matcher(s).replaceAll(" ");
        s = VARIABLE.matcher(s).replaceAll(" ");
        List<String> metrics = new ArrayList<>();
        Matcher id = IDENTIFIER.matcher(s);
        while (id.find()) {
            if (!KEYWORDS.contains(id.group(1).toLowerCase(Locale.ROOT))) {
                metrics.add(id.group(1));
            }
        }
        return new Use(metrics, matched, grouping, variables);
    }

    @Test
    void shouldFindMetricNamesAndOnlyThoseInPromQl() {
        Use u = analyse("sum by (account) (rate(router_x_total{account=~\"$account\", outcome!=\"a{b}[c]\"}"
                + "[$__rate_interval]))"
                + " / ignoring(bind) group_left(class) router_y_seconds_bucket * 1e3 > bool 0.5 and on() vector(1)");
        assertThat(u.metrics()).containsExactly("router_x_total", "router_y_seconds_bucket");
        assertThat(u.matched()).containsOnlyKeys("router_x_total");
        assertThat(u.matched().get("router_x_total")).containsExactlyInAnyOrder("account", "outcome");
        assertThat(u.grouping()).containsExactlyInAnyOrder("account", "bind", "class");
        assertThat(u.variables()).containsExactlyInAnyOrder("account", "__rate_interval");
        Use h = analyse("histogram_quantile(0.99, sum(rate(ns:foo_bucket[5m] offset 1h)) by (le))"
                + " + deriv(g[${__range}])");
        assertThat(h.metrics()).containsExactly("ns:foo_bucket", "g");
        assertThat(h.grouping()).containsExactly("le");
    }

    // ---- the dashboard against a real scrape ----

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        startRouterAndSendTraffic();
        Map<String, Set<String>> scrape = scrape();

        // where -> query: every panel target (rows included) and every query variable
        Map<String, String> exprs = new TreeMap<>();
        collectTargets(dash.path("panels"), exprs);
        assertThat(exprs).as("queries, one each").hasSize(dash.findValues("expr").size());
        Map<String, String> variables = new TreeMap<>();
        Set<String> declared = new TreeSet<>(GRAFANA_VARIABLES);
        for (JsonNode var : dash.path("templating").path("list")) {
            declared.add(var.path("name").asText());
            if ("query".equals(var.path("type").asText())) {
                JsonNode q = var.path("query");
                variables.put("variable $" + var.path("name").asText(),
                        q.isObject() ? q.path("query").asText() : q.asText());
            }
        }
        assertThat(exprs).as("panel queries in %s", DASHBOARD).hasSizeGreaterThan(20);
        assertThat(variables).as("query variables").containsOnlyKeys("variable $account", "variable $operator");
        assertThat(declared).as("template variables").contains("DS_PROMETHEUS", "account", "operator");

        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (Map.Entry<String, String> e : exprs.entrySet()) {
            Use u = analyse(e.getValue());
            check(e.getKey(), e.getValue(), u, scrape, problems);
            used.addAll(u.metrics());
            for (String var : u.variables()) {
                if (!declared.contains(var)) {
                    problems.add(e.getKey() + ": $" + var + " is not a template variable");
                }
            }
        }
        for (Map.Entry<String, String> e : variables.entrySet()) {
            Matcher m = LABEL_VALUES.matcher(e.getValue());
            if (!m.matches()) {
                problems.add(e.getKey() + ": not label_values(metric, label): " + e.getValue());
                continue;
            }
            Use u = new Use(List.of(m.group(1)), Map.of(m.group(1), Set.of(m.group(2))), Set.of(), Set.of());
            check(e.getKey(), e.getValue(), u, scrape, problems);
            used.add(m.group(1));
        }
        assertThat(problems).as("dashboard queries against the scrape (%d metric names used: %s)", used.size(), used)
                .isEmpty();
        // the families the dashboard is there for are all on it
        assertThat(used).contains("router_account_submits_total", "router_account_final_total",
                "router_operator_submitted_total", "router_operator_refused_total", "router_operator_throttled_total",
                "router_operator_receipts_total", "router_operator_queue_depth", "router_bind_up",
                "router_bind_outstanding", "router_bind_window", "router_client_response_seconds_bucket",
                "router_operator_response_seconds_bucket", "router_accept_to_operator_seconds_bucket",
                "router_accept_to_receipt_seconds_bucket", "router_journal_size_bytes", "router_moderation_queue",
                "router_moderation_oldest_age_seconds", "router_balance", "router_queue_depth",
                "router_messages_scheduled");
    }

    private static void collectTargets(JsonNode panels, Map<String, String> exprs) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.has("expr")) {
                    exprs.put("panel " + p.path("id").asInt() + " \"" + p.path("title").asText() + "\" "
                            + t.path("refId").asText(), t.path("expr").asText());
                }
            }
            collectTargets(p.path("panels"), exprs); // a collapsed row keeps its panels inside
        }
    }

    private static void check(String where, String expr, Use u, Map<String, Set<String>> scrape,
                              List<String> problems) {
        if (u.metrics().isEmpty()) {
            problems.add(where + ": no metric name found in " + expr);
        }
        Set<String> labelsOfMetrics = new LinkedHashSet<>();
        for (String name : u.metrics()) {
            if (!scrape.containsKey(name)) {
                problems.add(where + ": " + name + " is not in the scrape");
            } else {
                labelsOfMetrics.addAll(scrape.get(name));
            }
        }
        u.matched().forEach((name, labels) -> {
            for (String l : labels) {
                if (scrape.containsKey(name) && !scrape.get(name).contains(l)) {
                    problems.add(where + ": " + name + " has no label " + l + " (it has " + scrape.get(name) + ")");
                }
            }
        });
        for (String l : u.grouping()) {
            if (!labelsOfMetrics.contains(l)) {
                problems.add(where + ": groups by " + l + ", a label none of " + u.metrics() + " has");
            }
        }
    }

    private void startRouterAndSendTraffic() throws Exception {
        Path prices = dir.resolve("prices.csv");
        Files.writeString(prices, "*,*,*,1.00\n");
        refusing = new RefusingSmsc();
        RouterConfig c = ItConfig.journal(dir.resolve("journal")).withSimulator().billing(prices, false)
                .account(new AccountConfig("prepaid", "prepaidpw", "k-prepaid", AccountConfig.MODERATION_NONE, 0, 4,
                        List.of(), null, null, Amounts.parse("10.00"), 0, null))
                .build();
        List<OperatorConfig> operators = new ArrayList<>(c.operators());
        operators.add(new OperatorConfig(REFUSING, ItConfig.HOST, refusing.port(), ItConfig.OPERATOR_SYSTEM_ID,
                ItConfig.OPERATOR_PASSWORD, OperatorConfig.DEFAULT_SYSTEM_TYPE, 1, 16, 0,
                OperatorConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS, 5_000, 200, 1_000));
        List<RouteConfig> routes = List.of(new RouteConfig(null, REFUSED_PREFIX, null, List.of(REFUSING)),
                new RouteConfig(null, null, null, List.of(ItConfig.OPERATOR)));
        router = new Router(new RouterConfig(c.file(), c.smpp(), c.http(), c.admin(), c.journal(), c.accounts(),
                operators, routes, c.moderation(), c.simulator(), c.compliance(), c.billing())).start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> router.operators().stream().allMatch(o -> o.boundCount() > 0));

        client = new ChClient();
        ChSession s = client.bindTransceiver(router.smppAddress());
        for (int i = 0; i < N; i++) {
            assertThat(s.submit(1).getCommandStatus()).isZero(); // to 7916...: the simulator
        }
        assertThat(s.submitText("Shop", REFUSED_PREFIX + "0000001", "refused upstream", 1).getCommandStatus()).isZero();
        // N receipts from the simulator, and one UNDELIV for the message the operator refused
        await().atMost(Duration.ofSeconds(20)).until(() -> router.engine().receiptsOutCount() == N + 1);
        assertThat(refusing.submits()).as("submit_sm refused by %s", REFUSING).isEqualTo(1);
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    /** Every sample's metric name (as written: _bucket, _total, ...) to the label names its samples carry. */
    private Map<String, Set<String>> scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + router.httpAddress().getPort() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Set<String>> metrics = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line: %s", line).isTrue();
            Set<String> labels = metrics.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return metrics;
    }

    /**
     * An operator SMSC that binds the router and refuses every submit_sm for good with
     * ESME_RINVDSTADR (0x0B); enquire_link and unbind are answered. Blocking sockets, one thread a
     * connection, PDUs laid out by hand (SMPP 3.4 §4).
     */
    private static final class RefusingSmsc implements AutoCloseable {
        private static final int ESME_RINVDSTADR = 0x0B;
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(ItConfig.HOST));
        private final List<Socket> connections = new CopyOnWriteArrayList<>();
        private final AtomicInteger submits = new AtomicInteger();

        RefusingSmsc() throws IOException {
            Thread t = new Thread(this::acceptLoop, "refusing-smsc-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int submits() {
            return submits.get();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    connections.add(c);
                    Thread t = new Thread(() -> serve(c), "refusing-smsc-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket c) {
            try (c; DataInputStream in = new DataInputStream(c.getInputStream())) {
                OutputStream out = c.getOutputStream();
                while (true) {
                    int length = in.readInt();
                    int id = in.readInt();
                    in.readInt(); // command_status
                    int seq = in.readInt();
                    in.readFully(new byte[length - 16]);
                    switch (id) {
                        case 0x00000001, 0x00000002, 0x00000009 -> // bind_receiver/transmitter/transceiver
                                respond(out, id, 0, seq, "refuser\0".getBytes(StandardCharsets.US_ASCII));
                        case 0x00000004 -> { // submit_sm
                            submits.incrementAndGet();
                            respond(out, id, ESME_RINVDSTADR, seq, new byte[] {0});
                        }
                        case 0x00000015, 0x00000006 -> respond(out, id, 0, seq, new byte[0]); // enquire_link, unbind
                        default -> {
                            if ((id & 0x80000000) == 0) {
                                respond(out, 0x00000000, 0x03, seq, new byte[0]); // generic_nack ESME_RINVCMDID
                            }
                        }
                    }
                }
            } catch (EOFException e) {
                // the router closed the connection
            } catch (IOException e) {
                // closed by close()
            }
        }

        private static void respond(OutputStream out, int requestId, int status, int seq, byte[] body)
                throws IOException {
            ByteBuffer b = ByteBuffer.allocate(16 + body.length);
            b.putInt(16 + body.length).putInt(requestId | 0x80000000).putInt(status).putInt(seq).put(body);
            synchronized (out) {
                out.write(b.array());
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket c : connections) {
                c.close();
            }
        }
    }
}
