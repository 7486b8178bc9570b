package io.smsrouter.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading values into the records: every key lands where it belongs, and left-out keys take their defaults. */
class ConfigLoaderTest {

    private static final Path RESOURCES = Path.of("src", "test", "resources", "config");
    private static final Path FILE = Path.of("conf/router.yaml");

    @Test
    void shouldReadEveryKeyIntoItsOwnComponent() {
        RouterConfig c = ConfigLoader.load(RESOURCES.resolve("full.yaml"), RESOURCES);
        Path base = RESOURCES.toAbsolutePath().normalize();

        assertThat(c.file()).isEqualTo(RESOURCES.resolve("full.yaml"));
        assertThat(c.smpp()).isEqualTo(new SmppConfig("127.0.0.2", 12775, 4096, 77, 31_000, 121_000, 11_000, 12_000));
        assertThat(c.http()).isEqualTo(new HttpConfig("127.0.0.3", 18080));
        assertThat(c.admin().token()).isEqualTo("s3cret-admin");
        assertThat(c.journal()).isEqualTo(new JournalConfig(base.resolve("tmp/journal"), "DAILY", true));
        assertThat(c.accounts()).containsExactly(
                new AccountConfig("shop", "secret1", "k-shop-1", "manual", 500, 3, List.of("Shop", "ShopSale")),
                new AccountConfig("otp", "otppass", null, "none", 0, 4, List.of()));
        assertThat(c.operators()).containsExactly(
                new OperatorConfig("opA", "smsc-a.example", 2900, "router", "routerpw", "VMA", 5, 128, 1000,
                        15_000, 5_000, 250, 60_000),
                new OperatorConfig("opB", "10.0.0.9", 2901, "router2", "", "", 1, 64, 0, 30_000, 10_000, 1_000, 30_000));
        assertThat(c.routes()).containsExactly(
                new RouteConfig("Shop", null, null, List.of("opA")),
                new RouteConfig(null, "7916", "otp", List.of("opB", "opA")),
                new RouteConfig(null, null, null, List.of("opB")));
        assertThat(c.moderation().stopWords()).isEqualTo(base.resolve("words.txt"));
        assertThat(c.simulator()).isEqualTo(
                new SimulatorConfig(true, "127.0.0.4", 12776, "sim", "simpw", 5, 500, 80, 15, 5, 300));
    }

    @Test
    void shouldApplyDefaultsWhenKeysAreLeftOut() {
        Path workingDir = Path.of("/srv/router");
        RouterConfig c = ConfigLoader.load(RESOURCES.resolve("minimal.yaml"), workingDir);

        assertThat(c.smpp()).isEqualTo(new SmppConfig("0.0.0.0", 2775, 65536, 1000, 30_000, 120_000, 10_000, 10_000));
        assertThat(c.http()).isEqualTo(new HttpConfig("0.0.0.0", 8080));
        assertThat(c.admin().token()).isEqualTo("change-me");
        assertThat(c.admin().isDefaultToken()).isTrue();
        assertThat(c.journal()).isEqualTo(new JournalConfig(Path.of("/srv/router/data/journal"), "HOURLY", false));
        assertThat(c.accounts()).containsExactly(new AccountConfig("shop", "secret1", null, "none", 0, 4, List.of()));
        assertThat(c.operators()).isEmpty();
        assertThat(c.routes()).isEmpty();
        assertThat(c.moderation().stopWords()).isNull();
        assertThat(c.simulator()).isEqualTo(
                new SimulatorConfig(false, "127.0.0.1", 2776, null, null, 0, 50, 100, 0, 0, 0));
    }

    @Test
    void shouldReadRequireConsentOfAnAccountAndDefaultItToFalse(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("router.yaml");
        Files.writeString(f, """
                accounts:
                  - {id: ads, password: pw, trafficClass: promo, requireConsent: true}
                  - {id: crm, password: pw}
                """);
        RouterConfig c = ConfigLoader.load(f, dir);
        assertThat(c.accounts()).extracting(AccountConfig::requireConsent).containsExactly(true, false);
    }

    @Test
    void shouldApplyOperatorDefaultsWhenOnlyRequiredKeysAreGiven() {
        RouterConfig c = parse(ACCOUNT + """
                operators:
                  - {id: opA, host: smsc, port: 2775, systemId: r, password: p}
                """);
        assertThat(c.operators()).containsExactly(
                new OperatorConfig("opA", "smsc", 2775, "r", "p", "", 1, 64, 0, 30_000, 10_000, 1_000, 30_000));
    }

    @Test
    void shouldTreatEmptyAndTildeValuesAsLeftOut() {
        RouterConfig c = parse(ACCOUNT + """
                smpp:
                http: ~
                simulator:
                  port: ~
                  systemId:
                """);
        assertThat(c.smpp()).isEqualTo(SmppConfig.defaults());
        assertThat(c.http()).isEqualTo(HttpConfig.defaults());
        assertThat(c.simulator()).isEqualTo(SimulatorConfig.defaults());
    }

