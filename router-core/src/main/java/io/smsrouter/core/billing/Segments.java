package io.smsrouter.core.billing;

import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.MessagePart;
import io.smsrouter.core.moderation.MessageText;

/**
 * How many SMS segments an operator bills for one accepted message. A part of a concatenated
 * message (UDH or SAR) is one. A whole text (in {@code short_message} or {@code message_payload})
 * is one when it fits a single SMS (160 GSM 7-bit characters, carried one per octet; 140 octets
 * otherwise) and else as many as the operator needs with a concatenation header (153 characters,
 * 134 octets each).
 */
public final class Segments {
    private Segments() {
    }

    public static int of(Message m) {
        if (MessagePart.of(m) != null) {
            return 1;
        }
        int octets = MessageText.octets(m.shortMessage(), m.optionalParameters());
        int dc = m.dataCoding() & 0xFF;
        boolean gsm = dc == 0 || dc == 1 || dc >= 0xF0 && (dc & 0x04) == 0;
        int single = gsm ? 160 : 140;
        int part = gsm ? 153 : 134;
        return octets <= single ? 1 : (octets + part - 1) / part;
    }
}
