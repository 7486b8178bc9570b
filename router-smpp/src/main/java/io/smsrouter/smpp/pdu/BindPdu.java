package io.smsrouter.smpp.pdu;

/**
 * bind_transmitter, bind_receiver and bind_transceiver (SMPP 3.4 sections 4.1.1, 4.1.3, 4.1.5): the
 * three share one body.
 */
public final class BindPdu extends Pdu {

    private String systemId = "";
    private String password = "";
    private String systemType = "";
    private int interfaceVersion = 0x34;
    private int addrTon;
    private int addrNpi;
    private String addressRange = "";

    /** @param commandId BIND_TRANSMITTER, BIND_RECEIVER or BIND_TRANSCEIVER */
    public BindPdu(int commandId) {
        super(check(commandId));
    }

    private static int check(int commandId) {
        if (commandId != CommandId.BIND_TRANSMITTER && commandId != CommandId.BIND_RECEIVER
                && commandId != CommandId.BIND_TRANSCEIVER) {
            throw new IllegalArgumentException("not a bind command: " + CommandId.name(commandId));
        }
        return commandId;
    }

    public String systemId() {
        return systemId;
    }

    public BindPdu systemId(String systemId) {
        this.systemId = Fields.str(systemId);
        return this;
    }

    public String password() {
        return password;
    }

    public BindPdu password(String password) {
        this.password = Fields.str(password);
        return this;
    }

    public String systemType() {
        return systemType;
    }

    public BindPdu systemType(String systemType) {
        this.systemType = Fields.str(systemType);
        return this;
    }

    /** 0x34 for SMPP 3.4 (the default), 0x33 or lower for 3.3 peers. */
    public int interfaceVersion() {
        return interfaceVersion;
    }

    public BindPdu interfaceVersion(int interfaceVersion) {
        this.interfaceVersion = Fields.u8(interfaceVersion, "interface_version");
        return this;
    }

    public int addrTon() {
        return addrTon;
    }

    public BindPdu addrTon(int addrTon) {
        this.addrTon = Fields.u8(addrTon, "addr_ton");
        return this;
    }

    public int addrNpi() {
        return addrNpi;
    }

    public BindPdu addrNpi(int addrNpi) {
        this.addrNpi = Fields.u8(addrNpi, "addr_npi");
        return this;
    }

    public String addressRange() {
        return addressRange;
    }

    public BindPdu addressRange(String addressRange) {
        this.addressRange = Fields.str(addressRange);
        return this;
    }

    /** The bind_*_resp for this bind, with the same sequence number. */
    @Override
    public BindRespPdu createResponse() {
        return withSequenceOf(new BindRespPdu(commandId() | 0x80000000));
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "system_id", systemId);
        sb.append(" password=").append(password.isEmpty() ? "\"\"" : "***");
        Fields.str(sb, "system_type", systemType);
        Fields.hex(sb, "interface_version", interfaceVersion);
        Fields.addr(sb, "address_range", addrTon, addrNpi, addressRange);
    }
}
