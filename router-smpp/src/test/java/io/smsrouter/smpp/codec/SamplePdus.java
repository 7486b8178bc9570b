package io.smsrouter.smpp.codec;

import io.smsrouter.smpp.pdu.AlertNotificationPdu;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.BindRespPdu;
import io.smsrouter.smpp.pdu.CancelSmPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.DataSmPdu;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.MultiDestination;
import io.smsrouter.smpp.pdu.OutbindPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.QuerySmPdu;
import io.smsrouter.smpp.pdu.QuerySmRespPdu;
import io.smsrouter.smpp.pdu.ReplaceSmPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.SubmitMultiPdu;
import io.smsrouter.smpp.pdu.SubmitMultiRespPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import io.smsrouter.smpp.pdu.UnsuccessSme;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One fully populated PDU of every SMPP 3.4 command, with distinct values in every field. */
final class SamplePdus {

    /** A vendor-specific tag (0x1400..0x3FFF) that the codec does not know. */
    static final short VENDOR_TAG = 0x1401;
    /** A tag outside SMPP 3.4 altogether, with the high bit set. */
    static final short FOREIGN_TAG = (short) 0xFE01;

    private SamplePdus() {
    }

    static List<Pdu> all() {
        List<Pdu> all = new ArrayList<>();
        int seq = 100;
        for (int id : new int[] {CommandId.BIND_TRANSMITTER, CommandId.BIND_RECEIVER, CommandId.BIND_TRANSCEIVER}) {
            all.add(bind(id, seq++));
        }
        for (int id : new int[] {CommandId.BIND_TRANSMITTER_RESP, CommandId.BIND_RECEIVER_RESP,
                CommandId.BIND_TRANSCEIVER_RESP}) {
            all.add(bindResp(id, seq++));
        }
        all.add(outbind(seq++));
        for (int id : new int[] {CommandId.UNBIND, CommandId.UNBIND_RESP, CommandId.ENQUIRE_LINK,
                CommandId.ENQUIRE_LINK_RESP, CommandId.GENERIC_NACK, CommandId.CANCEL_SM_RESP,
                CommandId.REPLACE_SM_RESP}) {
            all.add(headerOnly(id, seq++));
        }
        all.add(submitSm(seq++));
        all.add(deliverSmReceipt(seq++));
        for (int id : new int[] {CommandId.SUBMIT_SM_RESP, CommandId.DELIVER_SM_RESP, CommandId.DATA_SM_RESP}) {
            all.add(messageIdResp(id, seq++));
        }
        all.add(submitMulti(seq++));
        all.add(submitMultiResp(seq++));
        all.add(dataSm(seq++));
        all.add(querySm(seq++));
        all.add(querySmResp(seq++));
        all.add(cancelSm(seq++));
        all.add(replaceSm(seq++));
        all.add(alertNotification(seq++));
        return all;
    }

    static BindPdu bind(int commandId, int seq) {
        BindPdu p = new BindPdu(commandId).systemId("router01").password("pw123456").systemType("VMA")
                .interfaceVersion(0x34).addrTon(1).addrNpi(1).addressRange("^44");
        p.sequenceNumber(seq);
        return p;
    }

    static BindRespPdu bindResp(int commandId, int seq) {
        BindRespPdu p = new BindRespPdu(commandId).systemId("SMSC-A");
        p.sequenceNumber(seq);
        p.addTlv(Tlv.ofByte(TlvTag.SC_INTERFACE_VERSION, 0x34));
        return p;
    }

    static OutbindPdu outbind(int seq) {
        OutbindPdu p = new OutbindPdu().systemId("SMSC-A").password("secret");
        p.sequenceNumber(seq);
        return p;
    }

    static HeaderOnlyPdu headerOnly(int commandId, int seq) {
        HeaderOnlyPdu p = new HeaderOnlyPdu(commandId);
        p.sequenceNumber(seq);
        if (commandId == CommandId.GENERIC_NACK) {
            p.commandStatus(CommandStatus.ESME_RINVCMDID);
        }
        return p;
    }

