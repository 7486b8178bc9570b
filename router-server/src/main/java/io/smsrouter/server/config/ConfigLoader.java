package io.smsrouter.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code conf/router.yaml} into a {@link RouterConfig} and validates it, so that a bad file
 * stops the start with messages of the form {@code <file>: <key path>: expected <what>, got <value>}
 * rather than failing later somewhere inside the router.
 *
 * <p>The YAML is parsed into a Jackson tree and walked by hand, not data-bound, so that every message
 * can name the key path, and so that unknown keys, wrong types and out-of-range values are all
 * reported at once. The keys are documented in the records ({@link SmppConfig} and the others) and,
 * one comment a key, in the shipped {@code conf/router.yaml}. String limits follow the SMPP 3.4
 * C-Octet String sizes of section 4.1.1 ({@code system_id} 16, {@code password} 9,
 * {@code system_type} 13, {@code source_addr} 21 octets, each counting the terminating NUL).
 *
 * <p>Relative paths in the file ({@code journal.dir}, {@code moderation.stopWords}) are resolved
 * against the working directory: the scripts run from the project root.
 */
public final class ConfigLoader {

    static final List<String> ROOT_KEYS = List.of(
            "smpp", "http", "admin", "journal", "accounts", "operators", "routes", "moderation", "simulator",
            "compliance", "billing", "links", "cluster");
    static final List<String> SMPP_KEYS = List.of("host", "port", "maxPduLength", "windowSize",
            "enquireLinkIntervalMs", "idleTimeoutMs", "responseTimeoutMs", "bindTimeoutMs", "receiptsInMemory",
            "maxConnections", "maxConnectionsPerIp", "bindFailuresPerIpPerMinute", "tls");
    static final List<String> SMPP_TLS_KEYS = List.of("host", "port", "cert", "key", "clientCa");
    static final List<String> HTTP_KEYS = List.of("host", "port", "maxRecipients", "authFailuresPerIpPerMinute",
            "tls");
    static final List<String> HTTP_TLS_KEYS = List.of("host", "port", "cert", "key");
    static final List<String> SIMULATOR_TLS_KEYS = List.of("cert", "key");
    static final List<String> ADMIN_KEYS = List.of("token", "sessionIdleSeconds", "sessionLifetimeSeconds");
    static final List<String> JOURNAL_KEYS = List.of("dir", "rollCycle", "syncEachBatch", "minFreeMb",
            "retentionHours", "checkpointSeconds");
    static final List<String> ACCOUNT_KEYS = List.of(
            "id", "password", "apiKey", "moderation", "tps", "maxBinds", "senders", "callbackUrl",
            "trafficClass", "balance", "dedupWindowSeconds", "sendingWindow", "moUrl", "allowedIps", "clientCert",
            "requireConsent");
    static final List<String> BILLING_KEYS = List.of("prices", "refundUndelivered");
    static final List<String> LINKS_KEYS = List.of("shortBase");
    static final List<String> CLUSTER_KEYS = List.of("nodeId", "kafka", "ack", "postgres");
    static final List<String> CLUSTER_KAFKA_KEYS = List.of("bootstrap", "topicPrefix");
    static final List<String> CLUSTER_POSTGRES_KEYS = List.of("url", "user", "password", "settleAfterSeconds");
    static final List<String> OPERATOR_KEYS = List.of("id", "host", "port", "systemId", "password", "systemType",
            "binds", "window", "tps", "enquireLinkIntervalMs", "responseTimeoutMs", "reconnectDelayMs",
            "maxReconnectDelayMs", "concatenation", "tls", "tlsTrust", "tlsVerifyHostname", "bindTps");
    static final List<String> ROUTE_KEYS = List.of("sender", "prefix", "account", "category", "operators",
            "weights");
    static final List<String> COMPLIANCE_KEYS = List.of("stopKeywords", "optOutExempt", "timeZones",
            "sendingWindow");
    static final List<String> MODERATION_KEYS = List.of("stopWords", "maxWaitSeconds", "maxHeld");
    static final List<String> SIMULATOR_KEYS = List.of("enabled", "host", "port", "systemId", "password",
            "submitLatencyMs", "dlrDelayMs", "deliveredPercent", "undeliverablePercent", "expiredPercent", "tps",
            "tls");

    static final int MAX_PORT = 65_535;
    /** Upper bound of every duration: one day. */
    static final int MAX_MS = 86_400_000;

