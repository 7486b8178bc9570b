package io.smsrouter.server.config;

import io.smsrouter.core.account.Secret;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The keys of issue 9's authentication hardening: hashed secrets, allow-lists, admission limits. */
class AuthConfigTest {

    private static final Path FILE = Path.of("conf/router.yaml");
    private static final String F = "conf/router.yaml: ";
    private static final String HASH = Secret.hash("secret1".toCharArray(), 1000, new SecureRandom());

    private static List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(yaml, FILE), ConfigException.class);
        assertThat(e).as("a ConfigException").isNotNull();
        return e.problems();
    }

    @Test
    void shouldReadHashedSecretsAllowListsAndLimits() {
        RouterConfig c = ConfigLoader.parse("""
                smpp: {maxConnections: 50, maxConnectionsPerIp: 5, bindFailuresPerIpPerMinute: 0}
                http: {authFailuresPerIpPerMinute: 3}
                admin: {token: "%s"}
                accounts:
                  - id: shop
                    password: "%s"
                    apiKey: "%s"
                    allowedIps: ["10.0.0.0/8", "192.0.2.7", "::1/128"]
                """.formatted(HASH, HASH, HASH), FILE);
        assertThat(c.smpp().maxConnections()).isEqualTo(50);
        assertThat(c.smpp().maxConnectionsPerIp()).isEqualTo(5);
        assertThat(c.smpp().bindFailuresPerIpPerMinute()).isZero();
        assertThat(c.http().authFailuresPerIpPerMinute()).isEqualTo(3);
        assertThat(c.admin().token()).isEqualTo(HASH);
        AccountConfig a = c.accounts().get(0);
        assertThat(a.password()).isEqualTo(HASH);
        assertThat(a.apiKey()).isEqualTo(HASH);
        assertThat(a.allowedIps()).containsExactly("10.0.0.0/8", "192.0.2.7", "::1/128");
    }

    @Test
    void shouldDefaultTheLimitsGenerouslyAndAllowAnyAddress() {
        RouterConfig c = ConfigLoader.parse("accounts: [{id: shop, password: secret1}]\n", FILE);
        assertThat(c.smpp().maxConnections()).isEqualTo(10_000);
        assertThat(c.smpp().maxConnectionsPerIp()).isEqualTo(1_000);
        assertThat(c.smpp().bindFailuresPerIpPerMinute()).isEqualTo(10);
        assertThat(c.http().authFailuresPerIpPerMinute()).isEqualTo(20);
        assertThat(c.accounts().get(0).allowedIps()).isEmpty();
    }

    @Test
    void shouldNameFileAndKeyOfABadHashWithoutShowingIt() {
        String badIterations = "pbkdf2-sha256$12$AAAAAAAAAAAAAAAAAAAAAA$" + "A".repeat(43);
        assertThat(problems("accounts: [{id: shop, password: \"" + badIterations + "\"}]\n")).containsExactly(
                F + "accounts[0].password: expected a hash " + "pbkdf2-sha256$<iterations 1000..10000000>$<salt, "
                        + "base64, at least 8 bytes>$<hash, base64, 32 bytes>: iterations 12 out of range");
        List<String> key = problems("accounts: [{id: shop, password: pw, apiKey: \"pbkdf2-sha256$1000$abc\"}]\n");
        assertThat(key).hasSize(1);
        assertThat(key.get(0)).startsWith(F + "accounts[0].apiKey: expected a hash pbkdf2-sha256$")
                .endsWith("got 3 '$'-separated fields instead of 4");
        List<String> token = problems("admin: {token: \"pbkdf2-sha256$1000$AAAAAAAAAAAA$!!\"}\n"
                + "accounts: [{id: shop, password: pw}]\n");
        assertThat(token).hasSize(1);
        assertThat(token.get(0)).startsWith(F + "admin.token: expected a hash").endsWith("the hash is not base64");
    }

    @Test
    void shouldNameTheBadEntryOfAnAllowList() {
        assertThat(problems("accounts: [{id: shop, password: pw, allowedIps: [\"10.0.0.0/8\", \"10.0.0.300\"]}]\n"))
                .containsExactly(F + "accounts[0].allowedIps[1]: expected an IPv4 or IPv6 address or CIDR network "
                        + "such as 10.0.0.0/8, 192.0.2.7 or ::1/128, got \"10.0.0.300\"");
        assertThat(problems("accounts: [{id: shop, password: pw, allowedIps: [\"10.1.0.0/8\"]}]\n"))
                .containsExactly(F + "accounts[0].allowedIps[0]: expected a network whose address has no bits set past "
                        + "the /8 prefix, got \"10.1.0.0/8\"");
        assertThat(problems("accounts: [{id: shop, password: pw, allowedIps: [\"::1/129\"]}]\n"))
                .containsExactly(F + "accounts[0].allowedIps[0]: expected a prefix length 0..128 after '/', got \"::1/129\"");
        assertThat(problems("accounts: [{id: shop, password: pw, allowedIps: [\"db.example.com\"]}]\n")).hasSize(1);
        assertThat(problems("accounts: [{id: shop, password: pw, allowedIps: []}]\n")).singleElement().asString()
                .contains("leave the key out to allow any address");
        assertThat(problems("accounts: [{id: shop, password: pw, allowedIps: \"10.0.0.0/8\"}]\n")).singleElement()
                .asString().startsWith(F + "accounts[0].allowedIps: expected a list of IPv4/IPv6 addresses");
    }

    @Test
    void shouldRefuseLimitsOutOfRange() {
        assertThat(problems("smpp: {maxConnections: 0}\naccounts: [{id: shop, password: pw}]\n"))
                .containsExactly(F + "smpp.maxConnections: expected an integer 1..1000000, got 0");
        assertThat(problems("smpp: {maxConnectionsPerIp: -1}\naccounts: [{id: shop, password: pw}]\n"))
                .containsExactly(F + "smpp.maxConnectionsPerIp: expected an integer 1..1000000, got -1");
        assertThat(problems("smpp: {bindFailuresPerIpPerMinute: x}\naccounts: [{id: shop, password: pw}]\n"))
                .containsExactly(F + "smpp.bindFailuresPerIpPerMinute: expected an integer 0..1000000, got \"x\"");
        assertThat(problems("http: {authFailuresPerIpPerMinute: 2000000}\naccounts: [{id: shop, password: pw}]\n"))
                .containsExactly(F + "http.authFailuresPerIpPerMinute: expected an integer 0..1000000, got 2000000");
    }

    @Test
    void shouldStillRefuseAPlainPasswordLongerThanSmppAllows() {
        assertThat(problems("accounts: [{id: shop, password: \"pbkdf2-s\"}, {id: two, password: \"123456789\"}]\n"))
                .singleElement().asString().startsWith(F + "accounts[1].password: expected 1 to 8");
    }
}
