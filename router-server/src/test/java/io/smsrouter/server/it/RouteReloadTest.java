package io.smsrouter.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.ConfigLoader;
import org.jsmpp.bean.SubmitSm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 5: the route table is swapped whole, without a restart, when an admin asks
 * ({@code POST /api/v1/routes/reload}) or when the config file changes; a file with an error
 * changes nothing and the answer names the key. Two jsmpp SMSCs are the operators, a
 * cloudhopper client sends.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RouteReloadTest {
    private static final String TOKEN = "reload-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private JsmppSmsc smscA;
    private JsmppSmsc smscB;
    private Router router;
    private ChClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
        if (smscA != null) {
            smscA.close();
        }
        if (smscB != null) {
            smscB.close();
        }
    }

    private String config(String routes, int windowB) {
        return """
                smpp: {host: 127.0.0.1, port: 0}
                http: {host: 127.0.0.1, port: 0}
                admin: {token: %s}
                journal: {dir: "%s"}
                simulator: {enabled: false}
                accounts:
                  - id: shop
                    password: secret1
                operators:
                  - {id: opA, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, binds: 1}
                  - {id: opB, host: 127.0.0.1, port: %d, systemId: router, password: routerpw, binds: 1, window: %d}
                routes:
                %s
                """.formatted(TOKEN, dir.resolve("journal"), smscA.port(), smscB.port(), windowB, routes);
    }

    @Test
    void shouldPutNewRoutesInForceByTheApiAndByAFileChangeAndKeepTheOldOnesWhenTheFileIsWrong() throws Exception {
        smscA = new JsmppSmsc("router", "routerpw");
        smscB = new JsmppSmsc("router", "routerpw");
        Path file = dir.resolve("router.yaml");
        Files.writeString(file, config("  - operators: [opA]", 64));
        router = new Router(ConfigLoader.load(file)).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> smscA.boundSessions() > 0 && smscB.boundSessions() > 0);
        client = new ChClient();
        ChSession s = client.bindTransceiver(router.smppAddress());

        send(s, "Shop", "79160000001");
        await().atMost(Duration.ofSeconds(20)).until(() -> destinations(smscA).contains("79160000001"));
        JsonNode routes = get("/api/v1/routes");
        assertThat(routes.get("routes")).hasSize(1);
        assertThat(routes.get("routes").get(0).get("operators").get(0).asText()).isEqualTo("opA");
        assertThat(routes.get("file").asText()).isEqualTo(file.toString());

        // by the API: Shop now goes to opB, the rest still to opA
        Files.writeString(file, config("""
                  - {sender: Shop, operators: [opB]}
                  - operators: [opA]""", 64));
        HttpResponse<String> r = post("/api/v1/routes/reload");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode reload = JSON.readTree(r.body());
        assertThat(reload.get("applied").asBoolean()).isTrue();
        assertThat(reload.get("routes").asInt()).isEqualTo(2);
        assertThat(reload.get("needRestart")).isEmpty();
        send(s, "Shop", "79160000002");
        send(s, "Other", "79160000003");
        await().atMost(Duration.ofSeconds(20)).until(() -> destinations(smscB).contains("79160000002")
                && destinations(smscA).contains("79160000003"));
        assertThat(destinations(smscA)).doesNotContain("79160000002");

        // a wrong file: nothing changes, the answer names the key
        Files.writeString(file, config("  - operators: [opZ]", 64));
        r = post("/api/v1/routes/reload");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode err = JSON.readTree(r.body()).get("error");
        assertThat(err.get("code").asText()).isEqualTo("invalid_config");
        assertThat(err.get("message").asText()).contains(file.toString()).contains("routes").contains("opZ");
        assertThat(get("/api/v1/routes").get("routes")).hasSize(2);
        send(s, "Shop", "79160000004");
        await().atMost(Duration.ofSeconds(20)).until(() -> destinations(smscB).contains("79160000004"));

        // by the file alone: everything to opB; the operators' change waits for a restart
        Files.writeString(file, config("  - operators: [opB]", 32));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode now = get("/api/v1/routes");
            assertThat(now.get("routes")).hasSize(1);
            assertThat(now.get("lastReload").get("applied").asBoolean()).isTrue();
            assertThat(now.get("lastReload").get("needRestart").toString()).contains("operators");
        });
        send(s, "Other", "79160000005");
        await().atMost(Duration.ofSeconds(20)).until(() -> destinations(smscB).contains("79160000005"));
        assertThat(destinations(smscA)).doesNotContain("79160000005", "79160000004");

        // without the admin token: refused
        HttpResponse<String> anon = http.send(HttpRequest.newBuilder(uri("/api/v1/routes/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anon.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRunWithAConfigBuiltInCodeAndSayThereIsNoFileToReload() throws Exception {
        io.smsrouter.server.config.RouterConfig c = ItConfig.journal(dir.resolve("j2")).withSimulator().build();
        // as an embedding program (or scripts/bench) builds it: no file behind it
        io.smsrouter.server.config.RouterConfig noFile = new io.smsrouter.server.config.RouterConfig(null, c.smpp(),
                c.http(), new io.smsrouter.server.config.AdminConfig(TOKEN), c.journal(), c.accounts(), c.operators(),
                c.routes(), c.moderation(), c.simulator(), c.compliance(), c.billing());
        router = new Router(noFile).start();
        router.routeReloader().reloadIfChanged();
        HttpResponse<String> r = post("/api/v1/routes/reload");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(get("/api/v1/routes").get("routes")).hasSize(1);
    }

    private static void send(ChSession s, String from, String to) throws Exception {
        assertThat(s.submitText(from, to, "route me", 0).getCommandStatus()).isZero();
    }

    private static java.util.List<String> destinations(JsmppSmsc smsc) {
        return smsc.received().stream().map(SubmitSm::getDestAddress).toList();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + router.httpAddress().getPort() + path);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
