package io.smsrouter.smpp.pdu;

/**
 * SMPP 3.4 command_status values (specification section 5.1.3). Values 0x400..0x4FF are reserved
 * for SMSC vendors; {@link #name(int)} prints them, like any other unlisted value, in hex.
 */
public final class CommandStatus {

    /** No error. */
    public static final int ESME_ROK = 0x00;
    /** Message length is invalid. */
    public static final int ESME_RINVMSGLEN = 0x01;
    /** Command length is invalid. */
    public static final int ESME_RINVCMDLEN = 0x02;
    /** Invalid command ID. */
    public static final int ESME_RINVCMDID = 0x03;
    /** Incorrect BIND status for given command. */
    public static final int ESME_RINVBNDSTS = 0x04;
    /** ESME already in bound state. */
    public static final int ESME_RALYBND = 0x05;
    /** Invalid priority flag. */
    public static final int ESME_RINVPRTFLG = 0x06;
    /** Invalid registered delivery flag. */
    public static final int ESME_RINVREGDLVFLG = 0x07;
    /** System error. */
    public static final int ESME_RSYSERR = 0x08;
    /** Invalid source address. */
    public static final int ESME_RINVSRCADR = 0x0A;
    /** Invalid destination address. */
    public static final int ESME_RINVDSTADR = 0x0B;
    /** Message ID is invalid. */
    public static final int ESME_RINVMSGID = 0x0C;
    /** Bind failed. */
    public static final int ESME_RBINDFAIL = 0x0D;
    /** Invalid password. */
    public static final int ESME_RINVPASWD = 0x0E;
    /** Invalid system ID. */
    public static final int ESME_RINVSYSID = 0x0F;
    /** Cancel SM failed. */
    public static final int ESME_RCANCELFAIL = 0x11;
    /** Replace SM failed. */
    public static final int ESME_RREPLACEFAIL = 0x13;
    /** Message queue full. */
    public static final int ESME_RMSGQFUL = 0x14;
    /** Invalid service type. */
    public static final int ESME_RINVSERTYP = 0x15;
    /** Invalid number of destinations. */
    public static final int ESME_RINVNUMDESTS = 0x33;
    /** Invalid distribution list name. */
    public static final int ESME_RINVDLNAME = 0x34;
    /** Destination flag is invalid (submit_multi). */
    public static final int ESME_RINVDESTFLAG = 0x40;
    /** Invalid submit with replace request. */
    public static final int ESME_RINVSUBREP = 0x42;
    /** Invalid esm_class field data. */
    public static final int ESME_RINVESMCLASS = 0x43;
    /** Cannot submit to distribution list. */
    public static final int ESME_RCNTSUBDL = 0x44;
    /** submit_sm or submit_multi failed. */
    public static final int ESME_RSUBMITFAIL = 0x45;
    /** Invalid source address TON. */
    public static final int ESME_RINVSRCTON = 0x48;
    /** Invalid source address NPI. */
    public static final int ESME_RINVSRCNPI = 0x49;
    /** Invalid destination address TON. */
    public static final int ESME_RINVDSTTON = 0x50;
    /** Invalid destination address NPI. */
    public static final int ESME_RINVDSTNPI = 0x51;
    /** Invalid system_type field. */
    public static final int ESME_RINVSYSTYP = 0x53;
    /** Invalid replace_if_present flag. */
    public static final int ESME_RINVREPFLAG = 0x54;
    /** Invalid number of messages. */
    public static final int ESME_RINVNUMMSGS = 0x55;
    /** Throttling error (ESME has exceeded allowed message limits). */
    public static final int ESME_RTHROTTLED = 0x58;
    /** Invalid scheduled delivery time. */
    public static final int ESME_RINVSCHED = 0x61;
    /**
     * The recipient withdrew consent to messages from this sender or account (vendor-specific
     * range 0x400-0x4FF of SMPP 3.4 section 5.1.3): a permanent refusal, do not retry.
     */
    public static final int ROUTER_ROPTEDOUT = 0x410;
    /**
     * The account's prepaid balance does not cover the message's price (vendor-specific): retry
     * after a top-up.
     */
    public static final int ROUTER_RNOBALANCE = 0x411;
    /** The account is billed but no price applies to this destination (vendor-specific): a config gap. */
    public static final int ROUTER_RNOPRICE = 0x412;
    /**
     * A promo message of an account with {@code requireConsent} to a number with no consent to
     * advertising in force for the account or the sender (vendor-specific): do not retry until the
     * subscriber's consent is recorded ({@code POST /api/v1/consents}).
     */
    public static final int ROUTER_RNOCONSENT = 0x413;
    /** Invalid message validity period (expiry time). */
    public static final int ESME_RINVEXPIRY = 0x62;
    /** Predefined message invalid or not found. */
    public static final int ESME_RINVDFTMSGID = 0x63;
    /** ESME receiver temporary app error code. */
    public static final int ESME_RX_T_APPN = 0x64;
    /** ESME receiver permanent app error code. */
    public static final int ESME_RX_P_APPN = 0x65;
    /** ESME receiver reject message error code. */
    public static final int ESME_RX_R_APPN = 0x66;
    /** query_sm request failed. */
    public static final int ESME_RQUERYFAIL = 0x67;
    /** Error in the optional part of the PDU body. */
    public static final int ESME_RINVOPTPARSTREAM = 0xC0;
    /** Optional parameter not allowed. */
    public static final int ESME_ROPTPARNOTALLWD = 0xC1;
    /** Invalid parameter length. */
    public static final int ESME_RINVPARLEN = 0xC2;
    /** Expected optional parameter missing. */
    public static final int ESME_RMISSINGOPTPARAM = 0xC3;
    /** Invalid optional parameter value. */
    public static final int ESME_RINVOPTPARAMVAL = 0xC4;
    /** Delivery failure (used for data_sm_resp). */
    public static final int ESME_RDELIVERYFAILURE = 0xFE;
    /** Unknown error. */
    public static final int ESME_RUNKNOWNERR = 0xFF;

