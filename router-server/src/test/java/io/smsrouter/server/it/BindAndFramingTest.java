package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import io.smsrouter.server.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Authentication and session state (SPEC §3): refused binds carry the documented status, requests
 * before a bind are refused, and what cannot be parsed gets generic_nack with the offending
 * sequence number, the session going on unless the framing itself is lost.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BindAndFramingTest {
    private static final int ESME_RINVCMDLEN = 0x02;
    private static final int ESME_RINVCMDID = 0x03;
    private static final int ESME_RINVBNDSTS = 0x04;
    private static final int ESME_RBINDFAIL = 0x0D;
    private static final int ESME_RINVPASWD = 0x0E;
    private static final int ESME_RINVSYSID = 0x0F;
    private static final int MAX_PDU = 1024;

    @TempDir
    Path journal;
    private Router router;
    private ChClient client;

    @BeforeEach
    void start() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().account("small", "smallpw", 2)
                .maxPduLength(MAX_PDU).build()).start();
        client = new ChClient();
    }

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
    void shouldRefuseWrongPasswordWithInvalidPassword() throws Exception {
        assertThat(client.bindFailureStatus(router.smppAddress(), SmppBindType.TRANSCEIVER, ItConfig.ACCOUNT, "wrong"))
                .isEqualTo(ESME_RINVPASWD);
        assertThat(client.bindFailureStatus(router.smppAddress(), SmppBindType.TRANSMITTER, ItConfig.ACCOUNT, ""))
                .isEqualTo(ESME_RINVPASWD);
    }

    @Test
    void shouldRefuseUnknownSystemIdWithInvalidSystemId() throws Exception {
        assertThat(client.bindFailureStatus(router.smppAddress(), SmppBindType.RECEIVER, "nobody", ItConfig.PASSWORD))
                .isEqualTo(ESME_RINVSYSID);
    }

    @Test
    void shouldRefuseBindBeyondMaxBindsAndFreeTheSlotWhenOneUnbinds() throws Exception {
        ChSession first = client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "small", "smallpw", 1);
        client.bind(router.smppAddress(), SmppBindType.TRANSMITTER, "small", "smallpw", 1);

        assertThat(client.bindFailureStatus(router.smppAddress(), SmppBindType.RECEIVER, "small", "smallpw"))
                .isEqualTo(ESME_RBINDFAIL);
        // another account is not affected by this one's limit
        client.bindTransceiver(router.smppAddress());

        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> router.engine().clients().bindCount("small") == 1);
        ChSession again = client.bind(router.smppAddress(), SmppBindType.RECEIVER, "small", "smallpw", 1);
        assertThat(again.session().isBound()).isTrue();
    }

    @Test
    void shouldRefuseSubmitBeforeBindWithInvalidBindStatus() throws Exception {
        try (RawSmpp raw = new RawSmpp(router.smppAddress())) {
            raw.send(RawSmpp.submitSmPdu(7, "too early"));
            RawSmpp.Pdu resp = raw.readSkippingKeepalive();
            assertThat(resp).isNotNull();
            assertThat(resp.commandId()).isEqualTo(RawSmpp.SUBMIT_SM_RESP);
            assertThat(resp.sequence()).isEqualTo(7);
            assertThat(resp.status()).isEqualTo(ESME_RINVBNDSTS);

            // the connection is still usable: the bind that should have come first works
            RawSmpp.Pdu bound = raw.bindTransceiver(ItConfig.ACCOUNT, ItConfig.PASSWORD, 8);
            assertThat(bound.commandId()).isEqualTo(RawSmpp.BIND_TRANSCEIVER_RESP);
            assertThat(bound.status()).isZero();
        }
        assertThat(router.engine().acceptedCount()).isZero();
    }

    @Test
    void shouldRefuseSubmitOnReceiverBindWithInvalidBindStatus() throws Exception {
        try (RawSmpp raw = new RawSmpp(router.smppAddress())) {
            RawSmpp.Pdu bound = raw.bind(RawSmpp.BIND_RECEIVER, ItConfig.ACCOUNT, ItConfig.PASSWORD, 1);
            assertThat(bound.commandId()).isEqualTo(RawSmpp.BIND_RECEIVER_RESP);
            assertThat(bound.status()).isZero();
            raw.send(RawSmpp.submitSmPdu(2, "receivers do not submit"));
            RawSmpp.Pdu resp = raw.readSkippingKeepalive();
            assertThat(resp.commandId()).isEqualTo(RawSmpp.SUBMIT_SM_RESP);
            assertThat(resp.sequence()).isEqualTo(2);
            assertThat(resp.status()).isEqualTo(ESME_RINVBNDSTS);
        }
        assertThat(router.engine().acceptedCount()).isZero();
    }

    @Test
    void shouldNackUnknownCommandWithItsSequenceAndGoOn() throws Exception {
        try (RawSmpp raw = boundRaw()) {
            raw.send(RawSmpp.header(0x00000077, 0, 41, new byte[]{1, 2, 3, 4}));
            RawSmpp.Pdu nack = raw.readSkippingKeepalive();
            assertThat(nack).isNotNull();
            assertThat(nack.commandId()).isEqualTo(RawSmpp.GENERIC_NACK);
            assertThat(nack.sequence()).isEqualTo(41);
            assertThat(nack.status()).isEqualTo(ESME_RINVCMDID);

            assertSubmitWorks(raw, 42);
        }
    }

    @Test
    void shouldNackSubmitWhoseBodyEndsEarlyWithItsSequenceAndGoOn() throws Exception {
        // service_type, source ton/npi, then source_addr with no terminating NUL and nothing after it
        byte[] truncated = new RawSmpp.Body().cstring("").octet(5).octet(0).raw("Sho".getBytes()).bytes();
        try (RawSmpp raw = boundRaw()) {
            raw.send(RawSmpp.header(RawSmpp.SUBMIT_SM, 0, 51, truncated));
            RawSmpp.Pdu nack = raw.readSkippingKeepalive();
            assertThat(nack).isNotNull();
            assertThat(nack.commandId()).as("%s", nack).isEqualTo(RawSmpp.GENERIC_NACK);
            assertThat(nack.sequence()).isEqualTo(51);
            assertThat(nack.status()).isNotZero();

            assertSubmitWorks(raw, 52);
        }
        assertThat(router.engine().acceptedCount()).isEqualTo(1);
    }

    @Test
    void shouldNackCommandLengthBelowHeaderAndClose() throws Exception {
        try (RawSmpp raw = boundRaw()) {
            raw.send(ByteBuffer.allocate(16).putInt(8).putInt(RawSmpp.SUBMIT_SM).putInt(0).putInt(61).array());
            List<RawSmpp.Pdu> before = raw.readUntilClosed();
            assertThat(before).as("PDUs before the close").isNotEmpty();
            RawSmpp.Pdu nack = before.get(0);
            assertThat(nack.commandId()).as("%s", nack).isEqualTo(RawSmpp.GENERIC_NACK);
            assertThat(nack.status()).isEqualTo(ESME_RINVCMDLEN);
            // after the nack at most an unbind: nothing else is answered on a stream that lost its framing
            assertThat(before.subList(1, before.size())).allSatisfy(p ->
                    assertThat(p.commandId()).isEqualTo(RawSmpp.UNBIND));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> router.engine().clients().bindCount(ItConfig.ACCOUNT) == 0);
    }

    @Test
    void shouldNackOverlongPduWithItsSequenceAndGoOn() throws Exception {
        int length = MAX_PDU + 500;
        ByteBuffer big = ByteBuffer.allocate(length);
        big.putInt(length).putInt(RawSmpp.SUBMIT_SM).putInt(0).putInt(71);
        // the body of the oversized PDU is all sent, and must be skipped, not read as PDUs
        while (big.hasRemaining()) {
            big.put((byte) 0x15);
        }
        try (RawSmpp raw = boundRaw()) {
            raw.send(big.array());
            RawSmpp.Pdu nack = raw.readSkippingKeepalive();
            assertThat(nack).isNotNull();
            assertThat(nack.commandId()).as("%s", nack).isEqualTo(RawSmpp.GENERIC_NACK);
            assertThat(nack.sequence()).isEqualTo(71);
            assertThat(nack.status()).isEqualTo(ESME_RINVCMDLEN);

            assertSubmitWorks(raw, 72);
        }
    }

    private RawSmpp boundRaw() throws Exception {
        RawSmpp raw = new RawSmpp(router.smppAddress());
        RawSmpp.Pdu resp = raw.bindTransceiver(ItConfig.ACCOUNT, ItConfig.PASSWORD, 1);
        assertThat(resp.commandId()).isEqualTo(RawSmpp.BIND_TRANSCEIVER_RESP);
        assertThat(resp.status()).isZero();
        return raw;
    }

    private static void assertSubmitWorks(RawSmpp raw, int seq) throws Exception {
        raw.send(RawSmpp.submitSmPdu(seq, "still here"));
        RawSmpp.Pdu resp = raw.readSkippingKeepalive();
        assertThat(resp).as("submit_sm_resp").isNotNull();
        assertThat(resp.commandId()).as("%s", resp).isEqualTo(RawSmpp.SUBMIT_SM_RESP);
        assertThat(resp.sequence()).isEqualTo(seq);
        assertThat(resp.status()).isZero();
        assertThat(resp.firstCString()).as("message_id").isNotEmpty();
    }
}
