package io.smsrouter.smpp.pdu;

/**
 * One unsuccess_sme of submit_multi_resp (SMPP 3.4 section 4.5.2.1): a destination the SMSC did not
 * accept, and the command_status saying why.
 */
public record UnsuccessSme(int ton, int npi, String address, int errorStatusCode) {

    public UnsuccessSme {
        Fields.u8(ton, "dest_addr_ton");
        Fields.u8(npi, "dest_addr_npi");
        address = Fields.str(address);
    }

    @Override
    public String toString() {
        return ton + "/" + npi + "/\"" + address + "\":" + CommandStatus.name(errorStatusCode);
    }
}
