package io.smsrouter.smpp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import io.netty.buffer.Unpooled;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.BindRespPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.MultiDestination;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.QuerySmRespPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.SubmitMultiPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jsmpp.util.DefaultDecomposer;
import org.junit.jupiter.api.Test;

/**
 * Hand-written SMPP 3.4 PDUs (src/test/resources/.../smpp34-vectors.txt) decode to the expected fields
 * and encode back to the same bytes.
 */
class SpecVectorTest {

    /** Decodes, checks that re-encoding gives the vector's bytes, and returns the PDU. */
    private static <T extends Pdu> T roundTrip(String name, Class<T> type) throws Exception {
        byte[] bytes = Wire.vector(name);
        Pdu pdu = Wire.decode(bytes);
        assertThat(pdu).isInstanceOf(type);
        assertThat(Wire.hex(Wire.encode(pdu))).as("re-encoded " + name).isEqualTo(Wire.hex(bytes));
        return type.cast(pdu);
    }

    @Test
    void shouldDecodeBindTransmitterVectorAndEncodeItBack() throws Exception {
        BindPdu bind = roundTrip("bind_transmitter", BindPdu.class);

        assertThat(bind.commandId()).isEqualTo(CommandId.BIND_TRANSMITTER);
        assertThat(bind.sequenceNumber()).isEqualTo(1);
        assertThat(bind.systemId()).isEqualTo("SMPP3TEST");
        assertThat(bind.password()).isEqualTo("secret08");
        assertThat(bind.systemType()).isEqualTo("SUBMIT1");
        assertThat(bind.interfaceVersion()).isEqualTo(0x34);
        assertThat(bind.addrTon()).isEqualTo(1);
        assertThat(bind.addrNpi()).isEqualTo(1);
        assertThat(bind.addressRange()).isEmpty();
        assertThat(bind.tlvs()).isEmpty();
    }

    @Test
    void shouldDecodeBindTransceiverRespVectorWithScInterfaceVersion() throws Exception {
        BindRespPdu resp = roundTrip("bind_transceiver_resp", BindRespPdu.class);

        assertThat(resp.commandId()).isEqualTo(CommandId.BIND_TRANSCEIVER_RESP);
        assertThat(resp.systemId()).isEqualTo("RouterSMSC");
        assertThat(resp.tlv(TlvTag.SC_INTERFACE_VERSION).asUnsigned()).isEqualTo(0x34);
    }

    @Test
    void shouldDecodeSubmitSmVectorWithStandardAndVendorTlvs() throws Exception {
        SmPdu submit = roundTrip("submit_sm", SmPdu.class);

        assertThat(submit.commandId()).isEqualTo(CommandId.SUBMIT_SM);
        assertThat(submit.sequenceNumber()).isEqualTo(2);
        assertThat(submit.serviceType()).isEmpty();
        assertThat(submit.sourceAddrTon()).isEqualTo(5);
        assertThat(submit.sourceAddrNpi()).isZero();
        assertThat(submit.sourceAddr()).isEqualTo("Router");
        assertThat(submit.destAddrTon()).isEqualTo(1);
        assertThat(submit.destAddrNpi()).isEqualTo(1);
        assertThat(submit.destinationAddr()).isEqualTo("447700900123");
        assertThat(submit.esmClass()).isZero();
        assertThat(submit.protocolId()).isZero();
        assertThat(submit.priorityFlag()).isZero();
        assertThat(submit.scheduleDeliveryTime()).isEmpty();
        assertThat(submit.validityPeriod()).isEqualTo("000001000000000R");
        assertThat(submit.registeredDelivery()).isEqualTo(1);
        assertThat(submit.replaceIfPresentFlag()).isZero();
        assertThat(submit.dataCoding()).isZero();
        assertThat(submit.smDefaultMsgId()).isZero();
        assertThat(new String(submit.shortMessage(), StandardCharsets.ISO_8859_1)).isEqualTo("Hello");
        assertThat(submit.tlvs()).containsExactly(
                Tlv.ofShort(TlvTag.USER_MESSAGE_REFERENCE, 0x42),
                new Tlv((short) 0x1400, new byte[] {'A', 'B', 'C'}));
    }

    @Test
    void shouldDecodeSubmitSmRespVector() throws Exception {
        MessageIdRespPdu resp = roundTrip("submit_sm_resp", MessageIdRespPdu.class);

        assertThat(resp.commandId()).isEqualTo(CommandId.SUBMIT_SM_RESP);
        assertThat(resp.commandStatus()).isEqualTo(CommandStatus.ESME_ROK);
        assertThat(resp.messageId()).isEqualTo("ABC123");
    }

    @Test
    void shouldDecodeErrorSubmitSmRespWithoutBodyAndWriteItWithoutBody() throws Exception {
        MessageIdRespPdu resp = roundTrip("submit_sm_resp_error_without_body", MessageIdRespPdu.class);

        assertThat(resp.commandStatus()).isEqualTo(CommandStatus.ESME_RSUBMITFAIL);
        assertThat(resp.sequenceNumber()).isEqualTo(10);
        assertThat(resp.messageId()).isEmpty();
    }

