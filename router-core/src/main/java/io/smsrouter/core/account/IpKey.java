package io.smsrouter.core.account;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Who a per-address limit counts: an IPv4 address, or the /64 network of an IPv6 address (one
 * host usually holds a whole /64, so counting single IPv6 addresses would let it rotate through
 * 2^64 of them).
 */
public record IpKey(boolean ipv6, long bits) {

    public static IpKey of(InetAddress a) {
        byte[] b = IpRange.normalized(a);
        if (b.length == 4) {
            return new IpKey(false, ByteBuffer.wrap(b).getInt() & 0xFFFFFFFFL);
        }
        return new IpKey(true, ByteBuffer.wrap(b).getLong());
    }

    @Override
    public String toString() {
        if (!ipv6) {
            return ((bits >> 24) & 0xFF) + "." + ((bits >> 16) & 0xFF) + "." + ((bits >> 8) & 0xFF) + "." + (bits & 0xFF);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 3; i >= 0; i--) {
            s.append(Long.toHexString((bits >>> (i * 16)) & 0xFFFF)).append(':');
        }
        return s.append(":/64").toString();
    }
}
