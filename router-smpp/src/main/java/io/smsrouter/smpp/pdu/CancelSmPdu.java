package io.smsrouter.smpp.pdu;

/**
 * cancel_sm (SMPP 3.4 section 4.9.1): cancel one message by message_id, or, with message_id "", all
 * pending messages matching the addresses and service_type.
 */
public final class CancelSmPdu extends Pdu {

    private String serviceType = "";
    private String messageId = "";
    private int sourceAddrTon;
    private int sourceAddrNpi;
    private String sourceAddr = "";
    private int destAddrTon;
    private int destAddrNpi;
    private String destinationAddr = "";

    public CancelSmPdu() {
        super(CommandId.CANCEL_SM);
    }

    public String serviceType() {
        return serviceType;
    }

    public CancelSmPdu serviceType(String serviceType) {
        this.serviceType = Fields.str(serviceType);
        return this;
    }

    public String messageId() {
        return messageId;
    }

    public CancelSmPdu messageId(String messageId) {
        this.messageId = Fields.str(messageId);
        return this;
    }

    public int sourceAddrTon() {
        return sourceAddrTon;
    }

    public CancelSmPdu sourceAddrTon(int sourceAddrTon) {
        this.sourceAddrTon = Fields.u8(sourceAddrTon, "source_addr_ton");
        return this;
    }

    public int sourceAddrNpi() {
        return sourceAddrNpi;
    }

    public CancelSmPdu sourceAddrNpi(int sourceAddrNpi) {
        this.sourceAddrNpi = Fields.u8(sourceAddrNpi, "source_addr_npi");
        return this;
    }

    public String sourceAddr() {
        return sourceAddr;
    }

    public CancelSmPdu sourceAddr(String sourceAddr) {
        this.sourceAddr = Fields.str(sourceAddr);
        return this;
    }

    public int destAddrTon() {
        return destAddrTon;
    }

    public CancelSmPdu destAddrTon(int destAddrTon) {
        this.destAddrTon = Fields.u8(destAddrTon, "dest_addr_ton");
        return this;
    }

    public int destAddrNpi() {
        return destAddrNpi;
    }

    public CancelSmPdu destAddrNpi(int destAddrNpi) {
        this.destAddrNpi = Fields.u8(destAddrNpi, "dest_addr_npi");
        return this;
    }

    public String destinationAddr() {
        return destinationAddr;
    }

    public CancelSmPdu destinationAddr(String destinationAddr) {
        this.destinationAddr = Fields.str(destinationAddr);
        return this;
    }

    /** cancel_sm_resp with the same sequence number. */
    @Override
    public HeaderOnlyPdu createResponse() {
        return withSequenceOf(new HeaderOnlyPdu(CommandId.CANCEL_SM_RESP));
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "service_type", serviceType);
        Fields.str(sb, "message_id", messageId);
        Fields.addr(sb, "source", sourceAddrTon, sourceAddrNpi, sourceAddr);
        Fields.addr(sb, "dest", destAddrTon, destAddrNpi, destinationAddr);
    }
}