    private static final StringRule HOST = StringRule.host();
    private static final StringRule ACCOUNT_ID = StringRule.ascii(1, 15, "SMPP 3.4 system_id");
    private static final StringRule ACCOUNT_PASSWORD = StringRule.hashOr(
            StringRule.ascii(1, 8, "SMPP 3.4 password").asSecret());
    private static final StringRule API_KEY = StringRule.hashOr(StringRule.token("HTTP API key"));
    private static final StringRule ADMIN_TOKEN = StringRule.hashOr(StringRule.token("admin bearer token"));
    private static final StringRule CALLBACK_URL = StringRule.matching("https?://[^\\s]{1,2000}",
            "an http:// or https:// URL");
    private static final StringRule SHORT_BASE = StringRule.matching("[!-~]+",
            "an absolute http:// or https:// URL with a host, without query or fragment, of printable ASCII, at most "
                    + LinksConfig.MAX_SHORT_BASE_LENGTH + " characters (the public base of short links, e.g. "
                    + "https://s.example.com/l)");
    private static final StringRule NODE_ID = StringRule.matching("[A-Za-z0-9_-]{1,"
            + ClusterConfig.MAX_NODE_ID_LENGTH + "}", "1 to " + ClusterConfig.MAX_NODE_ID_LENGTH
            + " letters, digits, '_' or '-' (this node's id, unique in the cluster)");
    private static final Pattern HOST_PORT = Pattern.compile("(?:[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]):([0-9]{1,5})");
    private static final StringRule BOOTSTRAP = StringRule.matching(
            "\\s*[^,\\s]+(\\s*,\\s*[^,\\s]+)*\\s*",
            "Kafka's bootstrap.servers: host:port pairs separated by commas, e.g. 127.0.0.1:9092,127.0.0.1:9093");
    private static final StringRule TOPIC_PREFIX = StringRule.matching("[A-Za-z0-9._-]{1,"
            + ClusterConfig.MAX_TOPIC_PREFIX_LENGTH + "}", "1 to " + ClusterConfig.MAX_TOPIC_PREFIX_LENGTH
            + " letters, digits, '.', '_' or '-' (Kafka topic name characters)");
    private static final StringRule JDBC_URL = StringRule.matching("jdbc:postgresql://[^\\s/]+/[^\\s]+",
            "a PostgreSQL JDBC URL jdbc:postgresql://host[:port]/database");
    private static final StringRule DB_USER = StringRule.matching("[^\\s]{1,63}",
            "1 to 63 characters without spaces (a PostgreSQL user)");
    private static final StringRule DB_PASSWORD = StringRule.ascii(1, 256, "a PostgreSQL password").asSecret();
    private static final StringRule STOP_KEYWORD = StringRule.matching("\\S{1,40}", "one word of 1 to 40 characters");
    private static final StringRule SENDER = StringRule.ascii(1, 20, "SMPP 3.4 source_addr");
    private static final StringRule OPERATOR_ID = StringRule.matching("[A-Za-z0-9._-]{1,32}",
            "1 to 32 letters, digits, '.', '_' or '-'");
    private static final StringRule SYSTEM_ID = StringRule.ascii(1, 15, "SMPP 3.4 system_id");
    private static final StringRule OPERATOR_PASSWORD = StringRule.ascii(0, 8, "SMPP 3.4 password").asSecret();
    private static final StringRule SIMULATOR_PASSWORD = StringRule.ascii(1, 8, "SMPP 3.4 password").asSecret();
    private static final StringRule SYSTEM_TYPE = StringRule.ascii(0, 12, "SMPP 3.4 system_type");
    private static final StringRule PREFIX = StringRule.matching("[0-9]{1,20}",
            "1 to 20 digits in quotes (a destination number prefix)");
    private static final StringRule ACCOUNT_REF = StringRule.nonEmpty("an account id");
    private static final StringRule OPERATOR_REF = StringRule.nonEmpty("an operator id");
    private static final StringRule PATH = StringRule.nonEmpty("a file system path");
    private static final StringRule FINGERPRINT = StringRule.matching(
            "(?i)(sha256 ?(fingerprint)?=)?[0-9a-f]{2}(:?[0-9a-f]{2}){31}",
            "a SHA-256 certificate fingerprint: 64 hex digits, colons allowed, as printed by "
                    + "openssl x509 -noout -fingerprint -sha256 -in client.crt");

    private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate (?:field|Object property) '(.*)'");

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ConfigLoader() {
    }

    /** Reads and validates {@code file}; relative paths inside it are resolved against the working directory. */
    public static RouterConfig load(Path file) throws ConfigException {
        return load(file, Path.of(""));
    }

