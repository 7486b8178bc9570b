package io.smsrouter.server.it;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.pdu.CancelSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.ReplaceSm;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.type.Address;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.AdminConfig;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prepaid balances end to end: a real router in-process, cloudhopper as the SMPP client,
 * java.net.http for the HTTP API (messages, balance, top-ups, moderation), the in-process
 * simulator, jsmpp's SMSC or a closed port as the operator. Every price is 2.50 a segment to
 * numbers starting with 7; nothing prices numbers starting with 1. Figures are compared as the
 * decimal strings the API gives: exact.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BillingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "Bearer " + AdminConfig.DEFAULT_TOKEN;
    private static final String PRICES = """
            # account,operator,prefix,price
            *,*,7,2.50
            """;
    private static final String TO = "79161234567";
    private static final String UNPRICED = "15551234567";
    private static final Duration SETTLED = Duration.ofSeconds(60);

    /** One account's figures as GET /api/v1/balance gives them. */
    record Figures(String balance, String reserved, String spent, String initial, String topUps) {
        static Figures of(JsonNode n) {
            return new Figures(n.get("balance").asText(), n.get("reserved").asText(), n.get("spent").asText(),
                    n.get("initial").asText(), n.get("topUps").asText());
        }

        /** balance + reserved + spent == initial + topUps, exactly. */
        boolean balanced() {
            return Amounts.parse(balance) + Amounts.parse(reserved) + Amounts.parse(spent)
                    == Amounts.parse(initial) + Amounts.parse(topUps);
        }
    }

    @TempDir
    Path dir;
    private Path prices;
    private Router router;
    private ChClient client;
    private RefusingSmsc smsc;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws IOException {
        prices = dir.resolve("prices.csv");
        Files.writeString(prices, PRICES);
    }

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

    /** A billed account: password {@code <id>pw}, API key {@code k-<id>}. */
    private static AccountConfig billed(String id, String moderation, String balance) {
        return new AccountConfig(id, id + "pw", "k-" + id, moderation, 0, 4, List.of(), null, null,
                Amounts.parse(balance), 0, null);
    }

    private ItConfig config(String journal) {
        return ItConfig.journal(dir.resolve(journal)).billing(prices, false);
    }

    private static Router start(ItConfig c) throws InterruptedException {
        return new Router(c.build()).start();
    }

    private ChSession bind(String account) throws Exception {
        if (client == null) {
            client = new ChClient();
        }
        return client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, account, account + "pw", 10);
    }

    // ---- SMPP helpers ----

    private static SubmitSm text(String destination, String text) throws Exception {
        SubmitSm sm = new SubmitSm();
        sm.setSourceAddress(new Address((byte) 5, (byte) 0, "Shop"));
        sm.setDestAddress(new Address((byte) 1, (byte) 1, destination));
        sm.setRegisteredDelivery((byte) 1);
        boolean ascii = text.chars().allMatch(c -> c < 0x80);
        sm.setDataCoding(ascii ? SmppConstants.DATA_CODING_DEFAULT : SmppConstants.DATA_CODING_UCS2);
        sm.setShortMessage(text.getBytes(ascii ? StandardCharsets.US_ASCII : StandardCharsets.UTF_16BE));
        return sm;
    }

    private static SubmitSmResp submit(ChSession s, SubmitSm sm) throws Exception {
        return s.session().submit(sm, 10_000);
    }

    /** One submit_sm that must be accepted; its router id. */
    private static String accepted(ChSession s, SubmitSm sm) throws Exception {
        SubmitSmResp r = submit(s, sm);
        assertThat(r.getCommandStatus()).as("submit_sm_resp status (0x%x)", r.getCommandStatus()).isZero();
        return r.getMessageId();
    }

    private static String accepted(ChSession s, String destination, String text) throws Exception {
        return accepted(s, text(destination, text));
    }

    private static int status(ChSession s, String destination, String text) throws Exception {
        return submit(s, text(destination, text)).getCommandStatus();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int request(ChSession s, PduRequest pdu) throws Exception {
        WindowFuture<Integer, PduRequest, PduResponse> f = s.session().sendRequestPdu(pdu, 10_000, true);
        if (!f.await() || !f.isSuccess()) {
            throw new AssertionError(pdu.getName() + " not answered: " + f.getCause());
        }
        return f.getResponse().getCommandStatus();
    }

    private static void awaitReceipt(ChSession s, String id, String stat) {
        await().atMost(SETTLED).untilAsserted(() -> assertThat(s.receiptFor(id)).as("receipt for %s", id).isNotNull());
        assertThat(s.receiptFor(id).stat()).as("stat of %s's receipt", id).isEqualTo(stat);
    }

    private static String ascii(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }

    // ---- HTTP helpers ----

    private HttpResponse<String> call(String method, String path, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpAddress().getPort()
                + path)).timeout(Duration.ofSeconds(30));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode call(String method, String path, String auth, String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = call(method, path, auth, body);
        assertThat(r.statusCode()).as("%s %s %s: %s", method, path, body == null ? "" : body, r.body())
                .isEqualTo(expectedStatus);
        return JSON.readTree(r.body());
    }

    private static String errorCode(JsonNode n) {
        return n.path("error").path("code").asText();
    }

    /** The account's figures, read with the admin token. */
    private Figures figures(String account) throws Exception {
        return Figures.of(call("GET", "/api/v1/balance?account=" + account, ADMIN, null, 200));
    }

    private void awaitFigures(String account, Figures expected) {
        await().atMost(SETTLED).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(figures(account)).as("figures of %s", account).isEqualTo(expected));
    }

    private static Figures f(String balance, String reserved, String spent, String initial, String topUps) {
        return new Figures(balance, reserved, spent, initial, topUps);
    }

    private JsonNode topUp(String account, String amount, int expectedStatus) throws Exception {
        return call("POST", "/api/v1/balance/topups", ADMIN,
                "{\"account\":\"" + account + "\",\"amount\":\"" + amount + "\"}", expectedStatus);
    }

    private JsonNode send(String key, String to, String text, int expectedStatus) throws Exception {
        return call("POST", "/api/v1/messages", "Bearer " + key,
                JSON.createObjectNode().put("from", "Shop").put("to", to).put("text", text).toString(), expectedStatus);
    }

    /** A Prometheus sample of the gauge for this account. */
    private double gauge(String metrics, String name, String account) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*account=\"" + account + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertThat(m.find()).as("%s{account=%s} in /metrics", name, account).isTrue();
        return Double.parseDouble(m.group(1));
    }

    // ---- tests ----

    @Test
    void shouldReserveThePriceAtAcceptanceSpendItWhenTheOperatorTakesTheMessageAndRefuseWhatTheBalanceCannotCover()
            throws Exception {
        router = start(config("journal").withSimulator().account(billed("billed", "none", "10.00")));
        assertThat(figures("billed")).isEqualTo(f("10.00", "0.00", "0.00", "10.00", "0.00"));
        ChSession s = bind("billed");

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(accepted(s, "7916000000" + i, "message " + i));
            // reserved at acceptance: whatever the operator did since, the balance is down already
            assertThat(figures("billed").balance()).as("balance after %d accepted", i + 1)
                    .isEqualTo(Amounts.format(Amounts.parse("10.00") - (i + 1) * Amounts.parse("2.50")));
        }
        assertThat(status(s, "79160000004", "one too many")).as("submit_sm_resp status with 0.00 left")
                .isEqualTo(0x411);

        for (String id : ids) {
            awaitReceipt(s, id, "DELIVRD");
        }
        awaitFigures("billed", f("0.00", "0.00", "10.00", "10.00", "0.00"));
        JsonNode own = call("GET", "/api/v1/balance", "Bearer k-billed", null, 200);
        assertThat(own.get("account").asText()).isEqualTo("billed");
        assertThat(Figures.of(own)).as("with the account's own key")
                .isEqualTo(f("0.00", "0.00", "10.00", "10.00", "0.00"));
        assertThat(router.simulator().submitCount()).as("submit_sm at the operator").isEqualTo(4);
        assertThat(s.receiptIds()).as("receipts (none for the refused one)").hasSize(4);

        String metrics = call("GET", "/metrics", null, null).body();
        assertThat(gauge(metrics, "router_balance", "billed")).isEqualTo(0.0);
        assertThat(gauge(metrics, "router_balance_reserved", "billed")).isEqualTo(0.0);
    }

    @Test
    void shouldChargeOnePricePerSegment() throws Exception {
        router = start(config("journal").withSimulator().account(billed("billed", "none", "25.00")));
        ChSession s = bind("billed");

        // three parts of one long text, each with its UDH (esm_class 0x40): one segment each
        List<String> ids = new ArrayList<>();
        for (int part = 1; part <= 3; part++) {
            SubmitSm sm = text(TO, "");
            sm.setEsmClass(SmppConstants.ESM_CLASS_UDHI_MASK);
            byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x03, (byte) part};
            byte[] body = ascii(150).getBytes(StandardCharsets.US_ASCII);
            byte[] pdu = new byte[udh.length + body.length];
            System.arraycopy(udh, 0, pdu, 0, udh.length);
            System.arraycopy(body, 0, pdu, udh.length, body.length);
            sm.setShortMessage(pdu);
            ids.add(accepted(s, sm));
        }
        assertThat(figures("billed").balance()).as("after 3 UDH parts").isEqualTo("17.50");

        // 200 GSM characters in message_payload: two segments of 153
        SubmitSm payload = text(TO, "");
        payload.addOptionalParameter(new Tlv(SmppConstants.TAG_MESSAGE_PAYLOAD,
                ascii(200).getBytes(StandardCharsets.US_ASCII)));
        ids.add(accepted(s, payload));
        assertThat(figures("billed").balance()).as("after 200 GSM characters in message_payload").isEqualTo("12.50");

        // 71 UCS-2 characters are 142 octets, over 140: two segments
        ids.add(accepted(s, TO, "Ж".repeat(71)));
        assertThat(figures("billed").balance()).as("after 71 UCS-2 characters").isEqualTo("7.50");

        // 160 GSM characters fit one SMS, 161 need two
        ids.add(accepted(s, TO, ascii(160)));
        assertThat(figures("billed").balance()).as("after 160 GSM characters").isEqualTo("5.00");
        ids.add(accepted(s, TO, ascii(161)));
        assertThat(figures("billed").balance()).as("after 161 GSM characters").isEqualTo("0.00");

        assertThat(status(s, TO, "short")).as("submit_sm_resp status with 0.00 left").isEqualTo(0x411);
        for (String id : ids) {
            awaitReceipt(s, id, "DELIVRD");
        }
        awaitFigures("billed", f("0.00", "0.00", "25.00", "25.00", "0.00"));
    }

    @Test
    void shouldAnswer402WhenTheBalanceRunsOutAndAcceptAgainAfterAnAdminTopUp() throws Exception {
        router = start(config("journal").withSimulator().account(billed("billed", "none", "5.00"))
                .account(new AccountConfig("free", "freepw", "k-free", "none", 0, 4, List.of(), null)));

        send("k-billed", TO, "first", 202);
        send("k-billed", TO, "second", 202);
        JsonNode refused = send("k-billed", TO, "third", 402);
        assertThat(errorCode(refused)).isEqualTo("insufficient_balance");
        Figures afterRefusal = figures("billed");
        assertThat(afterRefusal.balance()).isEqualTo("0.00");
        assertThat(Amounts.parse(afterRefusal.reserved()) + Amounts.parse(afterRefusal.spent()))
                .as("reserved + spent").isEqualTo(Amounts.parse("5.00"));

        // top-ups: the admin's only
        assertThat(errorCode(call("POST", "/api/v1/balance/topups", "Bearer k-billed",
                "{\"account\":\"billed\",\"amount\":\"5.00\"}", 403))).isEqualTo("forbidden");
        for (String bad : List.of("-1.00", "abc", "0", "0.0000001")) {
            assertThat(errorCode(topUp("billed", bad, 400))).as("top-up of %s", bad).isEqualTo("bad_amount");
        }
        assertThat(errorCode(topUp("nobody", "1.00", 404))).isEqualTo("unknown_account");
        assertThat(errorCode(topUp("free", "1.00", 404))).isEqualTo("not_billed");
        assertThat(figures("billed").topUps()).as("top-ups after the refused ones").isEqualTo("0.00");

        JsonNode t = topUp("billed", "2.50", 200);
        assertThat(t.get("balance").asText()).isEqualTo("2.50");
        assertThat(t.get("topUps").asText()).isEqualTo("2.50");
        assertThat(t.get("initial").asText()).isEqualTo("5.00");

        // a text of two parts needs 5.00: refused whole, nothing of it kept reserved
        assertThat(errorCode(send("k-billed", TO, ascii(200), 402))).isEqualTo("insufficient_balance");
        assertThat(figures("billed").balance()).as("after a refused two-part text").isEqualTo("2.50");

        JsonNode ok = send("k-billed", TO, "after the top-up", 202);
        assertThat(ok.get("parts").asInt()).isEqualTo(1);
        awaitFigures("billed", f("0.00", "0.00", "7.50", "5.00", "2.50"));
        await().atMost(SETTLED).until(() -> router.simulator().submitCount() == 3);

        // who may read what
        assertThat(call("GET", "/api/v1/balance", null, null).statusCode()).isEqualTo(401);
        assertThat(errorCode(call("GET", "/api/v1/balance", "Bearer k-free", null, 404))).isEqualTo("not_billed");
        assertThat(errorCode(call("GET", "/api/v1/balance?account=free", ADMIN, null, 404))).isEqualTo("not_billed");
        assertThat(errorCode(call("GET", "/api/v1/balance?account=nobody", ADMIN, null, 404)))
                .isEqualTo("unknown_account");
        JsonNode all = call("GET", "/api/v1/balance", ADMIN, null, 200);
        assertThat(all.get("items")).hasSize(1);
        assertThat(all.get("items").get(0).get("account").asText()).isEqualTo("billed");
        assertThat(Figures.of(all.get("items").get(0))).isEqualTo(f("0.00", "0.00", "7.50", "5.00", "2.50"));
    }

    @Test
    void shouldRefundMessagesTheOperatorRefuses() throws Exception {
        smsc = new RefusingSmsc("7999");
        router = start(config("journal").operatorAt(smsc.port()).account(billed("billed", "none", "10.00")));
        ChSession s = bind("billed");

        String refused1 = accepted(s, "79990000001", "refused by the operator");
        String taken = accepted(s, TO, "taken by the operator");
        String refused2 = accepted(s, "79990000002", "refused by the operator too");

        awaitReceipt(s, refused1, "UNDELIV");
        awaitReceipt(s, refused2, "UNDELIV");
        assertThat(s.receiptFor(refused1).text()).as("the operator's ESME_RINVDSTADR (0x0B) in err:")
                .contains(" err:011 ");
        assertThat(s.receiptFor(refused1).messageState()).as("message_state UNDELIVERABLE").isEqualTo(5);
        awaitFigures("billed", f("7.50", "0.00", "2.50", "10.00", "0.00"));
        assertThat(smsc.submits()).as("submit_sm at the operator (refusals are final: no retries)").isEqualTo(3);
        assertThat(smsc.accepted()).as("taken by the operator").isEqualTo(1);
        assertThat(taken).isNotEqualTo(refused1);
    }

    @Test
    void shouldRefundMessagesRejectedByAModeratorOrCancelledAndSpendApprovedOnes() throws Exception {
        router = start(config("journal").withSimulator().account(billed("held", "manual", "10.00")));
        ChSession s = bind("held");

        String rejected = accepted(s, TO, "to be rejected");
        String cancelled = accepted(s, "79161234568", "to be cancelled");
        String approved = accepted(s, "79161234569", "to be approved");
        assertThat(figures("held")).as("three held messages").isEqualTo(f("2.50", "7.50", "0.00", "10.00", "0.00"));

        call("POST", "/api/v1/moderation/" + rejected + "/reject", ADMIN,
                "{\"moderator\":\"bob\",\"reason\":\"no\"}", 200);
        awaitReceipt(s, rejected, "REJECTD");
        assertThat(figures("held")).as("after the reject").isEqualTo(f("5.00", "5.00", "0.00", "10.00", "0.00"));

        CancelSm c = new CancelSm();
        c.setMessageId(cancelled);
        c.setSourceAddress(new Address((byte) 5, (byte) 0, "Shop"));
        c.setDestAddress(new Address((byte) 1, (byte) 1, "79161234568"));
        assertThat(request(s, c)).as("cancel_sm_resp status").isZero();
        assertThat(figures("held")).as("after the cancel").isEqualTo(f("7.50", "2.50", "0.00", "10.00", "0.00"));

        call("POST", "/api/v1/moderation/" + approved + "/approve", ADMIN, "{\"moderator\":\"alice\"}", 200);
        awaitReceipt(s, approved, "DELIVRD");
        awaitFigures("held", f("7.50", "0.00", "2.50", "10.00", "0.00"));
        assertThat(router.simulator().submitCount()).as("submit_sm at the operator").isEqualTo(1);
    }

    @Test
    void shouldChargeAReplacedMessageForTheSegmentsItHasAfterTheReplace() throws Exception {
        router = start(config("journal").withSimulator().account(billed("held", "manual", "10.00")));
        ChSession s = bind("held");
        String id = accepted(s, TO, "one segment");
        assertThat(figures("held").reserved()).isEqualTo("2.50");

        // replace_sm of the held message with a text of two segments (161 GSM characters)
        ReplaceSm r = new ReplaceSm();
        r.setMessageId(id);
        r.setSourceAddress(new Address((byte) 5, (byte) 0, "Shop"));
        r.setRegisteredDelivery((byte) 1);
        r.setShortMessage(ascii(161).getBytes(StandardCharsets.US_ASCII));
        int replaced = request(s, r);
        assertThat(replaced).as("replace_sm_resp status").isIn(0, SmppConstants.STATUS_REPLACEFAIL);

        call("POST", "/api/v1/moderation/" + id + "/approve", ADMIN, "{\"moderator\":\"alice\"}", 200);
        awaitReceipt(s, id, "DELIVRD");
        // the account pays for what the operator was sent: two segments if the replace was taken,
        // else the one it had (a router may refuse a replace that changes the price); the price is
        // settled when the operator answers, before its receipt can reach the client
        assertThat(figures("held")).as("figures after the receipt (replace_sm_resp status %d, submit_sm at the"
                + " operator %d)", replaced, router.simulator().submitCount()).isEqualTo(replaced == 0
                ? f("5.00", "0.00", "5.00", "10.00", "0.00")
                : f("7.50", "0.00", "2.50", "10.00", "0.00"));
    }

    @Test
    void shouldRefuseWithRNOPRICEWhenNoPriceRowCoversTheDestination() throws Exception {
        router = start(config("journal").withSimulator().account(billed("billed", "none", "10.00")));
        ChSession s = bind("billed");

        assertThat(status(s, UNPRICED, "nobody prices this")).as("submit_sm_resp status").isEqualTo(0x412);
        assertThat(errorCode(send("k-billed", UNPRICED, "nobody prices this", 403))).isEqualTo("no_price");
        assertThat(figures("billed")).isEqualTo(f("10.00", "0.00", "0.00", "10.00", "0.00"));

        // an account without a balance is not billed, so it needs no price
        ChSession free = client.bindTransceiver(router.smppAddress());
        assertThat(status(free, UNPRICED, "not billed")).as("submit_sm_resp status of an unbilled account").isZero();
        // and the billed one still sends where a price applies
        String id = accepted(s, TO, "priced");
        awaitReceipt(s, id, "DELIVRD");
        awaitFigures("billed", f("7.50", "0.00", "2.50", "10.00", "0.00"));
    }

    @Test
    void shouldRefundUndeliveredMessagesWhenRefundUndeliveredIsOn() throws Exception {
        router = start(ItConfig.journal(dir.resolve("journal")).billing(prices, true).withSimulator()
                .simulatorReceipts(0, 100, 0).account(billed("billed", "none", "10.00")));
        ChSession s = bind("billed");
        String a = accepted(s, TO, "undeliverable 1");
        String b = accepted(s, "79161234568", "undeliverable 2");
        awaitReceipt(s, a, "UNDELIV");
        awaitReceipt(s, b, "UNDELIV");
        awaitFigures("billed", f("10.00", "0.00", "0.00", "10.00", "0.00"));
        assertThat(router.simulator().submitCount()).isEqualTo(2);
    }

    @Test
    void shouldSpendUndeliveredMessagesWhenRefundUndeliveredIsOff() throws Exception {
        router = start(config("journal").withSimulator().simulatorReceipts(0, 100, 0)
                .account(billed("billed", "none", "10.00")));
        ChSession s = bind("billed");
        String a = accepted(s, TO, "undeliverable 1");
        String b = accepted(s, "79161234568", "undeliverable 2");
        awaitReceipt(s, a, "UNDELIV");
        awaitReceipt(s, b, "UNDELIV");
        awaitFigures("billed", f("5.00", "0.00", "5.00", "10.00", "0.00"));
    }

    @Test
    void shouldBringBackTheExactFiguresAfterARestartTopUpsAndReservationsIncluded() throws Exception {
        ItConfig cfg = config("journal").withSimulator().account(billed("billed", "none", "10.00"))
                .account(billed("held", "manual", "10.00"));
        router = start(cfg);
        ChSession s = bind("billed");
        awaitReceipt(s, accepted(s, TO, "one"), "DELIVRD");
        awaitReceipt(s, accepted(s, TO, "two"), "DELIVRD");
        awaitFigures("billed", f("5.00", "0.00", "5.00", "10.00", "0.00"));
        topUp("billed", "7.25", 200);
        topUp("billed", "0.000001", 200);
        ChSession h = bind("held");
        String held = accepted(h, TO, "waits for a moderator");
        Figures billedBefore = figures("billed");
        Figures heldBefore = figures("held");
        assertThat(billedBefore).isEqualTo(f("12.250001", "0.00", "5.00", "10.00", "7.250001"));
        assertThat(heldBefore).isEqualTo(f("7.50", "2.50", "0.00", "10.00", "0.00"));

        client.close();
        client = null;
        router.close();
        router = start(cfg);
        assertThat(figures("billed")).as("billed after the restart").isEqualTo(billedBefore);
        assertThat(figures("held")).as("held after the restart").isEqualTo(heldBefore);

        // what was reserved before is still the message's: a reject now returns it
        call("POST", "/api/v1/moderation/" + held + "/reject", ADMIN, "{\"moderator\":\"bob\"}", 200);
        assertThat(figures("held")).as("held after the reject").isEqualTo(f("10.00", "0.00", "0.00", "10.00", "0.00"));
        s = bind("billed");
        awaitReceipt(s, accepted(s, TO, "three"), "DELIVRD");
        awaitFigures("billed", f("9.750001", "0.00", "7.50", "10.00", "7.250001"));

        client.close();
        client = null;
        router.close();
        router = start(cfg);
        assertThat(figures("billed")).as("billed after the second restart")
                .isEqualTo(f("9.750001", "0.00", "7.50", "10.00", "7.250001"));
        assertThat(figures("held")).as("held after the second restart")
                .isEqualTo(f("10.00", "0.00", "0.00", "10.00", "0.00"));
    }

    @Test
    void shouldKeepPricesReservedWhileTheOperatorIsDownAcrossARestartAndSpendThemWhenItTakesTheMessages()
            throws Exception {
        router = start(config("journal").operatorAt(closedPort()).account(billed("billed", "none", "10.00")));
        ChSession s = bind("billed");
        for (int i = 0; i < 4; i++) {
            accepted(s, "7916000000" + i, "while the operator is down " + i);
        }
        assertThat(status(s, TO, "one too many")).as("submit_sm_resp status: all 10.00 reserved").isEqualTo(0x411);
        assertThat(figures("billed")).isEqualTo(f("0.00", "10.00", "0.00", "10.00", "0.00"));

        client.close();
        client = null;
        router.close();
        router = start(config("journal").operatorAt(closedPort()).account(billed("billed", "none", "10.00")));
        assertThat(figures("billed")).as("after a restart, the operator still down")
                .isEqualTo(f("0.00", "10.00", "0.00", "10.00", "0.00"));
        s = bind("billed");
        assertThat(status(s, TO, "one too many")).as("submit_sm_resp status after the restart").isEqualTo(0x411);

        client.close();
        client = null;
        router.close();
        router = start(config("journal").withSimulator().account(billed("billed", "none", "10.00")));
        awaitFigures("billed", f("0.00", "0.00", "10.00", "10.00", "0.00"));
        assertThat(router.simulator().submitCount()).isEqualTo(4);
    }

    /**
     * The invariant holds for every reading, not only at rest: two clients send 8,000 messages
     * (each reserved, then spent as the simulator takes it) while an admin tops up 0.01 at a time
     * and four readers fetch the figures as fast as they can.
     */
    @Test
    void shouldKeepTheFiguresBalancedForEveryReaderUnderTraffic() throws Exception {
        router = start(config("journal").withSimulator().account(billed("billed", "none", "1000000.00")));
        client = new ChClient();
        List<ChSession> sessions = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sessions.add(client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "billed", "billedpw", 50));
        }
        int perSession = 4_000;
        int readers = 4;
        List<Figures> unbalanced = new CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger topUps = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(sessions.size() + readers + 1);
        List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
        try {
            for (ChSession s : sessions) {
                tasks.add(pool.submit(() -> {
                    s.submitAsync(perSession, 1);
                    return null;
                }));
            }
            for (int i = 0; i < readers; i++) {
                tasks.add(pool.submit(() -> {
                    while (sending.get()) {
                        Figures f = figures("billed");
                        reads.incrementAndGet();
                        if (!f.balanced()) {
                            unbalanced.add(f);
                        }
                    }
                    return null;
                }));
            }
            tasks.add(pool.submit(() -> {
                while (sending.get()) {
                    topUp("billed", "0.01", 200);
                    topUps.incrementAndGet();
                }
                return null;
            }));
            await().atMost(Duration.ofMinutes(2)).until(() -> sessions.stream()
                    .allMatch(s -> s.answeredCount() + s.expiredCount() == perSession));
            await().atMost(SETTLED).until(() -> Amounts.parse(figures("billed").reserved()) == 0);
            sending.set(false);
            for (java.util.concurrent.Future<?> t : tasks) {
                t.get(30, TimeUnit.SECONDS);
            }
        } finally {
            sending.set(false);
            pool.shutdownNow();
        }
        for (ChSession s : sessions) {
            assertThat(s.okIds()).as("accepted").hasSize(perSession);
        }
        assertThat(unbalanced).as("readings (of %d) where balance + reserved + spent != initial + topUps",
                reads.get()).isEmpty();
        long spent = 2L * perSession * Amounts.parse("2.50");
        long added = topUps.get() * Amounts.parse("0.01");
        assertThat(figures("billed")).isEqualTo(f(Amounts.format(Amounts.parse("1000000.00") + added - spent),
                "0.00", Amounts.format(spent), "1000000.00", Amounts.format(added)));
    }

    /** A loopback port nothing listens on (connections to it are refused). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ItConfig.HOST))) {
            return s.getLocalPort();
        }
    }

    /**
     * An operator SMSC on jsmpp's server side that refuses, for good, every submit_sm to a number
     * starting with {@code refusedPrefix} (ESME_RINVDSTADR, 0x0B) and takes the rest, sending no
     * receipts.
     */
    static final class RefusingSmsc implements AutoCloseable {
        private final String refusedPrefix;
        private final ServerSocket socket;
        private final SMPPServerSessionListener listener;
        private final ExecutorService binds = Executors.newCachedThreadPool();
        private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
        private final AtomicInteger submits = new AtomicInteger();
        private final AtomicInteger accepted = new AtomicInteger();
        private volatile boolean running = true;

        RefusingSmsc(String refusedPrefix) throws IOException {
            this.refusedPrefix = refusedPrefix;
            this.socket = new ServerSocket(0, 50, InetAddress.getByName(ItConfig.HOST));
            ServerSocket s = socket;
            this.listener = new SMPPServerSessionListener(0, new ServerConnectionFactory() {
                @Override
                public ServerConnection listen(int port) {
                    return new ServerSocketConnection(s);
                }

                @Override
                public ServerConnection listen(int port, int timeout) {
                    return new ServerSocketConnection(s);
                }

                @Override
                public ServerConnection listen(int port, int timeout, int backlog) {
                    return new ServerSocketConnection(s);
                }
            });
            listener.setMessageReceiverListener(new Receiver());
            Thread acceptor = new Thread(this::acceptLoop, "refusing-smsc-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int submits() {
            return submits.get();
        }

        int accepted() {
            return accepted.get();
        }

        private void acceptLoop() {
            while (running) {
                try {
                    SMPPServerSession session = listener.accept();
                    sessions.add(session);
                    binds.execute(() -> bind(session));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void bind(SMPPServerSession s) {
            try {
                BindRequest req = s.waitForBind(5_000);
                if (ItConfig.OPERATOR_SYSTEM_ID.equals(req.getSystemId())
                        && ItConfig.OPERATOR_PASSWORD.equals(req.getPassword())) {
                    req.accept("refusing", InterfaceVersion.IF_34);
                } else {
                    req.reject(SMPPConstant.STAT_ESME_RINVPASWD);
                }
            } catch (Exception e) {
                s.close();
            }
        }

        @Override
        public void close() {
            running = false;
            for (SMPPServerSession s : sessions) {
                s.unbindAndClose();
            }
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            binds.shutdownNow();
        }

        private final class Receiver implements ServerMessageReceiverListener {
            @Override
            public SubmitSmResult onAcceptSubmitSm(org.jsmpp.bean.SubmitSm sm, SMPPServerSession source)
                    throws ProcessRequestException {
                int n = submits.incrementAndGet();
                if (sm.getDestAddress().startsWith(refusedPrefix)) {
                    throw new ProcessRequestException("no such subscriber", SMPPConstant.STAT_ESME_RINVDSTADR);
                }
                accepted.incrementAndGet();
                try {
                    return new SubmitSmResult(new MessageId("R" + n), new OptionalParameter[0]);
                } catch (org.jsmpp.PDUStringException e) {
                    throw new ProcessRequestException(e.toString(), SMPPConstant.STAT_ESME_RSYSERR, e);
                }
            }

            @Override
            public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti sm, SMPPServerSession source)
                    throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }

            @Override
            public QuerySmResult onAcceptQuerySm(QuerySm q, SMPPServerSession source) throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }

            @Override
            public void onAcceptReplaceSm(org.jsmpp.bean.ReplaceSm r, SMPPServerSession source)
                    throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }

            @Override
            public void onAcceptCancelSm(org.jsmpp.bean.CancelSm c, SMPPServerSession source)
                    throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }

            @Override
            public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm b, SMPPServerSession source)
                    throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }

            @Override
            public void onAcceptCancelBroadcastSm(CancelBroadcastSm c, SMPPServerSession source)
                    throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }

            @Override
            public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm q, SMPPServerSession source)
                    throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm d, Session source) throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }
        }
    }
}