    private CommandStatus() {
    }

    /** The specification's name, such as {@code ESME_RTHROTTLED}; otherwise {@code 0x...} in hex. */
    public static String name(int status) {
        switch (status) {
            case ESME_ROK: return "ESME_ROK";
            case ESME_RINVMSGLEN: return "ESME_RINVMSGLEN";
            case ESME_RINVCMDLEN: return "ESME_RINVCMDLEN";
            case ESME_RINVCMDID: return "ESME_RINVCMDID";
            case ESME_RINVBNDSTS: return "ESME_RINVBNDSTS";
            case ESME_RALYBND: return "ESME_RALYBND";
            case ESME_RINVPRTFLG: return "ESME_RINVPRTFLG";
            case ESME_RINVREGDLVFLG: return "ESME_RINVREGDLVFLG";
            case ESME_RSYSERR: return "ESME_RSYSERR";
            case ESME_RINVSRCADR: return "ESME_RINVSRCADR";
            case ESME_RINVDSTADR: return "ESME_RINVDSTADR";
            case ESME_RINVMSGID: return "ESME_RINVMSGID";
            case ESME_RBINDFAIL: return "ESME_RBINDFAIL";
            case ESME_RINVPASWD: return "ESME_RINVPASWD";
            case ESME_RINVSYSID: return "ESME_RINVSYSID";
            case ESME_RCANCELFAIL: return "ESME_RCANCELFAIL";
            case ESME_RREPLACEFAIL: return "ESME_RREPLACEFAIL";
            case ESME_RMSGQFUL: return "ESME_RMSGQFUL";
            case ESME_RINVSERTYP: return "ESME_RINVSERTYP";
            case ESME_RINVNUMDESTS: return "ESME_RINVNUMDESTS";
            case ESME_RINVDLNAME: return "ESME_RINVDLNAME";
            case ESME_RINVDESTFLAG: return "ESME_RINVDESTFLAG";
            case ESME_RINVSUBREP: return "ESME_RINVSUBREP";
            case ESME_RINVESMCLASS: return "ESME_RINVESMCLASS";
            case ESME_RCNTSUBDL: return "ESME_RCNTSUBDL";
            case ESME_RSUBMITFAIL: return "ESME_RSUBMITFAIL";
            case ESME_RINVSRCTON: return "ESME_RINVSRCTON";
            case ESME_RINVSRCNPI: return "ESME_RINVSRCNPI";
            case ESME_RINVDSTTON: return "ESME_RINVDSTTON";
            case ESME_RINVDSTNPI: return "ESME_RINVDSTNPI";
            case ESME_RINVSYSTYP: return "ESME_RINVSYSTYP";
            case ESME_RINVREPFLAG: return "ESME_RINVREPFLAG";
            case ESME_RINVNUMMSGS: return "ESME_RINVNUMMSGS";
            case ESME_RTHROTTLED: return "ESME_RTHROTTLED";
            case ESME_RINVSCHED: return "ESME_RINVSCHED";
            case ROUTER_ROPTEDOUT: return "ROUTER_ROPTEDOUT";
            case ROUTER_RNOBALANCE: return "ROUTER_RNOBALANCE";
            case ROUTER_RNOPRICE: return "ROUTER_RNOPRICE";
            case ROUTER_RNOCONSENT: return "ROUTER_RNOCONSENT";
            case ESME_RINVEXPIRY: return "ESME_RINVEXPIRY";
            case ESME_RINVDFTMSGID: return "ESME_RINVDFTMSGID";
            case ESME_RX_T_APPN: return "ESME_RX_T_APPN";
            case ESME_RX_P_APPN: return "ESME_RX_P_APPN";
            case ESME_RX_R_APPN: return "ESME_RX_R_APPN";
            case ESME_RQUERYFAIL: return "ESME_RQUERYFAIL";
            case ESME_RINVOPTPARSTREAM: return "ESME_RINVOPTPARSTREAM";
            case ESME_ROPTPARNOTALLWD: return "ESME_ROPTPARNOTALLWD";
            case ESME_RINVPARLEN: return "ESME_RINVPARLEN";
            case ESME_RMISSINGOPTPARAM: return "ESME_RMISSINGOPTPARAM";
            case ESME_RINVOPTPARAMVAL: return "ESME_RINVOPTPARAMVAL";
            case ESME_RDELIVERYFAILURE: return "ESME_RDELIVERYFAILURE";
            case ESME_RUNKNOWNERR: return "ESME_RUNKNOWNERR";
            default: return "0x" + Hex.int32(status);
        }
    }

