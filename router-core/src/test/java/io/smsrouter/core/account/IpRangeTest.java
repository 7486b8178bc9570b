package io.smsrouter.core.account;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpRangeTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void shouldMatchIpv4NetworksAndSingleAddresses() throws Exception {
        IpRange ten = IpRange.parse("10.0.0.0/8");
        assertThat(ten.contains(ip("10.255.1.2"))).isTrue();
        assertThat(ten.contains(ip("11.0.0.1"))).isFalse();
        IpRange odd = IpRange.parse("192.168.4.0/22");
        assertThat(odd.contains(ip("192.168.7.255"))).isTrue();
        assertThat(odd.contains(ip("192.168.8.0"))).isFalse();
        assertThat(odd.contains(ip("192.168.3.255"))).isFalse();
        IpRange one = IpRange.parse("192.0.2.7");
        assertThat(one.prefixLength()).isEqualTo(32);
        assertThat(one.contains(ip("192.0.2.7"))).isTrue();
        assertThat(one.contains(ip("192.0.2.8"))).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    }

    @Test
    void shouldMatchIpv6AndKeepFamiliesApart() throws Exception {
        IpRange doc = IpRange.parse("2001:db8::/32");
        assertThat(doc.contains(ip("2001:db8:1::5"))).isTrue();
        assertThat(doc.contains(ip("2001:db9::5"))).isFalse();
        assertThat(doc.contains(ip("10.0.0.1"))).isFalse();
        IpRange loop = IpRange.parse("::1/128");
        assertThat(loop.contains(ip("::1"))).isTrue();
        assertThat(loop.contains(ip("127.0.0.1"))).isFalse();
        assertThat(IpRange.parse("::1").prefixLength()).isEqualTo(128);
        assertThat(IpRange.parse("127.0.0.0/8").contains(ip("::1"))).isFalse();
        assertThat(IpRange.parse("2001:db8::/121").contains(ip("2001:db8::7f"))).isTrue();
        assertThat(IpRange.parse("2001:db8::/121").contains(ip("2001:db8::80"))).isFalse();
    }

    @Test
    void shouldTreatIpv4MappedIpv6AddressesAsIpv4() throws Exception {
        java.net.Inet6Address mapped = java.net.Inet6Address.getByAddress(null,
                new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3}, null);
        assertThat(IpRange.parse("10.0.0.0/8").contains(mapped)).isTrue();
        assertThat(IpKey.of(mapped)).isEqualTo(IpKey.of(ip("10.1.2.3")));
    }

    @Test
    void shouldRefuseWhatIsNotANetworkLiteral() {
        for (String bad : List.of("", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "10.1.0.0/8",
                "localhost", "example.com", "::1/129", "fe80::1%eth0", "10.0.0.0/-1", "1.2.3.4/8x", "::ffff:10.0.0.1")) {
            assertThatThrownBy(() -> IpRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected");
        }
        assertThatThrownBy(() -> IpRange.parse("10.1.0.0/8")).hasMessageContaining("no bits set past the /8");
    }

    @Test
    void shouldAllowEveryAddressWithAnEmptyListAndOnlyListedOnesOtherwise() throws Exception {
        assertThat(IpAllowList.parse(List.of()).allows(ip("203.0.113.1"))).isTrue();
        IpAllowList l = IpAllowList.parse(List.of("10.0.0.0/8", "192.0.2.7", "::1/128"));
        assertThat(l.allows(ip("10.2.3.4"))).isTrue();
        assertThat(l.allows(ip("192.0.2.7"))).isTrue();
        assertThat(l.allows(ip("::1"))).isTrue();
        assertThat(l.allows(ip("127.0.0.2"))).isFalse();
        assertThat(l.allows(null)).isFalse();
    }

    @Test
    void shouldCountIpv6ByItsSlash64() throws Exception {
        assertThat(IpKey.of(ip("2001:db8:1:2::1"))).isEqualTo(IpKey.of(ip("2001:db8:1:2:ffff::9")));
        assertThat(IpKey.of(ip("2001:db8:1:3::1"))).isNotEqualTo(IpKey.of(ip("2001:db8:1:2::1")));
        assertThat(IpKey.of(ip("192.0.2.7")).toString()).isEqualTo("192.0.2.7");
        assertThat(IpKey.of(ip("2001:db8:1:2::1")).toString()).isEqualTo("2001:db8:1:2::/64");
    }
}
