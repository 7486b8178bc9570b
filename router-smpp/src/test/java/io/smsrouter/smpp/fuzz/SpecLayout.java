package io.smsrouter.smpp.fuzz;

import io.smsrouter.smpp.pdu.CommandStatus;
import java.util.Map;

/**
 * The mandatory body layouts of SMPP 3.4 chapter 4, written out again from the specification's tables
 * (not from the codec), and the status the README says a malformed PDU is answered with. The decoder
 * fuzz target asks it which answer each frame deserves and compares with what the codec decided.
 *
 * <p>Field codes: {@code Cn} a C-Octet String of at most n octets with its NUL, {@code 1} an
 * integer octet, {@code S} sm_length and short_message, {@code D} submit_multi's number_of_dests and
 * dest_address list (section 4.5.1.1), {@code U} submit_multi_resp's no_unsuccess and unsuccess_sme
 * list (section 4.5.2.1).
 */
final class SpecLayout {

    private static final Map<Integer, String> BODIES = Map.ofEntries(
            // 4.1 binds: system_id, password, system_type, interface_version, addr_ton, addr_npi, address_range
            Map.entry(0x00000001, "C16 C9 C13 1 1 1 C41"),
            Map.entry(0x00000002, "C16 C9 C13 1 1 1 C41"),
            Map.entry(0x00000009, "C16 C9 C13 1 1 1 C41"),
            Map.entry(0x80000001, "C16"),
            Map.entry(0x80000002, "C16"),
            Map.entry(0x80000009, "C16"),
            // 4.1.7 outbind: system_id, password
            Map.entry(0x0000000B, "C16 C9"),
            // 4.2, 4.3, 4.11: no body
            Map.entry(0x00000006, ""),
            Map.entry(0x80000006, ""),
            Map.entry(0x80000000, ""),
            Map.entry(0x00000015, ""),
            Map.entry(0x80000015, ""),
            // 4.4.1 submit_sm, 4.6.1 deliver_sm: service_type, source ton/npi/addr, dest ton/npi/addr,
            // esm_class, protocol_id, priority_flag, schedule_delivery_time, validity_period,
            // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id, short_message
            Map.entry(0x00000004, "C6 1 1 C21 1 1 C21 1 1 1 C17 C17 1 1 1 1 S"),
            Map.entry(0x00000005, "C6 1 1 C21 1 1 C21 1 1 1 C17 C17 1 1 1 1 S"),
            // 4.4.2, 4.6.2 (message_id there is unused, the codec takes an id anyway), 4.7.2: message_id
            Map.entry(0x80000004, "C65"),
            Map.entry(0x80000005, "C65"),
            Map.entry(0x80000103, "C65"),
            // 4.5.1 submit_multi
            Map.entry(0x00000021, "C6 1 1 C21 D 1 1 1 C17 C17 1 1 1 1 S"),
            Map.entry(0x80000021, "C65 U"),
            // 4.7.1 data_sm: service_type, source ton/npi/addr(65), dest ton/npi/addr(65), esm_class,
            // registered_delivery, data_coding
            Map.entry(0x00000103, "C6 1 1 C65 1 1 C65 1 1 1"),
            // 4.8 query_sm: message_id, source ton/npi/addr; resp: message_id, final_date, message_state, error_code
            Map.entry(0x00000003, "C65 1 1 C21"),
            Map.entry(0x80000003, "C65 C17 1 1"),
            // 4.9 cancel_sm: service_type, message_id, source ton/npi/addr, dest ton/npi/addr
            Map.entry(0x00000008, "C6 C65 1 1 C21 1 1 C21"),
            Map.entry(0x80000008, ""),
            // 4.10 replace_sm: message_id, source ton/npi/addr, schedule_delivery_time, validity_period,
            // registered_delivery, sm_default_msg_id, short_message
            Map.entry(0x00000007, "C65 1 1 C21 C17 C17 1 1 S"),
            Map.entry(0x80000007, ""),
            // 4.12 alert_notification: source ton/npi/addr(65), esme ton/npi/addr(65)
            Map.entry(0x00000102, "1 1 C65 1 1 C65"));