    @Test
    void shouldRouteToEveryOperatorWhenRoutesAreLeftOut() {
        RouterConfig c = parse(ACCOUNT + """
                operators:
                  - {id: opA, host: a, port: 1, systemId: r, password: p}
                  - {id: opB, host: b, port: 2, systemId: r, password: p}
                """);
        assertThat(c.routes()).containsExactly(new RouteConfig(null, null, null, List.of("opA", "opB")));
        assertThat(c.routes().get(0).isDefault()).isTrue();
    }

    @Test
    void shouldAcceptPortZeroForEphemeralPorts() {
        RouterConfig c = parse(ACCOUNT + """
                smpp: {port: 0}
                http: {port: 0}
                simulator: {enabled: true, port: 0}
                """);
        assertThat(c.smpp().port()).isZero();
        assertThat(c.http().port()).isZero();
        assertThat(c.simulator().port()).isZero();
    }

    @Test
    void shouldAcceptTheLimitsOfEachRange() {
        RouterConfig c = parse("""
                smpp: {port: 65535, maxPduLength: 1048576}
                accounts:
                  - {id: abcdefghijklmno, password: "12345678", tps: 0, maxBinds: 1, senders: [abcdefghijklmnopqrst]}
                operators:
                  - {id: opA, host: a, port: 65535, systemId: abcdefghijklmno, password: "", systemType: abcdefghijkl,
                     binds: 64, window: 10000, reconnectDelayMs: 5000, maxReconnectDelayMs: 5000}
                simulator: {deliveredPercent: 0, undeliverablePercent: 100, expiredPercent: 0}
                """);
        assertThat(c.accounts().get(0).id()).hasSize(15);
        assertThat(c.accounts().get(0).password()).isEqualTo("12345678");
        assertThat(c.operators().get(0).binds()).isEqualTo(64);
        assertThat(c.operators().get(0).window()).isEqualTo(10_000);
        assertThat(c.simulator().undeliverablePercent()).isEqualTo(100);
    }

    @Test
    void shouldKeepTheRecordsImmutable() {
        RouterConfig c = ConfigLoader.load(RESOURCES.resolve("full.yaml"), RESOURCES);
        assertThatThrownBy(() -> c.accounts().add(c.accounts().get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.accounts().get(0).senders().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.routes().get(0).operators().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(c.account("otp")).map(AccountConfig::password).contains("otppass");
        assertThat(c.operator("opB")).map(OperatorConfig::host).contains("10.0.0.9");
        assertThat(c.account("nobody")).isEmpty();
        assertThat(c.account("shop").orElseThrow().allowsSender("ShopSale")).isTrue();
        assertThat(c.account("shop").orElseThrow().allowsSender("Bank")).isFalse();
        assertThat(c.account("otp").orElseThrow().allowsSender("Bank")).isTrue();
    }

    @Test
    void shouldKeepSecretsOutOfToString() {
        RouterConfig c = ConfigLoader.load(RESOURCES.resolve("full.yaml"), RESOURCES);
        assertThat(c.toString())
                .contains("shop", "opA")
                .doesNotContain("secret1", "k-shop-1", "routerpw", "simpw", "s3cret-admin");
    }

    @Test
    void shouldSayWhenTheFileIsMissing() {
        Path missing = Path.of("conf", "no-such-router.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(missing + ": config file not found (looked for ")
                .hasMessageContaining(missing.toAbsolutePath().normalize().toString());
    }

    @Test
    void shouldSayWhenTheFileIsADirectory(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir + ": expected a YAML config file, got a directory");
    }

    @Test
    void shouldSayWhenTheFileIsNotUtf8(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("router.yaml");
        Files.write(file, "accounts: [{id: caf\u00e9, password: x}]".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": expected UTF-8 text, got bytes that are not UTF-8");
    }

    @Test
    void shouldResolveRelativePathsAgainstTheWorkingDirectoryAndKeepAbsoluteOnes(@TempDir Path dir) throws IOException {
        Path words = Files.writeString(dir.resolve("words.txt"), "casino\n");
        RouterConfig relative = ConfigLoader.parse(ACCOUNT + "moderation: {stopWords: words.txt}\n"
                + "journal: {dir: ../journal}\n", FILE, dir);
        assertThat(relative.moderation().stopWords()).isEqualTo(words.toAbsolutePath());
        assertThat(relative.journal().dir()).isEqualTo(dir.getParent().resolve("journal").toAbsolutePath());

        RouterConfig absolute = ConfigLoader.parse(ACCOUNT + "moderation: {stopWords: '" + words.toAbsolutePath()
                + "'}\n", FILE, Path.of("/elsewhere"));
        assertThat(absolute.moderation().stopWords()).isEqualTo(words.toAbsolutePath());
    }

    @Test
    void shouldResolveAgainstTheProcessWorkingDirectoryByDefault() {
        RouterConfig c = ConfigLoader.parse(ACCOUNT, FILE);
        assertThat(c.journal().dir()).isEqualTo(Path.of("data", "journal").toAbsolutePath());
    }

    static final String ACCOUNT = """
            accounts:
              - id: shop
                password: secret1
            """;

    private static RouterConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, FILE);
    }
}
