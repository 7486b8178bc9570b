/**
 * The SMPP 3.4 wire codec over Netty {@code ByteBuf}s.
 *
 * <ul>
 *   <li>{@link io.smsrouter.smpp.codec.SmppPduCodec}: stateless encode and decode of one PDU (header,
 *       section 3.2; mandatory bodies, chapter 4; optional parameters, sections 3.2.1 and 5.3).</li>
 *   <li>{@link io.smsrouter.smpp.codec.SmppFrameDecoder}: framing by command_length with its limits
 *       checked before anything is buffered; malformed PDUs come out as
 *       {@link io.smsrouter.smpp.codec.InvalidPdu} carrying the command_status (section 5.1.3) to answer
 *       with, in a generic_nack (section 4.3) or the command's own response.</li>
 *   <li>{@link io.smsrouter.smpp.codec.SmppEncoder}: an encoder per channel that coalesces the PDUs
 *       written between two flushes into one pooled buffer.</li>
 * </ul>
 *
 * <p>Two failure classes: a recoverable one (a bad PDU inside a sound frame, or a frame longer than the
 * limit that can be skipped) after which the session goes on, and a fatal one (command_length below
 * 16) after which the byte stream cannot be trusted and the session must close.
 */
package io.smsrouter.smpp.codec;