    private SpecLayout() {
    }

    /**
     * The command_status the frame must be answered with, or 0 when it is a well-formed PDU.
     * {@code frame} is exactly command_length bytes, at least the 16 of the header.
     */
    static int expectedStatus(byte[] frame) {
        int commandId = Framing.i32(frame, 4);
        String body = BODIES.get(commandId);
        if (body == null) {
            return CommandStatus.ESME_RINVCMDID;
        }
        boolean response = commandId < 0;
        if (frame.length == Framing.HEADER_LENGTH && response) {
            return 0; // a response may come without body (section 4.4.2 and peers' habits)
        }
        int[] at = {Framing.HEADER_LENGTH};
        int status = body.isEmpty() ? 0 : fields(frame, at, body);
        return status != 0 ? status : tlvs(frame, at[0]);
    }

    private static int fields(byte[] f, int[] at, String layout) {
        for (String field : layout.split(" ")) {
            int status = switch (field.charAt(0)) {
                case 'C' -> cstring(f, at, Integer.parseInt(field.substring(1)));
                case '1' -> octets(f, at, 1);
                case 'S' -> shortMessage(f, at);
                case 'D' -> destinations(f, at);
                case 'U' -> unsuccess(f, at);
                default -> throw new IllegalStateException(field);
            };
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    /** Too long, or no NUL before the end: the body does not match its command_length. */
    private static int cstring(byte[] f, int[] at, int max) {
        for (int i = at[0]; i < f.length && i < at[0] + max; i++) {
            if (f[i] == 0) {
                at[0] = i + 1;
                return 0;
            }
        }
        return CommandStatus.ESME_RINVCMDLEN;
    }

    private static int octets(byte[] f, int[] at, int n) {
        if (f.length - at[0] < n) {
            return CommandStatus.ESME_RINVCMDLEN;
        }
        at[0] += n;
        return 0;
    }

    private static int shortMessage(byte[] f, int[] at) {
        if (octets(f, at, 1) != 0) {
            return CommandStatus.ESME_RINVCMDLEN;
        }
        int smLength = f[at[0] - 1] & 0xFF;
        if (smLength > f.length - at[0]) {
            return CommandStatus.ESME_RINVMSGLEN;
        }
        at[0] += smLength;
        return 0;
    }

    private static int destinations(byte[] f, int[] at) {
        if (octets(f, at, 1) != 0) {
            return CommandStatus.ESME_RINVCMDLEN;
        }
        int n = f[at[0] - 1] & 0xFF;
        for (int i = 0; i < n; i++) {
            if (octets(f, at, 1) != 0) {
                return CommandStatus.ESME_RINVCMDLEN;
            }
            int flag = f[at[0] - 1] & 0xFF;
            int status = switch (flag) {
                case 1 -> fields(f, at, "1 1 C21"); // SME address
                case 2 -> fields(f, at, "C21"); // distribution list name
                default -> CommandStatus.ESME_RINVDESTFLAG;
            };
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    private static int unsuccess(byte[] f, int[] at) {
        if (octets(f, at, 1) != 0) {
            return CommandStatus.ESME_RINVCMDLEN;
        }
        int n = f[at[0] - 1] & 0xFF;
        for (int i = 0; i < n; i++) {
            int status = fields(f, at, "1 1 C21");
            if (status == 0) {
                status = octets(f, at, 4); // error_status_code
            }
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    /** Section 3.2.1: tag, length, value until the end of the PDU. */
    private static int tlvs(byte[] f, int at) {
        while (at < f.length) {
            if (f.length - at < 4) {
                return CommandStatus.ESME_RINVOPTPARSTREAM;
            }
            int length = (f[at + 2] & 0xFF) << 8 | (f[at + 3] & 0xFF);
            if (length > f.length - at - 4) {
                return CommandStatus.ESME_RINVOPTPARSTREAM;
            }
            at += 4 + length;
        }
        return 0;
    }
}
