package io.smsrouter.smpp.pdu;

/** replace_sm (SMPP 3.4 section 4.10.1): replace a pending message submitted earlier. */
public final class ReplaceSmPdu extends Pdu {

    private String messageId = "";
    private int sourceAddrTon;
    private int sourceAddrNpi;
    private String sourceAddr = "";
    private String scheduleDeliveryTime = "";
    private String validityPeriod = "";
    private int registeredDelivery;
    private int smDefaultMsgId;
    private byte[] shortMessage = Fields.EMPTY_BYTES;

    public ReplaceSmPdu() {
        super(CommandId.REPLACE_SM);
    }

    public String messageId() {
        return messageId;
    }

    public ReplaceSmPdu messageId(String messageId) {
        this.messageId = Fields.str(messageId);
        return this;
    }

    public int sourceAddrTon() {
        return sourceAddrTon;
    }

    public ReplaceSmPdu sourceAddrTon(int sourceAddrTon) {
        this.sourceAddrTon = Fields.u8(sourceAddrTon, "source_addr_ton");
        return this;
    }

    public int sourceAddrNpi() {
        return sourceAddrNpi;
    }

    public ReplaceSmPdu sourceAddrNpi(int sourceAddrNpi) {
        this.sourceAddrNpi = Fields.u8(sourceAddrNpi, "source_addr_npi");
        return this;
    }

    public String sourceAddr() {
        return sourceAddr;
    }

    public ReplaceSmPdu sourceAddr(String sourceAddr) {
        this.sourceAddr = Fields.str(sourceAddr);
        return this;
    }

    public String scheduleDeliveryTime() {
        return scheduleDeliveryTime;
    }

    public ReplaceSmPdu scheduleDeliveryTime(String scheduleDeliveryTime) {
        this.scheduleDeliveryTime = Fields.str(scheduleDeliveryTime);
        return this;
    }

    public String validityPeriod() {
        return validityPeriod;
    }

    public ReplaceSmPdu validityPeriod(String validityPeriod) {
        this.validityPeriod = Fields.str(validityPeriod);
        return this;
    }

    public int registeredDelivery() {
        return registeredDelivery;
    }

    public ReplaceSmPdu registeredDelivery(int registeredDelivery) {
        this.registeredDelivery = Fields.u8(registeredDelivery, "registered_delivery");
        return this;
    }

    public int smDefaultMsgId() {
        return smDefaultMsgId;
    }

    public ReplaceSmPdu smDefaultMsgId(int smDefaultMsgId) {
        this.smDefaultMsgId = Fields.u8(smDefaultMsgId, "sm_default_msg_id");
        return this;
    }

    /** Held, not copied; sm_length is its length. */
    public byte[] shortMessage() {
        return shortMessage;
    }

    public ReplaceSmPdu shortMessage(byte[] shortMessage) {
        this.shortMessage = Fields.bytes(shortMessage);
        return this;
    }

    /** replace_sm_resp with the same sequence number. */
    @Override
    public HeaderOnlyPdu createResponse() {
        return withSequenceOf(new HeaderOnlyPdu(CommandId.REPLACE_SM_RESP));
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "message_id", messageId);
        Fields.addr(sb, "source", sourceAddrTon, sourceAddrNpi, sourceAddr);
        if (!scheduleDeliveryTime.isEmpty()) {
            Fields.str(sb, "schedule_delivery_time", scheduleDeliveryTime);
        }
        if (!validityPeriod.isEmpty()) {
            Fields.str(sb, "validity_period", validityPeriod);
        }
        Fields.hex(sb, "registered_delivery", registeredDelivery);
        if (smDefaultMsgId != 0) {
            Fields.num(sb, "sm_default_msg_id", smDefaultMsgId);
        }
        Fields.len(sb, "short_message", shortMessage);
    }
}
