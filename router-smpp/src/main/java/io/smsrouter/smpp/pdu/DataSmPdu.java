package io.smsrouter.smpp.pdu;

/**
 * data_sm (SMPP 3.4 section 4.7.1): the body has addresses and coding but no short_message; the
 * content travels in the message_payload TLV.
 */
public final class DataSmPdu extends Pdu {

    private String serviceType = "";
    private int sourceAddrTon;
    private int sourceAddrNpi;
    private String sourceAddr = "";
    private int destAddrTon;
    private int destAddrNpi;
    private String destinationAddr = "";
    private int esmClass;
    private int registeredDelivery;
    private int dataCoding;

    public DataSmPdu() {
        super(CommandId.DATA_SM);
    }

    public String serviceType() {
        return serviceType;
    }

    public DataSmPdu serviceType(String serviceType) {
        this.serviceType = Fields.str(serviceType);
        return this;
    }

    public int sourceAddrTon() {
        return sourceAddrTon;
    }

    public DataSmPdu sourceAddrTon(int sourceAddrTon) {
        this.sourceAddrTon = Fields.u8(sourceAddrTon, "source_addr_ton");
        return this;
    }

    public int sourceAddrNpi() {
        return sourceAddrNpi;
    }

    public DataSmPdu sourceAddrNpi(int sourceAddrNpi) {
        this.sourceAddrNpi = Fields.u8(sourceAddrNpi, "source_addr_npi");
        return this;
    }

    public String sourceAddr() {
        return sourceAddr;
    }

    public DataSmPdu sourceAddr(String sourceAddr) {
        this.sourceAddr = Fields.str(sourceAddr);
        return this;
    }

    public int destAddrTon() {
        return destAddrTon;
    }

    public DataSmPdu destAddrTon(int destAddrTon) {
        this.destAddrTon = Fields.u8(destAddrTon, "dest_addr_ton");
        return this;
    }

    public int destAddrNpi() {
        return destAddrNpi;
    }

    public DataSmPdu destAddrNpi(int destAddrNpi) {
        this.destAddrNpi = Fields.u8(destAddrNpi, "dest_addr_npi");
        return this;
    }

    public String destinationAddr() {
        return destinationAddr;
    }

    public DataSmPdu destinationAddr(String destinationAddr) {
        this.destinationAddr = Fields.str(destinationAddr);
        return this;
    }

    public int esmClass() {
        return esmClass;
    }

    public DataSmPdu esmClass(int esmClass) {
        this.esmClass = Fields.u8(esmClass, "esm_class");
        return this;
    }

    public int registeredDelivery() {
        return registeredDelivery;
    }

    public DataSmPdu registeredDelivery(int registeredDelivery) {
        this.registeredDelivery = Fields.u8(registeredDelivery, "registered_delivery");
        return this;
    }

    public int dataCoding() {
        return dataCoding;
    }

    public DataSmPdu dataCoding(int dataCoding) {
        this.dataCoding = Fields.u8(dataCoding, "data_coding");
        return this;
    }

    /** data_sm_resp with the same sequence number. */
    @Override
    public MessageIdRespPdu createResponse() {
        return withSequenceOf(new MessageIdRespPdu(CommandId.DATA_SM_RESP));
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "service_type", serviceType);
        Fields.addr(sb, "source", sourceAddrTon, sourceAddrNpi, sourceAddr);
        Fields.addr(sb, "dest", destAddrTon, destAddrNpi, destinationAddr);
        Fields.hex(sb, "esm_class", esmClass);
        Fields.hex(sb, "registered_delivery", registeredDelivery);
        Fields.hex(sb, "data_coding", dataCoding);
    }
}
