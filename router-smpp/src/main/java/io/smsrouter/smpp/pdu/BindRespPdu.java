package io.smsrouter.smpp.pdu;

/**
 * bind_transmitter_resp, bind_receiver_resp and bind_transceiver_resp (SMPP 3.4 sections 4.1.2,
 * 4.1.4, 4.1.6). The optional sc_interface_version goes in {@link #tlvs()}.
 */
public final class BindRespPdu extends Pdu {

    private String systemId = "";

    /** @param commandId BIND_TRANSMITTER_RESP, BIND_RECEIVER_RESP or BIND_TRANSCEIVER_RESP */
    public BindRespPdu(int commandId) {
        super(check(commandId));
    }

    private static int check(int commandId) {
        if (commandId != CommandId.BIND_TRANSMITTER_RESP && commandId != CommandId.BIND_RECEIVER_RESP
                && commandId != CommandId.BIND_TRANSCEIVER_RESP) {
            throw new IllegalArgumentException("not a bind response: " + CommandId.name(commandId));
        }
        return commandId;
    }

    /** The SMSC's identifier. */
    public String systemId() {
        return systemId;
    }

    public BindRespPdu systemId(String systemId) {
        this.systemId = Fields.str(systemId);
        return this;
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "system_id", systemId);
    }
}
