package io.smsrouter.smpp.pdu;

/**
 * submit_sm_resp, deliver_sm_resp and data_sm_resp (SMPP 3.4 sections 4.4.2, 4.6.2, 4.7.2): a
 * message_id and, for data_sm_resp, optional parameters such as delivery_failure_reason.
 *
 * <p>On the wire, a submit_sm_resp or data_sm_resp with a non-zero command_status, an empty message_id
 * and no TLVs has no body (section 4.4.2: the body is not returned on error); deliver_sm_resp always
 * carries its message_id, which the specification says is NULL.
 */
public final class MessageIdRespPdu extends Pdu {

    private String messageId = "";

    /** @param commandId SUBMIT_SM_RESP, DELIVER_SM_RESP or DATA_SM_RESP */
    public MessageIdRespPdu(int commandId) {
        super(check(commandId));
    }

    private static int check(int commandId) {
        if (commandId != CommandId.SUBMIT_SM_RESP && commandId != CommandId.DELIVER_SM_RESP
                && commandId != CommandId.DATA_SM_RESP) {
            throw new IllegalArgumentException("not a message_id response: " + CommandId.name(commandId));
        }
        return commandId;
    }

    /** The SMSC's id for the message; "" in deliver_sm_resp and in error responses. */
    public String messageId() {
        return messageId;
    }

    public MessageIdRespPdu messageId(String messageId) {
        this.messageId = Fields.str(messageId);
        return this;
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "message_id", messageId);
    }
}
