package io.smsrouter.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoopGroup;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.AdminConfig;
import io.smsrouter.server.config.HttpConfig;
import io.smsrouter.server.config.JournalConfig;
import io.smsrouter.server.config.ModerationConfig;
import io.smsrouter.server.config.OperatorConfig;
import io.smsrouter.server.config.RouteConfig;
import io.smsrouter.server.config.RouterConfig;
import io.smsrouter.server.config.SimulatorConfig;
import io.smsrouter.server.config.SmppConfig;
import io.smsrouter.smpp.simulator.SimulatorSettings;
import io.smsrouter.smpp.simulator.SmscSimulator;
import io.smsrouter.smpp.transport.SmppTransport;
import org.jsmpp.bean.SubmitSm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routes over several operators: sender, prefix and default routes, weights, and failover when an
 * operator goes down. jsmpp SMSCs (and, where one must restart on the same port, our simulator)
 * stand for the operators; messages come in over the HTTP API.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RoutingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Router router;
    private final List<AutoCloseable> operators = new ArrayList<>();
    private EventLoopGroup simGroup;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() throws Exception {
        if (router != null) {
            router.close();
        }
        for (AutoCloseable c : operators) {
            c.close();
        }
        if (simGroup != null) {
            simGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    private JsmppSmsc jsmpp() throws Exception {
        JsmppSmsc s = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        operators.add(s);
        return s;
    }

    private static OperatorConfig operator(String id, int port) {
        return new OperatorConfig(id, ItConfig.HOST, port, ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD,
                OperatorConfig.DEFAULT_SYSTEM_TYPE, 1, 64, 0, OperatorConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS, 5_000,
                200, 1_000);
    }

    private Router start(List<OperatorConfig> ops, List<RouteConfig> routes) throws Exception {
        SmppConfig smpp = new SmppConfig(ItConfig.HOST, 0, SmppConfig.DEFAULT_MAX_PDU_LENGTH,
                SmppConfig.DEFAULT_WINDOW_SIZE, SmppConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS,
                SmppConfig.DEFAULT_IDLE_TIMEOUT_MS, SmppConfig.DEFAULT_RESPONSE_TIMEOUT_MS,
                SmppConfig.DEFAULT_BIND_TIMEOUT_MS);
        SimulatorConfig noSim = new SimulatorConfig(false, ItConfig.HOST, 0, null, null,
                SimulatorConfig.DEFAULT_SUBMIT_LATENCY_MS, SimulatorConfig.DEFAULT_DLR_DELAY_MS, 100, 0, 0, 0);
        RouterConfig c = new RouterConfig(Path.of("routing-test.yaml"), smpp, new HttpConfig(ItConfig.HOST, 0),
                AdminConfig.defaults(), new JournalConfig(dir.resolve("journal"), JournalConfig.DEFAULT_ROLL_CYCLE, false),
                List.of(new AccountConfig("shop", "secret1", "k-shop", "none", 0, 4, List.of())), ops, routes,
                ModerationConfig.defaults(), noSim);
        router = new Router(c).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().stream().allMatch(o -> o.boundCount() > 0));
        return router;
    }

    /** Sends one text to each number over HTTP in requests of 2,000; returns the accepted ids. */
    private Set<String> send(String from, List<String> numbers) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < numbers.size(); i += 2000) {
            ObjectNode body = JSON.createObjectNode();
            body.put("from", from);
            body.put("text", "hello");
            ArrayNode to = body.putArray("to");
            numbers.subList(i, Math.min(numbers.size(), i + 2000)).forEach(to::add);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + router.httpAddress().getPort() + "/api/v1/messages"))
                    .header("Authorization", "Bearer k-shop")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            for (JsonNode e : JSON.readTree(r.body())) {
                assertThat(e.has("id")).as("entry %s", e).isTrue();
                ids.add(e.get("id").asText());
            }
        }
        return ids;
    }

    private static List<String> numbers(String prefix, int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(prefix + String.format("%07d", i));
        }
        return l;
    }

    /**
     * Distinct numbers with this prefix the SMSC got: a submit_sm the router sent again after a
     * response timeout (a busy machine) is the same message, and counts once.
     */
    private static long countTo(JsmppSmsc s, String prefix) {
        return s.received().stream().map(SubmitSm::getDestAddress).filter(d -> d.startsWith(prefix)).distinct().count();
    }

    @Test
    void senderPrefixAndDefaultRoutesPickTheirOperatorsAndWeightsSplitTheDefault() throws Exception {
        JsmppSmsc a = jsmpp();
        JsmppSmsc b = jsmpp();
        JsmppSmsc c = jsmpp();
        start(List.of(operator("opA", a.port()), operator("opB", b.port()), operator("opC", c.port())),
                List.of(new RouteConfig("Bank", null, null, List.of("opC")),
                        new RouteConfig(null, "7903", null, List.of("opB")),
                        new RouteConfig(null, null, null, List.of("opA", "opB"), List.of(70, 30))));
        send("Bank", numbers("7916", 50));
        send("Shop", numbers("7903", 50));
        send("Shop", numbers("7926", 10_000));
        await().atMost(Duration.ofSeconds(90)).until(() ->
                countTo(a, "79") + countTo(b, "79") + countTo(c, "79") >= 10_100);

        assertThat(countTo(c, "79")).isEqualTo(50);
        assertThat(c.received()).allMatch(sm -> sm.getSourceAddr().equals("Bank"));
        assertThat(countTo(b, "7903")).isEqualTo(50);
        assertThat(countTo(a, "7903")).isZero();
        long toA = countTo(a, "7926");
        long toB = countTo(b, "7926");
        assertThat(toA + toB).isEqualTo(10_000);
        assertThat(toA).as("70%% of 10,000 within ±5%%").isBetween(6_500L, 7_500L);
    }

    @Test
    void aDownOperatorsTrafficFailsOverAndItGetsTrafficAgainWhenBack() throws Exception {
        JsmppSmsc a = jsmpp();
        simGroup = SmppTransport.newGroup(1);
        SmscSimulator b = new SmscSimulator(SimulatorSettings.defaults(0), simGroup);
        int bPort = b.start().getPort();
        operators.add(b);
        start(List.of(operator("opA", a.port()), operator("opB", bPort)),
                List.of(new RouteConfig(null, null, null, List.of("opA", "opB"))));
        Set<String> before = send("Shop", numbers("7916", 1_000));
        await().atMost(Duration.ofSeconds(30)).until(() -> countTo(a, "7916") + b.submitCount() >= 1_000);
        assertThat(b.submitCount()).isBetween(400L, 600L);

        b.close();
        operators.remove(b);
        await().atMost(Duration.ofSeconds(10)).until(() -> router.operators().get(1).boundCount() == 0);
        Set<String> during = send("Shop", numbers("7917", 1_000));
        await().atMost(Duration.ofSeconds(30)).until(() -> countTo(a, "7917") == 1_000);
        assertThat(before).hasSize(1_000);
        assertThat(during).hasSize(1_000);
        assertThat(router.engine().operatorQueue("opB").size()).as("left waiting for the down operator").isZero();

        SmscSimulator back = new SmscSimulator(SimulatorSettings.defaults(bPort), simGroup);
        back.start();
        operators.add(back);
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(1).boundCount() > 0);
        send("Shop", numbers("7918", 1_000));
        await().atMost(Duration.ofSeconds(30)).until(() -> countTo(a, "7918") + back.submitCount() >= 1_000);
        assertThat(back.submitCount()).as("traffic for the operator that came back").isBetween(400L, 600L);
    }
}
