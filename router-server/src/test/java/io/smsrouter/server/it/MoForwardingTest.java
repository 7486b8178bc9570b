package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.DeliverSm;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscribers' messages (MO deliver_sm from an operator, here jsmpp's SMSC) reach the account
 * that lists the number or name they answer among its senders, over SMPP (cloudhopper's client),
 * and wait in the journal, across a restart, while the account has no receiver bind.
 */
class MoForwardingTest {
    @TempDir
    Path dir;

    private Router router;
    private JsmppSmsc smsc;
    private ChClient client;

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

    private Router start(int smscPort) throws Exception {
        return new Router(ItConfig.journal(dir.resolve("journal")).operatorAt(smscPort)
                .account(new AccountConfig("deals", "dealspw", null, "none", 0, 4, List.of("Deals", "4455"), null))
                .account(new AccountConfig("other", "otherpw", null, "none", 0, 4, List.of("Other"), null))
                .build()).start();
    }

    private static String text(DeliverSm d) {
        return new String(d.getShortMessage(), d.getDataCoding() == 8 ? StandardCharsets.UTF_16BE
                : StandardCharsets.ISO_8859_1);
    }

    @Test
    void aReplyGoesToTheAccountThatOwnsTheSenderItAnswers() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        router = start(smsc.port());
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() > 0);
        client = new ChClient();
        ChSession deals = client.bind(router.smppAddress(), SmppBindType.RECEIVER, "deals", "dealspw", 10);
        ChSession other = client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "other", "otherpw", 10);

        smsc.sendMo("79161110003", "Deals", "Привет, когда доставка?");
        smsc.sendMo("79161110004", "Nobody", "lost in space");
        await().atMost(Duration.ofSeconds(10)).until(() -> deals.rawDeliverSms().size() == 1);
        DeliverSm d = deals.rawDeliverSms().get(0);
        assertThat(d.getEsmClass() & 0x3C).as("a message, not a receipt").isZero();
        assertThat(d.getSourceAddress().getAddress()).isEqualTo("79161110003");
        assertThat(d.getDestAddress().getAddress()).isEqualTo("Deals");
        assertThat(d.getDataCoding()).isEqualTo((byte) 8);
        assertThat(text(d)).isEqualTo("Привет, когда доставка?");
        await().atMost(Duration.ofSeconds(10)).until(() -> router.engine().moUnroutedCount() == 1);
        assertThat(other.rawDeliverSms()).as("not the other account's").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> router.engine().receiptsOutCount() == 1);
    }

    @Test
    void anAccountWithAnMoUrlGetsTheReplyAsJsonRetriedUntilTaken() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<String> bodies = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/mo", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int n = calls.incrementAndGet();
            if (n > 1) { // the first attempt fails: the router must try again
                bodies.add(new String(body, StandardCharsets.UTF_8));
            }
            ex.sendResponseHeaders(n > 1 ? 200 : 503, -1);
            ex.close();
        });
        receiver.start();
        try {
            smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
            router = new Router(ItConfig.journal(dir.resolve("journal")).operatorAt(smsc.port())
                    .account(new AccountConfig("crm", "crmpw", null, "none", 0, 4, List.of("Bank"), null,
                            "transactional", null, 0, null,
                            "http://127.0.0.1:" + receiver.getAddress().getPort() + "/mo"))
                    .build()).start();
            await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() > 0);
            smsc.sendMo("79161110006", "Bank", "Да, подтверждаю");
            String body = bodies.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(body).as("posted after a failed first attempt").isNotNull();
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            assertThat(json.get("type").asText()).isEqualTo("mo");
            assertThat(json.get("account").asText()).isEqualTo("crm");
            assertThat(json.get("from").asText()).isEqualTo("79161110006");
            assertThat(json.get("to").asText()).isEqualTo("Bank");
            assertThat(json.get("text").asText()).isEqualTo("Да, подтверждаю");
            await().atMost(Duration.ofSeconds(10)).until(() -> router.engine().receiptsOutCount() == 1);
            assertThat(calls.get()).isEqualTo(2);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aReplyWaitsForAReceiverAcrossARestart() throws Exception {
        smsc = new JsmppSmsc(ItConfig.OPERATOR_SYSTEM_ID, ItConfig.OPERATOR_PASSWORD);
        router = start(smsc.port());
        await().atMost(Duration.ofSeconds(20)).until(() -> router.operators().get(0).boundCount() > 0);
        smsc.sendMo("79161110005", "4455", "STOP");
        await().atMost(Duration.ofSeconds(10)).until(() -> router.engine().moReceivedCount() == 1);
        assertThat(router.engine().clients().pendingCount("deals")).isEqualTo(1);
        router.close();

        router = start(smsc.port());
        client = new ChClient();
        ChSession deals = client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "deals", "dealspw", 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> deals.rawDeliverSms().size() == 1);
        assertThat(text(deals.rawDeliverSms().get(0))).isEqualTo("STOP");
        assertThat(deals.rawDeliverSms().get(0).getDestAddress().getAddress()).isEqualTo("4455");
        await().atMost(Duration.ofSeconds(10)).until(() -> router.engine().receiptsOutCount() == 1);
        // acknowledged: not delivered again after another restart
        client.close();
        client = null;
        router.close();
        router = start(smsc.port());
        client = new ChClient();
        ChSession again = client.bind(router.smppAddress(), SmppBindType.RECEIVER, "deals", "dealspw", 10);
        Thread.sleep(1_000);
        assertThat(again.rawDeliverSms()).isEmpty();
        assertThat(router.engine().clients().pendingCount("deals")).isZero();
    }
}
