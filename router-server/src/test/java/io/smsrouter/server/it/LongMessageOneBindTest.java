package io.smsrouter.server.it;

import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 5: the parts of one long message reach the operator on one bind (some SMSCs reassemble
 * per session), while the operator's two binds still share the traffic. 60 three-part texts sent
 * over HTTP, split by the router, to a jsmpp SMSC bound twice with a window of 2 per bind, so the
 * binds take turns all the time.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LongMessageOneBindTest {
    private static final int MESSAGES = 60;

    @TempDir
    Path journal;
    private JsmppSmsc smsc;
    private Router router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
        if (smsc != null) {
            smsc.close();
        }
    }

    @Test
    void shouldSendEveryPartOfALongMessageOnTheSameBind() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        router = new Router(ItConfig.journal(journal).operatorAt(smsc.port()).operatorBinds(2).operatorWindow(2)
                .account(new AccountConfig("api", "apipw", "k-api-1", "none", 0, 4, List.of(), null)).build()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.boundSessions() == 2);

        HttpClient http = HttpClient.newHttpClient();
        String text = "Your order is on its way. ".repeat(14); // 364 GSM characters: 3 parts of 153
        for (int i = 0; i < MESSAGES; i++) {
            String body = "{\"from\":\"Shop\",\"to\":\"7916" + String.format("%07d", i) + "\",\"text\":\"" + text + "\"}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + router.httpAddress().getPort() + "/api/v1/messages"))
                    .header("Authorization", "Bearer k-api-1").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(r.body()).contains("\"parts\":3");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> smsc.received().size() == MESSAGES * 3);

        Map<String, List<SubmitSm>> byNumber = smsc.received().stream()
                .collect(Collectors.groupingBy(SubmitSm::getDestAddress));
        assertThat(byNumber).hasSize(MESSAGES);
        Set<String> sessionsUsed = new HashSet<>();
        for (Map.Entry<String, List<SubmitSm>> e : byNumber.entrySet()) {
            assertThat(e.getValue()).hasSize(3);
            Set<String> sessions = e.getValue().stream().map(smsc::sessionOf).collect(Collectors.toSet());
            assertThat(sessions).as("binds that carried the parts of the message to %s", e.getKey()).hasSize(1);
            sessionsUsed.addAll(sessions);
        }
        assertThat(sessionsUsed).as("both binds carry traffic").hasSize(2);
    }
}
