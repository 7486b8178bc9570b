package io.smsrouter.core.account;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void shouldMatchPlainSecretOnlyWhenEqual() {
        Secret s = Secret.parse("secret1");
        assertThat(s.hashed()).isFalse();
        assertThat(s.matches("secret1")).isTrue();
        assertThat(s.matches("secret")).isFalse();
        assertThat(s.matches("secret12")).isFalse();
        assertThat(s.matches(null)).isFalse();
    }

    @Test
    void shouldVerifyHashAgainstTheSecretItWasMadeFrom() {
        String h = Secret.hash("pw-ü1".toCharArray(), 1000, RANDOM);
        assertThat(h).startsWith("pbkdf2-sha256$1000$");
        Secret s = Secret.parse(h);
        assertThat(s.hashed()).isTrue();
        assertThat(s.iterations()).isEqualTo(1000);
        assertThat(s.matches("pw-ü1")).isTrue();
        assertThat(s.matches("pw-u1")).isFalse();
        assertThat(s.matches("")).isFalse();
        // a fresh salt each time: the same secret never gives the same hash
        assertThat(Secret.hash("pw-ü1".toCharArray(), 1000, RANDOM)).isNotEqualTo(h);
    }

    @Test
    void shouldDeriveTheRfc7914Pbkdf2HmacSha256Vector() {
        // RFC 7914 section 11: P="Password", S="NaCl", c=80000; the first 32 bytes of its 64-byte key
        byte[] dk = Secret.derive("Password".toCharArray(), "NaCl".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                80_000);
        assertThat(java.util.HexFormat.of().formatHex(dk))
                .isEqualTo("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56");
    }

    @Test
    void shouldRefuseMalformedHashesSayingWhatWasExpectedWithoutEchoingThem() {
        assertThatThrownBy(() -> Secret.parse("pbkdf2-sha256$abc$AAAAAAAAAAA$AAAA"))
                .hasMessageContaining("iterations are not a number").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> Secret.parse("pbkdf2-sha256$10$AAAAAAAAAAAA$AAAA"))
                .hasMessageContaining("iterations 10 out of range");
        assertThatThrownBy(() -> Secret.parse("pbkdf2-sha256$1000$AAAAAAAAAAAA"))
                .hasMessageContaining("3 '$'-separated fields instead of 4");
        assertThatThrownBy(() -> Secret.parse("pbkdf2-sha256$1000$!!!!$AAAA"))
                .hasMessageContaining("salt is not base64");
        assertThatThrownBy(() -> Secret.parse("pbkdf2-sha256$1000$AAAAAAAAAAAA$AAAA"))
                .hasMessageContaining("the hash has 3 bytes");
        assertThatThrownBy(() -> Secret.parse("pbkdf2-sha256$1000$AAAA$" + "A".repeat(43)))
                .hasMessageContaining("the salt has 3 bytes");
    }

    @Test
    void shouldNotShowTheSecretInToString() {
        assertThat(Secret.parse("secret1").toString()).doesNotContain("secret1");
    }
}
