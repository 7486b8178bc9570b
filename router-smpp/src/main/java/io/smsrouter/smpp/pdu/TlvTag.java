package io.smsrouter.smpp.pdu;

/**
 * SMPP 3.4 optional parameter tags (specification section 5.3.2). Tags outside this list
 * (vendor-specific 0x1400..0x3FFF, or later versions' tags) are legal on the wire and kept as-is.
 */
public final class TlvTag {

    /** {@code dest_addr_subunit}. */
    public static final short DEST_ADDR_SUBUNIT = 0x0005;
    /** {@code dest_network_type}. */
    public static final short DEST_NETWORK_TYPE = 0x0006;
    /** {@code dest_bearer_type}. */
    public static final short DEST_BEARER_TYPE = 0x0007;
    /** {@code dest_telematics_id}. */
    public static final short DEST_TELEMATICS_ID = 0x0008;
    /** {@code source_addr_subunit}. */
    public static final short SOURCE_ADDR_SUBUNIT = 0x000D;
    /** {@code source_network_type}. */
    public static final short SOURCE_NETWORK_TYPE = 0x000E;
    /** {@code source_bearer_type}. */
    public static final short SOURCE_BEARER_TYPE = 0x000F;
    /** {@code source_telematics_id}. */
    public static final short SOURCE_TELEMATICS_ID = 0x0010;
    /** {@code qos_time_to_live}. */
    public static final short QOS_TIME_TO_LIVE = 0x0017;
    /** {@code payload_type}. */
    public static final short PAYLOAD_TYPE = 0x0019;
    /** {@code additional_status_info_text}. */
    public static final short ADDITIONAL_STATUS_INFO_TEXT = 0x001D;
    /** {@code receipted_message_id}. */
    public static final short RECEIPTED_MESSAGE_ID = 0x001E;
    /** {@code ms_msg_wait_facilities}. */
    public static final short MS_MSG_WAIT_FACILITIES = 0x0030;
    /** {@code privacy_indicator}. */
    public static final short PRIVACY_INDICATOR = 0x0201;
    /** {@code source_subaddress}. */
    public static final short SOURCE_SUBADDRESS = 0x0202;
    /** {@code dest_subaddress}. */
    public static final short DEST_SUBADDRESS = 0x0203;
    /** {@code user_message_reference}. */
    public static final short USER_MESSAGE_REFERENCE = 0x0204;
    /** {@code user_response_code}. */
    public static final short USER_RESPONSE_CODE = 0x0205;
    /** {@code source_port}. */
    public static final short SOURCE_PORT = 0x020A;
    /** {@code destination_port}. */
    public static final short DESTINATION_PORT = 0x020B;
    /** {@code sar_msg_ref_num}. */
    public static final short SAR_MSG_REF_NUM = 0x020C;
    /** {@code language_indicator}. */
    public static final short LANGUAGE_INDICATOR = 0x020D;
    /** {@code sar_total_segments}. */
    public static final short SAR_TOTAL_SEGMENTS = 0x020E;
    /** {@code sar_segment_seqnum}. */
    public static final short SAR_SEGMENT_SEQNUM = 0x020F;
    /** {@code SC_interface_version}. */
    public static final short SC_INTERFACE_VERSION = 0x0210;
    /** {@code callback_num_pres_ind}. */
    public static final short CALLBACK_NUM_PRES_IND = 0x0302;
    /** {@code callback_num_atag}. */
    public static final short CALLBACK_NUM_ATAG = 0x0303;
    /** {@code number_of_messages}. */
    public static final short NUMBER_OF_MESSAGES = 0x0304;
    /** {@code callback_num}. */
    public static final short CALLBACK_NUM = 0x0381;
    /** {@code dpf_result}. */
    public static final short DPF_RESULT = 0x0420;
    /** {@code set_dpf}. */
    public static final short SET_DPF = 0x0421;
    /** {@code ms_availability_status}. */
    public static final short MS_AVAILABILITY_STATUS = 0x0422;
    /** {@code network_error_code}. */
    public static final short NETWORK_ERROR_CODE = 0x0423;
    /** {@code message_payload}. */
    public static final short MESSAGE_PAYLOAD = 0x0424;
    /** {@code delivery_failure_reason}. */
    public static final short DELIVERY_FAILURE_REASON = 0x0425;
    /** {@code more_messages_to_send}. */
    public static final short MORE_MESSAGES_TO_SEND = 0x0426;
    /** {@code message_state}. */
    public static final short MESSAGE_STATE = 0x0427;
    /** {@code ussd_service_op}. */
    public static final short USSD_SERVICE_OP = 0x0501;
    /** {@code display_time}. */
    public static final short DISPLAY_TIME = 0x1201;
    /** {@code sms_signal}. */
    public static final short SMS_SIGNAL = 0x1203;
    /** {@code ms_validity}. */
    public static final short MS_VALIDITY = 0x1204;
    /** {@code alert_on_message_delivery}. */
    public static final short ALERT_ON_MESSAGE_DELIVERY = 0x130C;
    /** {@code its_reply_type}. */
    public static final short ITS_REPLY_TYPE = 0x1380;
    /** {@code its_session_info}. */
    public static final short ITS_SESSION_INFO = 0x1383;

