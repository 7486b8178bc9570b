package io.smsrouter.smpp.pdu;

/**
 * PDUs without mandatory body fields: unbind and unbind_resp (SMPP 3.4 section 4.2), enquire_link and
 * enquire_link_resp (4.11), generic_nack (4.3), cancel_sm_resp (4.9.2) and replace_sm_resp
 * (4.10.2).
 */
public final class HeaderOnlyPdu extends Pdu {

    /**
     * @param commandId UNBIND, UNBIND_RESP, ENQUIRE_LINK, ENQUIRE_LINK_RESP, GENERIC_NACK,
     *     CANCEL_SM_RESP or REPLACE_SM_RESP
     */
    public HeaderOnlyPdu(int commandId) {
        super(check(commandId));
    }

    private static int check(int commandId) {
        switch (commandId) {
            case CommandId.UNBIND:
            case CommandId.UNBIND_RESP:
            case CommandId.ENQUIRE_LINK:
            case CommandId.ENQUIRE_LINK_RESP:
            case CommandId.GENERIC_NACK:
            case CommandId.CANCEL_SM_RESP:
            case CommandId.REPLACE_SM_RESP:
                return commandId;
            default:
                throw new IllegalArgumentException("not a header-only PDU: " + CommandId.name(commandId));
        }
    }

    /** unbind_resp for unbind, enquire_link_resp for enquire_link. */
    @Override
    public HeaderOnlyPdu createResponse() {
        switch (commandId()) {
            case CommandId.UNBIND:
                return withSequenceOf(new HeaderOnlyPdu(CommandId.UNBIND_RESP));
            case CommandId.ENQUIRE_LINK:
                return withSequenceOf(new HeaderOnlyPdu(CommandId.ENQUIRE_LINK_RESP));
            default:
                throw new IllegalStateException(CommandId.name(commandId()) + " has no response PDU");
        }
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        // header only
    }
}
