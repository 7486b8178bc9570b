package io.smsrouter.server.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The files shipped in {@code conf/}: they load, and every key is documented. */
class ShippedConfigTest {

    /** Tests run in the module directory; the scripts run from the project root. */
    private static final Path PROJECT_ROOT = Path.of("..");
    private static final Path ROUTER_YAML = PROJECT_ROOT.resolve("conf").resolve("router.yaml");
    private static final Path STOP_WORDS = PROJECT_ROOT.resolve("conf").resolve("stopwords.txt");

    private static final Pattern KEY_LINE = Pattern.compile("^\\s*(?:- )?([A-Za-z][A-Za-z0-9]*):(?:\\s|$)");

    @Test
    void shouldLoadTheShippedConfigAsTheEmbeddedDefault() {
        RouterConfig c = ConfigLoader.load(ROUTER_YAML, PROJECT_ROOT);
        Path root = PROJECT_ROOT.toAbsolutePath().normalize();

        assertThat(c.smpp()).isEqualTo(SmppConfig.defaults());
        assertThat(c.smpp().host()).isEqualTo("0.0.0.0");
        assertThat(c.smpp().port()).isEqualTo(2775);
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.admin().token()).isEqualTo("change-me");
        assertThat(c.journal().dir()).isEqualTo(root.resolve("data/journal"));
        assertThat(c.journal().rollCycle()).isEqualTo("HOURLY");
        assertThat(c.journal().syncEachBatch()).isFalse();

        assertThat(c.accounts()).containsExactly(
                new AccountConfig("shop", "secret1", "k-shop-1", "auto", 500, 4, List.of("Shop")),
                new AccountConfig("otp", "otppass", "k-otp-1", "none", 2000, 4, List.of(), null, "otp"),
                new AccountConfig("bulk", "bulkpw", "k-bulk-1", "none", 0, 8, List.of(), null, "promo", null, 0, "any"),
                new AccountConfig("prepaid", "prepaid", "k-prepaid-1", "none", 0, 4, List.of(), null, "transactional",
                        io.smsrouter.core.billing.Amounts.parse("100.00"), 600, null));
        assertThat(c.billing().prices()).isEqualTo(root.resolve("conf/prices.csv"));
        assertThat(c.billing().refundUndelivered()).isFalse();
        assertThat(c.compliance().timeZones()).isEqualTo(root.resolve("conf/timezones.csv"));
        assertThat(c.compliance().sendingWindow()).isEqualTo("09:00-21:00");

        assertThat(c.operators()).containsExactly(new OperatorConfig("opA", "127.0.0.1", 2776, "router", "routerpw",
                "", 2, 64, 0, 30_000, 10_000, 1_000, 30_000));
        assertThat(c.routes()).containsExactly(new RouteConfig(null, null, null, List.of("opA")));

        assertThat(c.moderation().stopWords()).isEqualTo(root.resolve("conf/stopwords.txt"));
        assertThat(c.links()).isEqualTo(LinksConfig.defaults());

