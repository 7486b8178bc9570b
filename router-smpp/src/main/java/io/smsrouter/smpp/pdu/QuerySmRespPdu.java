package io.smsrouter.smpp.pdu;

/** query_sm_resp (SMPP 3.4 section 4.8.2). */
public final class QuerySmRespPdu extends Pdu {

    private String messageId = "";
    private String finalDate = "";
    private int messageState;
    private int errorCode;

    public QuerySmRespPdu() {
        super(CommandId.QUERY_SM_RESP);
    }

    public String messageId() {
        return messageId;
    }

    public QuerySmRespPdu messageId(String messageId) {
        this.messageId = Fields.str(messageId);
        return this;
    }

    /** When the message reached a final state (section 7.1.1 absolute time), or "". */
    public String finalDate() {
        return finalDate;
    }

    public QuerySmRespPdu finalDate(String finalDate) {
        this.finalDate = Fields.str(finalDate);
        return this;
    }

    /** Section 5.2.28: 1 ENROUTE, 2 DELIVERED, 3 EXPIRED, 4 DELETED, 5 UNDELIVERABLE, 6 ACCEPTED, 7 UNKNOWN, 8 REJECTED. */
    public int messageState() {
        return messageState;
    }

    public QuerySmRespPdu messageState(int messageState) {
        this.messageState = Fields.u8(messageState, "message_state");
        return this;
    }

    /** Network error code, 0 when none. */
    public int errorCode() {
        return errorCode;
    }

    public QuerySmRespPdu errorCode(int errorCode) {
        this.errorCode = Fields.u8(errorCode, "error_code");
        return this;
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "message_id", messageId);
        if (!finalDate.isEmpty()) {
            Fields.str(sb, "final_date", finalDate);
        }
        Fields.num(sb, "message_state", messageState);
        Fields.num(sb, "error_code", errorCode);
    }
}
