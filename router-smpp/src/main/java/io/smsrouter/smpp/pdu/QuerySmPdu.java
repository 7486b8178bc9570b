package io.smsrouter.smpp.pdu;

/** query_sm (SMPP 3.4 section 4.8.1): the state of a message submitted earlier. */
public final class QuerySmPdu extends Pdu {

    private String messageId = "";
    private int sourceAddrTon;
    private int sourceAddrNpi;
    private String sourceAddr = "";

    public QuerySmPdu() {
        super(CommandId.QUERY_SM);
    }

    public String messageId() {
        return messageId;
    }

    public QuerySmPdu messageId(String messageId) {
        this.messageId = Fields.str(messageId);
        return this;
    }

    public int sourceAddrTon() {
        return sourceAddrTon;
    }

    public QuerySmPdu sourceAddrTon(int sourceAddrTon) {
        this.sourceAddrTon = Fields.u8(sourceAddrTon, "source_addr_ton");
        return this;
    }

    public int sourceAddrNpi() {
        return sourceAddrNpi;
    }

    public QuerySmPdu sourceAddrNpi(int sourceAddrNpi) {
        this.sourceAddrNpi = Fields.u8(sourceAddrNpi, "source_addr_npi");
        return this;
    }

    public String sourceAddr() {
        return sourceAddr;
    }

    public QuerySmPdu sourceAddr(String sourceAddr) {
        this.sourceAddr = Fields.str(sourceAddr);
        return this;
    }

    /** query_sm_resp with the same sequence number. */
    @Override
    public QuerySmRespPdu createResponse() {
        return withSequenceOf(new QuerySmRespPdu());
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "message_id", messageId);
        Fields.addr(sb, "source", sourceAddrTon, sourceAddrNpi, sourceAddr);
    }
}
