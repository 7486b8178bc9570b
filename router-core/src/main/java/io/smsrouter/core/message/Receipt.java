package io.smsrouter.core.message;

/**
 * A delivery receipt owed to a client: the final (or intermediate) state of one of its messages.
 * Addresses are those of the original message; the SMPP adapter swaps them as SMPP 3.4 §4.6.1 does.
 *
 * @param textStart the first bytes of the original text, for the receipt's {@code text:} field
 */
public record Receipt(
        long messageId,
        String accountId,
        int sourceTon,
        int sourceNpi,
        String source,
        int destTon,
        int destNpi,
        String destination,
        DeliveryState state,
        int errorCode,
        long submitTimeMs,
        long doneTimeMs,
        byte[] textStart) {
}
