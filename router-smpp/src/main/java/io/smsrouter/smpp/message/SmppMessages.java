package io.smsrouter.smpp.message;

import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.DataSmPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;
import io.smsrouter.smpp.receipt.ReceiptText;

import java.util.ArrayList;
import java.util.List;

/**
 * Translation between SMPP PDUs and the core's {@link Message} and {@link Receipt}: what a client
 * submitted becomes a Message with every field and TLV kept, and goes upstream as the same
 * submit_sm (SMPP 3.4 §4.4.1); a Receipt becomes the deliver_sm of §4.6.1 with Appendix B text.
 */
public final class SmppMessages {
    private static final byte[] EMPTY = new byte[0];

    private SmppMessages() {
    }

    public static Message fromSubmitSm(long id, String accountId, SmPdu p, long nowMs) {
        return new Message(id, accountId, p.serviceType(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(),
                p.destAddrTon(), p.destAddrNpi(), p.destinationAddr(), p.esmClass(), p.protocolId(), p.priorityFlag(),
                p.scheduleDeliveryTime(), p.validityPeriod(), p.registeredDelivery(), p.dataCoding(),
                p.shortMessage(), encodeTlvs(p.tlvs()), nowMs);
    }

    /** data_sm carries its text in message_payload, which stays among the TLVs. */
    public static Message fromDataSm(long id, String accountId, DataSmPdu p, long nowMs) {
        return new Message(id, accountId, p.serviceType(), p.sourceAddrTon(), p.sourceAddrNpi(), p.sourceAddr(),
                p.destAddrTon(), p.destAddrNpi(), p.destinationAddr(), p.esmClass(), 0, 0, "", "",
                p.registeredDelivery(), p.dataCoding(), EMPTY, encodeTlvs(p.tlvs()), nowMs);
    }

    /**
     * The submit_sm that carries a message upstream: the client's fields and TLVs unchanged, except
     * that a receipt is always requested, because the router tracks every message to its end.
     */
    public static SmPdu toSubmitSm(Message m) {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM);
        p.serviceType(m.serviceType());
        p.sourceAddrTon(m.sourceTon());
        p.sourceAddrNpi(m.sourceNpi());
        p.sourceAddr(m.source());
        p.destAddrTon(m.destTon());
        p.destAddrNpi(m.destNpi());
        p.destinationAddr(m.destination());
        p.esmClass(m.esmClass() & ~0x03 & 0xFF);
        p.protocolId(m.protocolId());
        p.priorityFlag(m.priority());
        p.scheduleDeliveryTime(m.scheduleDeliveryTime());
        p.validityPeriod(m.validityPeriod());
        p.registeredDelivery((m.registeredDelivery() & ~0x03) | 0x01);
        p.replaceIfPresentFlag(0);
        p.dataCoding(m.dataCoding());
        p.smDefaultMsgId(0);
        p.shortMessage(m.shortMessage());
        if (m.optionalParameters().length > 0) {
            p.tlvs().addAll(decodeTlvs(m.optionalParameters()));
        }
        return p;
    }

    /** The receipt deliver_sm to a client: from the original recipient, to the original sender. */
    public static SmPdu receiptDeliverSm(Receipt r) {
        SmPdu p = new SmPdu(CommandId.DELIVER_SM);
        p.serviceType("");
        p.sourceAddrTon(r.destTon());
        p.sourceAddrNpi(r.destNpi());
        p.sourceAddr(r.destination());
        p.destAddrTon(r.sourceTon());
        p.destAddrNpi(r.sourceNpi());
        p.destinationAddr(r.source());
        p.esmClass(0x04);
        p.scheduleDeliveryTime("");
        p.validityPeriod("");
        p.dataCoding(0);
        String id = Long.toString(r.messageId());
        p.shortMessage(ReceiptText.formatBytes(id, r.state(), r.errorCode(), r.submitTimeMs(), r.doneTimeMs(),
                r.textStart()));
        p.addTlv(Tlv.ofString(TlvTag.RECEIPTED_MESSAGE_ID, id));
        p.addTlv(Tlv.ofByte(TlvTag.MESSAGE_STATE, r.state().code()));
        if (r.errorCode() != 0) {
            // network_error_code: type 3 (GSM), then the 2-byte error
            p.addTlv(new Tlv(TlvTag.NETWORK_ERROR_CODE,
                    new byte[]{3, (byte) (r.errorCode() >> 8), (byte) r.errorCode()}));
        }
        return p;
    }

    public static byte[] encodeTlvs(List<Tlv> tlvs) {
        if (tlvs.isEmpty()) {
            return EMPTY;
        }
        int len = 0;
        for (Tlv t : tlvs) {
            len += 4 + t.value().length;
        }
        byte[] out = new byte[len];
        int i = 0;
        for (Tlv t : tlvs) {
            byte[] v = t.value();
            out[i++] = (byte) (t.tag() >> 8);
            out[i++] = (byte) t.tag();
            out[i++] = (byte) (v.length >> 8);
            out[i++] = (byte) v.length;
            System.arraycopy(v, 0, out, i, v.length);
            i += v.length;
        }
        return out;
    }

    public static List<Tlv> decodeTlvs(byte[] raw) {
        List<Tlv> tlvs = new ArrayList<>(2);
        int i = 0;
        while (i + 4 <= raw.length) {
            short tag = (short) (((raw[i] & 0xFF) << 8) | (raw[i + 1] & 0xFF));
            int len = ((raw[i + 2] & 0xFF) << 8) | (raw[i + 3] & 0xFF);
            i += 4;
            int end = Math.min(raw.length, i + len);
            byte[] v = new byte[end - i];
            System.arraycopy(raw, i, v, 0, v.length);
            tlvs.add(new Tlv(tag, v));
            i = end;
        }
        return tlvs;
    }
}