    private TlvTag() {
    }

    /** The specification's name, such as {@code receipted_message_id}, or {@code null} if not SMPP 3.4. */
    public static String name(short tag) {
        switch (tag) {
            case DEST_ADDR_SUBUNIT: return "dest_addr_subunit";
            case DEST_NETWORK_TYPE: return "dest_network_type";
            case DEST_BEARER_TYPE: return "dest_bearer_type";
            case DEST_TELEMATICS_ID: return "dest_telematics_id";
            case SOURCE_ADDR_SUBUNIT: return "source_addr_subunit";
            case SOURCE_NETWORK_TYPE: return "source_network_type";
            case SOURCE_BEARER_TYPE: return "source_bearer_type";
            case SOURCE_TELEMATICS_ID: return "source_telematics_id";
            case QOS_TIME_TO_LIVE: return "qos_time_to_live";
            case PAYLOAD_TYPE: return "payload_type";
            case ADDITIONAL_STATUS_INFO_TEXT: return "additional_status_info_text";
            case RECEIPTED_MESSAGE_ID: return "receipted_message_id";
            case MS_MSG_WAIT_FACILITIES: return "ms_msg_wait_facilities";
            case PRIVACY_INDICATOR: return "privacy_indicator";
            case SOURCE_SUBADDRESS: return "source_subaddress";
            case DEST_SUBADDRESS: return "dest_subaddress";
            case USER_MESSAGE_REFERENCE: return "user_message_reference";
            case USER_RESPONSE_CODE: return "user_response_code";
            case SOURCE_PORT: return "source_port";
            case DESTINATION_PORT: return "destination_port";
            case SAR_MSG_REF_NUM: return "sar_msg_ref_num";
            case LANGUAGE_INDICATOR: return "language_indicator";
            case SAR_TOTAL_SEGMENTS: return "sar_total_segments";
            case SAR_SEGMENT_SEQNUM: return "sar_segment_seqnum";
            case SC_INTERFACE_VERSION: return "SC_interface_version";
            case CALLBACK_NUM_PRES_IND: return "callback_num_pres_ind";
            case CALLBACK_NUM_ATAG: return "callback_num_atag";
            case NUMBER_OF_MESSAGES: return "number_of_messages";
            case CALLBACK_NUM: return "callback_num";
            case DPF_RESULT: return "dpf_result";
            case SET_DPF: return "set_dpf";
            case MS_AVAILABILITY_STATUS: return "ms_availability_status";
            case NETWORK_ERROR_CODE: return "network_error_code";
            case MESSAGE_PAYLOAD: return "message_payload";
            case DELIVERY_FAILURE_REASON: return "delivery_failure_reason";
            case MORE_MESSAGES_TO_SEND: return "more_messages_to_send";
            case MESSAGE_STATE: return "message_state";
            case USSD_SERVICE_OP: return "ussd_service_op";
            case DISPLAY_TIME: return "display_time";
            case SMS_SIGNAL: return "sms_signal";
            case MS_VALIDITY: return "ms_validity";
            case ALERT_ON_MESSAGE_DELIVERY: return "alert_on_message_delivery";
            case ITS_REPLY_TYPE: return "its_reply_type";
            case ITS_SESSION_INFO: return "its_session_info";
            default: return null;
        }
    }
}
