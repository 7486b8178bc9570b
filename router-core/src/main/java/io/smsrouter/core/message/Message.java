package io.smsrouter.core.message;

/**
 * A short message as the router accepted it: everything needed to send it upstream again,
 * byte for byte (SMPP 3.4 §4.4.1 fields), plus who sent it and when.
 *
 * <p>The text stays in its original encoding ({@code dataCoding}, {@code shortMessage}); optional
 * parameters are kept as the raw TLV stream so that unknown ones pass through untouched.
 */
public record Message(
        long id,
        String accountId,
        String serviceType,
        int sourceTon,
        int sourceNpi,
        String source,
        int destTon,
        int destNpi,
        String destination,
        int esmClass,
        int protocolId,
        int priority,
        String scheduleDeliveryTime,
        String validityPeriod,
        int registeredDelivery,
        int dataCoding,
        byte[] shortMessage,
        byte[] optionalParameters,
        long acceptedAtMs) {

    private static final byte[] EMPTY = new byte[0];

    public Message {
        serviceType = serviceType == null ? "" : serviceType;
        source = source == null ? "" : source;
        destination = destination == null ? "" : destination;
        scheduleDeliveryTime = scheduleDeliveryTime == null ? "" : scheduleDeliveryTime;
        validityPeriod = validityPeriod == null ? "" : validityPeriod;
        shortMessage = shortMessage == null ? EMPTY : shortMessage;
        optionalParameters = optionalParameters == null ? EMPTY : optionalParameters;
    }

    /**
     * This message without its schedule_delivery_time: the router waits for the time itself, so
     * the operator gets the message when it is due, to send at once.
     */
    public Message withoutSchedule() {
        if (scheduleDeliveryTime.isEmpty()) {
            return this;
        }
        return new Message(id, accountId, serviceType, sourceTon, sourceNpi, source, destTon, destNpi, destination,
                esmClass, protocolId, priority, "", validityPeriod, registeredDelivery, dataCoding, shortMessage,
                optionalParameters, acceptedAtMs);
    }

    /** This message with another schedule_delivery_time (SMPP absolute or relative form). */
    public Message withSchedule(String scheduleDeliveryTime) {
        return new Message(id, accountId, serviceType, sourceTon, sourceNpi, source, destTon, destNpi, destination,
                esmClass, protocolId, priority, scheduleDeliveryTime, validityPeriod, registeredDelivery, dataCoding,
                shortMessage, optionalParameters, acceptedAtMs);
    }

    /** The id as clients see it: decimal, so that stacks that parse ids as numbers (Kannel) agree. */
    public String idString() {
        return Long.toString(id);
    }

    /** True when the client asked for a receipt in this final state (registered_delivery bits 0-1). */
    public static boolean wantsReceipt(int registeredDelivery, DeliveryState state) {
        return switch (registeredDelivery & 0x03) {
            case 1 -> true;
            case 2 -> state != DeliveryState.DELIVERED;
            default -> false;
        };
    }
}
