/**
 * The SMPP 3.4 PDU model: one mutable class per PDU body layout, free of Netty and of any wire code.
 *
 * <p>Layouts follow the SMPP v3.4 specification (issue 1.2): the 16-byte header (section 3.2),
 * the bind operations (4.1), outbind (4.1.7), unbind (4.2), generic_nack (4.3), submit_sm (4.4),
 * submit_multi (4.5), deliver_sm (4.6), data_sm (4.7), query_sm (4.8), cancel_sm (4.9),
 * replace_sm (4.10), enquire_link (4.11), alert_notification (4.12), the optional parameters (TLVs,
 * 3.2.1 and 5.3), command_id values (5.1.2.1) and command_status values (5.1.3).
 *
 * <p>Conventions, the same in every class:
 * <ul>
 *   <li>Accessors are {@code x()} to read and {@code x(value)} to write; setters return the PDU so that
 *       they can be chained.</li>
 *   <li>Integer (1 octet) fields are held as {@code int} 0..255; setters reject anything else.</li>
 *   <li>C-Octet strings are {@code String}s of ISO-8859-1 characters without the NUL terminator; the
 *       SMPP NULL string is {@code ""}. They are never null: setters turn null into {@code ""}.</li>
 *   <li>Octet strings (short_message) are {@code byte[]}, never null; sm_length is derived from them.</li>
 *   <li>Optional parameters stay in wire order in {@link io.smsrouter.smpp.pdu.Pdu#tlvs()}, known or
 *       not, so that a router relays what it does not understand.</li>
 * </ul>
 *
 * <p>Wire encoding and decoding live in {@code io.smsrouter.smpp.codec}.
 */
package io.smsrouter.smpp.pdu;
