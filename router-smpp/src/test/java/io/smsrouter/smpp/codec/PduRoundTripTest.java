package io.smsrouter.smpp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.smsrouter.smpp.pdu.BindRespPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.QuerySmRespPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.SubmitMultiRespPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PduRoundTripTest {

    static List<Pdu> samples() {
        return SamplePdus.all();
    }

    @Test
    void shouldHaveASampleOfEverySmpp34Command() {
        Set<Integer> ids = new TreeSet<>();
        for (int id : new int[] {CommandId.GENERIC_NACK, CommandId.BIND_RECEIVER, CommandId.BIND_RECEIVER_RESP,
                CommandId.BIND_TRANSMITTER, CommandId.BIND_TRANSMITTER_RESP, CommandId.QUERY_SM, CommandId.QUERY_SM_RESP,
                CommandId.SUBMIT_SM, CommandId.SUBMIT_SM_RESP, CommandId.DELIVER_SM, CommandId.DELIVER_SM_RESP,
                CommandId.UNBIND, CommandId.UNBIND_RESP, CommandId.REPLACE_SM, CommandId.REPLACE_SM_RESP,
                CommandId.CANCEL_SM, CommandId.CANCEL_SM_RESP, CommandId.BIND_TRANSCEIVER, CommandId.BIND_TRANSCEIVER_RESP,
                CommandId.OUTBIND, CommandId.ENQUIRE_LINK, CommandId.ENQUIRE_LINK_RESP, CommandId.SUBMIT_MULTI,
                CommandId.SUBMIT_MULTI_RESP, CommandId.ALERT_NOTIFICATION, CommandId.DATA_SM, CommandId.DATA_SM_RESP}) {
            ids.add(id);
        }
        Set<Integer> sampled = samples().stream().map(Pdu::commandId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(sampled).isEqualTo(ids);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void shouldRoundTripEveryPduTypeToEqualFieldsAndIdenticalBytes(Pdu original) throws Exception {
        byte[] first = Wire.encode(original);
        assertThat(first).hasSize(SmppPduCodec.encodedLength(original));
        assertThat(Unpooled.wrappedBuffer(first).getInt(0)).as("command_length").isEqualTo(first.length);

        Pdu decoded = Wire.decode(first);

        assertThat(decoded).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(original);
        assertThat(decoded.tlvs()).containsExactlyElementsOf(original.tlvs());
        assertThat(Wire.encode(decoded)).isEqualTo(first);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void shouldAllocateExactlyTheEncodedLengthFromTheAllocator(Pdu pdu) {
        ByteBuf buf = SmppPduCodec.encode(PooledByteBufAllocator.DEFAULT, pdu);
        try {
            assertThat(buf.readableBytes()).isEqualTo(SmppPduCodec.encodedLength(pdu));
            assertThat(buf.maxCapacity()).isEqualTo(buf.readableBytes());
            assertThat(Wire.bytes(buf.retain())).isEqualTo(Wire.encode(pdu));
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldKeepUnknownTlvsInWireOrderBetweenKnownOnes() throws Exception {
        SmPdu submit = SamplePdus.submitSm(1);

        Pdu decoded = Wire.decode(Wire.encode(submit));

        assertThat(decoded.tlvs()).extracting(Tlv::tag).containsExactly(TlvTag.USER_MESSAGE_REFERENCE,
                SamplePdus.VENDOR_TAG, TlvTag.SOURCE_PORT, SamplePdus.FOREIGN_TAG);
        assertThat(decoded.tlv(SamplePdus.VENDOR_TAG).value()).containsExactly(1, 2, 3);
        assertThat(decoded.tlv(SamplePdus.FOREIGN_TAG).value()).isEmpty();
    }

    @Test
    void shouldReadTlvsAfterHeaderOnlyPdus() throws Exception {
        HeaderOnlyPdu nack = Pdu.genericNack(CommandStatus.ESME_RINVCMDLEN, 5);
        nack.addTlv(Tlv.ofString(TlvTag.ADDITIONAL_STATUS_INFO_TEXT, "bad length"));

        Pdu decoded = Wire.decode(Wire.encode(nack));

        assertThat(decoded.tlv(TlvTag.ADDITIONAL_STATUS_INFO_TEXT).asCString()).isEqualTo("bad length");
    }

    @Test
    void shouldWriteNoBodyForErrorSubmitSmRespWithoutMessageId() throws Exception {
        MessageIdRespPdu resp = new MessageIdRespPdu(CommandId.SUBMIT_SM_RESP);
        resp.commandStatus(CommandStatus.ESME_RTHROTTLED);
        resp.sequenceNumber(9);

        byte[] bytes = Wire.encode(resp);

        assertThat(Wire.hex(bytes)).isEqualTo("00000010" + "80000004" + "00000058" + "00000009");
        assertThat(((MessageIdRespPdu) Wire.decode(bytes)).messageId()).isEmpty();
    }

    @Test
    void shouldWriteNoBodyForErrorDataSmRespWithoutMessageIdOrTlvs() {
        MessageIdRespPdu resp = new MessageIdRespPdu(CommandId.DATA_SM_RESP);
        resp.commandStatus(CommandStatus.ESME_RDELIVERYFAILURE);

        assertThat(SmppPduCodec.encodedLength(resp)).isEqualTo(16);

        resp.addTlv(Tlv.ofByte(TlvTag.DELIVERY_FAILURE_REASON, 1));
        assertThat(Wire.hex(Wire.encode(resp))).as("message_id is written so the TLV can follow")
                .isEqualTo("00000016" + "80000103" + "000000fe" + "00000000" + "00" + "042500010" + "1");
    }

    @Test
    void shouldAlwaysWriteTheMessageIdOfDeliverSmResp() {
        MessageIdRespPdu resp = new MessageIdRespPdu(CommandId.DELIVER_SM_RESP);
        resp.commandStatus(CommandStatus.ESME_RX_T_APPN);

        assertThat(Wire.hex(Wire.encode(resp))).isEqualTo("00000011" + "80000005" + "00000064" + "00000000" + "00");
    }

    @Test
    void shouldDecodeErrorResponsesWithoutBodyToEmptyFields() throws Exception {
        byte[] bindResp = Wire.hex("00000010 80000002 0000000E 00000001");
        byte[] queryResp = Wire.hex("00000010 80000003 00000067 00000002");
        byte[] multiResp = Wire.hex("00000010 80000021 00000045 00000003");

        assertThat(((BindRespPdu) Wire.decode(bindResp)).systemId()).isEmpty();
        QuerySmRespPdu query = (QuerySmRespPdu) Wire.decode(queryResp);
        assertThat(query.messageId()).isEmpty();
        assertThat(query.commandStatus()).isEqualTo(CommandStatus.ESME_RQUERYFAIL);
        SubmitMultiRespPdu multi = (SubmitMultiRespPdu) Wire.decode(multiResp);
        assertThat(multi.messageId()).isEmpty();
        assertThat(multi.unsuccessSmes()).isEmpty();
    }

    @Test
    void shouldDecodeOnePduAndLeaveTheReaderIndexAfterIt() throws Exception {
        byte[] two = Wire.concat(Wire.vector("enquire_link"), Wire.vector("generic_nack"));
        ByteBuf buf = Unpooled.wrappedBuffer(two);

        Pdu first = SmppPduCodec.decode(buf);
        Pdu second = SmppPduCodec.decode(buf);

        assertThat(first.commandId()).isEqualTo(CommandId.ENQUIRE_LINK);
        assertThat(second.commandId()).isEqualTo(CommandId.GENERIC_NACK);
        assertThat(buf.isReadable()).isFalse();
    }

    @Test
    void shouldDecodeFromDirectBuffers() throws Exception {
        byte[] bytes = Wire.encode(SamplePdus.submitSm(3));
        ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        try {
            assertThat(SmppPduCodec.decode(direct)).usingRecursiveComparison().isEqualTo(SamplePdus.submitSm(3));
        } finally {
            direct.release();
        }
    }

    @Test
    void shouldWriteCharactersAboveLatin1AsQuestionMarksKeepingTheLength() throws Exception {
        SmPdu submit = new SmPdu(CommandId.SUBMIT_SM).sourceAddr("caf\u00e9\u20ac\ud83d\ude00");

        SmPdu decoded = (SmPdu) Wire.decode(Wire.encode(submit));

        assertThat(decoded.sourceAddr()).isEqualTo("caf\u00e9???");
    }

    @Test
    void shouldRefuseToEncodeWhatTheWireCannotCarry() {
        SmPdu nul = new SmPdu(CommandId.SUBMIT_SM).destinationAddr("4477\u00000");
        SmPdu longMessage = new SmPdu(CommandId.SUBMIT_SM).shortMessage(new byte[256]);
        ByteBuf out = Unpooled.buffer();

        assertThatThrownBy(() -> SmppPduCodec.encode(nul, out)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("destination_addr");
        assertThatThrownBy(() -> SmppPduCodec.encode(longMessage, out)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message_payload");
        assertThat(out.writerIndex()).as("nothing half-written").isZero();
    }

    @Test
    void shouldEncodeTheLongestShortMessageTheLengthByteAllows() throws Exception {
        SmPdu submit = new SmPdu(CommandId.SUBMIT_SM).shortMessage(new byte[255]);

        assertThat(((SmPdu) Wire.decode(Wire.encode(submit))).shortMessage()).hasSize(255);
    }
}
