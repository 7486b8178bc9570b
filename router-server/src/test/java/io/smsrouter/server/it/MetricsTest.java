package io.smsrouter.server.it;

import io.smsrouter.server.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /metrics is Prometheus text format (every line a comment, a HELP/TYPE line or a sample whose
 * metric was declared), and its per-account and per-operator counters and histograms move with
 * traffic sent by cloudhopper's client through the router to the simulator.
 */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*="
                    + "\"(?:[^\"\\\\]|\\\\.)*\")*,?)?})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
            + "(counter|gauge|histogram|summary|untyped)");
    private static final int N = 40;

    @TempDir
    Path dir;

    private Router router;
    private ChClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
    }

    /** Parses the exposition strictly; sample key "name{labels}" (labels as written) to value. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + router.httpAddress().getPort() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        Map<String, Double> samples = new HashMap<>();
        Set<String> typed = new HashSet<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE")) {
                Matcher t = TYPE.matcher(line);
                assertThat(t.matches()).as("TYPE line: %s", line).isTrue();
                typed.add(t.group(1));
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line: %s", line).isTrue();
            String name = m.group(1);
            String family = name.replaceFirst("_(bucket|count|sum|total|created|max)$", "");
            assertThat(typed.contains(name) || typed.contains(family)).as("declared type for %s", name).isTrue();
            samples.put(name + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(
                    m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return samples;
    }

    private static double value(Map<String, Double> s, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        outer:
        for (Map.Entry<String, Double> e : s.entrySet()) {
            if (!e.getKey().equals(name) && !e.getKey().startsWith(name + "{")) {
                continue;
            }
            for (String l : labels) {
                if (!e.getKey().contains(l)) {
                    continue outer;
                }
            }
            sum += e.getValue();
            found = true;
        }
        assertThat(found).as("a sample of %s with %s", name, String.join(",", labels)).isTrue();
        return sum;
    }

    @Test
    void countersAndHistogramsMoveWithTraffic() throws Exception {
        router = new Router(ItConfig.journal(dir.resolve("journal")).withSimulator().build()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() > 0);
        Map<String, Double> before = scrape();
        assertThat(value(before, "router_account_submits_total", "account=\"" + ItConfig.ACCOUNT + "\"", "outcome=\"accepted\"")).isZero();
        assertThat(value(before, "router_bind_up", "operator=\"opA\"", "bind=\"0\"")).isEqualTo(1.0);

        client = new ChClient();
        ChSession s = client.bindTransceiver(router.smppAddress());
        for (int i = 0; i < N; i++) {
            assertThat(s.submit(1).getCommandStatus()).isZero();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> router.engine().receiptsOutCount() == N);
        Map<String, Double> after = scrape();
        assertThat(value(after, "router_account_submits_total", "account=\"" + ItConfig.ACCOUNT + "\"", "outcome=\"accepted\""))
                .isEqualTo(N);
        assertThat(value(after, "router_account_final_total", "account=\"" + ItConfig.ACCOUNT + "\"", "state=\"delivered\"")).isEqualTo(N);
        assertThat(value(after, "router_operator_submitted_total", "operator=\"opA\"")).isEqualTo(N);
        assertThat(value(after, "router_operator_receipts_total", "operator=\"opA\"", "state=\"delivered\""))
                .isEqualTo(N);
        assertThat(value(after, "router_client_response_seconds_count", "account=\"" + ItConfig.ACCOUNT + "\"")).isEqualTo(N);
        assertThat(value(after, "router_client_response_seconds_bucket", "account=\"" + ItConfig.ACCOUNT + "\"", "le=\"+Inf\""))
                .isEqualTo(N);
        assertThat(value(after, "router_operator_response_seconds_count", "operator=\"opA\"")).isEqualTo(N);
        assertThat(value(after, "router_accept_to_operator_seconds_count", "operator=\"opA\"")).isEqualTo(N);
        assertThat(value(after, "router_accept_to_receipt_seconds_count", "operator=\"opA\"")).isEqualTo(N);
        assertThat(value(after, "router_operator_queue_depth", "operator=\"opA\"", "class=\"promo\"")).isZero();
        assertThat(value(after, "router_bind_window", "operator=\"opA\"")).isPositive();
        assertThat(value(after, "router_journal_size_bytes")).isPositive();
        assertThat(value(after, "router_moderation_oldest_age_seconds")).isZero();
        // a refusal counts under its own outcome
        s.submitText("Shop", "", "no destination", 0);
        assertThat(value(scrape(), "router_account_submits_total", "account=\"" + ItConfig.ACCOUNT + "\"",
                "outcome=\"invalid_destination\"")).isEqualTo(1);
    }
}
