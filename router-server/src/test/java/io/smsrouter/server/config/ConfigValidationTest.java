package io.smsrouter.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every class of bad input stops the load with exactly one message that names the file, the key
 * path and what was expected; nothing else is reported for it (no follow-on noise).
 */
class ConfigValidationTest {

    private static final Path FILE = Path.of("conf/router.yaml");
    private static final String F = "conf/router.yaml: ";

    private static final String ACCOUNT = """
            accounts:
              - id: shop
                password: secret1
            """;
    private static final String TWO_ACCOUNTS = """
            accounts:
              - {id: shop, password: secret1, apiKey: k-shop-1}
              - {id: otp, password: otppass, apiKey: k-otp-1}
            """;
    private static final String TWO_OPERATORS = """
            operators:
              - {id: opA, host: 127.0.0.1, port: 2776, systemId: router, password: routerpw}
              - {id: opB, host: 127.0.0.1, port: 2777, systemId: router, password: routerpw}
            """;

    static Stream<Arguments> singleProblems() {
        return Stream.of(
                // Unknown keys, at every level.
                arguments("unknown key in a section", ACCOUNT + "smpp: {prot: 2775}",
                        F + "smpp.prot: unknown key (expected one of " + String.join(", ", ConfigLoader.SMPP_KEYS)
                                + ")"),
                arguments("unknown top-level key", ACCOUNT + "clustr: {nodeId: r1}",
                        F + "clustr: unknown key (expected one of smpp, http, admin, journal, accounts, operators, "
                                + "routes, moderation, simulator, compliance, billing, links, cluster)"),
                arguments("unknown key in a list element", "accounts: [{id: a, password: b, tpss: 5}]",
                        F + "accounts[0].tpss: unknown key (expected one of id, password, apiKey, moderation, tps, "
                                + "maxBinds, senders, callbackUrl, trafficClass, balance, dedupWindowSeconds, sendingWindow, moUrl, allowedIps, clientCert, requireConsent)"),
                arguments("unknown key in a route", ACCOUNT + TWO_OPERATORS + "routes: [{operators: [opA], to: \"7\"}]",
                        F + "routes[0].to: unknown key (expected one of sender, prefix, account, category, operators, weights)"),

                // Enumerations.
                arguments("moderation mode", TWO_ACCOUNTS.replace("apiKey: k-otp-1", "moderation: sometimes"),
                        F + "accounts[1].moderation: expected one of none, auto, manual, got \"sometimes\""),
                arguments("roll cycle", ACCOUNT + "journal: {rollCycle: hourly}",
                        F + "journal.rollCycle: expected one of MINUTELY, HOURLY, DAILY, got \"hourly\""),

                // Types.
                arguments("string where an integer is expected", ACCOUNT + "smpp: {port: \"2775\"}",
                        F + "smpp.port: expected an integer 0..65535, got \"2775\""),
                arguments("fraction where an integer is expected", "accounts: [{id: a, password: b, tps: 1.5}]",
                        F + "accounts[0].tps: expected an integer >= 0, got 1.5"),
                arguments("number where a string is expected", "accounts: [{id: 1234, password: b}]",
                        F + "accounts[0].id: expected 1 to 15 printable ASCII characters (SMPP 3.4 system_id), got 1234"
                                + " (YAML reads it as a number; put the value in quotes)"),
                arguments("yes where a string is expected", "accounts: [{id: yes, password: b}]",
                        F + "accounts[0].id: expected 1 to 15 printable ASCII characters (SMPP 3.4 system_id), got true"
                                + " (YAML reads yes/no/on/off/true/false as a boolean; put the value in quotes)"),
                arguments("checkpoint interval out of range", ACCOUNT + "journal: {checkpointSeconds: -1}",
                        F + "journal.checkpointSeconds: expected an integer 0..86400, got -1"),
                arguments("checkpoint interval not a number", ACCOUNT + "journal: {checkpointSeconds: 10min}",
                        F + "journal.checkpointSeconds: expected an integer 0..86400, got \"10min\""),
                arguments("string where a boolean is expected", ACCOUNT + "journal: {syncEachBatch: \"true\"}",
                        F + "journal.syncEachBatch: expected true or false, got \"true\""),
                arguments("string where requireConsent's boolean is expected",
                        "accounts: [{id: a, password: b, requireConsent: \"no\"}]",
                        F + "accounts[0].requireConsent: expected true or false, got \"no\""),
                arguments("scalar where a section is expected", ACCOUNT + "http: 8080",
                        F + "http: expected a mapping of host, port, maxRecipients, authFailuresPerIpPerMinute, tls, got 8080"),
                arguments("mapping where a list is expected", "accounts: {id: shop, password: secret1}",
                        F + "accounts: expected a list of at least one account (a mapping of id, password, apiKey, "
                                + "moderation, tps, maxBinds, senders, callbackUrl, trafficClass, balance, dedupWindowSeconds, sendingWindow, moUrl, allowedIps, clientCert, requireConsent), got a mapping"),
                arguments("scalar where a list element mapping is expected", ACCOUNT + "operators: [opA]",
                        F + "operators[0]: expected an operator: a mapping of "
                                + String.join(", ", ConfigLoader.OPERATOR_KEYS) + ", got \"opA\""),
                arguments("negative bindTps", ACCOUNT + "operators: [{id: opA, host: h, port: 1, systemId: s, "
                                + "password: p, bindTps: -5}]",
                        F + "operators[0].bindTps: expected an integer >= 0, got -5"),
                arguments("scalar where a list of senders is expected", "accounts: [{id: a, password: b, senders: Shop}]",
                        F + "accounts[0].senders: expected a list of sender names, got \"Shop\""),

                // Ranges.
                arguments("port above 65535", ACCOUNT + "http: {port: 70000}",
                        F + "http.port: expected an integer 0..65535, got 70000"),
                arguments("negative port", ACCOUNT + "smpp: {port: -1}",
                        F + "smpp.port: expected an integer 0..65535, got -1"),
                arguments("port beyond the int range", ACCOUNT + "smpp: {port: 99999999999}",
                        F + "smpp.port: expected an integer 0..65535, got 99999999999"),
                arguments("maxPduLength too small", ACCOUNT + "smpp: {maxPduLength: 63}",
                        F + "smpp.maxPduLength: expected an integer 64..1048576, got 63"),
                arguments("maxPduLength too large", ACCOUNT + "smpp: {maxPduLength: 1048577}",
                        F + "smpp.maxPduLength: expected an integer 64..1048576, got 1048577"),
                arguments("zero window size", ACCOUNT + "smpp: {windowSize: 0}",
                        F + "smpp.windowSize: expected an integer 1..1000000, got 0"),
                arguments("negative account tps", "accounts: [{id: a, password: b, tps: -1}]",
                        F + "accounts[0].tps: expected an integer >= 0, got -1"),
                arguments("zero maxBinds", "accounts: [{id: a, password: b, maxBinds: 0}]",
                        F + "accounts[0].maxBinds: expected an integer 1..1000, got 0"),
                arguments("zero operator binds", ACCOUNT + TWO_OPERATORS.replace("port: 2777,", "port: 2777, binds: 0,"),
                        F + "operators[1].binds: expected an integer 1..64, got 0"),
                arguments("65 operator binds", ACCOUNT + TWO_OPERATORS.replace("port: 2777,", "port: 2777, binds: 65,"),
                        F + "operators[1].binds: expected an integer 1..64, got 65"),
                arguments("zero window", ACCOUNT + TWO_OPERATORS.replace("port: 2776,", "port: 2776, window: 0,"),
                        F + "operators[0].window: expected an integer 1..10000, got 0"),
                arguments("window above 10000", ACCOUNT + TWO_OPERATORS.replace("port: 2776,", "port: 2776, window: 10001,"),
                        F + "operators[0].window: expected an integer 1..10000, got 10001"),
                arguments("negative operator tps", ACCOUNT + TWO_OPERATORS.replace("port: 2776,", "port: 2776, tps: -5,"),
                        F + "operators[0].tps: expected an integer >= 0, got -5"),
                arguments("reconnect ceiling below the first delay",
                        ACCOUNT + TWO_OPERATORS.replace("port: 2776,", "port: 2776, reconnectDelayMs: 5000, maxReconnectDelayMs: 4000,"),
                        F + "operators[0].maxReconnectDelayMs: expected at least reconnectDelayMs (5000), got 4000"),
                arguments("first reconnect delay above the default ceiling",
                        ACCOUNT + TWO_OPERATORS.replace("port: 2776,", "port: 2776, reconnectDelayMs: 60000,"),
                        F + "operators[0].maxReconnectDelayMs: expected at least reconnectDelayMs (60000), got 30000 (the default)"),
                arguments("percent above 100", ACCOUNT + "simulator: {deliveredPercent: 101}",
                        F + "simulator.deliveredPercent: expected an integer 0..100, got 101"),
                arguments("percents not adding up to 100", ACCOUNT + "simulator: {deliveredPercent: 90, expiredPercent: 5}",
                        F + "simulator: expected deliveredPercent + undeliverablePercent + expiredPercent = 100, "
                                + "got 90 + 0 + 5 = 95"),
                arguments("percent out of range reported alone, not also as a wrong sum",
                        ACCOUNT + "simulator: {deliveredPercent: 101, expiredPercent: 5}",
                        F + "simulator.deliveredPercent: expected an integer 0..100, got 101"),
                arguments("negative dlr delay", ACCOUNT + "simulator: {dlrDelayMs: -1}",
                        F + "simulator.dlrDelayMs: expected an integer 0..86400000, got -1"),

                // SMPP 3.4 field limits.
                arguments("account id of 16 characters", "accounts: [{id: abcdefghijklmnop, password: b}]",
                        F + "accounts[0].id: expected 1 to 15 printable ASCII characters (SMPP 3.4 system_id), "
                                + "got \"abcdefghijklmnop\""),
                arguments("non-ASCII account id", "accounts: [{id: магазин, password: b}]",
                        F + "accounts[0].id: expected 1 to 15 printable ASCII characters (SMPP 3.4 system_id), "
                                + "got \"магазин\""),
                arguments("account password of 9 characters, not echoed", "accounts: [{id: a, password: secret123}]",
                        F + "accounts[0].password: expected 1 to 8 printable ASCII characters (SMPP 3.4 password)"
                                + " or its hash from scripts/hash-secret (pbkdf2-sha256$...), "
                                + "got a string of 9 characters"),
                arguments("empty account password", "accounts: [{id: a, password: \"\"}]",
                        F + "accounts[0].password: expected 1 to 8 printable ASCII characters (SMPP 3.4 password)"
                                + " or its hash from scripts/hash-secret (pbkdf2-sha256$...), "
                                + "got an empty string"),
                arguments("operator systemId of 16 characters",
                        ACCOUNT + TWO_OPERATORS.replace("port: 2777, systemId: router", "port: 2777, systemId: router1234567890"),
                        F + "operators[1].systemId: expected 1 to 15 printable ASCII characters (SMPP 3.4 system_id), "
                                + "got \"router1234567890\""),
                arguments("operator password of 9 characters",
                        ACCOUNT + TWO_OPERATORS.replace("port: 2776, systemId: router, password: routerpw", "port: 2776, systemId: router, password: routerpw9"),
                        F + "operators[0].password: expected at most 8 printable ASCII characters (SMPP 3.4 password), "
                                + "got a string of 9 characters"),
                arguments("systemType of 13 characters",
                        ACCOUNT + TWO_OPERATORS.replace("port: 2776,", "port: 2776, systemType: abcdefghijklm,"),
                        F + "operators[0].systemType: expected at most 12 printable ASCII characters (SMPP 3.4 system_type), "
                                + "got \"abcdefghijklm\""),
                arguments("sender name of 21 characters", "accounts: [{id: a, password: b, senders: [Shop, abcdefghijklmnopqrstu]}]",
                        F + "accounts[0].senders[1]: expected 1 to 20 printable ASCII characters (SMPP 3.4 source_addr), "
                                + "got \"abcdefghijklmnopqrstu\""),

                // Required keys.
                arguments("no accounts", "smpp: {port: 2775}",
                        F + "accounts: required key missing, expected a list of at least one account (a mapping of id, "
                                + "password, apiKey, moderation, tps, maxBinds, senders, callbackUrl, trafficClass, balance, dedupWindowSeconds, sendingWindow, moUrl, allowedIps, clientCert, requireConsent)"),
                arguments("empty accounts", "accounts: []",
                        F + "accounts: expected a list of at least one account (a mapping of id, password, apiKey, "
                                + "moderation, tps, maxBinds, senders, callbackUrl, trafficClass, balance, dedupWindowSeconds, sendingWindow, moUrl, allowedIps, clientCert, requireConsent), got an empty list"),
                arguments("account without password", "accounts: [{id: shop}]",
                        F + "accounts[0].password: required key missing, expected 1 to 8 printable ASCII characters "
                                + "(SMPP 3.4 password) or its hash from scripts/hash-secret (pbkdf2-sha256$...)"),
                arguments("operator without host", ACCOUNT + "operators: [{id: opA, port: 1, systemId: r, password: p}]",
                        F + "operators[0].host: required key missing, expected a host name or IP address"),
                arguments("operator without port", ACCOUNT + "operators: [{id: opA, host: h, systemId: r, password: p}]",
                        F + "operators[0].port: required key missing, expected an integer 0..65535"),
                arguments("operator without systemId", ACCOUNT + "operators: [{id: opA, host: h, port: 1, password: p}]",
                        F + "operators[0].systemId: required key missing, expected 1 to 15 printable ASCII characters "
                                + "(SMPP 3.4 system_id)"),
                arguments("operator without password", ACCOUNT + "operators: [{id: opA, host: h, port: 1, systemId: r}]",
                        F + "operators[0].password: required key missing, expected at most 8 printable ASCII characters "
                                + "(SMPP 3.4 password)"),
                arguments("operator without id", ACCOUNT + "operators: [{host: h, port: 1, systemId: r, password: p}]",
                        F + "operators[0].id: required key missing, expected 1 to 32 letters, digits, '.', '_' or '-'"),

                // Duplicates.
                arguments("duplicate account id", TWO_ACCOUNTS.replace("id: otp", "id: shop"),
                        F + "accounts[1].id: duplicate account id \"shop\" (already used by accounts[0])"),
                arguments("duplicate apiKey, not echoed", TWO_ACCOUNTS.replace("k-otp-1", "k-shop-1"),
                        F + "accounts[1].apiKey: duplicate apiKey (already used by accounts[0])"),
                arguments("apiKey equal to the admin token", ACCOUNT + "    apiKey: change-me\n",
                        F + "accounts[0].apiKey: expected a key different from admin.token, got the same value"),
                arguments("duplicate operator id", ACCOUNT + TWO_OPERATORS.replace("id: opB", "id: opA"),
                        F + "operators[1].id: duplicate operator id \"opA\" (already used by operators[0])"),

                // Routes.
                arguments("unknown operator in a route", ACCOUNT + TWO_OPERATORS + """
                                routes:
                                  - {sender: Shop, operators: [opA]}
                                  - {prefix: "7916", operators: [opB]}
                                  - {operators: [opZ]}
                                """,
                        F + "routes[2].operators[0]: unknown operator \"opZ\" (defined: opA, opB)"),
                arguments("unknown traffic class exempt from opt-outs", ACCOUNT + "compliance: {optOutExempt: [otp, sms]}",
                        F + "compliance.optOutExempt[1]: expected one of otp, service, transactional, promo, got \"sms\""),
                arguments("a stop keyword of two words", ACCOUNT + "compliance: {stopKeywords: [STOP, \"no more\"]}",
                        F + "compliance.stopKeywords[1]: expected one word of 1 to 40 characters, got \"no more\""),
                arguments("weights not one per operator", ACCOUNT + TWO_OPERATORS
                                + "routes: [{operators: [opA, opB], weights: [70]}]",
                        F + "routes[0].weights: expected a list of 2 weights (1..1000), one per operator of the route, "
                                + "got a list"),
                arguments("weight out of range", ACCOUNT + TWO_OPERATORS
                                + "routes: [{operators: [opA, opB], weights: [70, 0]}]",
                        F + "routes[0].weights[1]: expected an integer 1..1000, got 0"),
                arguments("route when no operator is defined", ACCOUNT + "routes: [{operators: [opA]}]",
                        F + "routes[0].operators[0]: unknown operator \"opA\" (defined: none)"),
                arguments("unknown account in a route", TWO_ACCOUNTS + TWO_OPERATORS + "routes: [{account: bulk, operators: [opA]}]",
                        F + "routes[0].account: unknown account \"bulk\" (defined: shop, otp)"),
                arguments("route without operators", ACCOUNT + TWO_OPERATORS + "routes: [{sender: Shop}]",
                        F + "routes[0].operators: required key missing, expected a list of at least one operator id "
                                + "(defined: opA, opB)"),
                arguments("route with an empty operator list", ACCOUNT + TWO_OPERATORS + "routes: [{operators: []}]",
                        F + "routes[0].operators: expected at least one operator id (defined: opA, opB), got an empty list"),
                arguments("operator twice in one route", ACCOUNT + TWO_OPERATORS + "routes: [{operators: [opA, opB, opA]}]",
                        F + "routes[0].operators[2]: operator \"opA\" is listed twice in this route"),
                arguments("empty routing table", ACCOUNT + TWO_OPERATORS + "routes: []",
                        F + "routes: expected at least one route (leave the key out for one default route to all "
                                + "operators), got an empty list"),
                arguments("prefix with a letter", ACCOUNT + TWO_OPERATORS + "routes: [{prefix: \"79a\", operators: [opA]}]",
                        F + "routes[0].prefix: expected 1 to 20 digits in quotes (a destination number prefix), got \"79a\""),
                arguments("prefix with a plus", ACCOUNT + TWO_OPERATORS + "routes: [{prefix: \"+7916\", operators: [opA]}]",
                        F + "routes[0].prefix: expected 1 to 20 digits in quotes (a destination number prefix), got \"+7916\""),
                arguments("prefix as a number", ACCOUNT + TWO_OPERATORS + "routes: [{prefix: 7916, operators: [opA]}]",
                        F + "routes[0].prefix: expected 1 to 20 digits in quotes (a destination number prefix), got 7916 "
                                + "(YAML reads it as a number; put the value in quotes)"),
                arguments("route after the default route", ACCOUNT + TWO_OPERATORS + """
                                routes:
                                  - {operators: [opA]}
                                  - {sender: Shop, operators: [opB]}
                                """,
                        F + "routes[1]: unreachable: routes[0] comes first and matches every message this route would "
                                + "(put more specific routes first)"),
                arguments("longer prefix after a shorter one", ACCOUNT + TWO_OPERATORS + """
                                routes:
                                  - {prefix: "79", operators: [opA]}
                                  - {prefix: "7916", operators: [opB]}
                                  - {operators: [opB]}
                                """,
                        F + "routes[1]: unreachable: routes[0] comes first and matches every message this route would "
                                + "(put more specific routes first)"),

                // Route categories.
                arguments("route category unknown", "accounts: [{id: shop, password: pw}]\n"
                                + "operators: [{id: opA, host: 127.0.0.1, port: 2776, systemId: r, password: p}]\n"
                                + "routes: [{category: bulk, operators: [opA]}, {operators: [opA]}]\n",
                        F + "routes[0].category: expected one of otp, service, transactional, promo, got \"bulk\""),

                // Billing and quiet hours.
                arguments("balance not an amount", "accounts: [{id: shop, password: pw, balance: lots}]\n",
                        F + "accounts[0].balance: expected an amount such as 100 or 0.35 (not negative, at most 6 "
                                + "decimals), got \"lots\""),
                arguments("balance without prices", "accounts: [{id: shop, password: pw, balance: 100}]\n",
                        F + "billing.prices: required key missing, expected a price file (account shop has a "
                                + "balance, so its messages need prices)"),
                arguments("bad sending window", "accounts: [{id: shop, password: pw, sendingWindow: \"9-21\"}]\n",
                        F + "accounts[0].sendingWindow: expected a sending window \"HH:MM-HH:MM\" in local time, "
                                + "00:00 to 23:59 (like 09:00-21:00, or 22:00-06:00 across midnight), got \"9-21\""),
                arguments("dedup window negative", "accounts: [{id: shop, password: pw, dedupWindowSeconds: -1}]\n",
                        F + "accounts[0].dedupWindowSeconds: expected an integer 0..604800, got -1"),

                // Listeners.
                arguments("http on the smpp port", ACCOUNT + "http: {port: 2775}",
                        F + "http.port: expected a port not already used by smpp.port, got 2775"),
                arguments("simulator on the smpp port", ACCOUNT + "simulator: {enabled: true, host: 127.0.0.1, port: 2775}",
                        F + "simulator.port: expected a port not already used by smpp.port, got 2775"),

                // The document as a whole.
                arguments("empty file", "", F + "expected a YAML mapping of smpp, http, admin, journal, accounts, "
                        + "operators, routes, moderation, simulator, compliance, billing, links, cluster, got an empty file"),
                arguments("only comments", "# nothing yet\n", F + "expected a YAML mapping of smpp, http, admin, "
                        + "journal, accounts, operators, routes, moderation, simulator, compliance, billing, links, cluster, got an empty file"),
                arguments("a list at the top", "- smpp\n- http\n", F + "expected a YAML mapping of smpp, http, admin, "
                        + "journal, accounts, operators, routes, moderation, simulator, compliance, billing, links, cluster, got a list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleProblems")
    void shouldReportExactlyOneProblemNamingFileKeyAndExpectation(String what, String yaml, String expected) {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(yaml, FILE), ConfigException.class);
        assertThat(e).as("expected a ConfigException for: %s", what).isNotNull();
        assertThat(e.problems()).containsExactly(expected);
        assertThat(e.getMessage()).isEqualTo(expected);
    }

    @Test
    void shouldAllowTheSamePortOnDifferentHostsAndADisabledSimulatorOnAnyPort() {
        RouterConfig c = ConfigLoader.parse(ACCOUNT + """
                smpp: {host: 127.0.0.1, port: 2775}
                http: {host: 127.0.0.2, port: 2775}
                simulator: {enabled: false, port: 2775}
                """, FILE);
        assertThat(c.http().port()).isEqualTo(c.smpp().port());
    }

    @Test
    void shouldAllowRoutesThatOverlapOnlyPartly() {
        RouterConfig c = ConfigLoader.parse(TWO_ACCOUNTS + TWO_OPERATORS + """
                routes:
                  - {prefix: "7916", operators: [opA]}
                  - {prefix: "79", account: otp, operators: [opB]}
                  - {prefix: "79", operators: [opB]}
                  - {sender: Shop, operators: [opA]}
                  - {operators: [opA, opB]}
                """, FILE);
        assertThat(c.routes()).hasSize(5);
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        String yaml = """
                smpp:
                  port: "2775"
                accounts:
                  - id: shop
                    password: secret1
                    moderation: sometimes
                  - id: shop
                    password: toolongpw
                operators:
                  - {id: opA, host: h, port: 1, systemId: r, password: p, binds: 0}
                routes:
                  - {operators: [opZ]}
                """;
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(yaml, FILE), ConfigException.class);
        assertThat(e.problems()).containsExactly(
                F + "smpp.port: expected an integer 0..65535, got \"2775\"",
                F + "accounts[0].moderation: expected one of none, auto, manual, got \"sometimes\"",
                F + "accounts[1].password: expected 1 to 8 printable ASCII characters (SMPP 3.4 password)"
                        + " or its hash from scripts/hash-secret (pbkdf2-sha256$...), "
                        + "got a string of 9 characters",
                F + "accounts[1].id: duplicate account id \"shop\" (already used by accounts[0])",
                F + "operators[0].binds: expected an integer 1..64, got 0",
                F + "routes[0].operators[0]: unknown operator \"opZ\" (defined: opA)");
        assertThat(e.getMessage().split("\n")).hasSize(6);
    }