    /**
     * Reads and validates {@code file} (opened as given); relative paths inside it are resolved
     * against {@code workingDir}.
     */
    public static RouterConfig load(Path file, Path workingDir) throws ConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": expected a YAML config file, got a directory (" + absolute + ")");
        }
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found (looked for " + absolute + ")", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": expected UTF-8 text, got bytes that are not UTF-8", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the config file (" + absolute + "): " + e, e);
        }
        return parse(yaml, file, workingDir);
    }

    /** Parses and validates {@code yaml}, naming {@code fileForMessages} in errors; paths resolve against the working directory. */
    public static RouterConfig parse(String yaml, Path fileForMessages) throws ConfigException {
        return parse(yaml, fileForMessages, Path.of(""));
    }

    /** Parses and validates {@code yaml}, naming {@code fileForMessages} in errors; paths resolve against {@code workingDir}. */
    public static RouterConfig parse(String yaml, Path fileForMessages, Path workingDir) throws ConfigException {
        String file = fileForMessages.toString();
        JsonNode root = readTree(yaml, file);
        ConfigProblems problems = new ConfigProblems(file);
        RouterConfig config = new Reader(problems, workingDir.toAbsolutePath().normalize(), fileForMessages)
                .read(root);
        problems.throwIfAny();
        return config;
    }

    private static JsonNode readTree(String yaml, String file) {
        try {
            rejectAliases(yaml, file);
            JsonNode root = YAML.readTree(yaml);
            String expected = "a YAML mapping of " + String.join(", ", ROOT_KEYS);
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new ConfigException(file + ": expected " + expected + ", got an empty file");
            }
            if (!root.isObject()) {
                throw new ConfigException(file + ": expected " + expected + ", got " + ConfigValue.describe(root));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(e, file);
        } catch (YAMLException e) {
            throw new ConfigException(file + ": invalid YAML: " + firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot parse: " + e, e);
        }
    }

    /**
     * Jackson reads an alias ({@code *name}) as the string "name" rather than the anchored value,
     * which would silently turn {@code password: *pw} into the password "pw"; so aliases are refused.
     */
    private static void rejectAliases(String yaml, String file) throws IOException {
        try (JsonParser parser = YAML.createParser(yaml)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
                    JsonLocation at = parser.currentTokenLocation();
                    throw new ConfigException(file + ": line " + at.getLineNr() + ", column " + at.getColumnNr()
                            + ": expected a plain value, got the YAML alias *" + parser.getText()
                            + " (aliases are not supported; write the value out)");
                }
            }
        }
    }

    private static ConfigException syntaxError(JsonProcessingException e, String file) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                Mark at = m.getProblemMark();
                String context = "";
                if (m.getContext() != null) {
                    context = " (" + m.getContext()
                            + (m.getContextMark() == null ? "" : " started at line " + (m.getContextMark().getLine() + 1))
                            + ")";
                }
                return new ConfigException(file + ": line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1)
                        + ": invalid YAML: " + m.getProblem() + context, e);
            }
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE_KEY.matcher(message);
        if (duplicate.find()) {
            return new ConfigException(file + ": " + where + "duplicate key \"" + duplicate.group(1)
                    + "\" (a key may appear once in a mapping)", e);
        }
        if (e instanceof MismatchedInputException && message.startsWith("Trailing token")) {
            return new ConfigException(file + ": " + where
                    + "expected one YAML document, got a second one (remove the '---' line)", e);
        }
        return new ConfigException(file + ": " + where + "invalid YAML: " + firstLine(message), e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** One pass over the tree, recording every problem; the result is only used when there were none. */
    private static final class Reader {

        private final ConfigProblems problems;
        private final Path workingDir;
        private final Path file;
        /** {@code accounts[i]} of each account read, in order. */
        private final List<String> accountPaths = new ArrayList<>();

        Reader(ConfigProblems problems, Path workingDir, Path file) {
            this.problems = problems;
            this.workingDir = workingDir;
            this.file = file;
        }

        RouterConfig read(JsonNode root) {
            ConfigMapping m = new ConfigMapping(problems, "", root, ROOT_KEYS);
            ConfigMapping smppMapping = m.mapping("smpp", SMPP_KEYS);
            SmppConfig smpp = smpp(smppMapping);
            HttpConfig http = http(m.mapping("http", HTTP_KEYS));
            AdminConfig admin = admin(m.mapping("admin", ADMIN_KEYS));
            JournalConfig journal = journal(m.mapping("journal", JOURNAL_KEYS));
            List<AccountConfig> accounts = accounts(m.get("accounts"), admin);
            smpp = smppTls(smppMapping, smpp, accounts);
            List<OperatorConfig> operators = operators(m.get("operators"));
            List<RouteConfig> routes = routes(m.get("routes"), accounts, operators);
            ModerationConfig moderation = moderation(m.mapping("moderation", MODERATION_KEYS));
            SimulatorConfig simulator = simulator(m.mapping("simulator", SIMULATOR_KEYS));
            ComplianceConfig compliance = compliance(m.mapping("compliance", COMPLIANCE_KEYS));
            BillingConfig billing = billing(m.mapping("billing", BILLING_KEYS), accounts);
            LinksConfig links = links(m.mapping("links", LINKS_KEYS));
            ConfigValue clusterValue = m.get("cluster");
            ClusterConfig cluster = null;
            if (!clusterValue.isAbsent()) {
                ConfigMapping c = m.mapping("cluster", CLUSTER_KEYS);
                // not a mapping: recorded by mapping(), and nothing inside to report
                cluster = clusterValue.node.isObject() ? cluster(c) : null;
            }
            checkListenersDoNotClash(smpp, http, simulator);
            return new RouterConfig(file, smpp, http, admin, journal, accounts, operators, routes, moderation,
                    simulator, compliance, billing, links, cluster);
        }

        private ClusterConfig cluster(ConfigMapping m) {
            String nodeId = m.requiredString("nodeId", NODE_ID);
            ConfigMapping k = m.mapping("kafka", CLUSTER_KAFKA_KEYS);
            ClusterConfig.Kafka kafka = null;
            if (!m.has("kafka")) {
                m.get("kafka").missing("a mapping of " + String.join(", ", CLUSTER_KAFKA_KEYS));
            } else if (m.get("kafka").node.isObject()) { // else recorded by mapping()
                String bootstrap = k.requiredString("bootstrap", BOOTSTRAP);
                if (bootstrap != null && BOOTSTRAP.test().test(bootstrap)) {
                    bootstrap = bootstrap.replaceAll("\\s", "");
                    for (String server : bootstrap.split(",")) {
                        Matcher hp = HOST_PORT.matcher(server);
                        if (!hp.matches() || Integer.parseInt(hp.group(1)) < 1 || Integer.parseInt(hp.group(1)) > MAX_PORT) {
                            k.get("bootstrap").problem("expected " + BOOTSTRAP.expected() + ", got "
                                    + ConfigValue.quote(server) + " in " + ConfigValue.describe(k.get("bootstrap").node)
                                    + " (each a host and a port 1.." + MAX_PORT + ")");
                            break;
                        }
                    }
                }
                kafka = new ClusterConfig.Kafka(bootstrap, k.string("topicPrefix", ClusterConfig.DEFAULT_TOPIC_PREFIX,
                        TOPIC_PREFIX));
            }
            String ack = m.string("ack", ClusterConfig.DEFAULT_ACK, StringRule.oneOf(ClusterConfig.ACKS));
            ClusterConfig.Postgres postgres = null;
            if (m.has("postgres")) {
                ConfigMapping p = m.mapping("postgres", CLUSTER_POSTGRES_KEYS);
                ConfigValue u = p.get("url");
                String url;
                if (!u.isAbsent() && u.node.isTextual()
                        && u.node.textValue().toLowerCase(java.util.Locale.ROOT).contains("password=")) {
                    // never echoed: it holds a secret
                    u.problem("expected " + JDBC_URL.expected() + " without a password (it goes in "
                            + p.childPath("password") + "), got a URL with password= in it (not shown)");
                    url = null;
                } else {
                    url = p.requiredString("url", JDBC_URL);
                }
                postgres = new ClusterConfig.Postgres(url, p.requiredString("user", DB_USER),
                        p.requiredString("password", DB_PASSWORD),
                        p.integer("settleAfterSeconds", ClusterConfig.Postgres.DEFAULT_SETTLE_AFTER_SECONDS, 0,
                                ClusterConfig.Postgres.MAX_SETTLE_AFTER_SECONDS));
            }
            return new ClusterConfig(nodeId, kafka, ack, postgres);
        }

        private LinksConfig links(ConfigMapping m) {
            ConfigValue v = m.get("shortBase");
            if (v.isAbsent()) {
                return LinksConfig.defaults();
            }
            String base = v.asString(SHORT_BASE);
            if (base == null || !SHORT_BASE.test().test(base)) {
                return LinksConfig.defaults(); // recorded
            }
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            String why = shortBaseProblem(base);
            if (why != null) {
                v.problem("expected " + SHORT_BASE.expected() + ", got " + ConfigValue.describe(v.node) + " (" + why + ")");
                return LinksConfig.defaults();
            }
            return new LinksConfig(base);
        }

        /** What is wrong with a short-link base (its trailing / already dropped), or null. */
        private static String shortBaseProblem(String base) {
            if (base.indexOf('?') >= 0 || base.indexOf('#') >= 0) {
                return "a query or fragment would come before the code";
            }
            java.net.URI uri;
            try {
                uri = new java.net.URI(base);
            } catch (java.net.URISyntaxException e) {
                return "not a URL: " + e.getReason();
            }
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                    || uri.getScheme().equalsIgnoreCase("https"))) {
                return "not http:// or https://";
            }
            if (uri.getHost() == null) {
                return "no host";
            }
            if (uri.getRawUserInfo() != null) {
                return "a user name has no place in a link sent to phones";
            }
            if (base.length() > LinksConfig.MAX_SHORT_BASE_LENGTH) {
                return base.length() + " characters";
            }
            return null;
        }

        private BillingConfig billing(ConfigMapping m, List<AccountConfig> accounts) {
            ConfigValue v = m.get("prices");
            Path prices = path(v, null);
            if (prices != null) {
                if (!(Files.isRegularFile(prices) && Files.isReadable(prices))) {
                    v.problem("expected an existing, readable price file, got " + ConfigValue.describe(v.node)
                            + " (looked for " + prices + ")");
                } else {
                    try {
                        io.smsrouter.core.billing.PriceTable.load(prices);
                    } catch (IllegalArgumentException | java.io.IOException e) {
                        v.problem("expected a valid price file: " + e.getMessage());
                    }
                }
            } else {
                for (AccountConfig a : accounts) {
                    if (a.balance() != null) {
                        v.missing("a price file (account " + a.id() + " has a balance, so its messages need prices)");
                        break;
                    }
                }
            }
            return new BillingConfig(prices, m.bool("refundUndelivered", false));
        }

        /** A money amount (a number or a string such as "100.50"); null when absent or wrong. */
        private Long amount(ConfigValue v) {
            if (v.isAbsent()) {
                return null;
            }
            if (!(v.node.isNumber() || v.node.isTextual())) {
                v.expected("an amount such as 100 or 250.75");
                return null;
            }
            try {
                return io.smsrouter.core.billing.Amounts.parse(v.node.asText());
            } catch (IllegalArgumentException e) {
                v.problem(e.getMessage());
                return null;
            }
        }

        /** A sending window such as "09:00-21:00"; null when absent or wrong. */
        private String sendingWindow(ConfigValue v) {
            if (v.isAbsent()) {
                return null;
            }
            String s = v.asString(StringRule.nonEmpty("a sending window such as 09:00-21:00"));
            if (s == null || s.equals(ComplianceConfig.ANY_TIME)) {
                return s;
            }
            try {
                io.smsrouter.core.policy.SendingWindow.parse(s);
                return s;
            } catch (IllegalArgumentException e) {
                v.problem(e.getMessage());
                return null;
            }
        }

        private SmppConfig smpp(ConfigMapping m) {
            return new SmppConfig(
                    m.string("host", SmppConfig.DEFAULT_HOST, HOST),
                    m.integer("port", SmppConfig.DEFAULT_PORT, 0, MAX_PORT),
                    m.integer("maxPduLength", SmppConfig.DEFAULT_MAX_PDU_LENGTH,
                            SmppConfig.MIN_MAX_PDU_LENGTH, SmppConfig.MAX_MAX_PDU_LENGTH),
                    m.integer("windowSize", SmppConfig.DEFAULT_WINDOW_SIZE, 1, SmppConfig.MAX_WINDOW_SIZE),
                    m.integer("enquireLinkIntervalMs", SmppConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS, 1, MAX_MS),
                    m.integer("idleTimeoutMs", SmppConfig.DEFAULT_IDLE_TIMEOUT_MS, 1, MAX_MS),
                    m.integer("responseTimeoutMs", SmppConfig.DEFAULT_RESPONSE_TIMEOUT_MS, 1, MAX_MS),
                    m.integer("bindTimeoutMs", SmppConfig.DEFAULT_BIND_TIMEOUT_MS, 1, MAX_MS),
                    m.integer("receiptsInMemory", SmppConfig.DEFAULT_RECEIPTS_IN_MEMORY, 1,
                            SmppConfig.MAX_RECEIPTS_IN_MEMORY),
                    m.integer("maxConnections", SmppConfig.DEFAULT_MAX_CONNECTIONS, 1, SmppConfig.MAX_LIMIT),
                    m.integer("maxConnectionsPerIp", SmppConfig.DEFAULT_MAX_CONNECTIONS_PER_IP, 1,
                            SmppConfig.MAX_LIMIT),
                    m.integer("bindFailuresPerIpPerMinute", SmppConfig.DEFAULT_BIND_FAILURES_PER_IP_PER_MINUTE, 0,
                            SmppConfig.MAX_LIMIT));
        }

        private HttpConfig http(ConfigMapping m) {
            String host = m.string("host", HttpConfig.DEFAULT_HOST, HOST);
            TlsConfig tls = null;
            if (m.has("tls")) {
                ConfigMapping t = m.mapping("tls", HTTP_TLS_KEYS);
                tls = tlsFiles(t, t.string("host", host, HOST),
                        t.integer("port", TlsConfig.DEFAULT_HTTP_PORT, 0, MAX_PORT), null);
            }
            return new HttpConfig(host,
                    m.integer("port", HttpConfig.DEFAULT_PORT, 0, MAX_PORT),
                    m.integer("maxRecipients", HttpConfig.DEFAULT_MAX_RECIPIENTS, 1, 1_000_000),
                    m.integer("authFailuresPerIpPerMinute", HttpConfig.DEFAULT_AUTH_FAILURES_PER_IP_PER_MINUTE, 0,
                            SmppConfig.MAX_LIMIT), tls);
        }

        /**
         * {@code smpp.tls}, read after the accounts: client certificates are requested when some
         * account is pinned to one, and a pinned account without a TLS listener could never bind.
         */
        private SmppConfig smppTls(ConfigMapping smpp, SmppConfig s, List<AccountConfig> accounts) {
            boolean pinned = accounts.stream().anyMatch(a -> a.clientCert() != null);
            if (!smpp.has("tls")) {
                for (int i = 0; i < accounts.size(); i++) {
                    if (accounts.get(i).clientCert() != null) {
                        problems.add(accountPaths.get(i) + ".clientCert", "expected smpp.tls to be set: an account "
                                + "pinned to a client certificate binds only over TLS, and there is no TLS listener");
                    }
                }
                return s;
            }
            ConfigMapping t = smpp.mapping("tls", SMPP_TLS_KEYS);
            TlsConfig tls = tlsFiles(t, t.string("host", s.host(), HOST),
                    t.integer("port", TlsConfig.DEFAULT_SMPP_PORT, 0, MAX_PORT), pinned);
            return s.withTls(tls);
        }

        /**
         * {@code cert}, {@code key} (and {@code clientCa} where allowed) of a TLS mapping, each
         * checked by building the context the listener will use, so that a bad file is reported
         * with its key now rather than at the first handshake. {@code requestClientCerts} null: no
         * {@code clientCa} key in this mapping.
         */
        private TlsConfig tlsFiles(ConfigMapping t, String host, int port, Boolean requestClientCerts) {
            int before = problems.count();
            Path cert = requiredPath(t, "cert", "a PEM certificate chain file");
            Path key = requiredPath(t, "key", "a PEM PKCS#8 private key file");
            Path clientCa = requestClientCerts != null && t.has("clientCa") ? path(t.get("clientCa"), null) : null;
            if (problems.count() == before && cert != null && key != null) {
                try {
                    io.smsrouter.smpp.transport.TlsContexts.server(cert, key, clientCa,
                            Boolean.TRUE.equals(requestClientCerts));
                } catch (io.smsrouter.smpp.transport.TlsContexts.TlsFileException e) {
                    problems.add(t.childPath(e.role()), e.getMessage());
                }
            }
            return new TlsConfig(host, port, cert, key, clientCa);
        }

        private Path requiredPath(ConfigMapping m, String key, String expected) {
            ConfigValue v = m.get(key);
            if (v.isAbsent()) {
                v.missing(expected);
                return null;
            }
            return path(v, null);
        }

        private AdminConfig admin(ConfigMapping m) {
            return new AdminConfig(secret(m, "token", AdminConfig.DEFAULT_TOKEN, ADMIN_TOKEN),
                    m.integer("sessionIdleSeconds", AdminConfig.DEFAULT_SESSION_IDLE_SECONDS, 1,
                            AdminConfig.MAX_SESSION_IDLE_SECONDS),
                    m.integer("sessionLifetimeSeconds", AdminConfig.DEFAULT_SESSION_LIFETIME_SECONDS, 1,
                            AdminConfig.MAX_SESSION_LIFETIME_SECONDS));
        }

        private JournalConfig journal(ConfigMapping m) {
            ConfigValue dirValue = m.get("dir");
            Path dir = path(dirValue, JournalConfig.DEFAULT_DIR);
            if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
                dirValue.problem("expected a directory (created if missing), got " + ConfigValue.quote(dir.toString())
                        + ", which is a file");
            }
            return new JournalConfig(dir,
                    m.string("rollCycle", JournalConfig.DEFAULT_ROLL_CYCLE, StringRule.oneOf(JournalConfig.ROLL_CYCLES)),
                    m.bool("syncEachBatch", JournalConfig.DEFAULT_SYNC_EACH_BATCH),
                    m.integer("minFreeMb", JournalConfig.DEFAULT_MIN_FREE_MB, 0, 1_000_000),
                    m.integer("retentionHours", JournalConfig.DEFAULT_RETENTION_HOURS, 0, 24 * 366),
                    m.integer("checkpointSeconds", JournalConfig.DEFAULT_CHECKPOINT_SECONDS, 0,
                            JournalConfig.MAX_CHECKPOINT_SECONDS));
        }

        private List<AccountConfig> accounts(ConfigValue v, AdminConfig admin) {
            String expected = "a list of at least one account (a mapping of " + String.join(", ", ACCOUNT_KEYS) + ")";
            List<ConfigValue> items = requiredList(v, expected);
            List<AccountConfig> accounts = new ArrayList<>();
            Map<String, String> idPaths = new HashMap<>();
            Map<String, String> keyPaths = new HashMap<>();
            for (ConfigValue item : items) {
                if (!isMapping(item, "an account: a mapping of " + String.join(", ", ACCOUNT_KEYS))) {
                    continue;
                }
                ConfigMapping a = item.asMapping(ACCOUNT_KEYS);
                String id = a.requiredString("id", ACCOUNT_ID);
                String password = a.requiredString("password", ACCOUNT_PASSWORD);
                checkHash(a.get("password"), password);
                String apiKey = secret(a, "apiKey", null, API_KEY);
                String moderation = a.string("moderation", AccountConfig.DEFAULT_MODERATION,
                        StringRule.oneOf(AccountConfig.MODERATION_MODES));
                int tps = a.integer("tps", AccountConfig.DEFAULT_TPS, 0, Integer.MAX_VALUE);
                int maxBinds = a.integer("maxBinds", AccountConfig.DEFAULT_MAX_BINDS, 1, AccountConfig.MAX_MAX_BINDS);
                List<String> senders = strings(a.get("senders"), SENDER, "a list of sender names");
                String callbackUrl = a.string("callbackUrl", null, CALLBACK_URL);
                String trafficClass = a.string("trafficClass", AccountConfig.DEFAULT_TRAFFIC_CLASS,
                        StringRule.oneOf(AccountConfig.TRAFFIC_CLASSES));
                Long balance = amount(a.get("balance"));
                int dedupWindow = a.integer("dedupWindowSeconds", 0, 0, 7 * 24 * 3600);
                String sendingWindow = sendingWindow(a.get("sendingWindow"));
                String moUrl = a.string("moUrl", null, CALLBACK_URL);
                List<String> allowedIps = allowedIps(a.get("allowedIps"));
                String clientCert = a.string("clientCert", null, FINGERPRINT);
                boolean requireConsent = a.bool("requireConsent", false);
                if (clientCert != null) {
                    clientCert = io.smsrouter.smpp.transport.TlsContexts.normalizeFingerprint(clientCert);
                }
                if (id != null) {
                    String first = idPaths.putIfAbsent(id, item.path);
                    if (first != null) {
                        a.get("id").problem("duplicate account id " + ConfigValue.quote(id) + " (already used by "
                                + first + ")");
                    }
                }
                if (apiKey != null && !io.smsrouter.core.account.Secret.looksHashed(apiKey)) {
                    String first = keyPaths.putIfAbsent(apiKey, item.path);
                    if (first != null) {
                        a.get("apiKey").problem("duplicate apiKey (already used by " + first + ")");
                    } else if (apiKey.equals(admin.token())) {
                        a.get("apiKey").problem("expected a key different from admin.token, got the same value");
                    }
                }
                accounts.add(new AccountConfig(id, password, apiKey, moderation, tps, maxBinds, senders, callbackUrl,
                        trafficClass, balance, dedupWindow, sendingWindow, moUrl, allowedIps, clientCert,
                        requireConsent));
                accountPaths.add(item.path);
            }
            return accounts;
        }

        /** A secret that may be given as a hash: the hash's form is checked here, so a typo stops the start. */
        private String secret(ConfigMapping m, String key, String defaultValue, StringRule rule) {
            String s = m.string(key, defaultValue, rule);
            checkHash(m.get(key), s);
            return s;
        }

        private static void checkHash(ConfigValue v, String s) {
            if (io.smsrouter.core.account.Secret.looksHashed(s)) {
                try {
                    io.smsrouter.core.account.Secret.parse(s);
                } catch (IllegalArgumentException e) {
                    v.problem(e.getMessage());
                }
            }
        }

        /** {@code allowedIps}: addresses and CIDR networks; each bad one is reported at its index. */
        private static List<String> allowedIps(ConfigValue v) {
            if (v.isAbsent()) {
                return List.of();
            }
            String expected = "a list of IPv4/IPv6 addresses or CIDR networks such as 10.0.0.0/8, 192.0.2.7, ::1/128";
            List<ConfigValue> items = v.asList(expected);
            if (items == null) {
                return List.of();
            }
            if (items.isEmpty()) {
                v.expected(expected + " (leave the key out to allow any address)");
            }
            List<String> ips = new ArrayList<>();
            for (ConfigValue item : items) {
                String s = item.asString(StringRule.nonEmpty("an IPv4/IPv6 address or CIDR network"));
                if (s == null) {
                    if (item.isAbsent()) {
                        item.expected("an IPv4/IPv6 address or CIDR network");
                    }
                    continue;
                }
                try {
                    io.smsrouter.core.account.IpRange.parse(s);
                    ips.add(s.trim());
                } catch (IllegalArgumentException e) {
                    item.problem(e.getMessage());
                }
            }
            return ips;
        }

        private List<OperatorConfig> operators(ConfigValue v) {
            List<ConfigValue> items = v.asList("a list of operators");
            if (items == null) {
                return List.of();
            }
            String expected = "an operator: a mapping of " + String.join(", ", OPERATOR_KEYS);
            List<OperatorConfig> operators = new ArrayList<>();
            Map<String, String> idPaths = new HashMap<>();
            for (ConfigValue item : items) {
                if (!isMapping(item, expected)) {
                    continue;
                }
                ConfigMapping o = item.asMapping(OPERATOR_KEYS);
                String id = o.requiredString("id", OPERATOR_ID);
                String host = o.requiredString("host", HOST);
                Integer port = o.requiredInteger("port", 0, MAX_PORT);
                String systemId = o.requiredString("systemId", SYSTEM_ID);
                String password = o.requiredString("password", OPERATOR_PASSWORD);
                String systemType = o.string("systemType", OperatorConfig.DEFAULT_SYSTEM_TYPE, SYSTEM_TYPE);
                int binds = o.integer("binds", OperatorConfig.DEFAULT_BINDS, 1, OperatorConfig.MAX_BINDS);
                int window = o.integer("window", OperatorConfig.DEFAULT_WINDOW, 1, OperatorConfig.MAX_WINDOW);
                int tps = o.integer("tps", OperatorConfig.DEFAULT_TPS, 0, Integer.MAX_VALUE);
                int bindTps = o.integer("bindTps", 0, 0, Integer.MAX_VALUE);
                int enquireLink = o.integer("enquireLinkIntervalMs", OperatorConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS,
                        1, MAX_MS);
                int responseTimeout = o.integer("responseTimeoutMs", OperatorConfig.DEFAULT_RESPONSE_TIMEOUT_MS,
                        1, MAX_MS);
                int reconnect = o.integer("reconnectDelayMs", OperatorConfig.DEFAULT_RECONNECT_DELAY_MS, 1, MAX_MS);
                ConfigValue maxReconnectValue = o.get("maxReconnectDelayMs");
                int maxReconnect = o.integer("maxReconnectDelayMs", OperatorConfig.DEFAULT_MAX_RECONNECT_DELAY_MS,
                        1, MAX_MS);
                if (maxReconnect < reconnect) {
                    String problem = "expected at least reconnectDelayMs (" + reconnect + "), got " + maxReconnect;
                    maxReconnectValue.problem(maxReconnectValue.isAbsent() ? problem + " (the default)" : problem);
                }
                if (id != null) {
                    String first = idPaths.putIfAbsent(id, item.path);
                    if (first != null) {
                        o.get("id").problem("duplicate operator id " + ConfigValue.quote(id) + " (already used by "
                                + first + ")");
                    }
                }
                String concatenation = o.string("concatenation", OperatorConfig.DEFAULT_CONCATENATION,
                        StringRule.oneOf(OperatorConfig.CONCATENATIONS));
                boolean tls = o.bool("tls", false);
                boolean verifyHostname = o.bool("tlsVerifyHostname", true);
                Path trust = null;
                if (o.has("tlsTrust")) {
                    trust = path(o.get("tlsTrust"), null);
                    if (!tls) {
                        o.get("tlsTrust").problem("expected tls: true beside it (a trust file is for TLS), got tls "
                                + (o.has("tls") ? "false" : "left out (false)"));
                    } else if (trust != null) {
                        try {
                            io.smsrouter.smpp.transport.TlsContexts.client(trust, verifyHostname);
                        } catch (io.smsrouter.smpp.transport.TlsContexts.TlsFileException e) {
                            o.get("tlsTrust").problem(e.getMessage());
                        }
                    }
                }
                operators.add(new OperatorConfig(id, host, port == null ? 0 : port, systemId, password, systemType,
                        binds, window, tps, enquireLink, responseTimeout, reconnect, maxReconnect, concatenation,
                        tls, trust, verifyHostname, bindTps));
            }
            return operators;
        }

        private List<RouteConfig> routes(ConfigValue v, List<AccountConfig> accounts, List<OperatorConfig> operators) {
            Set<String> operatorIds = new LinkedHashSet<>();
            operators.stream().map(OperatorConfig::id).filter(id -> id != null).forEach(operatorIds::add);
            Set<String> accountIds = new LinkedHashSet<>();
            accounts.stream().map(AccountConfig::id).filter(id -> id != null).forEach(accountIds::add);
            String definedOperators = "(defined: " + (operatorIds.isEmpty() ? "none" : String.join(", ", operatorIds)) + ")";
            if (v.isAbsent()) {
                // The documented default: everything goes to every operator, load-balanced.
                return operatorIds.isEmpty() ? List.of()
                        : List.of(new RouteConfig(null, null, null, List.copyOf(operatorIds)));
            }
            List<ConfigValue> items = v.asList("a list of routes");
            if (items == null) {
                return List.of();
            }
            if (items.isEmpty()) {
                v.expected("at least one route (leave the key out for one default route to all operators)");
                return List.of();
            }
            List<RouteConfig> routes = new ArrayList<>();
            List<String> routePaths = new ArrayList<>();
            List<Boolean> routeValid = new ArrayList<>();
            String expected = "a route: a mapping of " + String.join(", ", ROUTE_KEYS);
            for (ConfigValue item : items) {
                if (!isMapping(item, expected)) {
                    continue;
                }
                int problemsBefore = problems.count();
                ConfigMapping r = item.asMapping(ROUTE_KEYS);
                String sender = r.string("sender", null, SENDER);
                String prefix = r.string("prefix", null, PREFIX);
                String account = r.string("account", null, ACCOUNT_REF);
                String category = r.string("category", null, StringRule.oneOf(AccountConfig.TRAFFIC_CLASSES));
                if (account != null && !accountIds.contains(account)) {
                    r.get("account").problem("unknown account " + ConfigValue.quote(account) + " (defined: "
                            + String.join(", ", accountIds) + ")");
                }
                List<String> targets = new ArrayList<>();
                ConfigValue ops = r.get("operators");
                if (ops.isAbsent()) {
                    ops.missing("a list of at least one operator id " + definedOperators);
                } else {
                    List<ConfigValue> elements = ops.asList("a list of operator ids " + definedOperators);
                    if (elements != null && elements.isEmpty()) {
                        ops.expected("at least one operator id " + definedOperators);
                    }
                    for (ConfigValue e : elements == null ? List.<ConfigValue>of() : elements) {
                        String op = e.asString(OPERATOR_REF);
                        if (op == null) {
                            if (e.isAbsent()) {
                                e.expected("an operator id " + definedOperators);
                            }
                            continue;
                        }
                        if (!operatorIds.contains(op)) {
                            e.problem("unknown operator " + ConfigValue.quote(op) + " " + definedOperators);
                        } else if (targets.contains(op)) {
                            e.problem("operator " + ConfigValue.quote(op) + " is listed twice in this route");
                        } else {
                            targets.add(op);
                        }
                    }
                }
                List<Integer> weights = new ArrayList<>();
                ConfigValue w = r.get("weights");
                if (!w.isAbsent()) {
                    int count = ops.isAbsent() ? 0 : ops.node.size();
                    String what = "a list of " + count + " weights (1..1000), one per operator of the route";
                    List<ConfigValue> elements = w.asList(what);
                    if (elements != null && elements.size() != count) {
                        w.expected(what);
                    } else if (elements != null) {
                        for (ConfigValue e : elements) {
                            Integer n = e.asInt(1, 1000);
                            if (n != null) {
                                weights.add(n);
                            }
                        }
                    }
                }
                RouteConfig route = new RouteConfig(sender, prefix, account, targets,
                        weights.size() == targets.size() ? weights : List.of(), category);
                boolean valid = problems.count() == problemsBefore;
                if (valid) {
                    for (int j = 0; j < routes.size(); j++) {
                        if (routeValid.get(j) && covers(routes.get(j), route)) {
                            problems.add(item.path, "unreachable: " + routePaths.get(j) + " comes first and matches"
                                    + " every message this route would (put more specific routes first)");
                            break;
                        }
                    }
                }
                routes.add(route);
                routePaths.add(item.path);
                routeValid.add(valid);
            }
            return routes;
        }

        /** True when every message {@code later} matches is matched by {@code earlier} already. */
        private static boolean covers(RouteConfig earlier, RouteConfig later) {
            return (earlier.category() == null || earlier.category().equals(later.category()))
                    && (earlier.sender() == null || earlier.sender().equals(later.sender()))
                    && (earlier.account() == null || earlier.account().equals(later.account()))
                    && (earlier.prefix() == null || (later.prefix() != null && later.prefix().startsWith(earlier.prefix())));
        }

        private ComplianceConfig compliance(ConfigMapping m) {
            ConfigValue k = m.get("stopKeywords");
            List<String> keywords = k.isAbsent() ? null
                    : strings(k, STOP_KEYWORD, "a list of stop keywords (one word each)");
            if (keywords != null && keywords.isEmpty() && !k.isAbsent()) {
                k.expected("at least one stop keyword");
            }
            ConfigValue e = m.get("optOutExempt");
            List<String> exempt = e.isAbsent() ? null : strings(e, StringRule.oneOf(AccountConfig.TRAFFIC_CLASSES),
                    "a list of traffic classes (" + String.join(", ", AccountConfig.TRAFFIC_CLASSES) + ")");
            ConfigValue z = m.get("timeZones");
            Path timeZones = path(z, null);
            if (timeZones != null) {
                if (!(Files.isRegularFile(timeZones) && Files.isReadable(timeZones))) {
                    z.problem("expected an existing, readable time-zone file, got " + ConfigValue.describe(z.node)
                            + " (looked for " + timeZones + ")");
                } else {
                    try {
                        io.smsrouter.core.policy.TimeZoneTable.load(timeZones);
                    } catch (IllegalArgumentException | java.io.IOException ex) {
                        z.problem("expected a valid time-zone file: " + ex.getMessage());
                    }
                }
            }
            ConfigValue w = m.get("sendingWindow");
            String window = sendingWindow(w);
            if (ComplianceConfig.ANY_TIME.equals(window)) {
                w.problem("expected a sending window such as 09:00-21:00 (\"any\" is for accounts; leave out "
                        + "compliance.timeZones for no quiet hours at all)");
            }
            return new ComplianceConfig(keywords, exempt, timeZones, window);
        }

        private ModerationConfig moderation(ConfigMapping m) {
            ConfigValue v = m.get("stopWords");
            Path stopWords = path(v, null);
            if (stopWords != null && !(Files.isRegularFile(stopWords) && Files.isReadable(stopWords))) {
                v.problem("expected an existing, readable stop-word file, got " + ConfigValue.describe(v.node)
                        + " (looked for " + stopWords + ")");
            }
            else if (stopWords != null) {
                try {
                    io.smsrouter.core.moderation.StopWordList.load(stopWords);
                } catch (io.smsrouter.core.moderation.StopWordFormatException | java.io.IOException e) {
                    v.problem("expected a valid stop-word file: " + e.getMessage());
                }
            }
            return new ModerationConfig(stopWords,
                    m.integer("maxWaitSeconds", ModerationConfig.DEFAULT_MAX_WAIT_SECONDS, 1, 7 * 24 * 3600),
                    m.integer("maxHeld", ModerationConfig.DEFAULT_MAX_HELD, 1, 10_000_000));
        }

        private SimulatorConfig simulator(ConfigMapping m) {
            int problemsBefore = problems.count();
            SimulatorConfig s = new SimulatorConfig(
                    m.bool("enabled", SimulatorConfig.DEFAULT_ENABLED),
                    m.string("host", SimulatorConfig.DEFAULT_HOST, HOST),
                    m.integer("port", SimulatorConfig.DEFAULT_PORT, 0, MAX_PORT),
                    m.string("systemId", null, SYSTEM_ID),
                    m.string("password", null, SIMULATOR_PASSWORD),
                    m.integer("submitLatencyMs", SimulatorConfig.DEFAULT_SUBMIT_LATENCY_MS, 0, MAX_MS),
                    m.integer("dlrDelayMs", SimulatorConfig.DEFAULT_DLR_DELAY_MS, 0, MAX_MS),
                    m.integer("deliveredPercent", SimulatorConfig.DEFAULT_DELIVERED_PERCENT, 0, 100),
                    m.integer("undeliverablePercent", SimulatorConfig.DEFAULT_UNDELIVERABLE_PERCENT, 0, 100),
                    m.integer("expiredPercent", SimulatorConfig.DEFAULT_EXPIRED_PERCENT, 0, 100),
                    m.integer("tps", SimulatorConfig.DEFAULT_TPS, 0, Integer.MAX_VALUE),
                    m.has("tls") ? tlsFiles(m.mapping("tls", SIMULATOR_TLS_KEYS), null, -1, null) : null);
            int sum = s.deliveredPercent() + s.undeliverablePercent() + s.expiredPercent();
            // Only when each value was fine: a wrong one reads as its default, and the sum would mislead.
            if (sum != 100 && problems.count() == problemsBefore) {
                m.problem("expected deliveredPercent + undeliverablePercent + expiredPercent = 100, got "
                        + s.deliveredPercent() + " + " + s.undeliverablePercent() + " + " + s.expiredPercent()
                        + " = " + sum);
            }
            return s;
        }

        /** Two listeners on one port fail at bind time with a less helpful message; say which keys clash. */
        private void checkListenersDoNotClash(SmppConfig smpp, HttpConfig http, SimulatorConfig simulator) {
            List<String[]> listeners = new ArrayList<>();
            listeners.add(new String[] {"smpp", smpp.host(), String.valueOf(smpp.port())});
            listeners.add(new String[] {"http", http.host(), String.valueOf(http.port())});
            if (smpp.tls() != null) {
                listeners.add(new String[] {"smpp.tls", smpp.tls().host(), String.valueOf(smpp.tls().port())});
            }
            if (http.tls() != null) {
                listeners.add(new String[] {"http.tls", http.tls().host(), String.valueOf(http.tls().port())});
            }
            if (simulator.enabled()) {
                listeners.add(new String[] {"simulator", simulator.host(), String.valueOf(simulator.port())});
            }
            for (int i = 1; i < listeners.size(); i++) {
                for (int j = 0; j < i; j++) {
                    String[] a = listeners.get(j);
                    String[] b = listeners.get(i);
                    boolean sameHost = a[1].equals(b[1]) || WILDCARD_HOSTS.contains(a[1]) || WILDCARD_HOSTS.contains(b[1]);
                    if (!b[2].equals("0") && b[2].equals(a[2]) && sameHost) {
                        problems.add(b[0] + ".port", "expected a port not already used by " + a[0] + ".port, got "
                                + b[2]);
                        break;
                    }
                }
            }
        }

        private List<ConfigValue> requiredList(ConfigValue v, String expected) {
            if (v.isAbsent()) {
                v.missing(expected);
                return List.of();
            }
            List<ConfigValue> items = v.asList(expected);
            if (items == null) {
                return List.of();
            }
            if (items.isEmpty()) {
                v.expected(expected);
            }
            return items;
        }

        private static boolean isMapping(ConfigValue item, String expected) {
            if (item.node != null && item.node.isObject()) {
                return true;
            }
            item.expected(expected);
            return false;
        }

        private static List<String> strings(ConfigValue v, StringRule rule, String expected) {
            List<ConfigValue> items = v.asList(expected);
            List<String> strings = new ArrayList<>();
            for (ConfigValue item : items == null ? List.<ConfigValue>of() : items) {
                String s = item.asString(rule);
                if (s != null) {
                    strings.add(s);
                } else if (item.isAbsent()) {
                    item.expected(rule.expected());
                }
            }
            return strings;
        }

        /** The value resolved against the working directory, or the default (null when none); null on a bad value. */
        private Path path(ConfigValue v, String defaultValue) {
            String s = v.isAbsent() ? defaultValue : v.asString(PATH);
            if (s == null || s.isBlank()) {
                return null;
            }
            try {
                return workingDir.resolve(s).normalize();
            } catch (InvalidPathException e) {
                v.expected("a valid file system path (" + e.getReason() + ")");
                return null;
            }
        }
    }
}
