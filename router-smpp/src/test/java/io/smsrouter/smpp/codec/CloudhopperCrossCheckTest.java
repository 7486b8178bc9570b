package io.smsrouter.smpp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudhopper.smpp.pdu.AlertNotification;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.BaseSm;
import com.cloudhopper.smpp.pdu.BaseSmResp;
import com.cloudhopper.smpp.pdu.BindReceiver;
import com.cloudhopper.smpp.pdu.BindReceiverResp;
import com.cloudhopper.smpp.pdu.BindTransceiver;
import com.cloudhopper.smpp.pdu.BindTransceiverResp;
import com.cloudhopper.smpp.pdu.BindTransmitter;
import com.cloudhopper.smpp.pdu.BindTransmitterResp;
import com.cloudhopper.smpp.pdu.CancelSm;
import com.cloudhopper.smpp.pdu.CancelSmResp;
import com.cloudhopper.smpp.pdu.DataSm;
import com.cloudhopper.smpp.pdu.DataSmResp;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.DeliverSmResp;
import com.cloudhopper.smpp.pdu.EnquireLink;
import com.cloudhopper.smpp.pdu.EnquireLinkResp;
import com.cloudhopper.smpp.pdu.GenericNack;
import com.cloudhopper.smpp.pdu.QuerySm;
import com.cloudhopper.smpp.pdu.QuerySmResp;
import com.cloudhopper.smpp.pdu.ReplaceSm;
import com.cloudhopper.smpp.pdu.ReplaceSmResp;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.pdu.UnbindResp;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import com.cloudhopper.smpp.type.Address;
import io.netty.buffer.Unpooled;
import io.smsrouter.smpp.pdu.AlertNotificationPdu;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.BindRespPdu;
import io.smsrouter.smpp.pdu.CancelSmPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.DataSmPdu;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.OutbindPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.QuerySmPdu;
import io.smsrouter.smpp.pdu.QuerySmRespPdu;
import io.smsrouter.smpp.pdu.ReplaceSmPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.SubmitMultiPdu;
import io.smsrouter.smpp.pdu.SubmitMultiRespPdu;
import io.smsrouter.smpp.pdu.Tlv;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our codec against cloudhopper-smpp's {@link DefaultPduTranscoder}, an implementation we did not
 * write, for every PDU type it models, in both directions. cloudhopper has no outbind, submit_multi or
 * submit_multi_resp: {@link JsmppCrossCheckTest} covers those with jsmpp.
 */
class CloudhopperCrossCheckTest {

    private final DefaultPduTranscoder transcoder = new DefaultPduTranscoder(new DefaultPduTranscoderContext());