    /** A short English description for logs and error pages; {@code null} for an unlisted value. */
    public static String description(int status) {
        switch (status) {
            case ESME_ROK: return "No error";
            case ESME_RINVMSGLEN: return "Message length is invalid";
            case ESME_RINVCMDLEN: return "Command length is invalid";
            case ESME_RINVCMDID: return "Invalid command ID";
            case ESME_RINVBNDSTS: return "Incorrect BIND status for given command";
            case ESME_RALYBND: return "ESME already in bound state";
            case ESME_RINVPRTFLG: return "Invalid priority flag";
            case ESME_RINVREGDLVFLG: return "Invalid registered delivery flag";
            case ESME_RSYSERR: return "System error";
            case ESME_RINVSRCADR: return "Invalid source address";
            case ESME_RINVDSTADR: return "Invalid destination address";
            case ESME_RINVMSGID: return "Message ID is invalid";
            case ESME_RBINDFAIL: return "Bind failed";
            case ESME_RINVPASWD: return "Invalid password";
            case ESME_RINVSYSID: return "Invalid system ID";
            case ESME_RCANCELFAIL: return "Cancel SM failed";
            case ESME_RREPLACEFAIL: return "Replace SM failed";
            case ESME_RMSGQFUL: return "Message queue full";
            case ESME_RINVSERTYP: return "Invalid service type";
            case ESME_RINVNUMDESTS: return "Invalid number of destinations";
            case ESME_RINVDLNAME: return "Invalid distribution list name";
            case ESME_RINVDESTFLAG: return "Destination flag is invalid (submit_multi)";
            case ESME_RINVSUBREP: return "Invalid submit with replace request";
            case ESME_RINVESMCLASS: return "Invalid esm_class field data";
            case ESME_RCNTSUBDL: return "Cannot submit to distribution list";
            case ESME_RSUBMITFAIL: return "submit_sm or submit_multi failed";
            case ESME_RINVSRCTON: return "Invalid source address TON";
            case ESME_RINVSRCNPI: return "Invalid source address NPI";
            case ESME_RINVDSTTON: return "Invalid destination address TON";
            case ESME_RINVDSTNPI: return "Invalid destination address NPI";
            case ESME_RINVSYSTYP: return "Invalid system_type field";
            case ESME_RINVREPFLAG: return "Invalid replace_if_present flag";
            case ESME_RINVNUMMSGS: return "Invalid number of messages";
            case ESME_RTHROTTLED: return "Throttling error (ESME has exceeded allowed message limits)";
            case ESME_RINVSCHED: return "Invalid scheduled delivery time";
            case ROUTER_ROPTEDOUT: return "Recipient opted out";
            case ROUTER_RNOBALANCE: return "Insufficient balance";
            case ROUTER_RNOPRICE: return "No price for this destination";
            case ROUTER_RNOCONSENT: return "No consent to advertising from the recipient";
            case ESME_RINVEXPIRY: return "Invalid message validity period (expiry time)";
            case ESME_RINVDFTMSGID: return "Predefined message invalid or not found";
            case ESME_RX_T_APPN: return "ESME receiver temporary app error code";
            case ESME_RX_P_APPN: return "ESME receiver permanent app error code";
            case ESME_RX_R_APPN: return "ESME receiver reject message error code";
            case ESME_RQUERYFAIL: return "query_sm request failed";
            case ESME_RINVOPTPARSTREAM: return "Error in the optional part of the PDU body";
            case ESME_ROPTPARNOTALLWD: return "Optional parameter not allowed";
            case ESME_RINVPARLEN: return "Invalid parameter length";
            case ESME_RMISSINGOPTPARAM: return "Expected optional parameter missing";
            case ESME_RINVOPTPARAMVAL: return "Invalid optional parameter value";
            case ESME_RDELIVERYFAILURE: return "Delivery failure (used for data_sm_resp)";
            case ESME_RUNKNOWNERR: return "Unknown error";
            default: return null;
        }
    }
}
