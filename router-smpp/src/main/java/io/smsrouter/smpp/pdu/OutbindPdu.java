package io.smsrouter.smpp.pdu;

/** outbind (SMPP 3.4 section 4.1.7): an SMSC asks an ESME to bind_receiver. It has no response. */
public final class OutbindPdu extends Pdu {

    private String systemId = "";
    private String password = "";

    public OutbindPdu() {
        super(CommandId.OUTBIND);
    }

    public String systemId() {
        return systemId;
    }

    public OutbindPdu systemId(String systemId) {
        this.systemId = Fields.str(systemId);
        return this;
    }

    public String password() {
        return password;
    }

    public OutbindPdu password(String password) {
        this.password = Fields.str(password);
        return this;
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "system_id", systemId);
        sb.append(" password=").append(password.isEmpty() ? "\"\"" : "***");
    }
}