    static List<Pdu> samples() {
        return SamplePdus.all().stream().filter(p -> !(p instanceof OutbindPdu || p instanceof SubmitMultiPdu
                || p instanceof SubmitMultiRespPdu)).collect(Collectors.toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void shouldBeDecodedByCloudhopperWithTheSameFields(Pdu ours) throws Exception {
        byte[] bytes = Wire.encode(ours);

        com.cloudhopper.smpp.pdu.Pdu theirs = transcoder.decode(Unpooled.wrappedBuffer(bytes));

        assertThat(theirs).as("cloudhopper decoded " + ours).isNotNull();
        assertSameFields(ours, theirs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void shouldDecodeCloudhopperEncodingWithTheSameFields(Pdu sample) throws Exception {
        com.cloudhopper.smpp.pdu.Pdu theirs = toCloudhopper(sample);
        byte[] bytes = Wire.bytes(transcoder.encode(theirs));

        Pdu ours = Wire.decode(bytes);

        assertSameFields(ours, theirs);
        assertThat(ours).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(sample);
        assertThat(Wire.hex(Wire.encode(ours))).as("same bytes as cloudhopper").isEqualTo(Wire.hex(bytes));
    }

    @Test
    void shouldDecodeCloudhopperErrorSubmitSmRespAndBeDecodedByItWithoutBody() throws Exception {
        SubmitSmResp theirs = new SubmitSmResp();
        theirs.setCommandStatus(CommandStatus.ESME_RTHROTTLED);
        theirs.setSequenceNumber(12);

        MessageIdRespPdu ours = (MessageIdRespPdu) Wire.decode(Wire.bytes(transcoder.encode(theirs)));
        assertThat(ours.commandStatus()).isEqualTo(CommandStatus.ESME_RTHROTTLED);
        assertThat(ours.messageId()).isEmpty();

        byte[] bodyless = Wire.encode(ours);
        assertThat(bodyless).hasSize(16);
        SubmitSmResp back = (SubmitSmResp) transcoder.decode(Unpooled.wrappedBuffer(bodyless));
        assertThat(back.getCommandStatus()).isEqualTo(CommandStatus.ESME_RTHROTTLED);
        assertThat(back.getSequenceNumber()).isEqualTo(12);
        assertThat(back.getMessageId()).isNull();
    }

    // ---------------------------------------------------------------------------------- mapping

    private static Address address(int ton, int npi, String address) {
        return new Address((byte) ton, (byte) npi, address);
    }

    private static com.cloudhopper.smpp.pdu.Pdu toCloudhopper(Pdu ours) throws Exception {
        com.cloudhopper.smpp.pdu.Pdu theirs = switch (ours.commandId()) {
            case CommandId.BIND_TRANSMITTER -> bind(new BindTransmitter(), (BindPdu) ours);
            case CommandId.BIND_RECEIVER -> bind(new BindReceiver(), (BindPdu) ours);
            case CommandId.BIND_TRANSCEIVER -> bind(new BindTransceiver(), (BindPdu) ours);
            case CommandId.BIND_TRANSMITTER_RESP -> bindResp(new BindTransmitterResp(), (BindRespPdu) ours);
            case CommandId.BIND_RECEIVER_RESP -> bindResp(new BindReceiverResp(), (BindRespPdu) ours);
            case CommandId.BIND_TRANSCEIVER_RESP -> bindResp(new BindTransceiverResp(), (BindRespPdu) ours);
            case CommandId.UNBIND -> new Unbind();
            case CommandId.UNBIND_RESP -> new UnbindResp();
            case CommandId.ENQUIRE_LINK -> new EnquireLink();
            case CommandId.ENQUIRE_LINK_RESP -> new EnquireLinkResp();
            case CommandId.GENERIC_NACK -> new GenericNack();
            case CommandId.CANCEL_SM_RESP -> new CancelSmResp();
            case CommandId.REPLACE_SM_RESP -> new ReplaceSmResp();
            case CommandId.SUBMIT_SM -> sm(new SubmitSm(), (SmPdu) ours);
            case CommandId.DELIVER_SM -> sm(new DeliverSm(), (SmPdu) ours);
            case CommandId.SUBMIT_SM_RESP -> smResp(new SubmitSmResp(), (MessageIdRespPdu) ours);
            case CommandId.DELIVER_SM_RESP -> smResp(new DeliverSmResp(), (MessageIdRespPdu) ours);
            case CommandId.DATA_SM_RESP -> smResp(new DataSmResp(), (MessageIdRespPdu) ours);
            case CommandId.DATA_SM -> dataSm((DataSmPdu) ours);
            case CommandId.QUERY_SM -> querySm((QuerySmPdu) ours);
            case CommandId.QUERY_SM_RESP -> querySmResp((QuerySmRespPdu) ours);
            case CommandId.CANCEL_SM -> cancelSm((CancelSmPdu) ours);
            case CommandId.REPLACE_SM -> replaceSm((ReplaceSmPdu) ours);
            case CommandId.ALERT_NOTIFICATION -> alertNotification((AlertNotificationPdu) ours);
            default -> throw new IllegalArgumentException(ours.toString());
        };
        theirs.setCommandStatus(ours.commandStatus());
        theirs.setSequenceNumber(ours.sequenceNumber());
        for (Tlv t : ours.tlvs()) {
            theirs.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(t.tag(), t.value()));
        }
        return theirs;
    }

    private static BaseBind<?> bind(BaseBind<?> b, BindPdu p) {
        b.setSystemId(p.systemId());
        b.setPassword(p.password());
        b.setSystemType(p.systemType());
        b.setInterfaceVersion((byte) p.interfaceVersion());
        b.setAddressRange(address(p.addrTon(), p.addrNpi(), p.addressRange()));
        return b;
    }

    private static BaseBindResp bindResp(BaseBindResp b, BindRespPdu p) {
        b.setSystemId(p.systemId());
        return b;
    }

    private static BaseSm<?> sm(BaseSm<?> b, SmPdu p) throws Exception {
        b.setServiceType(p.serviceType());
        b.setSourceAddress(address(p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr()));
        b.setDestAddress(address(p.destAddrTon(), p.destAddrNpi(), p.destinationAddr()));
        b.setEsmClass((byte) p.esmClass());
        b.setProtocolId((byte) p.protocolId());
        b.setPriority((byte) p.priorityFlag());
        b.setScheduleDeliveryTime(p.scheduleDeliveryTime());
        b.setValidityPeriod(p.validityPeriod());
        b.setRegisteredDelivery((byte) p.registeredDelivery());
        b.setReplaceIfPresent((byte) p.replaceIfPresentFlag());
        b.setDataCoding((byte) p.dataCoding());
        b.setDefaultMsgId((byte) p.smDefaultMsgId());
        b.setShortMessage(p.shortMessage());
        return b;
    }

    private static BaseSmResp smResp(BaseSmResp b, MessageIdRespPdu p) {
        b.setMessageId(p.messageId());
        return b;
    }

    private static DataSm dataSm(DataSmPdu p) {
        DataSm b = new DataSm();
        b.setServiceType(p.serviceType());
        b.setSourceAddress(address(p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr()));
        b.setDestAddress(address(p.destAddrTon(), p.destAddrNpi(), p.destinationAddr()));
        b.setEsmClass((byte) p.esmClass());
        b.setRegisteredDelivery((byte) p.registeredDelivery());
        b.setDataCoding((byte) p.dataCoding());
        return b;
    }

    private static QuerySm querySm(QuerySmPdu p) {
        QuerySm b = new QuerySm();
        b.setMessageId(p.messageId());
        b.setSourceAddress(address(p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr()));
        return b;
    }

    private static QuerySmResp querySmResp(QuerySmRespPdu p) {
        QuerySmResp b = new QuerySmResp();
        b.setMessageId(p.messageId());
        b.setFinalDate(p.finalDate());
        b.setMessageState((byte) p.messageState());
        b.setErrorCode((byte) p.errorCode());
        return b;
    }

    private static CancelSm cancelSm(CancelSmPdu p) {
        CancelSm b = new CancelSm();
        b.setServiceType(p.serviceType());
        b.setMessageId(p.messageId());
        b.setSourceAddress(address(p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr()));
        b.setDestAddress(address(p.destAddrTon(), p.destAddrNpi(), p.destinationAddr()));
        return b;
    }

    private static ReplaceSm replaceSm(ReplaceSmPdu p) throws Exception {
        ReplaceSm b = new ReplaceSm();
        b.setMessageId(p.messageId());
        b.setSourceAddress(address(p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr()));
        b.setScheduleDeliveryTime(p.scheduleDeliveryTime());
        b.setValidityPeriod(p.validityPeriod());
        b.setRegisteredDelivery((byte) p.registeredDelivery());
        b.setDefaultMsgId((byte) p.smDefaultMsgId());
        b.setShortMessage(p.shortMessage());
        return b;
    }

    private static AlertNotification alertNotification(AlertNotificationPdu p) {
        AlertNotification b = new AlertNotification();
        b.setSourceAddress(address(p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr()));
        b.setEsmeAddress(address(p.esmeAddrTon(), p.esmeAddrNpi(), p.esmeAddr()));
        return b;
    }

    // ---------------------------------------------------------------------------------- comparison

    /** cloudhopper reads an absent C-Octet String as null, the NULL string as "". */
    private static String str(String s) {
        return s == null ? "" : s;
    }

    private static void assertAddress(Address a, int ton, int npi, String address, String what) {
        assertThat(a).as(what).isNotNull();
        assertThat(a.getTon() & 0xFF).as(what + " ton").isEqualTo(ton);
        assertThat(a.getNpi() & 0xFF).as(what + " npi").isEqualTo(npi);
        assertThat(str(a.getAddress())).as(what + " address").isEqualTo(address);
    }

    static void assertSameFields(Pdu ours, com.cloudhopper.smpp.pdu.Pdu theirs) {
        assertThat(theirs.getCommandId()).as("command_id").isEqualTo(ours.commandId());
        assertThat(theirs.getCommandStatus()).as("command_status").isEqualTo(ours.commandStatus());
        assertThat(theirs.getSequenceNumber()).as("sequence_number").isEqualTo(ours.sequenceNumber());
        assertThat(theirs.isResponse()).isEqualTo(ours.isResponse());

        List<Tlv> theirTlvs = new ArrayList<>();
        if (theirs.getOptionalParameters() != null) {
            for (com.cloudhopper.smpp.tlv.Tlv t : theirs.getOptionalParameters()) {
                theirTlvs.add(new Tlv(t.getTag(), t.getValue() == null ? new byte[0] : t.getValue()));
            }
        }
        assertThat(theirTlvs).as("TLVs in order").containsExactlyElementsOf(ours.tlvs());

        if (ours instanceof BindPdu p) {
            BaseBind<?> b = (BaseBind<?>) theirs;
            assertThat(str(b.getSystemId())).isEqualTo(p.systemId());
            assertThat(str(b.getPassword())).isEqualTo(p.password());
            assertThat(str(b.getSystemType())).isEqualTo(p.systemType());
            assertThat(b.getInterfaceVersion() & 0xFF).isEqualTo(p.interfaceVersion());
            assertAddress(b.getAddressRange(), p.addrTon(), p.addrNpi(), p.addressRange(), "address_range");
        } else if (ours instanceof BindRespPdu p) {
            assertThat(str(((BaseBindResp) theirs).getSystemId())).isEqualTo(p.systemId());
        } else if (ours instanceof HeaderOnlyPdu) {
            assertThat(theirs.getCommandLength()).isEqualTo(16 + ours.tlvs().stream()
                    .mapToInt(t -> 4 + t.value().length).sum());
        } else if (ours instanceof SmPdu p) {
            BaseSm<?> b = (BaseSm<?>) theirs;
            assertThat(str(b.getServiceType())).isEqualTo(p.serviceType());
            assertAddress(b.getSourceAddress(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(), "source");
            assertAddress(b.getDestAddress(), p.destAddrTon(), p.destAddrNpi(), p.destinationAddr(), "dest");
            assertThat(b.getEsmClass() & 0xFF).isEqualTo(p.esmClass());
            assertThat(b.getProtocolId() & 0xFF).isEqualTo(p.protocolId());
            assertThat(b.getPriority() & 0xFF).isEqualTo(p.priorityFlag());
            assertThat(str(b.getScheduleDeliveryTime())).isEqualTo(p.scheduleDeliveryTime());
            assertThat(str(b.getValidityPeriod())).isEqualTo(p.validityPeriod());
            assertThat(b.getRegisteredDelivery() & 0xFF).isEqualTo(p.registeredDelivery());
            assertThat(b.getReplaceIfPresent() & 0xFF).isEqualTo(p.replaceIfPresentFlag());
            assertThat(b.getDataCoding() & 0xFF).isEqualTo(p.dataCoding());
            assertThat(b.getDefaultMsgId() & 0xFF).isEqualTo(p.smDefaultMsgId());
            assertThat(b.getShortMessage() == null ? new byte[0] : b.getShortMessage()).isEqualTo(p.shortMessage());
        } else if (ours instanceof MessageIdRespPdu p) {
            assertThat(str(((BaseSmResp) theirs).getMessageId())).isEqualTo(p.messageId());
        } else if (ours instanceof DataSmPdu p) {
            DataSm b = (DataSm) theirs;
            assertThat(str(b.getServiceType())).isEqualTo(p.serviceType());
            assertAddress(b.getSourceAddress(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(), "source");
            assertAddress(b.getDestAddress(), p.destAddrTon(), p.destAddrNpi(), p.destinationAddr(), "dest");
            assertThat(b.getEsmClass() & 0xFF).isEqualTo(p.esmClass());
            assertThat(b.getRegisteredDelivery() & 0xFF).isEqualTo(p.registeredDelivery());
            assertThat(b.getDataCoding() & 0xFF).isEqualTo(p.dataCoding());
        } else if (ours instanceof QuerySmPdu p) {
            QuerySm b = (QuerySm) theirs;
            assertThat(str(b.getMessageId())).isEqualTo(p.messageId());
            assertAddress(b.getSourceAddress(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(), "source");
        } else if (ours instanceof QuerySmRespPdu p) {
            QuerySmResp b = (QuerySmResp) theirs;
            assertThat(str(b.getMessageId())).isEqualTo(p.messageId());
            assertThat(str(b.getFinalDate())).isEqualTo(p.finalDate());
            assertThat(b.getMessageState() & 0xFF).isEqualTo(p.messageState());
            assertThat(b.getErrorCode() & 0xFF).isEqualTo(p.errorCode());
        } else if (ours instanceof CancelSmPdu p) {
            CancelSm b = (CancelSm) theirs;
            assertThat(str(b.getServiceType())).isEqualTo(p.serviceType());
            assertThat(str(b.getMessageId())).isEqualTo(p.messageId());
            assertAddress(b.getSourceAddress(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(), "source");
            assertAddress(b.getDestAddress(), p.destAddrTon(), p.destAddrNpi(), p.destinationAddr(), "dest");
        } else if (ours instanceof ReplaceSmPdu p) {
            ReplaceSm b = (ReplaceSm) theirs;
            assertThat(str(b.getMessageId())).isEqualTo(p.messageId());
            assertAddress(b.getSourceAddress(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(), "source");
            assertThat(str(b.getScheduleDeliveryTime())).isEqualTo(p.scheduleDeliveryTime());
            assertThat(str(b.getValidityPeriod())).isEqualTo(p.validityPeriod());
            assertThat(b.getRegisteredDelivery() & 0xFF).isEqualTo(p.registeredDelivery());
            assertThat(b.getDefaultMsgId() & 0xFF).isEqualTo(p.smDefaultMsgId());
            assertThat(b.getShortMessage() == null ? new byte[0] : b.getShortMessage()).isEqualTo(p.shortMessage());
        } else if (ours instanceof AlertNotificationPdu p) {
            AlertNotification b = (AlertNotification) theirs;
            assertAddress(b.getSourceAddress(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(), "source");
            assertAddress(b.getEsmeAddress(), p.esmeAddrTon(), p.esmeAddrNpi(), p.esmeAddr(), "esme");
        } else {
            throw new AssertionError("no cloudhopper mapping for " + ours);
        }
    }
}
