package io.smsrouter.core.correlation;

import io.smsrouter.core.message.Message;

import java.util.Arrays;

/** What a receipt needs of the message it belongs to. */
public record Correlation(long messageId, String accountId, int sourceTon, int sourceNpi, String source,
                          int destTon, int destNpi, String destination, int registeredDelivery,
                          long submitTimeMs, byte[] textStart) {

    private static final int TEXT_START = 20;

    public static Correlation of(Message m) {
        byte[] sm = m.shortMessage();
        // skip a concatenation UDH so the receipt's text: shows text, not header bytes
        int from = 0;
        if ((m.esmClass() & 0x40) != 0 && sm.length > 0) {
            from = Math.min(sm.length, (sm[0] & 0xFF) + 1);
        }
        byte[] start = Arrays.copyOfRange(sm, from, Math.min(sm.length, from + TEXT_START));
        return new Correlation(m.id(), m.accountId(), m.sourceTon(), m.sourceNpi(), m.source(),
                m.destTon(), m.destNpi(), m.destination(), m.registeredDelivery(), m.acceptedAtMs(), start);
    }
}
