package io.smsrouter.smpp.pdu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An SMPP 3.4 PDU: the header fields (section 3.2: command_id, command_status, sequence_number;
 * command_length is computed by the codec) and the optional parameters in wire order. Subclasses hold
 * the mandatory body fields of one layout.
 *
 * <p>Not thread-safe: a PDU belongs to one thread at a time, like the buffer it was decoded from.
 */
public abstract class Pdu {

    private final int commandId;
    private int commandStatus;
    private int sequenceNumber;
    /** Null until the first optional parameter: most PDUs carry none. */
    private ArrayList<Tlv> tlvs;

    protected Pdu(int commandId) {
        this.commandId = commandId;
    }

    /** A generic_nack (SMPP 3.4 section 4.3) answering a PDU that could not be decoded or is not allowed. */
    public static HeaderOnlyPdu genericNack(int status, int seq) {
        HeaderOnlyPdu nack = new HeaderOnlyPdu(CommandId.GENERIC_NACK);
        nack.commandStatus(status);
        nack.sequenceNumber(seq);
        return nack;
    }

    public final int commandId() {
        return commandId;
    }

    public final int commandStatus() {
        return commandStatus;
    }

    public final void commandStatus(int commandStatus) {
        this.commandStatus = commandStatus;
    }

    public final int sequenceNumber() {
        return sequenceNumber;
    }

    public final void sequenceNumber(int sequenceNumber) {
        this.sequenceNumber = sequenceNumber;
    }

    /**
     * The optional parameters in wire order, never null; read only (an empty PDU's is
     * {@link List#of()}): add with {@link #addTlv} / {@link #addTlvs}.
     */
    public final List<Tlv> tlvs() {
        return tlvs == null ? List.of() : tlvs;
    }

    /** The first optional parameter with this tag, or null. */
    public final Tlv tlv(short tag) {
        if (tlvs == null) {
            return null;
        }
        for (int i = 0, n = tlvs.size(); i < n; i++) {
            Tlv t = tlvs.get(i);
            if (t.tag() == tag) {
                return t;
            }
        }
        return null;
    }

    public final void addTlv(Tlv tlv) {
        Objects.requireNonNull(tlv, "tlv");
        if (tlvs == null) {
            tlvs = new ArrayList<>(4);
        }
        tlvs.add(tlv);
    }

    /** Adds these optional parameters after the ones already there, in order. */
    public final void addTlvs(List<Tlv> more) {
        for (int i = 0, n = more.size(); i < n; i++) {
            addTlv(more.get(i));
        }
    }

    public final boolean isResponse() {
        return CommandId.isResponse(commandId);
    }

    /**
     * The response to this request, with the same sequence number, status ESME_ROK and empty fields.
     *
     * @throws IllegalStateException for responses and for PDUs that have none (outbind,
     *     alert_notification)
     */
    public Pdu createResponse() {
        throw new IllegalStateException(CommandId.name(commandId) + " has no response PDU");
    }

    /** Sets this PDU's sequence number on a freshly created response and returns it. */
    final <R extends Pdu> R withSequenceOf(R response) {
        response.sequenceNumber(sequenceNumber);
        return response;
    }

    /** Appends the body fields, each preceded by a space, for {@link #toString()}. */
    protected abstract void appendFields(StringBuilder sb);

    /**
     * For logs: {@code submit_sm(seq=7, ESME_ROK) service_type="" source=5/0/"Router" ...
     * tlvs=[user_message_reference(2:66)]}. Passwords and message contents are left out.
     */
    @Override
    public final String toString() {
        StringBuilder sb = new StringBuilder(128);
        sb.append(CommandId.name(commandId)).append("(seq=").append(Integer.toUnsignedString(sequenceNumber))
                .append(", ").append(CommandStatus.name(commandStatus)).append(')');
        appendFields(sb);
        if (tlvs != null && !tlvs.isEmpty()) {
            sb.append(" tlvs=[");
            for (int i = 0, n = tlvs.size(); i < n; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                tlvs.get(i).appendTo(sb);
            }
            sb.append(']');
        }
        return sb.toString();
    }
}
