package io.smsrouter.smpp.pdu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * submit_multi (SMPP 3.4 section 4.5.1): submit_sm with a list of destinations, each an SME address
 * or a distribution list name (section 4.5.1.1). number_of_dests is the size of
 * {@link #destinations()}, at most 255 on the wire (254 by the specification).
 */
public final class SubmitMultiPdu extends Pdu {

    private String serviceType = "";
    private int sourceAddrTon;
    private int sourceAddrNpi;
    private String sourceAddr = "";
    private final List<MultiDestination> destinations = new ArrayList<>();
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

    public SubmitMultiPdu() {
        super(CommandId.SUBMIT_MULTI);
    }

    public String serviceType() {
        return serviceType;
    }

    public SubmitMultiPdu serviceType(String serviceType) {
        this.serviceType = Fields.str(serviceType);
        return this;
    }

    public int sourceAddrTon() {
        return sourceAddrTon;
    }

    public SubmitMultiPdu sourceAddrTon(int sourceAddrTon) {
        this.sourceAddrTon = Fields.u8(sourceAddrTon, "source_addr_ton");
        return this;
    }

    public int sourceAddrNpi() {
        return sourceAddrNpi;
    }

    public SubmitMultiPdu sourceAddrNpi(int sourceAddrNpi) {
        this.sourceAddrNpi = Fields.u8(sourceAddrNpi, "source_addr_npi");
        return this;
    }

    public String sourceAddr() {
        return sourceAddr;
    }

    public SubmitMultiPdu sourceAddr(String sourceAddr) {
        this.sourceAddr = Fields.str(sourceAddr);
        return this;
    }

    /** The dest_address list in wire order; mutable, never null. */
    public List<MultiDestination> destinations() {
        return destinations;
    }

    public SubmitMultiPdu addDestination(MultiDestination destination) {
        destinations.add(Objects.requireNonNull(destination, "destination"));
        return this;
    }

    /** Message mode and type bits; 0x04 marks an SMSC delivery receipt, 0x40 a UDH in short_message. */
    public int esmClass() {
        return esmClass;
    }

    public SubmitMultiPdu esmClass(int esmClass) {
        this.esmClass = Fields.u8(esmClass, "esm_class");
        return this;
    }

    public int protocolId() {
        return protocolId;
    }

    public SubmitMultiPdu protocolId(int protocolId) {
        this.protocolId = Fields.u8(protocolId, "protocol_id");
        return this;
    }

    public int priorityFlag() {
        return priorityFlag;
    }

    public SubmitMultiPdu priorityFlag(int priorityFlag) {
        this.priorityFlag = Fields.u8(priorityFlag, "priority_flag");
        return this;
    }

    /** Absolute or relative time (section 7.1.1), or "" for immediate. */
    public String scheduleDeliveryTime() {
        return scheduleDeliveryTime;
    }

    public SubmitMultiPdu scheduleDeliveryTime(String scheduleDeliveryTime) {
        this.scheduleDeliveryTime = Fields.str(scheduleDeliveryTime);
        return this;
    }

    /** Absolute or relative time (section 7.1.1), or "" for the SMSC default. */
    public String validityPeriod() {
        return validityPeriod;
    }

    public SubmitMultiPdu validityPeriod(String validityPeriod) {
        this.validityPeriod = Fields.str(validityPeriod);
        return this;
    }

    public int registeredDelivery() {
        return registeredDelivery;
    }

    public SubmitMultiPdu registeredDelivery(int registeredDelivery) {
        this.registeredDelivery = Fields.u8(registeredDelivery, "registered_delivery");
        return this;
    }

    public int replaceIfPresentFlag() {
        return replaceIfPresentFlag;
    }

    public SubmitMultiPdu replaceIfPresentFlag(int replaceIfPresentFlag) {
        this.replaceIfPresentFlag = Fields.u8(replaceIfPresentFlag, "replace_if_present_flag");
        return this;
    }

    public int dataCoding() {
        return dataCoding;
    }

    public SubmitMultiPdu dataCoding(int dataCoding) {
        this.dataCoding = Fields.u8(dataCoding, "data_coding");
        return this;
    }

    public int smDefaultMsgId() {
        return smDefaultMsgId;
    }

    public SubmitMultiPdu smDefaultMsgId(int smDefaultMsgId) {
        this.smDefaultMsgId = Fields.u8(smDefaultMsgId, "sm_default_msg_id");
        return this;
    }

    /** Up to 255 octets (254 by the specification); sm_length is its length. Held, not copied. */
    public byte[] shortMessage() {
        return shortMessage;
    }

    public SubmitMultiPdu shortMessage(byte[] shortMessage) {
        this.shortMessage = Fields.bytes(shortMessage);
        return this;
    }

    /** submit_multi_resp with the same sequence number. */
    @Override
    public SubmitMultiRespPdu createResponse() {
        return withSequenceOf(new SubmitMultiRespPdu());
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "service_type", serviceType);
        Fields.addr(sb, "source", sourceAddrTon, sourceAddrNpi, sourceAddr);
        sb.append(" dests=").append(destinations);
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
