package io.smsrouter.server.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code smpp.tls}, {@code http.tls}, {@code simulator.tls}, {@code accounts[].clientCert} and
 * {@code operators[].tls*}: read with their defaults, and every bad file or value reported once with
 * the key and the file, at load time (the certificate files are the committed test ones).
 */
class TlsConfigTest {

    private static final Path FILE = Path.of("conf/router.yaml");
    private static final String F = "conf/router.yaml: ";
    private static final String ACCOUNT = "accounts: [{id: shop, password: secret1}]\n";
    /** openssl x509 -noout -fingerprint -sha256 -in client.crt */
    private static final String CLIENT_FINGERPRINT =
            "ED:AD:DD:0D:8C:E3:2B:AD:67:6D:B0:BF:4C:C8:26:F2:53:5E:E2:D1:28:7E:58:EC:BC:B4:97:47:2B:B7:B1:52";

    private static String tls(String name) {
        try {
            return Path.of(TlsConfigTest.class.getResource("/tls/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String smppTls(String cert, String key) {
        return "smpp: {tls: {cert: " + cert + ", key: " + key + "}}\n";
    }

    @Test
    void shouldReadTlsSectionsWithTheirDefaults() {
        RouterConfig c = ConfigLoader.parse("""
                smpp: {host: 127.0.0.1, tls: {cert: %1$s, key: %2$s, clientCa: %3$s}}
                http: {tls: {cert: %1$s, key: %2$s, host: 127.0.0.2}}
                simulator: {enabled: true, tls: {cert: %1$s, key: %2$s}}
                accounts: [{id: shop, password: secret1, clientCert: "%4$s"}, {id: otp, password: otppw}]
                operators:
                  - {id: opA, host: localhost, port: 2776, systemId: r, password: p, tls: true, tlsTrust: %3$s}
                  - {id: opB, host: localhost, port: 2776, systemId: r, password: p, tls: true, tlsVerifyHostname: false}
                  - {id: opC, host: localhost, port: 2776, systemId: r, password: p}
                """.formatted(tls("server.crt"), tls("server.key"), tls("ca.crt"), CLIENT_FINGERPRINT), FILE);

        assertThat(c.smpp().tls().port()).isEqualTo(TlsConfig.DEFAULT_SMPP_PORT);
        assertThat(c.smpp().tls().host()).as("smpp.host").isEqualTo("127.0.0.1");
        assertThat(c.smpp().tls().clientCa()).isEqualTo(Path.of(tls("ca.crt")));
        assertThat(c.http().tls().port()).isEqualTo(TlsConfig.DEFAULT_HTTP_PORT);
        assertThat(c.http().tls().host()).isEqualTo("127.0.0.2");
        assertThat(c.simulator().tls().cert()).isEqualTo(Path.of(tls("server.crt")));
        assertThat(c.accounts().get(0).clientCert())
                .isEqualTo("edaddd0d8ce32bad676db0bf4cc826f2535ee2d1287e58ecbcb497472bb7b152");
        assertThat(c.accounts().get(1).clientCert()).isNull();
        assertThat(c.operators().get(0).tls()).isTrue();
        assertThat(c.operators().get(0).tlsTrust()).isEqualTo(Path.of(tls("ca.crt")));
        assertThat(c.operators().get(0).tlsVerifyHostname()).isTrue();
        assertThat(c.operators().get(1).tlsVerifyHostname()).isFalse();
        assertThat(c.operators().get(1).tlsTrust()).as("the JDK's trust store").isNull();
        assertThat(c.operators().get(2).tls()).isFalse();
    }

    @Test
    void shouldLeaveTlsOffWhenTheSectionsAreAbsent() {
        RouterConfig c = ConfigLoader.parse(ACCOUNT, FILE);
        assertThat(c.smpp().tls()).isNull();
        assertThat(c.http().tls()).isNull();
        assertThat(c.simulator().tls()).isNull();
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                arguments("certificate file missing", ACCOUNT + smppTls("/nonexistent/router.crt", tls("server.key")),
                        F + "smpp.tls.cert: expected a PEM certificate file, got no file at /nonexistent/router.crt"
                                + " (/nonexistent/router.crt)"),
                arguments("PKCS#1 key", ACCOUNT + smppTls(tls("server.crt"), tls("server-pkcs1.key")),
                        F + "smpp.tls.key: expected a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----) in "
                                + tls("server-pkcs1.key") + ", got a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY); convert it: "
                                + "openssl pkcs8 -topk8 -nocrypt -in " + tls("server-pkcs1.key") + " -out "
                                + tls("server-pkcs1.key") + ".pk8"),
                arguments("a certificate file as the key", ACCOUNT + smppTls(tls("server.crt"), tls("server.crt")),
                        F + "smpp.tls.key: expected a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----) in "
                                + tls("server.crt") + ", got none"),
                arguments("key of another certificate", ACCOUNT
                                + "http: {tls: {cert: " + tls("server.crt") + ", key: " + tls("client.key") + "}}",
                        F + "http.tls.key: expected the private key of the certificate (CN=localhost, sha256 "
                                + "da9191f65f08dcde6c0d1a97797a014162ac71db820f2554aa0946f5b6028bc6), got a key of another "
                                + "certificate in " + tls("client.key")),
                arguments("key missing", ACCOUNT + "smpp: {tls: {cert: " + tls("server.crt") + "}}",
                        F + "smpp.tls.key: required key missing, expected a PEM PKCS#8 private key file"),
                arguments("clientCa not a certificate", ACCOUNT + "smpp: {tls: {cert: " + tls("server.crt") + ", key: "
                                + tls("server.key") + ", clientCa: " + tls("server.key") + "}}",
                        F + "smpp.tls.clientCa: expected PEM certificates (-----BEGIN CERTIFICATE-----) in "
                                + tls("server.key") + ", got none"),
                arguments("unknown key in smpp.tls", ACCOUNT + "smpp: {tls: {cert: " + tls("server.crt") + ", key: "
                                + tls("server.key") + ", ca: x}}",
                        F + "smpp.tls.ca: unknown key (expected one of host, port, cert, key, clientCa)"),
                arguments("clientCa for HTTPS", ACCOUNT + "http: {tls: {cert: " + tls("server.crt") + ", key: "
                                + tls("server.key") + ", clientCa: x}}",
                        F + "http.tls.clientCa: unknown key (expected one of host, port, cert, key)"),
                arguments("TLS port taken by the plain one", ACCOUNT + "smpp: {port: 2775, tls: {port: 2775, cert: "
                                + tls("server.crt") + ", key: " + tls("server.key") + "}}",
                        F + "smpp.tls.port: expected a port not already used by smpp.port, got 2775"),
                arguments("fingerprint too short", "accounts: [{id: shop, password: secret1, clientCert: \"AB:CD\"}]\n"
                                + smppTls(tls("server.crt"), tls("server.key")),
                        F + "accounts[0].clientCert: expected a SHA-256 certificate fingerprint: 64 hex digits, colons "
                                + "allowed, as printed by openssl x509 -noout -fingerprint -sha256 -in client.crt, got \"AB:CD\""),
                arguments("client certificate without a TLS listener",
                        "accounts: [{id: shop, password: secret1, clientCert: \"" + CLIENT_FINGERPRINT + "\"}]",
                        F + "accounts[0].clientCert: expected smpp.tls to be set: an account pinned to a client "
                                + "certificate binds only over TLS, and there is no TLS listener"),
                arguments("trust file without tls", ACCOUNT + "operators: [{id: opA, host: h, port: 1, systemId: r, "
                                + "password: p, tlsTrust: " + tls("ca.crt") + "}]",
                        F + "operators[0].tlsTrust: expected tls: true beside it (a trust file is for TLS), got tls left "
                                + "out (false)"),
                arguments("trust file missing", ACCOUNT + "operators: [{id: opA, host: h, port: 1, systemId: r, "
                                + "password: p, tls: true, tlsTrust: /nonexistent/ca.crt}]",
                        F + "operators[0].tlsTrust: expected a PEM certificate file, got no file at /nonexistent/ca.crt"
                                + " (/nonexistent/ca.crt)"),
                arguments("tls not a boolean", ACCOUNT + "operators: [{id: opA, host: h, port: 1, systemId: r, "
                                + "password: p, tls: yes please}]",
                        F + "operators[0].tls: expected true or false, got \"yes please\""),
                arguments("simulator.tls without a key", ACCOUNT + "simulator: {tls: {cert: " + tls("server.crt") + "}}",
                        F + "simulator.tls.key: required key missing, expected a PEM PKCS#8 private key file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void shouldReportABadTlsSettingOnceNamingTheKeyAndTheFile(String what, String yaml, String expected) {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(yaml, FILE), ConfigException.class);
        assertThat(e).as("expected a ConfigException for: %s", what).isNotNull();
        assertThat(e.problems()).containsExactly(expected);
    }
}
