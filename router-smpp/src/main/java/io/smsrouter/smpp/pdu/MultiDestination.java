package io.smsrouter.smpp.pdu;

/**
 * One dest_address of submit_multi (SMPP 3.4 section 4.5.1.1): with destFlag {@link #SME_ADDRESS}
 * an SME address (ton, npi, destination_addr), with destFlag {@link #DISTRIBUTION_LIST} a
 * distribution list name in {@code address} and ton/npi unused (0).
 */
public record MultiDestination(int destFlag, int ton, int npi, String address) {

    public static final int SME_ADDRESS = 1;
    public static final int DISTRIBUTION_LIST = 2;

    public MultiDestination {
        if (destFlag != SME_ADDRESS && destFlag != DISTRIBUTION_LIST) {
            throw new IllegalArgumentException("dest_flag must be 1 (SME address) or 2 (distribution list), was "
                    + destFlag);
        }
        Fields.u8(ton, "dest_addr_ton");
        Fields.u8(npi, "dest_addr_npi");
        address = Fields.str(address);
    }

    public static MultiDestination sme(int ton, int npi, String address) {
        return new MultiDestination(SME_ADDRESS, ton, npi, address);
    }

    public static MultiDestination distributionList(String dlName) {
        return new MultiDestination(DISTRIBUTION_LIST, 0, 0, dlName);
    }

    public boolean isDistributionList() {
        return destFlag == DISTRIBUTION_LIST;
    }

    @Override
    public String toString() {
        return destFlag == DISTRIBUTION_LIST ? "dl:\"" + address + '"' : ton + "/" + npi + "/\"" + address + '"';
    }
}
