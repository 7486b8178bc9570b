package io.smsrouter.core.message;

/**
 * A delivery receipt owed to a client: the final (or intermediate) state of one of its messages.
 * Addresses are those of the original message; the SMPP adapter swaps them as SMPP 3.4 §4.6.1 does.
 *
 * <p>Or, when {@link #isMo()}, a subscriber's message to the account (an MO: a reply to one of its
 * sender names or numbers), which travels to the client the same way and waits in the journal the
 * same way: {@code source} is the subscriber, {@code destination} the number or name they wrote
 * to, {@code moBody} and {@code moTlvs} the operator's {@code short_message} and TLVs.
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
        byte[] textStart,
        int esmClass,
        int dataCoding,
        byte[] moBody,
        byte[] moTlvs) {

    public Receipt(long messageId, String accountId, int sourceTon, int sourceNpi, String source, int destTon,
                   int destNpi, String destination, DeliveryState state, int errorCode, long submitTimeMs,
                   long doneTimeMs, byte[] textStart) {
        this(messageId, accountId, sourceTon, sourceNpi, source, destTon, destNpi, destination, state, errorCode,
                submitTimeMs, doneTimeMs, textStart, 0, 0, null, null);
    }

    /** A subscriber's message for the account, received at {@code atMs}. */
    public static Receipt mo(long id, String accountId, String from, String to, int esmClass, int dataCoding,
                             byte[] body, byte[] tlvs, long atMs) {
        boolean alphaTo = !to.chars().allMatch(Character::isDigit);
        return new Receipt(id, accountId, 1, 1, from, alphaTo ? 5 : 1, alphaTo ? 0 : 1, to,
                DeliveryState.DELIVERED, 0, atMs, atMs, null, esmClass, dataCoding,
                body == null ? new byte[0] : body, tlvs == null ? new byte[0] : tlvs);
    }

    /** True for a subscriber's message, false for a delivery receipt. */
    public boolean isMo() {
        return moBody != null;
    }
}
