package io.smsrouter.smpp.pdu;

/**
 * alert_notification (SMPP 3.4 section 4.12.1): the SMSC tells a receiver that a mobile (source) has
 * become available. It has no response.
 */
public final class AlertNotificationPdu extends Pdu {

    private int sourceAddrTon;
    private int sourceAddrNpi;
    private String sourceAddr = "";
    private int esmeAddrTon;
    private int esmeAddrNpi;
    private String esmeAddr = "";

    public AlertNotificationPdu() {
        super(CommandId.ALERT_NOTIFICATION);
    }

    public int sourceAddrTon() {
        return sourceAddrTon;
    }

    public AlertNotificationPdu sourceAddrTon(int sourceAddrTon) {
        this.sourceAddrTon = Fields.u8(sourceAddrTon, "source_addr_ton");
        return this;
    }

    public int sourceAddrNpi() {
        return sourceAddrNpi;
    }

    public AlertNotificationPdu sourceAddrNpi(int sourceAddrNpi) {
        this.sourceAddrNpi = Fields.u8(sourceAddrNpi, "source_addr_npi");
        return this;
    }

    public String sourceAddr() {
        return sourceAddr;
    }

    public AlertNotificationPdu sourceAddr(String sourceAddr) {
        this.sourceAddr = Fields.str(sourceAddr);
        return this;
    }

    public int esmeAddrTon() {
        return esmeAddrTon;
    }

    public AlertNotificationPdu esmeAddrTon(int esmeAddrTon) {
        this.esmeAddrTon = Fields.u8(esmeAddrTon, "esme_addr_ton");
        return this;
    }

    public int esmeAddrNpi() {
        return esmeAddrNpi;
    }

    public AlertNotificationPdu esmeAddrNpi(int esmeAddrNpi) {
        this.esmeAddrNpi = Fields.u8(esmeAddrNpi, "esme_addr_npi");
        return this;
    }

    public String esmeAddr() {
        return esmeAddr;
    }

    public AlertNotificationPdu esmeAddr(String esmeAddr) {
        this.esmeAddr = Fields.str(esmeAddr);
        return this;
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.addr(sb, "source", sourceAddrTon, sourceAddrNpi, sourceAddr);
        Fields.addr(sb, "esme", esmeAddrTon, esmeAddrNpi, esmeAddr);
    }
}