    static SmPdu submitSm(int seq) {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM).serviceType("CMT").sourceAddrTon(5).sourceAddrNpi(0)
                .sourceAddr("Router").destAddrTon(1).destAddrNpi(1).destinationAddr("447700900123")
                .esmClass(0x40).protocolId(0x7F).priorityFlag(1).scheduleDeliveryTime("261124103000000+")
                .validityPeriod("000001000000000R").registeredDelivery(1).replaceIfPresentFlag(1)
                .dataCoding(8).smDefaultMsgId(3)
                .shortMessage(new byte[] {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x00, 0x48, 0x00, (byte) 0xE9});
        p.sequenceNumber(seq);
        p.addTlv(Tlv.ofShort(TlvTag.USER_MESSAGE_REFERENCE, 4242));
        p.addTlv(new Tlv(VENDOR_TAG, new byte[] {1, 2, 3}));
        p.addTlv(Tlv.ofShort(TlvTag.SOURCE_PORT, 8080));
        p.addTlv(new Tlv(FOREIGN_TAG, new byte[0]));
        return p;
    }

    static SmPdu deliverSmReceipt(int seq) {
        SmPdu p = new SmPdu(CommandId.DELIVER_SM).sourceAddrTon(1).sourceAddrNpi(1).sourceAddr("447700900123")
                .destAddrTon(5).destAddrNpi(0).destinationAddr("Router").esmClass(0x04)
                .shortMessage(("id:0A1B2C sub:001 dlvrd:001 submit date:2611241030 done date:2611241031"
                        + " stat:DELIVRD err:000 text:Hi").getBytes(StandardCharsets.ISO_8859_1));
        p.sequenceNumber(seq);
        p.addTlv(Tlv.ofString(TlvTag.RECEIPTED_MESSAGE_ID, "0A1B2C"));
        p.addTlv(Tlv.ofByte(TlvTag.MESSAGE_STATE, 2));
        p.addTlv(new Tlv(TlvTag.NETWORK_ERROR_CODE, new byte[] {3, 0, 0}));
        return p;
    }

    static MessageIdRespPdu messageIdResp(int commandId, int seq) {
        MessageIdRespPdu p = new MessageIdRespPdu(commandId)
                .messageId(commandId == CommandId.DELIVER_SM_RESP ? "" : "0A1B2C3D");
        p.sequenceNumber(seq);
        if (commandId == CommandId.DATA_SM_RESP) {
            p.addTlv(Tlv.ofString(TlvTag.ADDITIONAL_STATUS_INFO_TEXT, "queued"));
        }
        return p;
    }

    static SubmitMultiPdu submitMulti(int seq) {
        SubmitMultiPdu p = new SubmitMultiPdu().serviceType("WAP").sourceAddrTon(1).sourceAddrNpi(1)
                .sourceAddr("447700900999")
                .addDestination(MultiDestination.sme(1, 1, "447700900001"))
                .addDestination(MultiDestination.distributionList("friends"))
                .addDestination(MultiDestination.sme(2, 9, "0123"))
                .esmClass(3).protocolId(0).priorityFlag(2).scheduleDeliveryTime("")
                .validityPeriod("261125103000000+").registeredDelivery(0x11).replaceIfPresentFlag(0)
                .dataCoding(0xF0).smDefaultMsgId(0).shortMessage("Hi all".getBytes(StandardCharsets.ISO_8859_1));
        p.sequenceNumber(seq);
        p.addTlv(Tlv.ofByte(TlvTag.PAYLOAD_TYPE, 0));
        p.addTlv(new Tlv(VENDOR_TAG, new byte[] {9}));
        return p;
    }

    static SubmitMultiRespPdu submitMultiResp(int seq) {
        SubmitMultiRespPdu p = new SubmitMultiRespPdu().messageId("M-77")
                .addUnsuccessSme(new UnsuccessSme(1, 1, "447700900002", CommandStatus.ESME_RINVDSTADR))
                .addUnsuccessSme(new UnsuccessSme(0, 0, "friends", CommandStatus.ESME_RINVDLNAME));
        p.sequenceNumber(seq);
        return p;
    }

    static DataSmPdu dataSm(int seq) {
        DataSmPdu p = new DataSmPdu().serviceType("USSD").sourceAddrTon(1).sourceAddrNpi(1)
                .sourceAddr("44770090012344770090012344770090012344770090012344770090012344")
                .destAddrTon(0).destAddrNpi(0).destinationAddr("*100#").esmClass(0x02).registeredDelivery(0)
                .dataCoding(0x0F);
        p.sequenceNumber(seq);
        p.addTlv(new Tlv(TlvTag.MESSAGE_PAYLOAD, new byte[300]));
        p.addTlv(Tlv.ofByte(TlvTag.USSD_SERVICE_OP, 1));
        return p;
    }

    static QuerySmPdu querySm(int seq) {
        QuerySmPdu p = new QuerySmPdu().messageId("0A1B2C3D").sourceAddrTon(5).sourceAddrNpi(0).sourceAddr("Router");
        p.sequenceNumber(seq);
        return p;
    }

    static QuerySmRespPdu querySmResp(int seq) {
        QuerySmRespPdu p = new QuerySmRespPdu().messageId("0A1B2C3D").finalDate("261124103100000+")
                .messageState(5).errorCode(7);
        p.sequenceNumber(seq);
        return p;
    }

    static CancelSmPdu cancelSm(int seq) {
        CancelSmPdu p = new CancelSmPdu().serviceType("CMT").messageId("0A1B2C3D").sourceAddrTon(5)
                .sourceAddrNpi(0).sourceAddr("Router").destAddrTon(1).destAddrNpi(1).destinationAddr("447700900123");
        p.sequenceNumber(seq);
        return p;
    }

    static ReplaceSmPdu replaceSm(int seq) {
        ReplaceSmPdu p = new ReplaceSmPdu().messageId("0A1B2C3D").sourceAddrTon(5).sourceAddrNpi(0)
                .sourceAddr("Router").scheduleDeliveryTime("000000001000000R").validityPeriod("")
                .registeredDelivery(1).smDefaultMsgId(0).shortMessage("Updated".getBytes(StandardCharsets.ISO_8859_1));
        p.sequenceNumber(seq);
        return p;
    }

    static AlertNotificationPdu alertNotification(int seq) {
        AlertNotificationPdu p = new AlertNotificationPdu().sourceAddrTon(1).sourceAddrNpi(1)
                .sourceAddr("447700900123").esmeAddrTon(5).esmeAddrNpi(0).esmeAddr("Router");
        p.sequenceNumber(seq);
        p.addTlv(Tlv.ofByte(TlvTag.MS_AVAILABILITY_STATUS, 0));
        return p;
    }
}
