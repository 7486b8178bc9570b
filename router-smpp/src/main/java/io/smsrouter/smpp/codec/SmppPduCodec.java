package io.smsrouter.smpp.codec;

import static io.smsrouter.smpp.pdu.CommandStatus.ESME_RINVCMDID;
import static io.smsrouter.smpp.pdu.CommandStatus.ESME_RINVCMDLEN;
import static io.smsrouter.smpp.pdu.CommandStatus.ESME_RINVDESTFLAG;
import static io.smsrouter.smpp.pdu.CommandStatus.ESME_RINVMSGLEN;
import static io.smsrouter.smpp.pdu.CommandStatus.ESME_RINVOPTPARSTREAM;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.smsrouter.smpp.pdu.AlertNotificationPdu;
import io.smsrouter.smpp.pdu.BindPdu;
import io.smsrouter.smpp.pdu.BindRespPdu;
import io.smsrouter.smpp.pdu.CancelSmPdu;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.DataSmPdu;
import io.smsrouter.smpp.pdu.HeaderOnlyPdu;
import io.smsrouter.smpp.pdu.MessageIdRespPdu;
import io.smsrouter.smpp.pdu.MultiDestination;
import io.smsrouter.smpp.pdu.OutbindPdu;
import io.smsrouter.smpp.pdu.Pdu;
import io.smsrouter.smpp.pdu.QuerySmPdu;
import io.smsrouter.smpp.pdu.QuerySmRespPdu;
import io.smsrouter.smpp.pdu.ReplaceSmPdu;
import io.smsrouter.smpp.pdu.SmPdu;
import io.smsrouter.smpp.pdu.SubmitMultiPdu;
import io.smsrouter.smpp.pdu.SubmitMultiRespPdu;
import io.smsrouter.smpp.pdu.Tlv;
import io.smsrouter.smpp.pdu.UnsuccessSme;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Stateless SMPP 3.4 encoder and decoder of single PDUs.
 *
 * <p>Decoding reads the header (section 3.2), the mandatory body of the command (chapter 4) and then
 * treats every remaining byte as optional parameters (sections 3.2.1, 5.3), keeping unknown tags.
 * C-Octet strings are read in place and checked against their maximum sizes from the chapter 4
 * tables (NUL included); text is ISO-8859-1. Errors map to the status the peer should get:
 * <ul>
 *   <li>unknown command_id: ESME_RINVCMDID;</li>
 *   <li>a C-Octet string without NUL, longer than its maximum, or a body that ends early:
 *       ESME_RINVCMDLEN;</li>
 *   <li>sm_length beyond the end of the body: ESME_RINVMSGLEN;</li>
 *   <li>a submit_multi dest_flag other than 1 or 2: ESME_RINVDESTFLAG;</li>
 *   <li>an optional parameter cut short by the end of the PDU: ESME_RINVOPTPARSTREAM.</li>
 * </ul>
 * A response with no body at all decodes with empty fields, because SMSCs leave the body out on
 * error (section 4.4.2) and some peers leave out an empty deliver_sm_resp message_id; answering a
 * response with generic_nack would help nobody.
 *
 * <p>Encoding computes the exact length first ({@link #encodedLength(Pdu)}), which also validates
 * what the wire cannot carry (a NUL inside a C-Octet string, more than 255 octets of short_message,
 * more than 255 destinations), so that nothing is half-written. Characters above U+00FF are written as
 * {@code '?'}. Maximum field sizes are not enforced on encoding: that is the caller's policy.
 */
public final class SmppPduCodec {

    /** command_length, command_id, command_status, sequence_number. */
    public static final int HEADER_LENGTH = 16;

    // Maximum sizes of C-Octet strings, NUL included (SMPP 3.4 chapter 4 tables).
    static final int SYSTEM_ID_MAX = 16;
    static final int PASSWORD_MAX = 9;
    static final int SYSTEM_TYPE_MAX = 13;
    static final int ADDRESS_RANGE_MAX = 41;
    static final int SERVICE_TYPE_MAX = 6;
    static final int ADDR_MAX = 21;
    /** data_sm and alert_notification allow 65-octet addresses (sections 4.7.1, 4.12.1). */
    static final int LONG_ADDR_MAX = 65;
    static final int TIME_MAX = 17;
    /**
     * Also used for deliver_sm_resp, whose message_id the specification fixes at NULL: many ESMEs
     * put an id there, and refusing the response would only make the SMSC resend the message.
     */
    static final int MESSAGE_ID_MAX = 65;
    static final int DL_NAME_MAX = 21;

    private static final byte[] EMPTY = new byte[0];

    private SmppPduCodec() {
    }

    // ------------------------------------------------------------------------------------ decoding

    /**
     * Decodes one PDU. {@code frame}'s reader index must be at the command_length field and at least
     * command_length bytes must be readable; the reader index ends just after the PDU, also when an
     * exception is thrown for a PDU whose command_length was usable. The returned PDU does not refer
     * to the buffer.
     */
    public static Pdu decode(ByteBuf frame) throws SmppDecodeException {
        int start = frame.readerIndex();
        int readable = frame.readableBytes();
        if (readable < HEADER_LENGTH) {
            throw new SmppDecodeException(0, 0, ESME_RINVCMDLEN,
                    "frame of " + readable + " bytes is shorter than the 16-byte header");
        }
        long commandLength = frame.getUnsignedInt(start);
        int commandId = frame.getInt(start + 4);
        int status = frame.getInt(start + 8);
        int seq = frame.getInt(start + 12);
        if (commandLength < HEADER_LENGTH || commandLength > readable) {
            throw new SmppDecodeException(commandId, seq, ESME_RINVCMDLEN,
                    "command_length " + commandLength + " with " + readable + " bytes in the frame");
        }
        int end = start + (int) commandLength;
        try {
            Pdu pdu = newPdu(commandId);
            if (pdu == null) {
                throw new SmppDecodeException(commandId, seq, ESME_RINVCMDID,
                        "unknown command_id 0x" + Integer.toHexString(commandId));
            }
            pdu.commandStatus(status);
            pdu.sequenceNumber(seq);
            frame.readerIndex(start + HEADER_LENGTH);
            // SMSCs leave the body out of error responses (section 4.4.2), and some peers out of any
            // response whose fields they consider empty: a response is never refused for that
            boolean bodyOmitted = end == start + HEADER_LENGTH && CommandId.isResponse(commandId);
            if (!bodyOmitted) {
                readBody(pdu, frame, end);
            }
            readTlvs(pdu, frame, end);
            return pdu;
        } finally {
            frame.readerIndex(end);
        }
    }

    private static Pdu newPdu(int commandId) {
        switch (commandId) {
            case CommandId.SUBMIT_SM:
            case CommandId.DELIVER_SM:
                return new SmPdu(commandId);
            case CommandId.SUBMIT_SM_RESP:
            case CommandId.DELIVER_SM_RESP:
            case CommandId.DATA_SM_RESP:
                return new MessageIdRespPdu(commandId);
            case CommandId.ENQUIRE_LINK:
            case CommandId.ENQUIRE_LINK_RESP:
            case CommandId.UNBIND:
            case CommandId.UNBIND_RESP:
            case CommandId.GENERIC_NACK:
            case CommandId.CANCEL_SM_RESP:
            case CommandId.REPLACE_SM_RESP:
                return new HeaderOnlyPdu(commandId);
            case CommandId.DATA_SM:
                return new DataSmPdu();
            case CommandId.BIND_TRANSMITTER:
            case CommandId.BIND_RECEIVER:
            case CommandId.BIND_TRANSCEIVER:
                return new BindPdu(commandId);
            case CommandId.BIND_TRANSMITTER_RESP:
            case CommandId.BIND_RECEIVER_RESP:
            case CommandId.BIND_TRANSCEIVER_RESP:
                return new BindRespPdu(commandId);
            case CommandId.SUBMIT_MULTI:
                return new SubmitMultiPdu();
            case CommandId.SUBMIT_MULTI_RESP:
                return new SubmitMultiRespPdu();
            case CommandId.QUERY_SM:
                return new QuerySmPdu();
            case CommandId.QUERY_SM_RESP:
                return new QuerySmRespPdu();
            case CommandId.CANCEL_SM:
                return new CancelSmPdu();
            case CommandId.REPLACE_SM:
                return new ReplaceSmPdu();
            case CommandId.OUTBIND:
                return new OutbindPdu();
            case CommandId.ALERT_NOTIFICATION:
                return new AlertNotificationPdu();
            default:
                return null;
        }
    }

    private static void readBody(Pdu pdu, ByteBuf in, int end) throws SmppDecodeException {
        switch (pdu.commandId()) {
            case CommandId.SUBMIT_SM:
            case CommandId.DELIVER_SM:
                readSm((SmPdu) pdu, in, end);
                return;
            case CommandId.SUBMIT_SM_RESP:
            case CommandId.DELIVER_SM_RESP:
            case CommandId.DATA_SM_RESP:
                ((MessageIdRespPdu) pdu).messageId(cstr(in, end, MESSAGE_ID_MAX, pdu, "message_id"));
                return;
            case CommandId.DATA_SM:
                readDataSm((DataSmPdu) pdu, in, end);
                return;
            case CommandId.BIND_TRANSMITTER:
            case CommandId.BIND_RECEIVER:
            case CommandId.BIND_TRANSCEIVER:
                readBind((BindPdu) pdu, in, end);
                return;
            case CommandId.BIND_TRANSMITTER_RESP:
            case CommandId.BIND_RECEIVER_RESP:
            case CommandId.BIND_TRANSCEIVER_RESP:
                ((BindRespPdu) pdu).systemId(cstr(in, end, SYSTEM_ID_MAX, pdu, "system_id"));
                return;
            case CommandId.SUBMIT_MULTI:
                readSubmitMulti((SubmitMultiPdu) pdu, in, end);
                return;
            case CommandId.SUBMIT_MULTI_RESP:
                readSubmitMultiResp((SubmitMultiRespPdu) pdu, in, end);
                return;
            case CommandId.QUERY_SM:
                readQuerySm((QuerySmPdu) pdu, in, end);
                return;
            case CommandId.QUERY_SM_RESP:
                readQuerySmResp((QuerySmRespPdu) pdu, in, end);
                return;
            case CommandId.CANCEL_SM:
                readCancelSm((CancelSmPdu) pdu, in, end);
                return;
            case CommandId.REPLACE_SM:
                readReplaceSm((ReplaceSmPdu) pdu, in, end);
                return;
            case CommandId.OUTBIND:
                OutbindPdu outbind = (OutbindPdu) pdu;
                outbind.systemId(cstr(in, end, SYSTEM_ID_MAX, pdu, "system_id"));
                outbind.password(cstr(in, end, PASSWORD_MAX, pdu, "password"));
                return;
            case CommandId.ALERT_NOTIFICATION:
                readAlertNotification((AlertNotificationPdu) pdu, in, end);
                return;
            default:
                // header only
        }
    }

    private static void readSm(SmPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.serviceType(cstr(in, end, SERVICE_TYPE_MAX, p, "service_type"));
        p.sourceAddrTon(u8(in, end, p, "source_addr_ton"));
        p.sourceAddrNpi(u8(in, end, p, "source_addr_npi"));
        p.sourceAddr(cstr(in, end, ADDR_MAX, p, "source_addr"));
        p.destAddrTon(u8(in, end, p, "dest_addr_ton"));
        p.destAddrNpi(u8(in, end, p, "dest_addr_npi"));
        p.destinationAddr(cstr(in, end, ADDR_MAX, p, "destination_addr"));
        p.esmClass(u8(in, end, p, "esm_class"));
        p.protocolId(u8(in, end, p, "protocol_id"));
        p.priorityFlag(u8(in, end, p, "priority_flag"));
        p.scheduleDeliveryTime(cstr(in, end, TIME_MAX, p, "schedule_delivery_time"));
        p.validityPeriod(cstr(in, end, TIME_MAX, p, "validity_period"));
        p.registeredDelivery(u8(in, end, p, "registered_delivery"));
        p.replaceIfPresentFlag(u8(in, end, p, "replace_if_present_flag"));
        p.dataCoding(u8(in, end, p, "data_coding"));
        p.smDefaultMsgId(u8(in, end, p, "sm_default_msg_id"));
        p.shortMessage(shortMessage(in, end, p));
    }

    private static void readSubmitMulti(SubmitMultiPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.serviceType(cstr(in, end, SERVICE_TYPE_MAX, p, "service_type"));
        p.sourceAddrTon(u8(in, end, p, "source_addr_ton"));
        p.sourceAddrNpi(u8(in, end, p, "source_addr_npi"));
        p.sourceAddr(cstr(in, end, ADDR_MAX, p, "source_addr"));
        int numberOfDests = u8(in, end, p, "number_of_dests");
        List<MultiDestination> dests = p.destinations();
        for (int i = 0; i < numberOfDests; i++) {
            int flag = u8(in, end, p, "dest_flag");
            if (flag == MultiDestination.SME_ADDRESS) {
                int ton = u8(in, end, p, "dest_addr_ton");
                int npi = u8(in, end, p, "dest_addr_npi");
                dests.add(new MultiDestination(flag, ton, npi, cstr(in, end, ADDR_MAX, p, "destination_addr")));
            } else if (flag == MultiDestination.DISTRIBUTION_LIST) {
                dests.add(new MultiDestination(flag, 0, 0, cstr(in, end, DL_NAME_MAX, p, "dl_name")));
            } else {
                throw error(p, ESME_RINVDESTFLAG, "dest_flag " + flag + " is neither 1 (SME) nor 2 (distribution list)");
            }
        }
        p.esmClass(u8(in, end, p, "esm_class"));
        p.protocolId(u8(in, end, p, "protocol_id"));
        p.priorityFlag(u8(in, end, p, "priority_flag"));
        p.scheduleDeliveryTime(cstr(in, end, TIME_MAX, p, "schedule_delivery_time"));
        p.validityPeriod(cstr(in, end, TIME_MAX, p, "validity_period"));
        p.registeredDelivery(u8(in, end, p, "registered_delivery"));
        p.replaceIfPresentFlag(u8(in, end, p, "replace_if_present_flag"));
        p.dataCoding(u8(in, end, p, "data_coding"));
        p.smDefaultMsgId(u8(in, end, p, "sm_default_msg_id"));
        p.shortMessage(shortMessage(in, end, p));
    }

    private static void readSubmitMultiResp(SubmitMultiRespPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.messageId(cstr(in, end, MESSAGE_ID_MAX, p, "message_id"));
        int noUnsuccess = u8(in, end, p, "no_unsuccess");
        List<UnsuccessSme> smes = p.unsuccessSmes();
        for (int i = 0; i < noUnsuccess; i++) {
            int ton = u8(in, end, p, "dest_addr_ton");
            int npi = u8(in, end, p, "dest_addr_npi");
            String addr = cstr(in, end, ADDR_MAX, p, "destination_addr");
            smes.add(new UnsuccessSme(ton, npi, addr, i32(in, end, p, "error_status_code")));
        }
    }

    private static void readDataSm(DataSmPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.serviceType(cstr(in, end, SERVICE_TYPE_MAX, p, "service_type"));
        p.sourceAddrTon(u8(in, end, p, "source_addr_ton"));
        p.sourceAddrNpi(u8(in, end, p, "source_addr_npi"));
        p.sourceAddr(cstr(in, end, LONG_ADDR_MAX, p, "source_addr"));
        p.destAddrTon(u8(in, end, p, "dest_addr_ton"));
        p.destAddrNpi(u8(in, end, p, "dest_addr_npi"));
        p.destinationAddr(cstr(in, end, LONG_ADDR_MAX, p, "destination_addr"));
        p.esmClass(u8(in, end, p, "esm_class"));
        p.registeredDelivery(u8(in, end, p, "registered_delivery"));
        p.dataCoding(u8(in, end, p, "data_coding"));
    }

    private static void readBind(BindPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.systemId(cstr(in, end, SYSTEM_ID_MAX, p, "system_id"));
        p.password(cstr(in, end, PASSWORD_MAX, p, "password"));
        p.systemType(cstr(in, end, SYSTEM_TYPE_MAX, p, "system_type"));
        p.interfaceVersion(u8(in, end, p, "interface_version"));
        p.addrTon(u8(in, end, p, "addr_ton"));
        p.addrNpi(u8(in, end, p, "addr_npi"));
        p.addressRange(cstr(in, end, ADDRESS_RANGE_MAX, p, "address_range"));
    }

    private static void readQuerySm(QuerySmPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.messageId(cstr(in, end, MESSAGE_ID_MAX, p, "message_id"));
        p.sourceAddrTon(u8(in, end, p, "source_addr_ton"));
        p.sourceAddrNpi(u8(in, end, p, "source_addr_npi"));
        p.sourceAddr(cstr(in, end, ADDR_MAX, p, "source_addr"));
    }

    private static void readQuerySmResp(QuerySmRespPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.messageId(cstr(in, end, MESSAGE_ID_MAX, p, "message_id"));
        p.finalDate(cstr(in, end, TIME_MAX, p, "final_date"));
        p.messageState(u8(in, end, p, "message_state"));
        p.errorCode(u8(in, end, p, "error_code"));
    }

    private static void readCancelSm(CancelSmPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.serviceType(cstr(in, end, SERVICE_TYPE_MAX, p, "service_type"));
        p.messageId(cstr(in, end, MESSAGE_ID_MAX, p, "message_id"));
        p.sourceAddrTon(u8(in, end, p, "source_addr_ton"));
        p.sourceAddrNpi(u8(in, end, p, "source_addr_npi"));
        p.sourceAddr(cstr(in, end, ADDR_MAX, p, "source_addr"));
        p.destAddrTon(u8(in, end, p, "dest_addr_ton"));
        p.destAddrNpi(u8(in, end, p, "dest_addr_npi"));
        p.destinationAddr(cstr(in, end, ADDR_MAX, p, "destination_addr"));
    }

    private static void readReplaceSm(ReplaceSmPdu p, ByteBuf in, int end) throws SmppDecodeException {
        p.messageId(cstr(in, end, MESSAGE_ID_MAX, p, "message_id"));
        p.sourceAddrTon(u8(in, end, p, "source_addr_ton"));
        p.sourceAddrNpi(u8(in, end, p, "source_addr_npi"));
        p.sourceAddr(cstr(in, end, ADDR_MAX, p, "source_addr"));
        p.scheduleDeliveryTime(cstr(in, end, TIME_MAX, p, "schedule_delivery_time"));
        p.validityPeriod(cstr(in, end, TIME_MAX, p, "validity_period"));
        p.registeredDelivery(u8(in, end, p, "registered_delivery"));
        p.smDefaultMsgId(u8(in, end, p, "sm_default_msg_id"));
        p.shortMessage(shortMessage(in, end, p));
    }

    private static void readAlertNotification(AlertNotificationPdu p, ByteBuf in, int end)
            throws SmppDecodeException {
        p.sourceAddrTon(u8(in, end, p, "source_addr_ton"));
        p.sourceAddrNpi(u8(in, end, p, "source_addr_npi"));
        p.sourceAddr(cstr(in, end, LONG_ADDR_MAX, p, "source_addr"));
        p.esmeAddrTon(u8(in, end, p, "esme_addr_ton"));
        p.esmeAddrNpi(u8(in, end, p, "esme_addr_npi"));
        p.esmeAddr(cstr(in, end, LONG_ADDR_MAX, p, "esme_addr"));
    }

    private static void readTlvs(Pdu p, ByteBuf in, int end) throws SmppDecodeException {
        while (in.readerIndex() < end) {
            int left = end - in.readerIndex();
            if (left < 4) {
                throw error(p, ESME_RINVOPTPARSTREAM, "optional parameter cut short: " + left + " bytes left");
            }
            short tag = in.readShort();
            int length = in.readUnsignedShort();
            if (length > left - 4) {
                throw error(p, ESME_RINVOPTPARSTREAM, "optional parameter 0x" + Integer.toHexString(tag & 0xFFFF)
                        + " of length " + length + " runs past the end of the PDU");
            }
            byte[] value = length == 0 ? EMPTY : new byte[length];
            in.readBytes(value);
            p.addTlv(new Tlv(tag, value));
        }
    }

    private static int u8(ByteBuf in, int end, Pdu p, String field) throws SmppDecodeException {
        if (in.readerIndex() >= end) {
            throw error(p, ESME_RINVCMDLEN, "body ends before " + field);
        }
        return in.readUnsignedByte();
    }

    private static int i32(ByteBuf in, int end, Pdu p, String field) throws SmppDecodeException {
        if (end - in.readerIndex() < 4) {
            throw error(p, ESME_RINVCMDLEN, "body ends inside " + field);
        }
        return in.readInt();
    }

    /** A C-Octet string of at most {@code max} bytes including its NUL, read in place. */
    private static String cstr(ByteBuf in, int end, int max, Pdu p, String field) throws SmppDecodeException {
        int from = in.readerIndex();
        int limit = Math.min(end, from + max);
        int nul = in.indexOf(from, limit, (byte) 0);
        if (nul < 0) {
            if (end - from < max) {
                throw error(p, ESME_RINVCMDLEN, field + " has no NUL terminator before the end of the PDU");
            }
            throw error(p, ESME_RINVCMDLEN, field + " is longer than " + (max - 1) + " characters");
        }
        in.readerIndex(nul + 1);
        int length = nul - from;
        return length == 0 ? "" : in.toString(from, length, StandardCharsets.ISO_8859_1);
    }

    private static byte[] shortMessage(ByteBuf in, int end, Pdu p) throws SmppDecodeException {
        int smLength = u8(in, end, p, "sm_length");
        if (smLength > end - in.readerIndex()) {
            throw error(p, ESME_RINVMSGLEN, "sm_length " + smLength + " runs past the end of the PDU");
        }
        if (smLength == 0) {
            return EMPTY;
        }
        byte[] sm = new byte[smLength];
        in.readBytes(sm);
        return sm;
    }

    private static SmppDecodeException error(Pdu p, int status, String message) {
        return new SmppDecodeException(p.commandId(), p.sequenceNumber(), status,
                CommandId.name(p.commandId()) + ": " + message);
    }

    // ------------------------------------------------------------------------------------ encoding

    /**
     * The number of bytes {@link #encode(Pdu, ByteBuf)} writes, header included.
     *
     * @throws IllegalArgumentException if a field cannot be put on the wire
     */
    public static int encodedLength(Pdu pdu) {
        int length = HEADER_LENGTH + bodyLength(pdu);
        List<Tlv> tlvs = pdu.tlvs();
        for (int i = 0, n = tlvs.size(); i < n; i++) {
            length += 4 + tlvs.get(i).value().length;
        }
        return length;
    }

    /** Writes the whole PDU at {@code out}'s writer index, growing {@code out} if needed. */
    public static void encode(Pdu pdu, ByteBuf out) {
        int length = encodedLength(pdu);
        out.ensureWritable(length);
        write(pdu, length, out);
    }

    /** The PDU in a new buffer from {@code alloc} of exactly {@link #encodedLength(Pdu)} bytes. */
    public static ByteBuf encode(ByteBufAllocator alloc, Pdu pdu) {
        int length = encodedLength(pdu);
        ByteBuf out = alloc.ioBuffer(length, length);
        try {
            write(pdu, length, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static int bodyLength(Pdu pdu) {
        if (pdu instanceof SmPdu p) {
            return cs(p.serviceType(), "service_type") + 2 + cs(p.sourceAddr(), "source_addr")
                    + 2 + cs(p.destinationAddr(), "destination_addr") + 3
                    + cs(p.scheduleDeliveryTime(), "schedule_delivery_time")
                    + cs(p.validityPeriod(), "validity_period") + 4 + sm(p.shortMessage());
        }
        if (pdu instanceof MessageIdRespPdu p) {
            return omitsBody(p) ? 0 : cs(p.messageId(), "message_id");
        }
        if (pdu instanceof HeaderOnlyPdu) {
            return 0;
        }
        if (pdu instanceof DataSmPdu p) {
            return cs(p.serviceType(), "service_type") + 2 + cs(p.sourceAddr(), "source_addr")
                    + 2 + cs(p.destinationAddr(), "destination_addr") + 3;
        }
        if (pdu instanceof BindPdu p) {
            return cs(p.systemId(), "system_id") + cs(p.password(), "password")
                    + cs(p.systemType(), "system_type") + 3 + cs(p.addressRange(), "address_range");
        }
        if (pdu instanceof BindRespPdu p) {
            return cs(p.systemId(), "system_id");
        }
        if (pdu instanceof SubmitMultiPdu p) {
            List<MultiDestination> dests = p.destinations();
            if (dests.size() > 255) {
                throw new IllegalArgumentException("submit_multi has " + dests.size() + " destinations, at most 255");
            }
            int length = cs(p.serviceType(), "service_type") + 2 + cs(p.sourceAddr(), "source_addr") + 1;
            for (int i = 0, n = dests.size(); i < n; i++) {
                MultiDestination d = dests.get(i);
                length += d.destFlag() == MultiDestination.SME_ADDRESS
                        ? 3 + cs(d.address(), "destination_addr") : 1 + cs(d.address(), "dl_name");
            }
            return length + 3 + cs(p.scheduleDeliveryTime(), "schedule_delivery_time")
                    + cs(p.validityPeriod(), "validity_period") + 4 + sm(p.shortMessage());
        }
        if (pdu instanceof SubmitMultiRespPdu p) {
            List<UnsuccessSme> smes = p.unsuccessSmes();
            if (smes.size() > 255) {
                throw new IllegalArgumentException("submit_multi_resp has " + smes.size() + " unsuccess_sme, at most 255");
            }
            int length = cs(p.messageId(), "message_id") + 1;
            for (int i = 0, n = smes.size(); i < n; i++) {
                length += 6 + cs(smes.get(i).address(), "destination_addr");
            }
            return length;
        }
        if (pdu instanceof QuerySmPdu p) {
            return cs(p.messageId(), "message_id") + 2 + cs(p.sourceAddr(), "source_addr");
        }
        if (pdu instanceof QuerySmRespPdu p) {
            return cs(p.messageId(), "message_id") + cs(p.finalDate(), "final_date") + 2;
        }
        if (pdu instanceof CancelSmPdu p) {
            return cs(p.serviceType(), "service_type") + cs(p.messageId(), "message_id")
                    + 2 + cs(p.sourceAddr(), "source_addr") + 2 + cs(p.destinationAddr(), "destination_addr");
        }
        if (pdu instanceof ReplaceSmPdu p) {
            return cs(p.messageId(), "message_id") + 2 + cs(p.sourceAddr(), "source_addr")
                    + cs(p.scheduleDeliveryTime(), "schedule_delivery_time")
                    + cs(p.validityPeriod(), "validity_period") + 2 + sm(p.shortMessage());
        }
        if (pdu instanceof OutbindPdu p) {
            return cs(p.systemId(), "system_id") + cs(p.password(), "password");
        }
        if (pdu instanceof AlertNotificationPdu p) {
            return 2 + cs(p.sourceAddr(), "source_addr") + 2 + cs(p.esmeAddr(), "esme_addr");
        }
        throw new IllegalArgumentException("cannot encode " + pdu.getClass().getName());
    }

    /** Section 4.4.2: no body in an error submit_sm_resp or data_sm_resp that has nothing to carry. */
    private static boolean omitsBody(MessageIdRespPdu p) {
        return p.commandStatus() != 0 && p.commandId() != CommandId.DELIVER_SM_RESP
                && p.messageId().isEmpty() && p.tlvs().isEmpty();
    }

    private static int cs(String s, String field) {
        if (s.indexOf(0) >= 0) {
            throw new IllegalArgumentException(field + " contains a NUL character");
        }
        return s.length() + 1;
    }

    private static int sm(byte[] shortMessage) {
        if (shortMessage.length > 255) {
            throw new IllegalArgumentException("short_message of " + shortMessage.length
                    + " octets does not fit sm_length; use the message_payload TLV");
        }
        return 1 + shortMessage.length;
    }

    /**
     * Writes the PDU, whose encoded length is {@code length}, at {@code out}'s writer index; the
     * caller has made room.
     */
    static void write(Pdu pdu, int length, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(length);
        out.writeInt(pdu.commandId());
        out.writeInt(pdu.commandStatus());
        out.writeInt(pdu.sequenceNumber());
        writeBody(pdu, out);
        List<Tlv> tlvs = pdu.tlvs();
        for (int i = 0, n = tlvs.size(); i < n; i++) {
            Tlv t = tlvs.get(i);
            out.writeShort(t.tag());
            out.writeShort(t.value().length);
            out.writeBytes(t.value());
        }
        if (out.writerIndex() - start != length) {
            throw new IllegalStateException("encoded " + (out.writerIndex() - start) + " bytes for "
                    + CommandId.name(pdu.commandId()) + ", computed " + length);
        }
    }

    private static void writeBody(Pdu pdu, ByteBuf out) {
        if (pdu instanceof SmPdu p) {
            writeCString(out, p.serviceType());
            out.writeByte(p.sourceAddrTon());
            out.writeByte(p.sourceAddrNpi());
            writeCString(out, p.sourceAddr());
            out.writeByte(p.destAddrTon());
            out.writeByte(p.destAddrNpi());
            writeCString(out, p.destinationAddr());
            out.writeByte(p.esmClass());
            out.writeByte(p.protocolId());
            out.writeByte(p.priorityFlag());
            writeCString(out, p.scheduleDeliveryTime());
            writeCString(out, p.validityPeriod());
            out.writeByte(p.registeredDelivery());
            out.writeByte(p.replaceIfPresentFlag());
            out.writeByte(p.dataCoding());
            out.writeByte(p.smDefaultMsgId());
            out.writeByte(p.shortMessage().length);
            out.writeBytes(p.shortMessage());
        } else if (pdu instanceof MessageIdRespPdu p) {
            if (!omitsBody(p)) {
                writeCString(out, p.messageId());
            }
        } else if (pdu instanceof HeaderOnlyPdu) {
            return;
        } else if (pdu instanceof DataSmPdu p) {
            writeCString(out, p.serviceType());
            out.writeByte(p.sourceAddrTon());
            out.writeByte(p.sourceAddrNpi());
            writeCString(out, p.sourceAddr());
            out.writeByte(p.destAddrTon());
            out.writeByte(p.destAddrNpi());
            writeCString(out, p.destinationAddr());
            out.writeByte(p.esmClass());
            out.writeByte(p.registeredDelivery());
            out.writeByte(p.dataCoding());
        } else if (pdu instanceof BindPdu p) {
            writeCString(out, p.systemId());
            writeCString(out, p.password());
            writeCString(out, p.systemType());
            out.writeByte(p.interfaceVersion());
            out.writeByte(p.addrTon());
            out.writeByte(p.addrNpi());
            writeCString(out, p.addressRange());
        } else if (pdu instanceof BindRespPdu p) {
            writeCString(out, p.systemId());
        } else if (pdu instanceof SubmitMultiPdu p) {
            writeCString(out, p.serviceType());
            out.writeByte(p.sourceAddrTon());
            out.writeByte(p.sourceAddrNpi());
            writeCString(out, p.sourceAddr());
            List<MultiDestination> dests = p.destinations();
            out.writeByte(dests.size());
            for (int i = 0, n = dests.size(); i < n; i++) {
                MultiDestination d = dests.get(i);
                out.writeByte(d.destFlag());
                if (d.destFlag() == MultiDestination.SME_ADDRESS) {
                    out.writeByte(d.ton());
                    out.writeByte(d.npi());
                }
                writeCString(out, d.address());
            }
            out.writeByte(p.esmClass());
            out.writeByte(p.protocolId());
            out.writeByte(p.priorityFlag());
            writeCString(out, p.scheduleDeliveryTime());
            writeCString(out, p.validityPeriod());
            out.writeByte(p.registeredDelivery());
            out.writeByte(p.replaceIfPresentFlag());
            out.writeByte(p.dataCoding());
            out.writeByte(p.smDefaultMsgId());
            out.writeByte(p.shortMessage().length);
            out.writeBytes(p.shortMessage());
        } else if (pdu instanceof SubmitMultiRespPdu p) {
            writeCString(out, p.messageId());
            List<UnsuccessSme> smes = p.unsuccessSmes();
            out.writeByte(smes.size());
            for (int i = 0, n = smes.size(); i < n; i++) {
                UnsuccessSme s = smes.get(i);
                out.writeByte(s.ton());
                out.writeByte(s.npi());
                writeCString(out, s.address());
                out.writeInt(s.errorStatusCode());
            }
        } else if (pdu instanceof QuerySmPdu p) {
            writeCString(out, p.messageId());
            out.writeByte(p.sourceAddrTon());
            out.writeByte(p.sourceAddrNpi());
            writeCString(out, p.sourceAddr());
        } else if (pdu instanceof QuerySmRespPdu p) {
            writeCString(out, p.messageId());
            writeCString(out, p.finalDate());
            out.writeByte(p.messageState());
            out.writeByte(p.errorCode());
        } else if (pdu instanceof CancelSmPdu p) {
            writeCString(out, p.serviceType());
            writeCString(out, p.messageId());
            out.writeByte(p.sourceAddrTon());
            out.writeByte(p.sourceAddrNpi());
            writeCString(out, p.sourceAddr());
            out.writeByte(p.destAddrTon());
            out.writeByte(p.destAddrNpi());
            writeCString(out, p.destinationAddr());
        } else if (pdu instanceof ReplaceSmPdu p) {
            writeCString(out, p.messageId());
            out.writeByte(p.sourceAddrTon());
            out.writeByte(p.sourceAddrNpi());
            writeCString(out, p.sourceAddr());
            writeCString(out, p.scheduleDeliveryTime());
            writeCString(out, p.validityPeriod());
            out.writeByte(p.registeredDelivery());
            out.writeByte(p.smDefaultMsgId());
            out.writeByte(p.shortMessage().length);
            out.writeBytes(p.shortMessage());
        } else if (pdu instanceof OutbindPdu p) {
            writeCString(out, p.systemId());
            writeCString(out, p.password());
        } else if (pdu instanceof AlertNotificationPdu p) {
            out.writeByte(p.sourceAddrTon());
            out.writeByte(p.sourceAddrNpi());
            writeCString(out, p.sourceAddr());
            out.writeByte(p.esmeAddrTon());
            out.writeByte(p.esmeAddrNpi());
            writeCString(out, p.esmeAddr());
        }
    }

    /** One byte per char (ISO-8859-1, '?' above U+00FF) and the NUL; room was ensured by the caller. */
    private static void writeCString(ByteBuf out, String s) {
        int w = out.writerIndex();
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            out.setByte(w + i, c > 0xFF ? '?' : c);
        }
        out.setByte(w + s.length(), 0);
        out.writerIndex(w + s.length() + 1);
    }
}
