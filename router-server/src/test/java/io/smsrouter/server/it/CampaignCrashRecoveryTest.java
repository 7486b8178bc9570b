package io.smsrouter.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.core.moderation.MessageText;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The crash window of campaigns, made on purpose: a kill -9 after a round's journal batch and
 * before its progress lines loses those lines, and only the journal notes ({@code campaign}) say
 * that the recipients were sent. Random kills (tests/blackbox/campaign-kill9.test.js) rarely hit
 * that window of microseconds; here the progress log is cut back as such a crash leaves it, and
 * the restarted router must find every cut recipient in the journal: none sent again, none left
 * pending, the same message ids, and the progress log whole again. java.net.http as the client,
 * jsmpp's SMSC as the operator.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CampaignCrashRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "Bearer k-camp";

    @TempDir
    Path dir;
    private Router router;
    private JsmppSmsc smsc;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() throws Exception {
        if (router != null) {
            router.close();
        }
        if (smsc != null) {
            smsc.close();
        }
    }

    private void start() throws Exception {
        smsc = smsc == null ? new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD) : smsc;
        ItConfig c = ItConfig.journal(dir.resolve("journal")).operatorAt(smsc.port())
                .account(new AccountConfig("camp", "camppw", "k-camp", "none", 0, 4, List.of(), null));
        router = new Router(c.build(), InstantSource.system()).start();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpAddress().getPort()
                + path)).timeout(Duration.ofSeconds(60)).header("Authorization", KEY);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode report(String id) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/campaigns/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** recipients.csv as number -> message id (empty while pending). */
    private Map<String, String> messageIds(String id) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/campaigns/" + id + "/recipients.csv", null);
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> m = new HashMap<>();
        r.body().lines().skip(1).forEach(l -> {
            String[] f = l.split(",", -1);
            m.put(f[0], f[2]);
        });
        return m;
    }

    private static String text(SubmitSm sm) {
        return MessageText.toString(sm.getDataCoding(), sm.getEsmClass(), sm.getShortMessage(), null);
    }

    private static long sentLines(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("S ")).count();
    }

    @Test
    void shouldFindRecipientsWhoseProgressLinesACrashLostInTheJournalAndNotSendThemAgain() throws Exception {
        start();
        int n = 600;
        int lost = 250;
        StringBuilder recipients = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            String to = "7916" + (3_000_000 + i);
            recipients.append(i == 0 ? "" : ",").append("{\"to\":\"").append(to).append("\",\"vars\":{\"n\":\"")
                    .append(to).append("\"}}");
        }
        recipients.append(']');
        HttpResponse<String> created = call("POST", "/api/v1/campaigns", "{\"name\":\"crash\",\"category\":\"service\","
                + "\"from\":\"Shop\",\"text\":\"Offer for {n}\",\"rate\":2000,\"recipients\":" + recipients + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> report(id).get("status").asText().equals("DONE"));
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() >= n);
        Map<String, String> before = messageIds(id);
        assertThat(before).hasSize(n).doesNotContainValue("");
        router.close();
        router = null;

        // the crash: everything from the last `lost` recipients' lines on never reached the file
        Path progress = dir.resolve("campaigns").resolve(id).resolve("progress.log");
        List<String> lines = Files.readAllLines(progress, StandardCharsets.UTF_8);
        assertThat(sentLines(lines)).isEqualTo(n);
        int cut = 0;
        for (int s = 0; cut < lines.size(); cut++) {
            if (lines.get(cut).startsWith("S ") && ++s > n - lost) {
                break;
            }
        }
        List<String> kept = new ArrayList<>(lines.subList(0, cut));
        // ... and the last line it did write is torn in the middle
        String torn = lines.get(cut).substring(0, lines.get(cut).length() / 2);
        Files.writeString(progress, String.join("\n", kept) + "\n" + torn, StandardCharsets.UTF_8);
        assertThat(sentLines(kept)).isEqualTo(n - lost);

        start();
        // the runner has had many rounds to send anything it thought pending
        Thread.sleep(1500);
        JsonNode after = report(id);
        assertThat(after.get("status").asText()).isEqualTo("DONE");
        assertThat(after.get("total").asInt()).isEqualTo(n);
        assertThat(after.get("pending").asInt()).isZero();
        assertThat(messageIds(id)).as("the same message per recipient as before the crash").isEqualTo(before);
        assertThat(smsc.received()).as("nothing sent again").hasSize(n);
        Set<String> texts = new HashSet<>();
        smsc.received().forEach(sm -> texts.add(text(sm)));
        assertThat(texts).hasSize(n);

        // the progress log has every recipient again, each on a line of its own (the torn line
        // does not swallow the first line written after it), so that the next start needs no
        // journal note: here the journal is gone, as retention deletes it after 72 hours
        router.close();
        router = null;
        List<String> again = Files.readAllLines(progress, StandardCharsets.UTF_8);
        Set<String> recipientsSent = new HashSet<>();
        again.stream().filter(l -> l.matches("S \\d+ \\d+ \\d+ \\d+ \\d+")).forEach(l -> recipientsSent.add(l.split(" ")[1]));
        assertThat(recipientsSent).as("recipients with a whole S line").hasSize(n);
        try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("journal"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        start();
        Thread.sleep(1500);
        JsonNode last = report(id);
        assertThat(last.get("status").asText()).isEqualTo("DONE");
        assertThat(last.get("pending").asInt()).isZero();
        assertThat(messageIds(id)).isEqualTo(before);
        assertThat(smsc.received()).as("nothing sent again").hasSize(n);
    }
}