        SimulatorConfig sim = c.simulator();
        assertThat(sim.enabled()).isTrue();
        assertThat(sim.host()).isEqualTo("127.0.0.1");
        assertThat(sim.port()).isEqualTo(2776).isEqualTo(c.operators().get(0).port());
        assertThat(sim.dlrDelayMs()).isEqualTo(50);
        assertThat(sim.deliveredPercent()).isEqualTo(100);
        assertThat(sim.systemId()).isNull();
        assertThat(sim.password()).isNull();
    }

    @Test
    void shouldMentionEveryKeyTheLoaderKnowsInTheShippedConfig() throws IOException {
        Map<String, List<String>> sections = Map.ofEntries(
                Map.entry("", ConfigLoader.ROOT_KEYS), Map.entry("smpp", ConfigLoader.SMPP_KEYS),
                Map.entry("http", ConfigLoader.HTTP_KEYS), Map.entry("admin", ConfigLoader.ADMIN_KEYS),
                Map.entry("journal", ConfigLoader.JOURNAL_KEYS), Map.entry("accounts", ConfigLoader.ACCOUNT_KEYS),
                Map.entry("operators", ConfigLoader.OPERATOR_KEYS), Map.entry("routes", ConfigLoader.ROUTE_KEYS),
                Map.entry("moderation", ConfigLoader.MODERATION_KEYS),
                Map.entry("simulator", ConfigLoader.SIMULATOR_KEYS),
                Map.entry("compliance", ConfigLoader.COMPLIANCE_KEYS),
                Map.entry("billing", ConfigLoader.BILLING_KEYS), Map.entry("links", ConfigLoader.LINKS_KEYS));
        String text = Files.readString(ROUTER_YAML, StandardCharsets.UTF_8);
        List<String> undocumented = new ArrayList<>();
        sections.forEach((section, keys) -> {
            String body = section.isEmpty() ? text : sectionText(text, section);
            for (String key : keys) {
                // Route conditions are documented in comments above the table, and optional URLs, an
                // account's own sending window, allowedIps and the TLS settings (off without a
                // certificate) as commented examples, so there a commented mention counts.
                String lead = section.equals("routes")
                        || List.of("callbackUrl", "moUrl", "sendingWindow", "allowedIps", "clientCert", "tlsTrust")
                        .contains(key) || key.equals("tls") && !section.equals("operators")
                        || key.equals("cluster") && section.isEmpty() ? "[\\s#]*"
                        : "\\s*";
                if (!Pattern.compile("(?m)^" + lead + "(?:- )?" + key + ":").matcher(body).find()) {
                    undocumented.add(section.isEmpty() ? key : section + "." + key);
                }
            }
        });
        assertThat(undocumented).isEmpty();
    }

    @Test
    void shouldShipACommentedClusterSectionThatLoadsAndNamesEveryKey() throws IOException {
        List<String> lines = Files.readAllLines(ROUTER_YAML, StandardCharsets.UTF_8);
        int start = lines.indexOf("# cluster:");
        assertThat(start).as("a commented-out cluster section").isPositive();
        StringBuilder section = new StringBuilder();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            section.append(lines.get(i).substring(Math.min(2, lines.get(i).length()))).append('\n');
        }
        String yaml = section.toString();
        ClusterConfig c = ConfigLoader.parse("accounts: [{id: shop, password: secret1}]\n" + yaml,
                Path.of("router.yaml")).cluster();
        assertThat(c.nodeId()).isEqualTo("r1");
        assertThat(c.kafka().servers()).hasSize(3);
        assertThat(c.kafka().topicPrefix()).isEqualTo(ClusterConfig.DEFAULT_TOPIC_PREFIX);
        assertThat(c.ack()).isEqualTo(ClusterConfig.DEFAULT_ACK);
        assertThat(c.postgres()).isNotNull();
        for (List<String> keys : List.of(ConfigLoader.CLUSTER_KEYS, ConfigLoader.CLUSTER_KAFKA_KEYS,
                ConfigLoader.CLUSTER_POSTGRES_KEYS)) {
            for (String key : keys) {
                assertThat(yaml).containsPattern("(?m)^\\s*" + key + ":");
            }
        }
        // the shipped file itself stays the embedded router
        assertThat(ConfigLoader.load(ROUTER_YAML, PROJECT_ROOT).cluster()).isNull();
    }

    @Test
    void shouldCommentEveryKeyOfTheShippedConfig() throws IOException {
        List<String> lines = Files.readAllLines(ROUTER_YAML, StandardCharsets.UTF_8);
        List<String> uncommented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher key = KEY_LINE.matcher(lines.get(i));
            if (key.find() && !lines.get(i).contains("#") && (i == 0 || !lines.get(i - 1).trim().startsWith("#"))) {
                uncommented.add((i + 1) + ": " + lines.get(i));
            }
        }
        assertThat(uncommented).isEmpty();
        assertThat(lines.stream().filter(l -> KEY_LINE.matcher(l).find()).count()).isGreaterThan(50);
    }

    @Test
    void shouldShipStopWordsInRussianAndEnglishByCategory() throws Exception {
        List<String> lines = Files.readAllLines(STOP_WORDS, StandardCharsets.UTF_8);
        assertThat(lines).contains("# category: casino", "# category: credit", "# category: drugs");
        assertThat(lines).contains("казино", "casino", "кредит", "loan", "кокаин", "cocaine");
        assertThat(lines).anyMatch(l -> l.startsWith("="));
        // the router loads it as it is (a bad line would stop the start)
        io.smsrouter.core.moderation.StopWordAutomaton a = io.smsrouter.core.moderation.StopWordAutomaton.build(
                io.smsrouter.core.moderation.StopWordList.load(STOP_WORDS));
        assertThat(a.size()).isGreaterThan(100);
        assertThat(a.matches("Лучшее к а з и н о города")).isTrue();
    }

    /** The lines of a top-level section, from its key to the next top-level key. */
    private static String sectionText(String text, String section) {
        Matcher start = Pattern.compile("(?m)^" + section + ":").matcher(text);
        assertThat(start.find()).as("section %s", section).isTrue();
        Matcher end = Pattern.compile("(?m)^[A-Za-z]").matcher(text);
        int stop = end.find(start.end()) ? end.start() : text.length();
        // Comments just above the section key belong to it too (route conditions are documented there).
        int from = text.lastIndexOf("\n\n", start.start());
        return text.substring(Math.max(from, 0), stop);
    }
}
