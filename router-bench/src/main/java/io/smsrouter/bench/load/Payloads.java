package io.smsrouter.bench.load;

import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.TlvTag;

import java.nio.charset.StandardCharsets;

/**
 * The submit_sm the load client sends: a fixed text of the requested length, as GSM 7-bit default
 * alphabet (data_coding 0, one octet a character, SMPP 3.4 section 5.2.19) or UCS-2 (data_coding
 * 8), in short_message up to 254 octets and in the message_payload TLV beyond.
 */
public final class Payloads {
    static final String SOURCE = "Bench";
    private static final String LATIN = "Load test message from scripts/bench, all characters in the GSM "
            + "default alphabet. ";
    private static final String CYRILLIC = "Нагрузочный тест маршрутизатора SMS, сообщение в кодировке UCS-2. ";
    private static final int MAX_SHORT_MESSAGE = 254;

    private final byte[] latin;
    private final byte[] ucs2;
    private final boolean receipts;

    public Payloads(int textLength, boolean receipts) {
        this.latin = repeat(LATIN, textLength).getBytes(StandardCharsets.US_ASCII);
        this.ucs2 = repeat(CYRILLIC, textLength).getBytes(StandardCharsets.UTF_16BE);
        this.receipts = receipts;
    }

    static String repeat(String unit, int length) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append(unit, 0, Math.min(unit.length(), length - sb.length()));
        }
        return sb.toString();
    }

    /** A submit_sm with every field but the sequence number and destination set. */
    public SmPdu newSubmit(boolean unicode) {
        SmPdu p = new SmPdu(CommandId.SUBMIT_SM);
        p.sourceAddrTon(5).sourceAddrNpi(0).sourceAddr(SOURCE)
                .destAddrTon(1).destAddrNpi(1)
                .registeredDelivery(receipts ? 1 : 0)
                .dataCoding(unicode ? 8 : 0);
        byte[] text = unicode ? ucs2 : latin;
        if (text.length <= MAX_SHORT_MESSAGE) {
            p.shortMessage(text);
        } else {
            p.addTlv(new Tlv(TlvTag.MESSAGE_PAYLOAD, text));
        }
        return p;
    }

    /** Whether message {@code index} is UCS-2: {@code percent} of every hundred, spread evenly. */
    public static boolean isUcs2(long index, int percent) {
        // Bresenham: message i is UCS-2 when floor((i+1)p/100) > floor(ip/100)
        long i = index % 100;
        return (i + 1) * percent / 100 > i * percent / 100;
    }
}
