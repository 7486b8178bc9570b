package io.smsrouter.smpp.pdu;

/** Argument checks and log formatting shared by the PDU classes. */
final class Fields {

    static final byte[] EMPTY_BYTES = new byte[0];

    private Fields() {
    }

    static int u8(int v, String field) {
        if ((v & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " must be 0..255, was " + v);
        }
        return v;
    }

    static String str(String s) {
        return s == null ? "" : s;
    }

    static byte[] bytes(byte[] b) {
        return b == null ? EMPTY_BYTES : b;
    }

    static void str(StringBuilder sb, String name, String value) {
        sb.append(' ').append(name).append("=\"").append(value).append('"');
    }

    static void num(StringBuilder sb, String name, int value) {
        sb.append(' ').append(name).append('=').append(value);
    }

    static void hex(StringBuilder sb, String name, int value) {
        sb.append(' ').append(name).append("=0x");
        Hex.appendByte(sb, value);
    }

    /** ton/npi/address as {@code name=1/1/"447700900123"}. */
    static void addr(StringBuilder sb, String name, int ton, int npi, String address) {
        sb.append(' ').append(name).append('=').append(ton).append('/').append(npi).append("/\"")
                .append(address).append('"');
    }

    /** Message content is personal data: logs get its length only. */
    static void len(StringBuilder sb, String name, byte[] value) {
        sb.append(' ').append(name).append("=[").append(value.length).append(" bytes]");
    }
}
