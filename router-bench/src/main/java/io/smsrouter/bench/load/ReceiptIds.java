package io.smsrouter.bench.load;

import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;

import java.nio.charset.StandardCharsets;

/**
 * Which message a delivery receipt is about: the receipted_message_id TLV (SMPP 3.4 section
 * 5.3.2.12) when present, else the {@code id:} field of the Appendix B receipt text.
 */
final class ReceiptIds {
    private ReceiptIds() {
    }

    /** True for a deliver_sm whose esm_class message type (bits 2-5) is an SMSC delivery receipt. */
    static boolean isDeliveryReceipt(SmPdu deliverSm) {
        return (deliverSm.esmClass() & 0x3C) == 0x04;
    }

    /** The receipted message id, or null when the receipt carries none. */
    static String of(SmPdu receipt) {
        Tlv t = receipt.tlv(TlvTag.RECEIPTED_MESSAGE_ID);
        if (t != null) {
            String id = t.asCString();
            if (!id.isEmpty()) {
                return id;
            }
        }
        return fromText(receipt.shortMessage());
    }

    /** The value of the first {@code id:} field (case-insensitive) up to the next space, or null. */
    static String fromText(byte[] text) {
        int n = text.length;
        for (int i = 0; i + 3 <= n; i++) {
            if ((i == 0 || text[i - 1] == ' ') && (text[i] | 0x20) == 'i' && (text[i + 1] | 0x20) == 'd'
                    && text[i + 2] == ':') {
                int start = i + 3;
                int end = start;
                while (end < n && text[end] != ' ' && text[end] != 0) {
                    end++;
                }
                return end > start ? new String(text, start, end - start, StandardCharsets.ISO_8859_1) : null;
            }
        }
        return null;
    }
}