    @Test
    void shouldNameTheFileAndLineOfAYamlSyntaxError() {
        String yaml = """
                accounts:
                  - id: shop
                    password: secret1
                smpp:
                  port: 2775
                   host: 0.0.0.0
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessage(F + "line 6, column 8: invalid YAML: mapping values are not allowed here");
    }

    @Test
    void shouldNameTheLineWhereAnUnclosedListStarted() {
        assertThatThrownBy(() -> ConfigLoader.parse(ACCOUNT + "routes: [{operators: [opA]}\n", FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(F + "line 5, column 1: invalid YAML: ")
                .hasMessageContaining("while parsing a flow sequence started at line 4");
    }

    @Test
    void shouldRefuseTabIndentation() {
        assertThatThrownBy(() -> ConfigLoader.parse(ACCOUNT + "smpp:\n\tport: 2775\n", FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(F + "line 5, column 1: invalid YAML: ");
    }

    @Test
    void shouldRefuseAKeyGivenTwice() {
        String yaml = ACCOUNT + """
                smpp:
                  port: 2775
                  port: 2776
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(F + "line 6, ")
                .hasMessageEndingWith("duplicate key \"port\" (a key may appear once in a mapping)");
    }

    @Test
    void shouldRefuseASecondDocument() {
        assertThatThrownBy(() -> ConfigLoader.parse(ACCOUNT + "---\nsmpp: {port: 1}\n", FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(F + "line 5, ")
                .hasMessageEndingWith("expected one YAML document, got a second one (remove the '---' line)");
    }

    @Test
    void shouldRefuseAliasesRatherThanReadThemAsTheirName() {
        String yaml = """
                accounts:
                  - {id: shop, password: &pw secret1}
                  - {id: otp, password: *pw}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(F + "line 3, ")
                .hasMessageContaining("expected a plain value, got the YAML alias *pw");
    }

    @Test
    void shouldRequireTheStopWordFileToExist(@TempDir Path dir) {
        ConfigException e = catchThrowableOfType(
                () -> ConfigLoader.parse(ACCOUNT + "moderation: {stopWords: conf/missing-words.txt}", FILE, dir),
                ConfigException.class);
        assertThat(e.problems()).containsExactly(F + "moderation.stopWords: expected an existing, readable stop-word "
                + "file, got \"conf/missing-words.txt\" (looked for " + dir.toAbsolutePath().resolve("conf/missing-words.txt") + ")");
    }

    @Test
    void shouldRefuseAStopWordPathThatIsADirectory(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.parse(ACCOUNT + "moderation: {stopWords: .}", FILE, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(F + "moderation.stopWords: expected an existing, readable stop-word file, got \".\"");
    }

    @Test
    void shouldRefuseAStopWordFileWithABadLineNamingItsLine(@TempDir Path dir) throws IOException {
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "# category: casino\nказино\n=\n");
        ConfigException e = catchThrowableOfType(
                () -> ConfigLoader.parse(ACCOUNT + "moderation: {stopWords: words.txt}", FILE, dir),
                ConfigException.class);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith(F + "moderation.stopWords: expected a valid stop-word file: "
                + words.toAbsolutePath() + ":3: ");
    }

    @Test
    void shouldRefuseBadModerationLimits(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.parse(ACCOUNT + "moderation: {maxWaitSeconds: 0}", FILE, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(F + "moderation.maxWaitSeconds: expected an integer 1..604800");
        assertThatThrownBy(() -> ConfigLoader.parse(ACCOUNT + "moderation: {maxHeld: lots}", FILE, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(F + "moderation.maxHeld: expected an integer 1..10000000");
    }

    @Test
    void shouldRefuseAJournalDirectoryThatIsAFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("journal"), "not a directory");
        assertThatThrownBy(() -> ConfigLoader.parse(ACCOUNT + "journal: {dir: journal}", FILE, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(F + "journal.dir: expected a directory (created if missing), got \"")
                .hasMessageEndingWith("\", which is a file");
    }

    @Test
    void shouldNeverEchoSecretsInMessages() {
        String yaml = """
                admin: {token: "has space"}
                accounts:
                  - {id: shop, password: topsecret99, apiKey: "my key"}
                """;
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(yaml, FILE), ConfigException.class);
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).doesNotContain("has space", "topsecret99", "my key")
                .contains("admin.token", "accounts[0].password", "accounts[0].apiKey");
    }

    @Test
    void shouldQuoteAndShortenLongOrMultiLineValues() {
        String yaml = ACCOUNT + "journal: {rollCycle: \"" + "x".repeat(100) + "\\nsecond line\"}";
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(yaml, FILE), ConfigException.class);
        assertThat(e.getMessage()).doesNotContain("\n").endsWith("got \"" + "x".repeat(60) + "...\"");
    }

    @Test
    void shouldNameTheFileAsGiven() {
        Path other = Path.of("/etc/router/prod.yaml");
        assertThatThrownBy(() -> ConfigLoader.parse("accounts: []", other))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/etc/router/prod.yaml: accounts: ");
    }
}