    @Test
    void shouldDecodeDeliveryReceiptVectorWithReceiptedMessageIdAndMessageState() throws Exception {
        SmPdu deliver = roundTrip("deliver_sm_receipt", SmPdu.class);

        assertThat(deliver.commandId()).isEqualTo(CommandId.DELIVER_SM);
        assertThat(deliver.sequenceNumber()).isEqualTo(3);
        assertThat(deliver.sourceAddr()).isEqualTo("447700900123");
        assertThat(deliver.destAddrTon()).isEqualTo(5);
        assertThat(deliver.destinationAddr()).isEqualTo("Router");
        assertThat(deliver.esmClass()).isEqualTo(0x04);
        assertThat(new String(deliver.shortMessage(), StandardCharsets.ISO_8859_1))
                .isEqualTo("id:ABC123 sub:001 dlvrd:001 submit date:2611241030 done date:2611241031"
                        + " stat:DELIVRD err:000 text:Hello");
        assertThat(deliver.tlv(TlvTag.RECEIPTED_MESSAGE_ID).asCString()).isEqualTo("ABC123");
        assertThat(deliver.tlv(TlvTag.MESSAGE_STATE).asUnsigned()).isEqualTo(2);
    }

    @Test
    void shouldDecodeDeliverSmRespVectorWithNullMessageId() throws Exception {
        MessageIdRespPdu resp = roundTrip("deliver_sm_resp", MessageIdRespPdu.class);

        assertThat(resp.commandId()).isEqualTo(CommandId.DELIVER_SM_RESP);
        assertThat(resp.messageId()).isEmpty();
    }

    @Test
    void shouldDecodeSubmitMultiVectorWithSmeAndDistributionListDestinations() throws Exception {
        SubmitMultiPdu multi = roundTrip("submit_multi", SubmitMultiPdu.class);

        assertThat(multi.sequenceNumber()).isEqualTo(4);
        assertThat(multi.sourceAddr()).isEqualTo("12345");
        assertThat(multi.destinations()).containsExactly(
                MultiDestination.sme(1, 1, "447700900001"),
                MultiDestination.distributionList("friends"));
        assertThat(new String(multi.shortMessage(), StandardCharsets.ISO_8859_1)).isEqualTo("Hi");
    }

    @Test
    void shouldDecodeQuerySmRespVector() throws Exception {
        QuerySmRespPdu resp = roundTrip("query_sm_resp", QuerySmRespPdu.class);

        assertThat(resp.messageId()).isEqualTo("ABC123");
        assertThat(resp.finalDate()).isEqualTo("261124103100000+");
        assertThat(resp.messageState()).isEqualTo(2);
        assertThat(resp.errorCode()).isZero();
    }

    @Test
    void shouldDecodeEnquireLinkVector() throws Exception {
        HeaderOnlyPdu link = roundTrip("enquire_link", HeaderOnlyPdu.class);

        assertThat(link.commandId()).isEqualTo(CommandId.ENQUIRE_LINK);
        assertThat(link.sequenceNumber()).isEqualTo(7);
    }

    @Test
    void shouldDecodeGenericNackVector() throws Exception {
        HeaderOnlyPdu nack = roundTrip("generic_nack", HeaderOnlyPdu.class);

        assertThat(nack.isResponse()).isTrue();
        assertThat(nack.commandStatus()).isEqualTo(CommandStatus.ESME_RINVCMDID);
        assertThat(nack.sequenceNumber()).isEqualTo(9);
        assertThat(Wire.encode(Pdu.genericNack(CommandStatus.ESME_RINVCMDID, 9))).isEqualTo(Wire.vector("generic_nack"));
    }

    /** Guards the hand-written vectors themselves: an implementation we did not write must accept them. */
    @Test
    void shouldHaveVectorsThatIndependentImplementationsAccept() throws Exception {
        DefaultPduTranscoder cloudhopper = new DefaultPduTranscoder(new DefaultPduTranscoderContext());
        for (Map.Entry<String, byte[]> v : Wire.allVectors().entrySet()) {
            byte[] bytes = v.getValue();
            assertThat(Unpooled.wrappedBuffer(bytes).getInt(0)).as("command_length of " + v.getKey())
                    .isEqualTo(bytes.length);
            if (v.getKey().equals("submit_multi")) {
                // cloudhopper-smpp has no submit_multi
                org.jsmpp.bean.SubmitMulti multi = new DefaultDecomposer().submitMulti(bytes);
                assertThat(multi.getDestAddresses()).hasSize(2);
                assertThat(multi.getShortMessage()).isEqualTo("Hi".getBytes(StandardCharsets.US_ASCII));
            } else {
                com.cloudhopper.smpp.pdu.Pdu pdu = cloudhopper.decode(Unpooled.wrappedBuffer(bytes));
                assertThat(pdu).as(v.getKey()).isNotNull();
                assertThat(pdu.getCommandLength()).isEqualTo(bytes.length);
                assertThat(pdu.getSequenceNumber()).isEqualTo(Wire.decode(bytes).sequenceNumber());
            }
        }
    }
}
