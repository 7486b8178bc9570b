package io.smsrouter.server.it;

import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.AdminConfig;
import io.smsrouter.server.config.BillingConfig;
import io.smsrouter.server.config.ComplianceConfig;
import io.smsrouter.server.config.HttpConfig;
import io.smsrouter.server.config.JournalConfig;
import io.smsrouter.server.config.ModerationConfig;
import io.smsrouter.server.config.OperatorConfig;
import io.smsrouter.server.config.RouteConfig;
import io.smsrouter.server.config.RouterConfig;
import io.smsrouter.server.config.SimulatorConfig;
import io.smsrouter.server.config.SmppConfig;
import io.smsrouter.server.config.TlsConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RouterConfig} for an in-process router on loopback: every listener on port 0, the
 * journal in the test's own directory, one account {@value #ACCOUNT} and one operator
 * {@value #OPERATOR} that the default route sends everything to.
 */
final class ItConfig {
    static final String HOST = "127.0.0.1";
    static final String ACCOUNT = "shop";
    static final String PASSWORD = "secret1";
    static final String OPERATOR = "opA";
    static final String OPERATOR_SYSTEM_ID = "router";
    static final String OPERATOR_PASSWORD = "routerpw";

    private final Path journalDir;
    private final List<AccountConfig> accounts = new ArrayList<>();
    private int operatorPort;
    private int operatorBinds = 1;
    private int operatorWindow = 64;
    private int operatorTps;
    private int operatorBindTps;
    private String concatenation = OperatorConfig.DEFAULT_CONCATENATION;
    private boolean simulatorEnabled;
    private int simulatorTps;
    private int maxPduLength = SmppConfig.DEFAULT_MAX_PDU_LENGTH;
    private ModerationConfig moderation = ModerationConfig.defaults();
    private int smppPort;
    private int maxRecipients = HttpConfig.DEFAULT_MAX_RECIPIENTS;
    private int simulatorDeliveredPercent = 100;
    private int simulatorUndeliverablePercent;
    private int simulatorExpiredPercent;
    private BillingConfig billing = BillingConfig.defaults();
    private int receiptsInMemory = SmppConfig.DEFAULT_RECEIPTS_IN_MEMORY;
    private int simulatorLatencyMs = SimulatorConfig.DEFAULT_SUBMIT_LATENCY_MS;
    private AdminConfig admin = AdminConfig.defaults();
    private TlsConfig smppTls;
    private TlsConfig httpTls;
    private TlsConfig simulatorTls;
    private boolean operatorTls;
    private Path operatorTrust;
    private boolean operatorVerifyHostname = true;
    private int checkpointSeconds = JournalConfig.DEFAULT_CHECKPOINT_SECONDS;

    private ItConfig(Path journalDir) {
        this.journalDir = journalDir;
    }

    /** Account {@value #ACCOUNT} (maxBinds 4, no tps limit), operator port 0, no simulator. */
    static ItConfig journal(Path journalDir) {
        return new ItConfig(journalDir);
    }

    /** {@code journal.checkpointSeconds}; 0: no checkpoints (recovery reads the whole journal). */
    ItConfig checkpointSeconds(int seconds) {
        this.checkpointSeconds = seconds;
        return this;
    }

    /** The in-process simulator on port 0, with the operator following it to the port it gets. */
    ItConfig withSimulator() {
        this.simulatorEnabled = true;
        this.operatorPort = 0;
        return this;
    }

    /** How long the simulator takes to answer each submit_sm. */
    ItConfig simulatorLatencyMs(int ms) {
        this.simulatorLatencyMs = ms;
        return this;
    }

    ItConfig simulatorTps(int tps) {
        this.simulatorTps = tps;
        return this;
    }

    /** The simulator's mix of receipts, in percent (adding up to 100); default all DELIVRD. */
    ItConfig simulatorReceipts(int deliveredPercent, int undeliverablePercent, int expiredPercent) {
        this.simulatorDeliveredPercent = deliveredPercent;
        this.simulatorUndeliverablePercent = undeliverablePercent;
        this.simulatorExpiredPercent = expiredPercent;
        return this;
    }

    /** The operator SMSC at {@code 127.0.0.1:port}, started by the test. */
    ItConfig operatorAt(int port) {
        this.simulatorEnabled = false;
        this.operatorPort = port;
        return this;
    }

    ItConfig operatorBinds(int binds) {
        this.operatorBinds = binds;
        return this;
    }

    /** The operator's rate limit (messages per second over all its binds); 0 = none. */
    /** Each operator bind's own rate limit; 0 = none. */
    ItConfig operatorBindTps(int tps) {
        this.operatorBindTps = tps;
        return this;
    }

    ItConfig operatorTps(int tps) {
        this.operatorTps = tps;
        return this;
    }

    /** {@code udh} or {@code sar}: how the operator wants the parts of texts the router splits. */
    ItConfig operatorConcatenation(String c) {
        this.concatenation = c;
        return this;
    }

    ItConfig operatorWindow(int window) {
        this.operatorWindow = window;
        return this;
    }

    ItConfig account(String id, String password, int maxBinds) {
        accounts.add(new AccountConfig(id, password, null, AccountConfig.MODERATION_NONE, 0, maxBinds, List.of()));
        return this;
    }

    /** An account with this moderation mode ({@code none}, {@code auto}, {@code manual}). */
    ItConfig account(String id, String password, String moderation) {
        accounts.add(new AccountConfig(id, password, null, moderation, 0, AccountConfig.DEFAULT_MAX_BINDS, List.of()));
        return this;
    }

    /** An account as given (API key, tps, senders, callback URL). */
    ItConfig account(AccountConfig a) {
        accounts.add(a);
        return this;
    }

    ItConfig maxRecipients(int n) {
        this.maxRecipients = n;
        return this;
    }

    ItConfig moderation(Path stopWords, int maxWaitSeconds) {
        this.moderation = new ModerationConfig(stopWords, maxWaitSeconds, ModerationConfig.DEFAULT_MAX_HELD);
        return this;
    }

    ItConfig smppPort(int port) {
        this.smppPort = port;
        return this;
    }

    /** Receipts waiting for one account kept on the heap; the rest wait on disk. */
    ItConfig receiptsInMemory(int n) {
        this.receiptsInMemory = n;
        return this;
    }

    ItConfig maxPduLength(int bytes) {
        this.maxPduLength = bytes;
        return this;
    }

    /** Prices for accounts with a balance (see conf/prices.csv for the file's rows). */
    ItConfig billing(Path prices, boolean refundUndelivered) {
        this.billing = new BillingConfig(prices, refundUndelivered);
        return this;
    }

    /** The admin token and the moderator page's session limits. */
    ItConfig admin(AdminConfig a) {
        this.admin = a;
        return this;
    }

    /** SMPP over TLS on a second port (0); {@code clientCa} may be null. */
    ItConfig smppTls(Path cert, Path key, Path clientCa) {
        this.smppTls = new TlsConfig(HOST, 0, cert, key, clientCa);
        return this;
    }

    /** HTTPS on a port of its own (0). */
    ItConfig httpTls(Path cert, Path key) {
        this.httpTls = new TlsConfig(HOST, 0, cert, key, null);
        return this;
    }

    /** The in-process simulator speaks TLS only. */
    ItConfig simulatorTls(Path cert, Path key) {
        this.simulatorTls = new TlsConfig(null, -1, cert, key, null);
        return this;
    }

    /** The router connects to the operator over TLS, trusting {@code trust} (null: the JDK's trust store). */
    ItConfig operatorTls(Path trust, boolean verifyHostname) {
        this.operatorTls = true;
        this.operatorTrust = trust;
        this.operatorVerifyHostname = verifyHostname;
        return this;
    }

    /** Changes to the SMPP listener's settings (admission limits, bind timeout). */
    ItConfig smpp(java.util.function.UnaryOperator<SmppConfig> change) {
        this.smppChange = this.smppChange.andThen(change)::apply;
        return this;
    }

    ItConfig http(java.util.function.UnaryOperator<HttpConfig> change) {
        this.httpChange = this.httpChange.andThen(change)::apply;
        return this;
    }

    private java.util.function.UnaryOperator<SmppConfig> smppChange = s -> s;
    private java.util.function.UnaryOperator<HttpConfig> httpChange = h -> h;

    RouterConfig build() {
        List<AccountConfig> acc = new ArrayList<>(accounts);
        if (acc.stream().noneMatch(a -> a.id().equals(ACCOUNT))) {
            acc.add(0, new AccountConfig(ACCOUNT, PASSWORD, null, AccountConfig.MODERATION_NONE, 0,
                    AccountConfig.DEFAULT_MAX_BINDS, List.of()));
        }
        SmppConfig smpp = new SmppConfig(HOST, smppPort, maxPduLength, SmppConfig.DEFAULT_WINDOW_SIZE,
                SmppConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS, SmppConfig.DEFAULT_IDLE_TIMEOUT_MS,
                SmppConfig.DEFAULT_RESPONSE_TIMEOUT_MS, SmppConfig.DEFAULT_BIND_TIMEOUT_MS, receiptsInMemory)
                .withTls(smppTls);
        smpp = smppChange.apply(smpp);
        // a 5 s response timeout, and quick reconnects: the outage tests bring the operator back within seconds
        OperatorConfig op = new OperatorConfig(OPERATOR, HOST, operatorPort, OPERATOR_SYSTEM_ID, OPERATOR_PASSWORD,
                OperatorConfig.DEFAULT_SYSTEM_TYPE, operatorBinds, operatorWindow, operatorTps,
                OperatorConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS, 5_000, 200, 1_000, concatenation, false, null, true,
                operatorBindTps);
        if (operatorTls) {
            op = op.withTls(operatorTrust, operatorVerifyHostname);
        }
        SimulatorConfig sim = new SimulatorConfig(simulatorEnabled, HOST, 0, null, null,
                simulatorLatencyMs, SimulatorConfig.DEFAULT_DLR_DELAY_MS,
                simulatorDeliveredPercent, simulatorUndeliverablePercent, simulatorExpiredPercent, simulatorTps,
                simulatorTls);
        HttpConfig http = httpChange.apply(new HttpConfig(HOST, 0, maxRecipients).withTls(httpTls));
        return new RouterConfig(Path.of("it-router.yaml"), smpp, http, admin,
                new JournalConfig(journalDir, JournalConfig.DEFAULT_ROLL_CYCLE, false, JournalConfig.DEFAULT_MIN_FREE_MB,
                        JournalConfig.DEFAULT_RETENTION_HOURS, checkpointSeconds), acc, List.of(op),
                List.of(new RouteConfig(null, null, null, List.of(OPERATOR))), moderation, sim,
                ComplianceConfig.defaults(), billing);
    }
}
