package io.smsrouter.smpp.pdu;

/**
 * submit_sm and deliver_sm (SMPP 3.4 sections 4.4.1 and 4.6.1), which share one body. A deliver_sm
 * that carries a delivery receipt has esm_class 0x04 and usually the receipted_message_id and
 * message_state TLVs.
 */
public final class SmPdu extends Pdu {

    private String serviceType = "";
    private int sourceAddrTon;
    private int sourceAddrNpi;
    private String sourceAddr = "";
    private int destAddrTon;
    private int destAddrNpi;
    private String destinationAddr = "";
    private int esmClass;
    private int protocolId;
    private int priorityFlag;
    private String scheduleDeliveryTime = "";
    private String validityPeriod = "";
    private int registeredDelivery;
    private int replaceIfPresentFlag;
    private int dataCoding;
    private int smDefaultMsgId;
    private byte[] shortMessage = Fields.EMPTY_BYTES;

    /** @param commandId SUBMIT_SM or DELIVER_SM */
    public SmPdu(int commandId) {
        super(check(commandId));
    }

    private static int check(int commandId) {
        if (commandId != CommandId.SUBMIT_SM && commandId != CommandId.DELIVER_SM) {
            throw new IllegalArgumentException("not submit_sm or deliver_sm: " + CommandId.name(commandId));
        }
        return commandId;
    }

    public String serviceType() {
        return serviceType;
    }

    public SmPdu serviceType(String serviceType) {
        this.serviceType = Fields.str(serviceType);
        return this;
    }

    public int sourceAddrTon() {
        return sourceAddrTon;
    }

    public SmPdu sourceAddrTon(int sourceAddrTon) {
        this.sourceAddrTon = Fields.u8(sourceAddrTon, "source_addr_ton");
        return this;
    }

    public int sourceAddrNpi() {
        return sourceAddrNpi;
    }

    public SmPdu sourceAddrNpi(int sourceAddrNpi) {
        this.sourceAddrNpi = Fields.u8(sourceAddrNpi, "source_addr_npi");
        return this;
    }

    public String sourceAddr() {
        return sourceAddr;
    }

    public SmPdu sourceAddr(String sourceAddr) {
        this.sourceAddr = Fields.str(sourceAddr);
        return this;
    }

    public int destAddrTon() {
        return destAddrTon;
    }

    public SmPdu destAddrTon(int destAddrTon) {
        this.destAddrTon = Fields.u8(destAddrTon, "dest_addr_ton");
        return this;
    }

    public int destAddrNpi() {
        return destAddrNpi;
    }

    public SmPdu destAddrNpi(int destAddrNpi) {
        this.destAddrNpi = Fields.u8(destAddrNpi, "dest_addr_npi");
        return this;
    }

    public String destinationAddr() {
        return destinationAddr;
    }

    public SmPdu destinationAddr(String destinationAddr) {
        this.destinationAddr = Fields.str(destinationAddr);
        return this;
    }

    /** Message mode and type bits; 0x04 marks an SMSC delivery receipt, 0x40 a UDH in short_message. */
    public int esmClass() {
        return esmClass;
    }

    public SmPdu esmClass(int esmClass) {
        this.esmClass = Fields.u8(esmClass, "esm_class");
        return this;
    }

    public int protocolId() {
        return protocolId;
    }

    public SmPdu protocolId(int protocolId) {
        this.protocolId = Fields.u8(protocolId, "protocol_id");
        return this;
    }

    public int priorityFlag() {
        return priorityFlag;
    }

    public SmPdu priorityFlag(int priorityFlag) {
        this.priorityFlag = Fields.u8(priorityFlag, "priority_flag");
        return this;
    }

    /** Absolute or relative time (section 7.1.1), or "" for immediate. */
    public String scheduleDeliveryTime() {
        return scheduleDeliveryTime;
    }

    public SmPdu scheduleDeliveryTime(String scheduleDeliveryTime) {
        this.scheduleDeliveryTime = Fields.str(scheduleDeliveryTime);
        return this;
    }

    /** Absolute or relative time (section 7.1.1), or "" for the SMSC default. */
    public String validityPeriod() {
        return validityPeriod;
    }

    public SmPdu validityPeriod(String validityPeriod) {
        this.validityPeriod = Fields.str(validityPeriod);
        return this;
    }

    public int registeredDelivery() {
        return registeredDelivery;
    }

    public SmPdu registeredDelivery(int registeredDelivery) {
        this.registeredDelivery = Fields.u8(registeredDelivery, "registered_delivery");
        return this;
    }

    public int replaceIfPresentFlag() {
        return replaceIfPresentFlag;
    }

    public SmPdu replaceIfPresentFlag(int replaceIfPresentFlag) {
        this.replaceIfPresentFlag = Fields.u8(replaceIfPresentFlag, "replace_if_present_flag");
        return this;
    }

    public int dataCoding() {
        return dataCoding;
    }

    public SmPdu dataCoding(int dataCoding) {
        this.dataCoding = Fields.u8(dataCoding, "data_coding");
        return this;
    }

    public int smDefaultMsgId() {
        return smDefaultMsgId;
    }

    public SmPdu smDefaultMsgId(int smDefaultMsgId) {
        this.smDefaultMsgId = Fields.u8(smDefaultMsgId, "sm_default_msg_id");
        return this;
    }

    /** Up to 255 octets (254 by the specification); sm_length is its length. Held, not copied. */
    public byte[] shortMessage() {
        return shortMessage;
    }

    public SmPdu shortMessage(byte[] shortMessage) {
        this.shortMessage = Fields.bytes(shortMessage);
        return this;
    }

    /** submit_sm_resp or deliver_sm_resp with the same sequence number. */
    @Override
    public MessageIdRespPdu createResponse() {
        return withSequenceOf(new MessageIdRespPdu(commandId() | 0x80000000));
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "service_type", serviceType);
        Fields.addr(sb, "source", sourceAddrTon, sourceAddrNpi, sourceAddr);
        Fields.addr(sb, "dest", destAddrTon, destAddrNpi, destinationAddr);
        Fields.hex(sb, "esm_class", esmClass);
        Fields.num(sb, "protocol_id", protocolId);
        Fields.num(sb, "priority_flag", priorityFlag);
        if (!scheduleDeliveryTime.isEmpty()) {
            Fields.str(sb, "schedule_delivery_time", scheduleDeliveryTime);
        }
        if (!validityPeriod.isEmpty()) {
            Fields.str(sb, "validity_period", validityPeriod);
        }
        Fields.hex(sb, "registered_delivery", registeredDelivery);
        if (replaceIfPresentFlag != 0) {
            Fields.num(sb, "replace_if_present_flag", replaceIfPresentFlag);
        }
        Fields.hex(sb, "data_coding", dataCoding);
        if (smDefaultMsgId != 0) {
            Fields.num(sb, "sm_default_msg_id", smDefaultMsgId);
        }
        Fields.len(sb, "short_message", shortMessage);
    }
}
