package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.type.Address;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.RouterConfig;
import io.smsrouter.smpp.pdu.CommandStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consent for advertising end to end: an account with {@code requireConsent} (promo traffic)
 * binds with cloudhopper's client and calls the HTTP API; jsmpp's server is the operator. A promo
 * message to a number without consent is refused with {@code ROUTER_RNOCONSENT} / 403
 * {@code no_consent} and never reaches the operator; with a consent it does; after the withdrawal
 * it is refused again and the number is opted out; an OTP message goes throughout. Consents
 * survive a restart on the same journal.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADS_KEY = "Bearer k-ads";
    private static final String ADMIN = "Bearer " + io.smsrouter.server.config.AdminConfig.DEFAULT_TOKEN;
    private static final String NUMBER = "79161230001";

    @TempDir
    Path journal;
    private JsmppSmsc smsc;
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
        if (smsc != null) {
            smsc.close();
        }
    }

    private RouterConfig config() {
        return ItConfig.journal(journal).operatorAt(smsc.port())
                .account(new AccountConfig("ads", "adspw", "k-ads", "none", 0, 4, List.of(), null, "promo", null, 0,
                        null, null, List.of(), null, true))
                .build();
    }

    private void start() throws Exception {
        router = new Router(config()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> router.operators().get(0).boundCount() == 1);
    }

    /** A submit_sm of the ads account; priority_flag 0 is its class (promo), 3 an OTP code. */
    private static int submit(ChSession s, String to, int priorityFlag, String text) throws Exception {
        SubmitSm sm = new SubmitSm();
        sm.setSourceAddress(new Address((byte) 5, (byte) 0, "Shop"));
        sm.setDestAddress(new Address((byte) 1, (byte) 1, to));
        sm.setPriority((byte) priorityFlag);
        sm.setDataCoding(SmppConstants.DATA_CODING_DEFAULT);
        sm.setShortMessage(text.getBytes(StandardCharsets.ISO_8859_1));
        SubmitSmResp resp = s.session().submit(sm, 10_000);
        return resp.getCommandStatus();
    }

    private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpAddress().getPort()
                + path)).timeout(Duration.ofSeconds(30)).header("Authorization", key);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> r, int expectedStatus) throws Exception {
        assertThat(r.statusCode()).as("%s: %s", r.request().uri(), r.body()).isEqualTo(expectedStatus);
        return JSON.readTree(r.body());
    }

    private long receivedTo(String to, String text) {
        return smsc.received().stream().filter(sm -> sm.getDestAddress().equals(to)
                && new String(sm.getShortMessage(), StandardCharsets.ISO_8859_1).equals(text)).count();
    }

    @Test
    void shouldRefusePromoOverSmppWithoutConsentSendItWithConsentAndRefuseItAfterTheWithdrawal() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        start();
        client = new ChClient();
        ChSession s = client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "ads", "adspw", 10);

        assertThat(submit(s, NUMBER, 0, "Sale 1")).as("no consent").isEqualTo(CommandStatus.ROUTER_RNOCONSENT)
                .isEqualTo(0x413);
        assertThat(submit(s, NUMBER, 3, "Code 1111")).as("an OTP code needs none").isZero();

        JsonNode given = json(call("POST", "/api/v1/consents", ADS_KEY, "{\"msisdn\":\"+" + NUMBER
                + "\",\"source\":\"web\",\"evidence\":\"signup form 8f2c\",\"givenAt\":\"2026-11-20T14:05:00+03:00\"}"),
                201);
        assertThat(given.get("inForce").asBoolean()).isTrue();
        assertThat(given.get("msisdn").asText()).isEqualTo(NUMBER);
        assertThat(given.get("givenAt").asText()).isEqualTo("2026-11-20T11:05:00Z");

        assertThat(submit(s, NUMBER, 0, "Sale 2")).as("with consent").isZero();
        assertThat(submit(s, "79161230002", 0, "Sale 2")).as("another number").isEqualTo(0x413);

        JsonNode withdrawn = json(call("DELETE", "/api/v1/consents/" + NUMBER + "?source=call&evidence=ticket%2017",
                ADS_KEY, null), 200);
        JsonNode w = withdrawn.get("withdrawals").get(0);
        assertThat(w.get("type").asText()).isEqualTo("withdrawal");
        assertThat(w.get("hadConsent").asBoolean()).isTrue();
        assertThat(w.get("optedOut").asBoolean()).isTrue();
        assertThat(w.get("evidence").asText()).isEqualTo("ticket 17");

        assertThat(submit(s, NUMBER, 0, "Sale 3")).as("withdrawn: opted out").isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
        assertThat(submit(s, NUMBER, 3, "Code 2222")).as("OTP is exempt from opt-outs").isZero();
        JsonNode optOuts = json(call("GET", "/api/v1/optouts?msisdn=" + NUMBER, ADS_KEY, null), 200);
        assertThat(optOuts.get("items").get(0).get("source").asText()).isEqualTo("consent");
        assertThat(optOuts.get("items").get(0).get("scope").asText()).isEqualTo("account");

        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.submitCount() == 3);
        assertThat(receivedTo(NUMBER, "Sale 2")).as("the one promo message with consent").isEqualTo(1);
        assertThat(receivedTo(NUMBER, "Code 1111") + receivedTo(NUMBER, "Code 2222")).isEqualTo(2);
        assertThat(receivedTo(NUMBER, "Sale 1") + receivedTo(NUMBER, "Sale 3")).isZero();
        assertThat(router.engine().noConsentRefusalCount()).isEqualTo(2);

        JsonNode history = json(call("GET", "/api/v1/consents/" + NUMBER, ADS_KEY, null), 200)
                .get("accounts").get(0);
        assertThat(history.get("account").asText()).isEqualTo("ads");
        assertThat(history.get("inForce").get("anySender").asBoolean()).isFalse();
        assertThat(history.get("history")).extracting(n -> n.get("type").asText())
                .containsExactly("consent", "withdrawal");
        assertThat(history.get("history").get(0).get("evidence").asText()).isEqualTo("signup form 8f2c");

        // signing up again lifts the opt-out the withdrawal made
        JsonNode again = json(call("POST", "/api/v1/consents", ADS_KEY, "{\"msisdn\":\"" + NUMBER
                + "\",\"source\":\"sms\"}"), 201);
        assertThat(again.get("optOutsLifted")).hasSize(1);
        assertThat(submit(s, NUMBER, 0, "Sale 4")).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedTo(NUMBER, "Sale 4") == 1);
    }

    @Test
    void shouldRefusePromoOverHttpWith403NoConsentUntilConsentIsGiven() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        start();
        String promo = "{\"from\":\"Shop\",\"to\":\"" + NUMBER + "\",\"text\":\"Black Friday\"}";
        JsonNode refused = json(call("POST", "/api/v1/messages", ADS_KEY, promo), 403);
        assertThat(refused.get("error").get("code").asText()).isEqualTo("no_consent");
        assertThat(json(call("POST", "/api/v1/messages", ADS_KEY, "{\"from\":\"Shop\",\"to\":\"" + NUMBER
                + "\",\"text\":\"Your order shipped\",\"category\":\"transactional\"}"), 202).get("id")).isNotNull();

        // the admin records it for the account, for one sender name
        json(call("POST", "/api/v1/consents", ADMIN, "{\"msisdn\":\"" + NUMBER + "\",\"account\":\"ads\","
                + "\"sender\":\"Shop\",\"source\":\"paper\",\"evidence\":\"contract 12/7\"}"), 201);
        assertThat(json(call("POST", "/api/v1/messages", ADS_KEY, promo), 202).get("id")).isNotNull();
        JsonNode otherSender = json(call("POST", "/api/v1/messages", ADS_KEY,
                "{\"from\":\"Deals\",\"to\":\"" + NUMBER + "\",\"text\":\"Black Friday\"}"), 403);
        assertThat(otherSender.get("error").get("code").asText()).isEqualTo("no_consent");

        json(call("DELETE", "/api/v1/consents/" + NUMBER + "?sender=SHOP", ADS_KEY, null), 200);
        JsonNode after = json(call("POST", "/api/v1/messages", ADS_KEY, promo), 403);
        assertThat(after.get("error").get("code").asText()).isEqualTo("opted_out");
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedTo(NUMBER, "Black Friday") == 1);
        assertThat(receivedTo(NUMBER, "Your order shipped")).isEqualTo(1);
    }

    @Test
    void shouldSendACampaignOnlyToTheRecipientsWhoConsented() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        start();
        json(call("POST", "/api/v1/consents", ADS_KEY, "{\"msisdn\":\"" + NUMBER + "\",\"source\":\"web\"}"), 201);
        json(call("POST", "/api/v1/consents", ADS_KEY, "{\"msisdn\":\"79161230002\",\"source\":\"web\"}"), 201);
        json(call("DELETE", "/api/v1/consents/79161230002", ADS_KEY, null), 200);
        String id = json(call("POST", "/api/v1/campaigns", ADS_KEY, "{\"name\":\"bf\",\"from\":\"Shop\","
                + "\"text\":\"Black Friday -30%\",\"recipients\":[\"" + NUMBER + "\",\"79161230002\","
                + "\"79161230003\"]}"), 201).get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> json(call("GET", "/api/v1/campaigns/" + id, ADS_KEY, null),
                200).get("status").asText().equals("DONE"));
        JsonNode report = json(call("GET", "/api/v1/campaigns/" + id, ADS_KEY, null), 200);
        assertThat(report.get("states").get("REFUSED").asInt()).as("withdrawn and never asked: %s", report)
                .isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedTo(NUMBER, "Black Friday -30%") == 1);
        assertThat(smsc.received()).extracting(sm -> sm.getDestAddress()).containsExactly(NUMBER);
        String csv = call("GET", "/api/v1/campaigns/" + id + "/recipients.csv", ADS_KEY, null).body();
        assertThat(csv).contains("79161230003").contains("REFUSED");
    }

    @Test
    void shouldKeepConsentsAndWithdrawalsAcrossARestartOnTheSameJournal() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        start();
        json(call("POST", "/api/v1/consents", ADS_KEY, "{\"msisdn\":\"" + NUMBER + "\",\"source\":\"web\"}"), 201);
        json(call("POST", "/api/v1/consents", ADS_KEY, "{\"msisdn\":\"79161230002\",\"source\":\"call\"}"), 201);
        json(call("DELETE", "/api/v1/consents/79161230002", ADS_KEY, null), 200);
        router.close();
        router = null;

        start();
        client = new ChClient();
        ChSession s = client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "ads", "adspw", 10);
        assertThat(submit(s, NUMBER, 0, "After restart")).as("consent kept").isZero();
        assertThat(submit(s, "79161230002", 0, "After restart")).as("withdrawal and opt-out kept")
                .isEqualTo(CommandStatus.ROUTER_ROPTEDOUT);
        assertThat(submit(s, "79161230003", 0, "After restart")).isEqualTo(CommandStatus.ROUTER_RNOCONSENT);
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedTo(NUMBER, "After restart") == 1);
        JsonNode h = json(call("GET", "/api/v1/consents/79161230002", ADS_KEY, null), 200).get("accounts").get(0);
        assertThat(h.get("history")).extracting(n -> n.get("entry").asLong()).containsExactly(2L, 3L);
        JsonNode next = json(call("POST", "/api/v1/consents", ADS_KEY, "{\"msisdn\":\"79161230003\",\"source\":"
                + "\"other\"}"), 201);
        assertThat(next.get("entry").asLong()).as("entry numbers go on").isEqualTo(4);
    }
}
