package io.smsrouter.core.account;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), or one
 * address ({@code 192.0.2.7}, {@code ::1}: a /32 or /128). Parsed from literals only: a host name is
 * refused, never looked up. An IPv4 address seen as IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3})
 * matches IPv4 ranges.
 */
public final class IpRange {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private IpRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException saying what was expected, for anything but an address or
     *                                  network literal whose host bits are zero
     */
    public static IpRange parse(String s) {
        String expected = "an IPv4 or IPv6 address or CIDR network such as 10.0.0.0/8, 192.0.2.7 or ::1/128";
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("expected " + expected + ", got nothing");
        }
        String t = s.trim();
        int slash = t.indexOf('/');
        String addressPart = slash < 0 ? t : t.substring(0, slash);
        byte[] address = literal(addressPart);
        if (address == null) {
            throw new IllegalArgumentException("expected " + expected + ", got \"" + s + "\"");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("expected a prefix length 0.." + bits + " after '/', got \"" + s
                        + "\"");
            }
            prefix = Integer.parseInt(p);
        }
        for (int i = prefix; i < bits; i++) {
            if ((address[i >> 3] & (0x80 >> (i & 7))) != 0) {
                throw new IllegalArgumentException("expected a network whose address has no bits set past the /"
                        + prefix + " prefix, got \"" + s + "\"");
            }
        }
        return new IpRange(address, prefix, t);
    }

    /** The bytes of an IPv4 dotted quad or an IPv6 literal; null for anything else (no DNS lookup). */
    private static byte[] literal(String s) {
        if (s.indexOf(':') < 0) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                    return null;
                }
                b[i] = (byte) Integer.parseInt(parts[i]);
            }
            return b;
        }
        if (!s.matches("[0-9A-Fa-f:.]+")) {
            return null; // zone ids (%eth0) and host names included
        }
        try {
            // a literal made only of hex digits, colons and dots is parsed, never resolved
            InetAddress a = InetAddress.getByName(s);
            // an IPv4-mapped literal (::ffff:10.1.2.3) comes back as IPv4: write the IPv4 address instead
            return a.getAddress().length == 16 ? a.getAddress() : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** True when {@code a} is in this network. */
    public boolean contains(InetAddress a) {
        byte[] b = normalized(a);
        if (b.length != network.length) {
            return false;
        }
        int full = prefixLength >> 3;
        for (int i = 0; i < full; i++) {
            if (b[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (b[full] & mask) == (network[full] & mask);
    }

    /** The address's bytes, an IPv4-mapped IPv6 address as its 4 IPv4 bytes. */
    static byte[] normalized(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && isMapped(b)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        return b;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    public boolean ipv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange r && r.prefixLength == prefixLength && Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    /** As written in the config. */
    @Override
    public String toString() {
        return text;
    }

    static boolean isIpv4(InetAddress a) {
        return a instanceof Inet4Address || normalized(a).length == 4;
    }
}
