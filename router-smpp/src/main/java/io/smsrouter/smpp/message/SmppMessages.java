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
        return toSubmitSm(m, false);
    }

    /**
     * {@link #toSubmitSm(Message)}; with {@code sar}, a part that carries a concatenation UDH (and
     * nothing else in its UDH) goes with the SAR TLVs instead, for operators that want those.
     */
    public static SmPdu toSubmitSm(Message m, boolean sar) {
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
        p.priorityFlag(io.smsrouter.core.account.TrafficClass.upstreamPriority(m.priority()));
        p.scheduleDeliveryTime(m.scheduleDeliveryTime());
        p.validityPeriod(m.validityPeriod());
        p.registeredDelivery((m.registeredDelivery() & ~0x03) | 0x01);
        p.replaceIfPresentFlag(0);
        p.dataCoding(m.dataCoding());
        p.smDefaultMsgId(0);
        p.shortMessage(m.shortMessage());
        if (m.optionalParameters().length > 0) {
            p.addTlvs(decodeTlvs(m.optionalParameters()));
        }
        if (sar && (m.esmClass() & 0x40) != 0) {
            udhToSar(p, m.shortMessage());
        }
        return p;
    }

    /** Moves a concatenation-only UDH (8-bit or 16-bit reference) into SAR TLVs; anything else stays. */
    private static void udhToSar(SmPdu p, byte[] sm) {
        if (sm.length < 6) {
            return;
        }
        int udhl = sm[0] & 0xFF;
        int iei = sm[1] & 0xFF;
        int ref;
        int total;
        int seq;
        if (udhl == 5 && iei == 0x00 && (sm[2] & 0xFF) == 3) {
            ref = sm[3] & 0xFF;
            total = sm[4] & 0xFF;
            seq = sm[5] & 0xFF;
        } else if (udhl == 6 && sm.length >= 7 && iei == 0x08 && (sm[2] & 0xFF) == 4) {
            ref = ((sm[3] & 0xFF) << 8) | (sm[4] & 0xFF);
            total = sm[5] & 0xFF;
            seq = sm[6] & 0xFF;
        } else {
            return;
        }
        p.shortMessage(java.util.Arrays.copyOfRange(sm, udhl + 1, sm.length));
        p.esmClass(p.esmClass() & ~0x40 & 0xFF);
        p.addTlv(Tlv.ofShort(TlvTag.SAR_MSG_REF_NUM, ref));
        p.addTlv(Tlv.ofByte(TlvTag.SAR_TOTAL_SEGMENTS, total));
        p.addTlv(Tlv.ofByte(TlvTag.SAR_SEGMENT_SEQNUM, seq));
    }

    /**
     * A subscriber's message to a client (its {@code esm_class} type bits are 0, a UDH bit kept):
     * from the subscriber, to the number or name they wrote to, the operator's text and TLVs.
     */
    public static SmPdu moDeliverSm(Receipt mo) {
        SmPdu p = new SmPdu(CommandId.DELIVER_SM);
        p.serviceType("");
        p.sourceAddrTon(mo.sourceTon());
        p.sourceAddrNpi(mo.sourceNpi());
        p.sourceAddr(mo.source());
        p.destAddrTon(mo.destTon());
        p.destAddrNpi(mo.destNpi());
        p.destinationAddr(mo.destination());
        p.esmClass(mo.esmClass());
        p.scheduleDeliveryTime("");
        p.validityPeriod("");
        p.dataCoding(mo.dataCoding());
        p.shortMessage(mo.moBody());
        if (mo.moTlvs().length > 0) {
            p.addTlvs(decodeTlvs(mo.moTlvs()));
        }
        return p;
    }

    /** The deliver_sm for a receipt or, for an MO, {@link #moDeliverSm}. */
    public static SmPdu deliverSm(Receipt r) {
        return r.isMo() ? moDeliverSm(r) : receiptDeliverSm(r);
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
