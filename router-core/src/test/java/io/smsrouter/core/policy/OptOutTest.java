package io.smsrouter.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptOutTest {

    @Test
    void shouldDropLeadingPlusAndLowerCaseSender() {
        OptOut o = new OptOut("acme", "ShopРУ", "+79161234567", 1L, "api");
        assertThat(o.msisdn()).isEqualTo("79161234567");
        assertThat(o.sender()).isEqualTo("shopру");
        assertThat(o.scope()).isEqualTo(OptOut.Scope.SENDER);
        assertThat(OptOut.account("acme", "7916", 1L, "api").scope()).isEqualTo(OptOut.Scope.ACCOUNT);
        assertThat(OptOut.global("7916", 1L, "admin").scope()).isEqualTo(OptOut.Scope.GLOBAL);
    }

    @Test
    void shouldRefuseWhatIsNotANumber() {
        for (String bad : new String[] {"", "+", "++7916", "7916 123", "7-916", "79161234567890123", "abc"}) {
            assertThatThrownBy(() -> OptOut.global(bad, 1L, "api")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(OptOut.global("123456789012345", 1L, "api").msisdn()).isEqualTo("123456789012345");
    }

    @Test
    void shouldRefuseAGlobalOptOutWithASenderAndBlankNames() {
        assertThatThrownBy(() -> new OptOut(null, "Shop", "7916", 1L, "api")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OptOut(" ", null, "7916", 1L, "api")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OptOut("acme", "", "7916", 1L, "api")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OptOut("acme", null, "7916", -1L, "api")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepLeadingZerosApartInThePackedNumber() {
        assertThat(Msisdn.pack("0079")).isNotEqualTo(Msisdn.pack("79"));
        assertThat(Msisdn.pack("+79")).isEqualTo(Msisdn.pack("79"));
        for (String s : new String[] {"0", "007", "79161234567", "999999999999999", "100000000000000"}) {
            assertThat(Msisdn.unpack(Msisdn.pack(s))).isEqualTo(s);
        }
        assertThat(Msisdn.pack("0")).isNotEqualTo(Msisdn.INVALID);
        assertThat(Msisdn.pack(null)).isEqualTo(Msisdn.INVALID);
    }
}
