package io.smsrouter.bench.otp;

import io.smsrouter.bench.load.Payloads;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtpTextTest {

    @Test
    void shouldCarryTheIndexThere() {
        for (long i : new long[]{0, 1, 9, 10, 199, 123_456_789L, 999_999_999_999_999L}) {
            assertThat(OtpText.index(OtpText.of(i))).as("index %d", i).isEqualTo(i);
        }
    }

    @Test
    void shouldLookLikeAnOtpInTheGsmAlphabetAndFitOnePart() {
        String t = new String(OtpText.of(42), StandardCharsets.US_ASCII);
        assertThat(t).matches("OTP#42 code \\d{6}");
        assertThat(OtpText.of(Long.MAX_VALUE / 10).length).isLessThanOrEqualTo(160);
    }

    @Test
    void shouldNotTakeTheBulkTextOrGarbageForOne() {
        byte[] bulk = new Payloads(40, true).newSubmit(false).shortMessage();
        assertThat(OtpText.index(bulk)).isEqualTo(-1);
        assertThat(OtpText.index(null)).isEqualTo(-1);
        assertThat(OtpText.index(new byte[0])).isEqualTo(-1);
        assertThat(OtpText.index(ascii("OTP#"))).isEqualTo(-1);
        assertThat(OtpText.index(ascii("OTP# code"))).isEqualTo(-1);
        assertThat(OtpText.index(ascii("OTP#12x code"))).isEqualTo(-1);
        assertThat(OtpText.index(ascii("otp#12 code"))).isEqualTo(-1);
        assertThat(OtpText.index(ascii("OTP#1234567890123456789 code"))).as("too long to be ours").isEqualTo(-1);
        assertThat(OtpText.index(ascii("OTP#12"))).isEqualTo(12);
    }

    @Test
    void shouldRefuseANegativeIndex() {
        assertThatThrownBy(() -> OtpText.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
