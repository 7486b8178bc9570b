package io.smsrouter.smpp.codec;

/**
 * What {@link SmppFrameDecoder} emits instead of a {@code Pdu} when a frame cannot be decoded.
 *
 * @param commandId the frame's command_id, 0 when unknown
 * @param sequenceNumber the frame's sequence_number, 0 when unknown; a generic_nack answering it
 *     carries this number (SMPP 3.4 section 4.3)
 * @param status the command_status to answer with
 * @param fatal true when the byte stream cannot be resynchronised (command_length below 16): answer,
 *     then close the connection; the decoder drops every later byte
 * @param reason for logs
 */
public record InvalidPdu(int commandId, int sequenceNumber, int status, boolean fatal, String reason) {
}
