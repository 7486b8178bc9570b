package io.smsrouter.smpp.codec;

/**
 * A PDU that cannot be decoded, with the command_status (SMPP 3.4 section 5.1.3) its sender should be
 * answered with and, when the header was readable, its command_id and sequence_number.
 *
 * <p>Thrown without a stack trace: it reports bad input from a peer, not a bug, and may be frequent.
 */
public class SmppDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int commandId;
    private final int sequenceNumber;
    private final int status;

    public SmppDecodeException(int commandId, int sequenceNumber, int status, String message) {
        super(message, null, false, false);
        this.commandId = commandId;
        this.sequenceNumber = sequenceNumber;
        this.status = status;
    }

    /** The PDU's command_id, or 0 if the header could not be read. */
    public int commandId() {
        return commandId;
    }

    /** The PDU's sequence_number, or 0 if the header could not be read. */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** The command_status to answer with, such as ESME_RINVCMDLEN. */
    public int status() {
        return status;
    }
}
