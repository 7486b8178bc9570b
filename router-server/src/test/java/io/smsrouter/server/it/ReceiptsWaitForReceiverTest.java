package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import io.smsrouter.server.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Receipts go to a receiver or transceiver bind of the account, never to a transmitter; with no
 * such bind they wait, and all go out when a receiver binds. Only messages that asked for a
 * receipt get one.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReceiptsWaitForReceiverTest {
    private static final int WITH_RECEIPT = 50;

    @TempDir
    Path journal;
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

    @Test
    void shouldHoldReceiptsUntilAReceiverBindsThenDeliverThemAll() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        client = new ChClient();
        ChSession transmitter = client.bind(router.smppAddress(), SmppBindType.TRANSMITTER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);

        transmitter.submitAsync(WITH_RECEIPT, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(transmitter.answeredCount() + transmitter.expiredCount()).isEqualTo(WITH_RECEIPT));
        assertThat(transmitter.failures()).isEmpty();
        Set<String> wanted = new HashSet<>(transmitter.okIds());
        assertThat(wanted).hasSize(WITH_RECEIPT);
        // registered_delivery 0 (none) and 2 (on failure only, and these are delivered): no receipt to the client
        Set<String> unwanted = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            for (int rd : new int[]{0, 2}) {
                SubmitSmResp resp = transmitter.submit(rd);
                assertThat(resp.getCommandStatus()).isZero();
                unwanted.add(resp.getMessageId());
            }
        }

        int all = WITH_RECEIPT + unwanted.size();
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(router.simulator().receiptsSent()).as("operator receipts").isEqualTo(all);
            assertThat(router.engine().receiptsInCount()).isEqualTo(all);
            assertThat(router.engine().clients().pendingCount(ItConfig.ACCOUNT)).as("receipts waiting for a receiver")
                    .isEqualTo(WITH_RECEIPT);
        });
        assertThat(transmitter.deliverSmCount()).as("deliver_sm sent to a transmitter bind").isZero();
        assertThat(router.engine().receiptsOutCount()).isZero();

        ChSession receiver = client.bind(router.smppAddress(), SmppBindType.RECEIVER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(receiver.deliverSmCount()).isGreaterThanOrEqualTo(WITH_RECEIPT);
            assertThat(router.engine().receiptsOutCount()).isEqualTo(WITH_RECEIPT);
            assertThat(router.engine().clients().pendingCount(ItConfig.ACCOUNT)).isZero();
        });
        Receipts.assertOneReceiptPerId(receiver.deliverSms(), wanted);
        assertThat(transmitter.deliverSmCount()).isZero();
    }

    @Test
    void shouldResendReceiptsThatAReceiverTookButNeverAcknowledged() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().build()).start();
        client = new ChClient();
        ChSession transmitter = client.bind(router.smppAddress(), SmppBindType.TRANSMITTER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        transmitter.submitAsync(WITH_RECEIPT, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(transmitter.okCount()).isEqualTo(WITH_RECEIPT));
        Set<String> wanted = new HashSet<>(transmitter.okIds());
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                assertThat(router.engine().clients().pendingCount(ItConfig.ACCOUNT)).isEqualTo(WITH_RECEIPT));

        // a receiver that reads every receipt, answers none, and goes away
        try (RawSmpp silent = new RawSmpp(router.smppAddress())) {
            RawSmpp.Pdu bound = silent.bind(RawSmpp.BIND_RECEIVER, ItConfig.ACCOUNT, ItConfig.PASSWORD, 1);
            assertThat(bound.status()).isZero();
            Set<Integer> sequences = new HashSet<>();
            while (sequences.size() < WITH_RECEIPT) {
                RawSmpp.Pdu p = silent.readSkippingKeepalive();
                assertThat(p).as("deliver_sm %d", sequences.size() + 1).isNotNull();
                if (p.commandId() == RawSmpp.DELIVER_SM) {
                    sequences.add(p.sequence());
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(router.engine().clients().bindCount(ItConfig.ACCOUNT)).isEqualTo(1);
            assertThat(router.engine().clients().pendingCount(ItConfig.ACCOUNT)).as("receipts waiting again")
                    .isEqualTo(WITH_RECEIPT);
        });
        assertThat(router.engine().receiptsOutCount()).as("receipts acknowledged by a client").isZero();

        ChSession receiver = client.bind(router.smppAddress(), SmppBindType.RECEIVER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 10);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(receiver.deliverSmCount()).isGreaterThanOrEqualTo(WITH_RECEIPT);
            assertThat(router.engine().receiptsOutCount()).isEqualTo(WITH_RECEIPT);
        });
        Receipts.assertOneReceiptPerId(receiver.deliverSms(), wanted);
    }
}
