package io.smsrouter.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.smsrouter.core.moderation.MessageText;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import org.jsmpp.bean.SubmitSm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP message API end to end: java.net.http as the client, the real router, jsmpp's SMSC (or
 * the in-process simulator) as the operator, and a JDK HTTP server as the callback receiver.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "Bearer k-api-1";

    @TempDir
    Path dir;
    private Router router;
    private JsmppSmsc smsc;
    private HttpServer receiver;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() throws Exception {
        if (router != null) {
            router.close();
        }
        if (smsc != null) {
            smsc.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private ItConfig config(int tps, String callbackUrl) throws Exception {
        smsc = smsc == null ? new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD) : smsc;
        return ItConfig.journal(dir.resolve("journal")).operatorAt(smsc.port())
                .account(new AccountConfig("api", "apipw", "k-api-1", "none", tps, 4, List.of(), callbackUrl))
                .account(new AccountConfig("picky", "pickypw", "k-picky", "none", 0, 4, List.of("Shop"), null))
                .account(new AccountConfig("manual", "manualpw", "k-manual", "manual", 0, 4, List.of(), null))
                .maxRecipients(2000);
    }

    private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpAddress().getPort()
                + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", key);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode send(String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/messages", KEY, body);
        assertThat(r.statusCode()).as("status of POST %s: %s", body, r.body()).isEqualTo(expectedStatus);
        return JSON.readTree(r.body());
    }

    private JsonNode status(String id) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/messages/" + id, KEY, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String text(SubmitSm sm) {
        return MessageText.toString(sm.getDataCoding(), sm.getEsmClass(), sm.getShortMessage(), null);
    }

    @Test
    void oneMessageIsAcceptedSentDeliveredAndItsHistoryShown() throws Exception {
        router = new Router(config(0, null).build()).start();
        JsonNode r = send("{\"from\":\"Shop\",\"to\":\"+79161234567\",\"text\":\"Ваш код 4821\"}", 202);
        assertThat(r.get("parts").asInt()).isEqualTo(1);
        assertThat(r.get("status").asText()).isEqualTo("ACCEPTED");
        String id = r.get("id").asText();

        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).get("status").asText().equals("DELIVERED"));
        JsonNode s = status(id);
        assertThat(s.get("operator").asText()).isEqualTo(ItConfig.OPERATOR);
        assertThat(s.get("doneAt").asText()).isNotEmpty();
        List<String> events = s.get("history").findValuesAsText("event");
        assertThat(events).containsSubsequence("accepted", "submitted", "delivered");

        SubmitSm sm = smsc.received().get(0);
        assertThat(sm.getDestAddress()).isEqualTo("79161234567");
        assertThat(sm.getSourceAddr()).isEqualTo("Shop");
        assertThat(sm.getDataCoding()).isEqualTo((byte) 8);
        assertThat(text(sm)).isEqualTo("Ваш код 4821");
    }

    @Test
    void aLongTextGoesAsConcatenatedPartsThatDecodeToTheText() throws Exception {
        router = new Router(config(0, null).build()).start();
        String longText = "x".repeat(150) + " {€} " + "y".repeat(40); // 197 septets with € { } counted twice
        JsonNode r = send(JSON.writeValueAsString(java.util.Map.of("from", "Shop", "to", "79161234567",
                "text", longText)), 202);
        assertThat(r.get("parts").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() == 2);
        StringBuilder joined = new StringBuilder();
        List<SubmitSm> bySequence = new java.util.ArrayList<>(smsc.received());
        bySequence.sort(java.util.Comparator.comparingInt(sm -> sm.getShortMessage()[5])); // UDH sequence number
        for (SubmitSm sm : bySequence) {
            assertThat(sm.getEsmClass() & 0x40).as("UDHI").isEqualTo(0x40);
            assertThat(sm.getDataCoding()).isEqualTo((byte) 0);
            joined.append(text(sm));
        }
        assertThat(joined.toString()).isEqualTo(longText);
        String id = r.get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).get("status").asText().equals("DELIVERED"));
    }

    @Test
    void anOperatorThatWantsSarTlvsGetsThePartsWithThemInsteadOfAUdh() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        router = new Router(config(0, null).operatorConcatenation("sar").build()).start();
        String longText = "Доставка заказа 1234 перенесена на завтра. ".repeat(3); // 129 UCS-2 units: 2 parts
        JsonNode r = send(JSON.writeValueAsString(java.util.Map.of("from", "Shop", "to", "79161234567",
                "text", longText)), 202);
        assertThat(r.get("parts").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() == 2);
        List<SubmitSm> parts = new java.util.ArrayList<>(smsc.received());
        parts.sort(java.util.Comparator.comparingInt(sm -> sm.getOptionalParameter(
                org.jsmpp.bean.OptionalParameter.Tag.SAR_SEGMENT_SEQNUM).serialize()[4]));
        StringBuilder joined = new StringBuilder();
        for (SubmitSm sm : parts) {
            assertThat(sm.getEsmClass() & 0x40).as("no UDHI").isZero();
            assertThat(sm.getOptionalParameter(org.jsmpp.bean.OptionalParameter.Tag.SAR_TOTAL_SEGMENTS)).isNotNull();
            assertThat(sm.getOptionalParameter(org.jsmpp.bean.OptionalParameter.Tag.SAR_MSG_REF_NUM)).isNotNull();
            joined.append(new String(sm.getShortMessage(), StandardCharsets.UTF_16BE));
        }
        assertThat(joined.toString()).isEqualTo(longText);
    }

    @Test
    void aBulkRequestOfAThousandRecipientsWithVariables() throws Exception {
        router = new Router(config(0, null).build()).start();
        ObjectNode body = JSON.createObjectNode();
        body.put("from", "Shop");
        body.put("text", "Hello {name}, your order {order} is ready");
        body.putObject("vars").put("order", "A-1");
        ArrayNode to = body.putArray("to");
        for (int i = 0; i < 1000; i++) {
            ObjectNode o = to.addObject();
            o.put("to", String.valueOf(79160000000L + i));
            o.putObject("vars").put("name", "N" + i);
        }
        to.add("12ab"); // malformed: fails alone
        JsonNode r = send(body.toString(), 202);
        assertThat(r.isArray()).isTrue();
        assertThat(r.size()).isEqualTo(1001);
        for (int i = 0; i < 1000; i++) {
            assertThat(r.get(i).get("status").asText()).as("entry %d: %s", i, r.get(i)).isEqualTo("ACCEPTED");
        }
        assertThat(r.get(1000).get("error").get("code").asText()).isEqualTo("invalid_number");
        // distinct numbers: a submit_sm sent again after a response timeout on a busy machine counts once
        await().atMost(Duration.ofSeconds(60)).until(() ->
                smsc.received().stream().map(SubmitSm::getDestAddress).distinct().count() == 1000);
        Set<String> texts = new HashSet<>();
        for (SubmitSm sm : smsc.received()) {
            String n = sm.getDestAddress();
            assertThat(text(sm)).isEqualTo("Hello N" + (Long.parseLong(n) - 79160000000L)
                    + ", your order A-1 is ready");
            texts.add(text(sm));
        }
        assertThat(texts).hasSize(1000);
    }

    @Test
    void everyErrorOfTheTableFromARealRequest() throws Exception {
        router = new Router(config(1, null).build()).start();
        assertError(call("POST", "/api/v1/messages", "Bearer wrong", "{}"), 401, "unauthorized");
        assertError(call("POST", "/api/v1/messages", null, "{}"), 401, "unauthorized");
        assertError(call("POST", "/api/v1/messages", KEY, "{not json"), 400, "bad_json");
        assertError(call("POST", "/api/v1/messages", KEY, "{\"from\":\"Shop\",\"text\":\"hi\"}"), 400,
                "missing_field");
        assertError(call("POST", "/api/v1/messages", KEY, "{\"from\":\"Shop\",\"to\":\"12ab\",\"text\":\"hi\"}"),
                400, "invalid_number");
        assertError(call("POST", "/api/v1/messages", KEY,
                "{\"from\":\"AVeryLongSenderName\",\"to\":\"79161234567\",\"text\":\"hi\"}"), 400, "invalid_sender");
        assertError(call("POST", "/api/v1/messages", KEY,
                "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"hi\",\"scheduleAt\":\"tomorrow\"}"), 400,
                "invalid_schedule");
        assertError(call("POST", "/api/v1/messages", KEY,
                "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"Hi {name\",\"vars\":{}}"), 400,
                "template_error");
        assertError(call("POST", "/api/v1/messages", KEY,
                "{\"from\":\"Shop\",\"to\":\"79161234567\",\"template\":\"nope\"}"), 404, "unknown_template");
        assertError(call("POST", "/api/v1/messages", "Bearer k-picky",
                "{\"from\":\"Other\",\"to\":\"79161234567\",\"text\":\"hi\"}"), 403, "sender_not_allowed");
        assertError(call("GET", "/api/v1/messages/123", KEY, null), 404, "not_found");
        assertError(call("GET", "/api/v1/messages/abc", KEY, null), 400, "bad_request");
        assertError(call("PUT", "/api/v1/messages/123", KEY, "{}"), 405, "method_not_allowed");
        String many = "{\"from\":\"Shop\",\"text\":\"hi\",\"to\":[" + "\"79161234567\",".repeat(2000)
                + "\"79161234567\"]}";
        assertError(call("POST", "/api/v1/messages", KEY, many), 413, "too_many_recipients");

        // tps 1: the second in the same second is refused with Retry-After
        HttpResponse<String> last = null;
        for (int i = 0; i < 5; i++) {
            last = call("POST", "/api/v1/messages", KEY, "{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"t\"}");
            if (last.statusCode() == 429) {
                break;
            }
        }
        assertError(last, 429, "throttled");
        assertThat(last.headers().firstValue("Retry-After")).hasValue("1");
    }

    private static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as("status, body %s", r.body()).isEqualTo(status);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo(code);
        assertThat(e.get("message").asText()).isNotEmpty();
    }

    @Test
    void templatesAreStoredAndRenderedPerRecipient() throws Exception {
        router = new Router(config(0, null).build()).start();
        HttpResponse<String> put = call("PUT", "/api/v1/templates/order", KEY,
                "{\"text\":\"{name}, {n | plural:\\\"товар\\\",\\\"товара\\\",\\\"товаров\\\"} ждут вас\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        HttpResponse<String> bad = call("PUT", "/api/v1/templates/broken", KEY, "{\"text\":\"{if x}open\"}");
        assertError(bad, 400, "template_error");
        assertThat(JSON.readTree(bad.body()).get("error").get("message").asText()).contains("broken");

        send("{\"from\":\"Shop\",\"template\":\"order\",\"to\":[{\"to\":\"79161234567\",\"vars\":{\"name\":\"Анна\","
                + "\"n\":5}},{\"to\":\"79161234568\",\"vars\":{\"name\":\"Иван\",\"n\":2}}]}", 202);
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() == 2);
        Set<String> texts = new HashSet<>();
        smsc.received().forEach(sm -> texts.add(text(sm)));
        assertThat(texts).containsExactlyInAnyOrder("Анна, 5 товаров ждут вас", "Иван, 2 товара ждут вас");
    }

    @Test
    void aScheduledMessageWaitsSurvivesARestartAndGoesOutOnTime() throws Exception {
        router = new Router(config(0, null).build()).start();
        String at = OffsetDateTime.now(ZoneOffset.ofHours(3)).plusSeconds(4).toString();
        JsonNode r = send("{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"later\",\"scheduleAt\":\"" + at + "\"}",
                202);
        assertThat(r.get("status").asText()).isEqualTo("SCHEDULED");
        String id = r.get("id").asText();
        JsonNode cancelMe = send("{\"from\":\"Shop\",\"to\":\"79161234568\",\"text\":\"never\",\"scheduleAt\":\""
                + at + "\"}", 202);
        assertThat(status(id).get("scheduledFor").asText()).isNotEmpty();
        HttpResponse<String> del = call("DELETE", "/api/v1/messages/" + cancelMe.get("id").asText(), KEY, null);
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        assertThat(JSON.readTree(del.body()).get("status").asText()).isEqualTo("CANCELLED");

        router.close();
        router = new Router(config(0, null).build()).start();
        assertThat(status(id).get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(smsc.received()).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() == 1);
        assertThat(text(smsc.received().get(0))).isEqualTo("later");
        assertThat(smsc.received().get(0).getScheduleDeliveryTime()).as("the router waited itself").isNull();
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).get("status").asText().equals("DELIVERED"));
        assertThat(status(cancelMe.get("id").asText()).get("status").asText()).isEqualTo("CANCELLED");
        Thread.sleep(500);
        assertThat(smsc.received()).hasSize(1);
    }

    @Test
    void aHeldLongTextIsApprovedAsAWholeWhenTheModeratorApprovesOnePart() throws Exception {
        router = new Router(config(0, null).build()).start();
        String longText = "Сегодня скидки на всё! ".repeat(6); // 138 UCS-2 units: 3 parts
        HttpResponse<String> r = call("POST", "/api/v1/messages", "Bearer k-manual",
                JSON.writeValueAsString(java.util.Map.of("from", "Shop", "to", "79161234567", "text", longText)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode sent = JSON.readTree(r.body());
        assertThat(sent.get("status").asText()).isEqualTo("HELD");
        assertThat(sent.get("parts").asInt()).isEqualTo(3);
        String id = sent.get("id").asText();
        HttpResponse<String> status = call("GET", "/api/v1/messages/" + id, "Bearer k-manual", null);
        assertThat(JSON.readTree(status.body()).get("status").asText()).isEqualTo("HELD");

        HttpResponse<String> approve = call("POST", "/api/v1/moderation/" + id + "/approve",
                "Bearer " + io.smsrouter.server.config.AdminConfig.DEFAULT_TOKEN, "{\"moderator\":\"ann\"}");
        assertThat(approve.statusCode()).as(approve.body()).isEqualTo(200);
        assertThat(JSON.readTree(approve.body()).get("count").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.received().size() == 3);
        StringBuilder joined = new StringBuilder();
        smsc.received().stream().sorted(java.util.Comparator.comparingInt(sm -> sm.getShortMessage()[5]))
                .forEach(sm -> joined.append(text(sm)));
        assertThat(joined.toString()).isEqualTo(longText);
        await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(call("GET", "/api/v1/messages/" + id,
                "Bearer k-manual", null).body()).get("status").asText().equals("DELIVERED"));
        JsonNode history = JSON.readTree(call("GET", "/api/v1/messages/" + id, "Bearer k-manual", null).body())
                .get("history");
        assertThat(history.findValuesAsText("event")).containsSubsequence("accepted", "held", "approved",
                "submitted", "delivered");
    }

    @Test
    void anOtpCodeOvertakesAPromoBacklogOnTheOperatorBind() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        router = new Router(ItConfig.journal(dir.resolve("journal")).operatorAt(smsc.port()).operatorTps(200)
                .account(new AccountConfig("bulk", "bulkpw", "k-bulk", "none", 0, 4, List.of(), null, "promo"))
                .account(new AccountConfig("otp", "otppw", "k-otp", "none", 0, 4, List.of(), null, "otp"))
                .account(new AccountConfig("shop2", "shoppw", "k-shop2", "none", 0, 4, List.of(), null,
                        "transactional"))
                .build()).start();
        ObjectNode body = JSON.createObjectNode();
        body.put("from", "Promo");
        body.put("text", "Big sale today");
        ArrayNode to = body.putArray("to");
        for (int i = 0; i < 1000; i++) {
            to.add(String.valueOf(79160000000L + i));
        }
        HttpResponse<String> bulk = call("POST", "/api/v1/messages", "Bearer k-bulk", body.toString());
        assertThat(bulk.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.received().size() >= 50);

        HttpResponse<String> otp = call("POST", "/api/v1/messages", "Bearer k-otp",
                "{\"from\":\"Bank\",\"to\":\"79990000001\",\"text\":\"Code 1234\"}");
        assertThat(otp.statusCode()).isEqualTo(202);
        HttpResponse<String> asked = call("POST", "/api/v1/messages", "Bearer k-shop2",
                "{\"from\":\"Shop\",\"to\":\"79990000002\",\"text\":\"Code 5678\",\"category\":\"otp\"}");
        assertThat(asked.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.received().stream()
                .filter(sm -> sm.getDestAddress().startsWith("7999")).count() == 2);
        int arrivedAt = smsc.received().size();
        // at 200 msg/s the promo backlog takes 5 s; the codes went out within a window or two of it
        assertThat(arrivedAt).as("messages at the operator when both codes had arrived").isLessThan(400);
        assertThat(smsc.received().stream().filter(sm -> sm.getDestAddress().startsWith("7916")).count())
                .isLessThan(1000);
    }

    @Test
    void optOutsByApiAndByAStopReplyRefuseLaterSendsButNotExemptOtp() throws Exception {
        router = new Router(ItConfig.journal(dir.resolve("journal"))
                .operatorAt((smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD)).port())
                .account(new AccountConfig("api", "apipw", "k-api-1", "none", 0, 4, List.of("Shop", "Deals"), null))
                .account(new AccountConfig("otp", "otppw", "k-otp", "none", 0, 4, List.of(), null, "otp"))
                .build()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() > 0);

        // by the API: this account, sender Shop only
        HttpResponse<String> add = call("POST", "/api/v1/optouts", KEY, "{\"msisdn\":\"+79161110001\",\"sender\":\"Shop\"}");
        assertThat(add.statusCode()).as(add.body()).isEqualTo(201);
        assertError(call("POST", "/api/v1/messages", KEY, "{\"from\":\"Shop\",\"to\":\"79161110001\",\"text\":\"hi\"}"),
                403, "opted_out");
        send("{\"from\":\"Deals\",\"to\":\"79161110001\",\"text\":\"other sender\"}", 202);

        // by a reply: the subscriber answers STOP to Deals
        smsc.sendMo("79161110002", "Deals", "Стоп");
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(call("GET", "/api/v1/optouts?msisdn=79161110002",
                KEY, null).body()).get("items").size() == 1);
        JsonNode entry = JSON.readTree(call("GET", "/api/v1/optouts?msisdn=79161110002", KEY, null).body())
                .get("items").get(0);
        assertThat(entry.get("sender").asText()).isEqualTo("deals");
        assertThat(entry.get("source").asText()).isEqualTo("mo:СТОП");
        assertError(call("POST", "/api/v1/messages", KEY, "{\"from\":\"Deals\",\"to\":\"79161110002\",\"text\":\"x\"}"),
                403, "opted_out");
        smsc.sendMo("79161110003", "Deals", "Don't stop me now"); // not an opt-out

        // global, by the admin: nobody may send, except an OTP code (exempt by default)
        HttpResponse<String> global = call("POST", "/api/v1/optouts",
                "Bearer " + io.smsrouter.server.config.AdminConfig.DEFAULT_TOKEN, "{\"msisdn\":\"79161110004\"}");
        assertThat(global.statusCode()).as(global.body()).isEqualTo(201);
        assertError(call("POST", "/api/v1/messages", KEY, "{\"from\":\"Shop\",\"to\":\"79161110004\",\"text\":\"x\"}"),
                403, "opted_out");
        HttpResponse<String> otp = call("POST", "/api/v1/messages", "Bearer k-otp",
                "{\"from\":\"Bank\",\"to\":\"79161110004\",\"text\":\"Code 1234\"}");
        assertThat(otp.statusCode()).as(otp.body()).isEqualTo(202);

        // everything survives a restart; then the API opt-out is withdrawn
        router.close();
        router = new Router(ItConfig.journal(dir.resolve("journal")).operatorAt(smsc.port())
                .account(new AccountConfig("api", "apipw", "k-api-1", "none", 0, 4, List.of("Shop", "Deals"), null))
                .build()).start();
        assertError(call("POST", "/api/v1/messages", KEY, "{\"from\":\"Deals\",\"to\":\"79161110002\",\"text\":\"x\"}"),
                403, "opted_out");
        assertThat(JSON.readTree(call("GET", "/api/v1/optouts?msisdn=79161110003", KEY, null).body()).get("items"))
                .isEmpty();
        HttpResponse<String> del = call("DELETE", "/api/v1/optouts/79161110001?sender=Shop", KEY, null);
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        send("{\"from\":\"Shop\",\"to\":\"79161110001\",\"text\":\"welcome back\"}", 202);
        assertError(call("DELETE", "/api/v1/optouts/79161110001?sender=Shop", KEY, null), 404, "not_found");
        assertError(call("POST", "/api/v1/optouts", "Bearer nope", "{\"msisdn\":\"79161110001\"}"), 401, "unauthorized");
        assertError(call("POST", "/api/v1/optouts", KEY, "{\"msisdn\":\"abc\"}"), 400, "invalid_number");
    }

    @Test
    void aCallbackReceiverThatFailsTwiceGetsTheFinalStateOnTheThirdAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> bodies = new CopyOnWriteArrayList<>();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/dlr", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = calls.incrementAndGet() <= 2 ? 500 : 204;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/dlr";
        router = new Router(config(0, url).build()).start();
        String id = send("{\"from\":\"Shop\",\"to\":\"79161234567\",\"text\":\"with callback\"}", 202)
                .get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 3);
        Thread.sleep(300);
        assertThat(calls.get()).isEqualTo(3);
        JsonNode last = JSON.readTree(bodies.get(2));
        assertThat(last.get("id").asText()).isEqualTo(id);
        assertThat(last.get("status").asText()).isEqualTo("DELIVERED");
        JsonNode cb = status(id).get("callback");
        assertThat(cb.get("url").asText()).isEqualTo(url);
        assertThat(cb.get("attempts").findValuesAsText("event"))
                .containsExactly("callback_failed", "callback_failed", "callback");
    }
}
