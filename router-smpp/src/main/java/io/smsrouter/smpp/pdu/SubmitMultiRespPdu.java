package io.smsrouter.smpp.pdu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * submit_multi_resp (SMPP 3.4 section 4.5.2): the message_id and the destinations that failed;
 * no_unsuccess is the size of {@link #unsuccessSmes()}, at most 255 on the wire.
 */
public final class SubmitMultiRespPdu extends Pdu {

    private String messageId = "";
    private final List<UnsuccessSme> unsuccessSmes = new ArrayList<>();

    public SubmitMultiRespPdu() {
        super(CommandId.SUBMIT_MULTI_RESP);
    }

    public String messageId() {
        return messageId;
    }

    public SubmitMultiRespPdu messageId(String messageId) {
        this.messageId = Fields.str(messageId);
        return this;
    }

    /** The unsuccess_sme list in wire order; mutable, never null. */
    public List<UnsuccessSme> unsuccessSmes() {
        return unsuccessSmes;
    }

    public SubmitMultiRespPdu addUnsuccessSme(UnsuccessSme sme) {
        unsuccessSmes.add(Objects.requireNonNull(sme, "sme"));
        return this;
    }

    @Override
    protected void appendFields(StringBuilder sb) {
        Fields.str(sb, "message_id", messageId);
        if (!unsuccessSmes.isEmpty()) {
            sb.append(" unsuccess=").append(unsuccessSmes);
        }
    }
}
