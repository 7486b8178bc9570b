package io.smsrouter.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PduModelTest {

    @Test
    void shouldNameCommandIdsAsTheSpecificationDoes() {
        assertThat(CommandId.name(CommandId.SUBMIT_SM)).isEqualTo("submit_sm");
        assertThat(CommandId.name(CommandId.DATA_SM_RESP)).isEqualTo("data_sm_resp");
        assertThat(CommandId.name(CommandId.GENERIC_NACK)).isEqualTo("generic_nack");
        assertThat(CommandId.name(0x00000099)).isEqualTo("unknown(0x00000099)");
    }

    @Test
    void shouldTellResponsesByTheHighBit() {
        assertThat(CommandId.isResponse(CommandId.GENERIC_NACK)).isTrue();
        assertThat(CommandId.isResponse(CommandId.SUBMIT_SM_RESP)).isTrue();
        assertThat(CommandId.isResponse(CommandId.SUBMIT_SM)).isFalse();
        assertThat(CommandId.isResponse(CommandId.OUTBIND)).isFalse();
        assertThat(new HeaderOnlyPdu(CommandId.ENQUIRE_LINK_RESP).isResponse()).isTrue();
    }

    @Test
    void shouldNameCommandStatusesAndPrintOthersInHex() {
        assertThat(CommandStatus.name(CommandStatus.ESME_ROK)).isEqualTo("ESME_ROK");
        assertThat(CommandStatus.name(0x58)).isEqualTo("ESME_RTHROTTLED");
        assertThat(CommandStatus.name(0xC0)).isEqualTo("ESME_RINVOPTPARSTREAM");
        assertThat(CommandStatus.name(0x400)).isEqualTo("0x00000400");
        assertThat(CommandStatus.description(CommandStatus.ESME_RINVCMDLEN)).isEqualTo("Command length is invalid");
    }

    static Stream<Arguments> requestsAndResponses() {
        return Stream.of(
                Arguments.of(new BindPdu(CommandId.BIND_TRANSMITTER), BindRespPdu.class, CommandId.BIND_TRANSMITTER_RESP),
                Arguments.of(new BindPdu(CommandId.BIND_RECEIVER), BindRespPdu.class, CommandId.BIND_RECEIVER_RESP),
                Arguments.of(new BindPdu(CommandId.BIND_TRANSCEIVER), BindRespPdu.class, CommandId.BIND_TRANSCEIVER_RESP),
                Arguments.of(new HeaderOnlyPdu(CommandId.UNBIND), HeaderOnlyPdu.class, CommandId.UNBIND_RESP),
                Arguments.of(new HeaderOnlyPdu(CommandId.ENQUIRE_LINK), HeaderOnlyPdu.class, CommandId.ENQUIRE_LINK_RESP),
                Arguments.of(new SmPdu(CommandId.SUBMIT_SM), MessageIdRespPdu.class, CommandId.SUBMIT_SM_RESP),
                Arguments.of(new SmPdu(CommandId.DELIVER_SM), MessageIdRespPdu.class, CommandId.DELIVER_SM_RESP),
                Arguments.of(new DataSmPdu(), MessageIdRespPdu.class, CommandId.DATA_SM_RESP),
                Arguments.of(new SubmitMultiPdu(), SubmitMultiRespPdu.class, CommandId.SUBMIT_MULTI_RESP),
                Arguments.of(new QuerySmPdu(), QuerySmRespPdu.class, CommandId.QUERY_SM_RESP),
                Arguments.of(new CancelSmPdu(), HeaderOnlyPdu.class, CommandId.CANCEL_SM_RESP),
                Arguments.of(new ReplaceSmPdu(), HeaderOnlyPdu.class, CommandId.REPLACE_SM_RESP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestsAndResponses")
    void shouldCreateTheMatchingResponseWithTheSameSequenceNumber(Pdu request, Class<?> type, int responseId) {
        request.sequenceNumber(0x7FFFFFFE);

        Pdu response = request.createResponse();

        assertThat(response).isInstanceOf(type);
        assertThat(response.commandId()).isEqualTo(responseId);
        assertThat(response.sequenceNumber()).isEqualTo(0x7FFFFFFE);
        assertThat(response.commandStatus()).isEqualTo(CommandStatus.ESME_ROK);
    }

    @Test
    void shouldGiveTypedResponses() {
        MessageIdRespPdu resp = new SmPdu(CommandId.SUBMIT_SM).createResponse().messageId("42");
        assertThat(resp.messageId()).isEqualTo("42");
    }

    @Test
    void shouldRefuseResponsesForPdusThatHaveNone() {
        assertThatThrownBy(() -> new OutbindPdu().createResponse()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new AlertNotificationPdu().createResponse()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new HeaderOnlyPdu(CommandId.GENERIC_NACK).createResponse())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new MessageIdRespPdu(CommandId.SUBMIT_SM_RESP).createResponse())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldBuildGenericNackWithStatusAndSequence() {
        HeaderOnlyPdu nack = Pdu.genericNack(CommandStatus.ESME_RINVCMDID, 17);

        assertThat(nack.commandId()).isEqualTo(CommandId.GENERIC_NACK);
        assertThat(nack.commandStatus()).isEqualTo(CommandStatus.ESME_RINVCMDID);
        assertThat(nack.sequenceNumber()).isEqualTo(17);
    }

    @Test
    void shouldRejectCommandIdsThatDoNotFitTheClass() {
        assertThatThrownBy(() -> new SmPdu(CommandId.DATA_SM)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BindPdu(CommandId.OUTBIND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BindRespPdu(CommandId.BIND_TRANSMITTER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HeaderOnlyPdu(CommandId.SUBMIT_SM_RESP)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageIdRespPdu(CommandId.QUERY_SM_RESP)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldHoldByteFieldsAsUnsignedValues() {
        SmPdu sm = new SmPdu(CommandId.SUBMIT_SM).esmClass(0xFF).dataCoding(0);

        assertThat(sm.esmClass()).isEqualTo(255);
        assertThatThrownBy(() -> sm.esmClass(256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("esm_class");
        assertThatThrownBy(() -> sm.dataCoding(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultiDestination.sme(300, 1, "1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNeverHoldNullStringsOrArrays() {
        SmPdu sm = new SmPdu(CommandId.DELIVER_SM);
        assertThat(sm.serviceType()).isEmpty();
        assertThat(sm.shortMessage()).isEmpty();

        sm.sourceAddr(null).shortMessage(null);

        assertThat(sm.sourceAddr()).isEmpty();
        assertThat(sm.shortMessage()).isEmpty();
        assertThat(new UnsuccessSme(1, 1, null, 0).address()).isEmpty();
    }

    @Test
    void shouldRejectAnUnknownDestFlag() {
        assertThatThrownBy(() -> new MultiDestination(3, 0, 0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(MultiDestination.distributionList("friends")).isEqualTo(new MultiDestination(2, 0, 0, "friends"));
    }

    @Test
    void shouldWriteCStringTlvsWithTheirNulAndReadThemBack() {
        Tlv tlv = Tlv.ofString(TlvTag.RECEIPTED_MESSAGE_ID, "ABC123");

        assertThat(tlv.value()).containsExactly('A', 'B', 'C', '1', '2', '3', 0);
        assertThat(tlv.asCString()).isEqualTo("ABC123");
        assertThat(new Tlv(TlvTag.RECEIPTED_MESSAGE_ID, "XYZ".getBytes(StandardCharsets.US_ASCII)).asCString())
                .as("peers that leave the NUL out").isEqualTo("XYZ");
        assertThat(Tlv.empty(TlvTag.ALERT_ON_MESSAGE_DELIVERY).asCString()).isEmpty();
    }

    @Test
    void shouldReadIntegerTlvsBigEndianUnsigned() {
        assertThat(Tlv.ofByte(TlvTag.MESSAGE_STATE, 0xFE).asUnsigned()).isEqualTo(0xFE);
        assertThat(Tlv.ofShort(TlvTag.SAR_MSG_REF_NUM, 0xBEEF).value()).containsExactly(0xBE, 0xEF);
        assertThat(Tlv.ofShort(TlvTag.SAR_MSG_REF_NUM, 0xBEEF).asUnsigned()).isEqualTo(0xBEEF);
        assertThat(Tlv.ofInt(TlvTag.QOS_TIME_TO_LIVE, 86400).asUnsigned()).isEqualTo(86400);
        assertThatThrownBy(() -> new Tlv(TlvTag.NETWORK_ERROR_CODE, new byte[3]).asUnsigned())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Tlv.ofByte(TlvTag.MESSAGE_STATE, 256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tlv.ofShort(TlvTag.SAR_MSG_REF_NUM, 0x10000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCompareTlvsByContent() {
        assertThat(new Tlv((short) 0x1400, new byte[] {1, 2})).isEqualTo(new Tlv((short) 0x1400, new byte[] {1, 2}))
                .hasSameHashCodeAs(new Tlv((short) 0x1400, new byte[] {1, 2}))
                .isNotEqualTo(new Tlv((short) 0x1400, new byte[] {1, 3}));
        assertThatThrownBy(() -> new Tlv((short) 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Tlv((short) 1, new byte[0x10000])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFindTheFirstTlvWithATagAndKeepInsertionOrder() {
        SmPdu sm = new SmPdu(CommandId.DELIVER_SM);
        sm.addTlv(Tlv.ofByte(TlvTag.MESSAGE_STATE, 2));
        sm.addTlv(Tlv.ofString(TlvTag.RECEIPTED_MESSAGE_ID, "A"));
        sm.addTlv(Tlv.ofByte(TlvTag.MESSAGE_STATE, 5));

        assertThat(sm.tlv(TlvTag.MESSAGE_STATE).asUnsigned()).isEqualTo(2);
        assertThat(sm.tlv(TlvTag.MESSAGE_PAYLOAD)).isNull();
        assertThat(sm.tlvs()).extracting(Tlv::tag)
                .containsExactly(TlvTag.MESSAGE_STATE, TlvTag.RECEIPTED_MESSAGE_ID, TlvTag.MESSAGE_STATE);
    }

    @Test
    void shouldLogCommandStatusSequenceAndFieldsButNoPasswordOrContent() {
        BindPdu bind = new BindPdu(CommandId.BIND_TRANSCEIVER).systemId("acme").password("hunter2");
        bind.sequenceNumber(3);
        SmPdu submit = new SmPdu(CommandId.SUBMIT_SM).sourceAddrTon(5).sourceAddr("Acme").destAddrTon(1)
                .destAddrNpi(1).destinationAddr("447700900123")
                .shortMessage("my pin is 1234".getBytes(StandardCharsets.US_ASCII));
        submit.sequenceNumber(9);
        submit.addTlv(Tlv.ofShort(TlvTag.USER_MESSAGE_REFERENCE, 66));
        submit.addTlv(new Tlv((short) 0x1400, new byte[3]));

        assertThat(bind.toString()).startsWith("bind_transceiver(seq=3, ESME_ROK)").contains("system_id=\"acme\"")
                .doesNotContain("hunter2");
        assertThat(submit.toString()).startsWith("submit_sm(seq=9, ESME_ROK)")
                .contains("source=5/0/\"Acme\"", "dest=1/1/\"447700900123\"", "short_message=[14 bytes]",
                        "user_message_reference(2:66)", "0x1400(3)")
                .doesNotContain("1234\"", "pin");
        assertThat(Pdu.genericNack(CommandStatus.ESME_RINVCMDID, 4).toString())
                .isEqualTo("generic_nack(seq=4, ESME_RINVCMDID)");
    }
}
