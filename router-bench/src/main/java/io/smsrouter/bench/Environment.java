package io.smsrouter.bench;

import io.netty.channel.EventLoopGroup;
import io.smsrouter.bench.otp.SubmitTap;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.server.Router;
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
import io.smsrouter.smpp.simulator.SimulatorSettings;
import io.smsrouter.smpp.simulator.SmscSimulator;
import io.smsrouter.smpp.transport.SmppTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the load client drives: the router with an operator simulator behind it, the simulator
 * alone, or an endpoint somebody else runs. Started before the load, closed after it.
 */
abstract class Environment implements AutoCloseable {
    static final String ACCOUNT_ID = "bench";
    static final String ACCOUNT_PASSWORD = "benchpw";
    /** The OTP stream's account ({@code --otp-rate}): traffic class otp, everything else like the bench account. */
    static final String OTP_ACCOUNT_ID = "benchotp";
    static final String OTP_ACCOUNT_PASSWORD = "otppw";

    /** routed, direct or target */
    abstract String mode();

    abstract String host();

    abstract int port();

    abstract String systemId();

    abstract String password();

    /** Appended to each progress line; called on the load client's thread while the load runs. */
    String progressStatus() {
        return "";
    }

    /** Counts of the parts this process ran, for the report; taken after the load, before close. */
    List<String> details() {
        return List.of();
    }

    @Override
    public abstract void close();

    /**
     * The operator SMSC simulator on an event loop of its own: one thread, as a lean SMSC would have.
     * With a tap, every submit_sm it receives is shown to the tap first ({@link SubmitTap}).
     */
    static final class SimulatorHandle implements AutoCloseable {
        final EventLoopGroup group;
        final SmscSimulator simulator;
        final InetSocketAddress address;

        SimulatorHandle(int dlrDelayMs, int maxPduLength) throws InterruptedException {
            this(dlrDelayMs, maxPduLength, null);
        }

        SimulatorHandle(int dlrDelayMs, int maxPduLength, SubmitTap.Listener tap) throws InterruptedException {
            group = tap == null ? SmppTransport.newGroup("simulator-io", 1) : SubmitTap.group("simulator-io", 1, tap);
            simulator = new SmscSimulator(new SimulatorSettings("127.0.0.1", 0, null, null, 0, dlrDelayMs, 100, 0, 0, 0,
                    maxPduLength), group);
            address = simulator.start();
        }

        String details() {
            return "simulator: submits=" + simulator.submitCount() + " receipts_sent=" + simulator.receiptsSent()
                    + " receipts_acked=" + simulator.receiptsAcked() + " throttled=" + simulator.throttledCount()
                    + (group instanceof SubmitTap.Group g ? " tapped_binds=" + g.tapped() : "");
        }

        @Override
        public void close() {
            simulator.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
        }
    }

    /** The load goes straight into the simulator. */
    static final class Direct extends Environment {
        private final SimulatorHandle sim;

        Direct(int dlrDelayMs, int maxPduLength) throws InterruptedException {
            sim = new SimulatorHandle(dlrDelayMs, maxPduLength);
        }

        @Override
        String mode() {
            return "direct";
        }

        @Override
        String host() {
            return "127.0.0.1";
        }

        @Override
        int port() {
            return sim.address.getPort();
        }

        @Override
        String systemId() {
            return ACCOUNT_ID;
        }

        @Override
        String password() {
            return ACCOUNT_PASSWORD;
        }

        @Override
        List<String> details() {
            return List.of(sim.details());
        }

        @Override
        public void close() {
            sim.close();
        }
    }

    /**
     * The router in this process, configured in code (nothing read from conf/), with a fresh journal
     * in a temporary directory that is deleted afterwards, and one operator: our own simulator.
     */
    static final class Routed extends Environment {
        static final String OPERATOR_ID = "opA";
        static final int OPERATOR_BINDS = 2;
        static final int OPERATOR_WINDOW = 256;
        /** The load client's source_addr ({@code Payloads.SOURCE}): the one sender the allow-list of {@code --policies} lets through. */
        static final String LOAD_SENDER = "Bench";
        /** {@code --policies}: opt-outs in the registry before the load, none on a number the load client uses. */
        static final int POLICY_OPT_OUTS = 1_000_000;
        /** {@code --policies}: the bench account's starting balance, in currency units (a message costs 2.20). */
        static final long POLICY_BALANCE = 1_000_000_000L;
        /** {@code --policies}: the bench account's tps limit, far above what it sends; the bucket is still asked. */
        static final int POLICY_TPS = 10_000_000;
        /** {@code --policies}: one SMS per phone within this many seconds. */
        static final int POLICY_DEDUP_SECONDS = 600;
        /** {@code --policies}: the price list, as conf/prices.csv ships it; the load goes to 7916 through opA: 2.20. */
        static final String POLICY_PRICES = """
                # account,operator,prefix,price (scripts/bench --policies)
                *,*,*,5.00
                *,*,7,2.50
                *,opA,7916,2.20
                *,*,375,4.00
                *,*,998,3.50
                """;
        /** {@code --policies}: part of conf/timezones.csv; the load's 7916 numbers are in Moscow. */
        static final String POLICY_TIME_ZONES = """
                # prefix,zone (scripts/bench --policies)
                7,Europe/Moscow
                7912,Asia/Yekaterinburg
                7922,Asia/Yekaterinburg
                7913,Asia/Novosibirsk
                7923,Asia/Novosibirsk
                7914,Asia/Vladivostok
                7924,Asia/Vladivostok
                375,Europe/Minsk
                998,Asia/Tashkent
                1,America/New_York
                """;

        private final SimulatorHandle sim;
        private final Path journalDir;
        /** {@code --policies}: the price and time-zone files; null without. */
        private final Path policyDir;
        private final Router router;
        private final InetSocketAddress smpp;
        private final String policyNote;

        /** @param stopWords with moderation {@code auto} for the bench account against this file; null: none */
        Routed(int dlrDelayMs, int maxPduLength, int clientWindow, Path stopWords) throws Exception {
            this(dlrDelayMs, maxPduLength, clientWindow, stopWords, 0, null, false);
        }

        /**
         * @param operatorTps the router's tps ceiling toward the simulator (all binds), 0 = none
         * @param otpTap      non-null: the config also has the OTP account ({@link #OTP_ACCOUNT_ID}, traffic
         *                    class otp) and every submit_sm reaching the simulator is shown to this tap
         * @param policies    {@code --policies}: the bench account gets every policy of issue 7 at once
         *                    ({@link #policyConfig}) and the opt-out registry {@link #POLICY_OPT_OUTS}
         *                    entries before the load starts; needs {@code stopWords}
         */
        Routed(int dlrDelayMs, int maxPduLength, int clientWindow, Path stopWords, int operatorTps,
               SubmitTap.Listener otpTap, boolean policies) throws Exception {
            this(dlrDelayMs, maxPduLength, clientWindow, stopWords, operatorTps, otpTap, policies, null);
        }

        /** @param tls {@code --tls}: the router also listens with {@code smpp.tls}, and {@link #port} is that listener */
        Routed(int dlrDelayMs, int maxPduLength, int clientWindow, Path stopWords, int operatorTps,
               SubmitTap.Listener otpTap, boolean policies, BenchTls tls) throws Exception {
            sim = new SimulatorHandle(dlrDelayMs, maxPduLength, otpTap);
            boolean otpAccount = otpTap != null;
            journalDir = Files.createTempDirectory("bench-journal");
            Path confDir = null;
            Router r = null;
            String note = null;
            try {
                RouterConfig config = config(journalDir, sim.address.getPort(), maxPduLength, clientWindow, stopWords,
                        operatorTps, otpAccount);
                if (policies) {
                    confDir = Files.createTempDirectory("bench-policies");
                    config = policyConfig(config, confDir, openWindow(ZonedDateTime.now(ZoneId.of("Europe/Moscow"))));
                }
                if (tls != null) {
                    config = withSmppTls(config, tls);
                }
                r = new Router(config).start();
                awaitOperatorBinds(r, 10_000);
                if (policies) {
                    long t0 = System.nanoTime();
                    fillOptOuts(r.engine(), POLICY_OPT_OUTS);
                    note = POLICY_OPT_OUTS + " opt-outs added in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
                }
            } catch (Exception | Error e) {
                if (r != null) {
                    r.close();
                }
                sim.close();
                deleteRecursively(journalDir);
                deleteRecursively(confDir);
                throw e;
            }
            router = r;
            smpp = tls != null ? r.smppTlsAddress() : r.smppAddress();
            policyDir = confDir;
            policyNote = note;
        }

        /**
         * {@code --policies}: the bench account as issue 7 lets an account be, everything on at once:
         * a tps limit ({@link #POLICY_TPS}, never reached) and a sender allow-list (the load client's
         * {@code Bench}), moderation {@code auto} (the stop words of {@code base}), one SMS per phone
         * ({@link #POLICY_DEDUP_SECONDS}), traffic class promo with quiet hours ({@code window} in
         * the recipient's zone from a time-zone file), and a prepaid balance with a price list (both
         * files written to {@code confDir}).
         */
        static RouterConfig policyConfig(RouterConfig base, Path confDir, String window) throws IOException {
            Path prices = Files.writeString(confDir.resolve("prices.csv"), POLICY_PRICES);
            Path zones = Files.writeString(confDir.resolve("timezones.csv"), POLICY_TIME_ZONES);
            List<AccountConfig> accounts = new ArrayList<>();
            for (AccountConfig a : base.accounts()) {
                accounts.add(!a.id().equals(ACCOUNT_ID) ? a : new AccountConfig(a.id(), a.password(), a.apiKey(),
                        AccountConfig.MODERATION_AUTO, POLICY_TPS, a.maxBinds(),
                        List.of(LOAD_SENDER), a.callbackUrl(), "promo",
                        POLICY_BALANCE * Amounts.SCALE, POLICY_DEDUP_SECONDS, window));
            }
            ComplianceConfig c = base.compliance();
            return new RouterConfig(base.file(), base.smpp(), base.http(), base.admin(), base.journal(), accounts,
                    base.operators(), base.routes(), base.moderation(), base.simulator(),
                    new ComplianceConfig(c.stopKeywords(), c.optOutExempt(), zones, c.sendingWindow()),
                    new BillingConfig(prices, false));
        }

        /** The same config with the router's SMPP-over-TLS listener on (port 0, the bench certificate). */
        static RouterConfig withSmppTls(RouterConfig base, BenchTls tls) {
            return new RouterConfig(base.file(), base.smpp().withTls(tls.listener()), base.http(), base.admin(), base.journal(), base.accounts(),
                    base.operators(), base.routes(), base.moderation(), base.simulator(), base.compliance(),
                    base.billing());
        }

        /**
         * A sending window open for the next 22 hours at {@code now}: from an hour ago, closing one
         * minute before it opens again (a window cannot be "always": that is no quiet hours, and the
         * zone would not even be looked up).
         */
        static String openWindow(ZonedDateTime now) {
            LocalTime from = now.toLocalTime().minusHours(1).withSecond(0).withNano(0);
            DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
            return from.format(hhmm) + "-" + from.minusMinutes(1).format(hhmm);
        }

        /**
         * {@code count} opt-outs through the engine, journaled as the admin API adds them: numbers
         * 79xxxxxxxxx outside the 7916 block the load client sends to; every 20th global, 3 in 20
         * account-wide, the rest for one sender name, of the bench account 1 time in 10 and of 999
         * other accounts otherwise.
         */
        static void fillOptOuts(Engine engine, int count) {
            SplittableRandom random = new SplittableRandom(7);
            long at = System.currentTimeMillis();
            int added = 0;
            while (added < count) {
                long number = 79_000_000_000L + random.nextLong(1_000_000_000L);
                if (number / 10_000_000L == 7916) {
                    continue;
                }
                String msisdn = Long.toString(number);
                String accountId = added % 10 == 0 ? ACCOUNT_ID : "acct-" + (added % 999);
                int kind = added % 20;
                OptOut o = kind == 0 ? OptOut.global(msisdn, at, "admin")
                        : kind <= 3 ? OptOut.account(accountId, msisdn, at, "api")
                        : OptOut.sender(accountId, accountId.equals(ACCOUNT_ID) ? LOAD_SENDER
                        : "Brand" + (added % 5), msisdn, at, "mo:STOP");
                if (engine.optOut(o)) {
                    added++;
                }
            }
        }

        static RouterConfig config(Path journalDir, int simulatorPort, int maxPduLength, int clientWindow,
                                   Path stopWords) {
            return config(journalDir, simulatorPort, maxPduLength, clientWindow, stopWords, 0, false);
        }

        static RouterConfig config(Path journalDir, int simulatorPort, int maxPduLength, int clientWindow,
                                   Path stopWords, int operatorTps, boolean otpAccount) {
            SmppConfig d = SmppConfig.defaults();
            SmppConfig smpp = new SmppConfig("127.0.0.1", 0, maxPduLength,
                    Math.max(SmppConfig.DEFAULT_WINDOW_SIZE, clientWindow), d.enquireLinkIntervalMs(),
                    d.idleTimeoutMs(), d.responseTimeoutMs(), d.bindTimeoutMs());
            AccountConfig account = new AccountConfig(ACCOUNT_ID, ACCOUNT_PASSWORD, null,
                    stopWords == null ? AccountConfig.MODERATION_NONE : AccountConfig.MODERATION_AUTO, 0, 64, List.of());
            List<AccountConfig> accounts = otpAccount
                    ? List.of(account, new AccountConfig(OTP_ACCOUNT_ID, OTP_ACCOUNT_PASSWORD, null,
                    AccountConfig.MODERATION_NONE, 0, 4, List.of(), null, "otp"))
                    : List.of(account);
            OperatorConfig operator = new OperatorConfig(OPERATOR_ID, "127.0.0.1", simulatorPort, "router", "routerpw",
                    OperatorConfig.DEFAULT_SYSTEM_TYPE, OPERATOR_BINDS, OPERATOR_WINDOW, operatorTps,
                    OperatorConfig.DEFAULT_ENQUIRE_LINK_INTERVAL_MS, OperatorConfig.DEFAULT_RESPONSE_TIMEOUT_MS,
                    OperatorConfig.DEFAULT_RECONNECT_DELAY_MS, OperatorConfig.DEFAULT_MAX_RECONNECT_DELAY_MS);
            SimulatorConfig s = SimulatorConfig.defaults();
            SimulatorConfig disabled = new SimulatorConfig(false, s.host(), s.port(), s.systemId(), s.password(),
                    s.submitLatencyMs(), s.dlrDelayMs(), s.deliveredPercent(), s.undeliverablePercent(),
                    s.expiredPercent(), s.tps());
            return new RouterConfig(null, smpp, new HttpConfig("127.0.0.1", 0), AdminConfig.defaults(),
                    new JournalConfig(journalDir, JournalConfig.DEFAULT_ROLL_CYCLE, false), accounts,
                    List.of(operator), List.of(new RouteConfig(null, null, null, List.of(OPERATOR_ID))),
                    stopWords == null ? ModerationConfig.defaults()
                            : new ModerationConfig(stopWords, ModerationConfig.DEFAULT_MAX_WAIT_SECONDS,
                            ModerationConfig.DEFAULT_MAX_HELD), disabled);
        }

        private static void awaitOperatorBinds(Router r, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (r.operators().get(0).boundCount() < OPERATOR_BINDS) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the router's operator binds to the simulator did not come up in "
                            + timeoutMs + " ms");
                }
                Thread.sleep(20);
            }
        }

        @Override
        String mode() {
            return "routed";
        }

        @Override
        String host() {
            return "127.0.0.1";
        }

        @Override
        int port() {
            return smpp.getPort();
        }

        @Override
        String systemId() {
            return ACCOUNT_ID;
        }

        @Override
        String password() {
            return ACCOUNT_PASSWORD;
        }

        /**
         * Messages the router holds without their receipt forwarded yet: queued for an operator,
         * sent and waiting for the operator's receipt, or receipts waiting for the bench account's bind.
         */
        long heldWithoutReceipt() {
            Engine e = router.engine();
            return e.undeliveredCount() + Math.max(0, e.submittedCount() - e.receiptsInCount())
                    + e.clients().pendingCount(ACCOUNT_ID);
        }

        /** submit_sm the simulator has taken so far. */
        long simulatorSubmits() {
            return sim.simulator.submitCount();
        }

        /** Messages acked to the client but not yet taken by an operator bind, and receipts waiting for a client bind. */
        @Override
        String progressStatus() {
            Engine e = router.engine();
            return "router_queue=" + e.undeliveredCount() + " receipts_waiting=" + e.clients().pendingCount(ACCOUNT_ID);
        }

        @Override
        List<String> details() {
            Engine e = router.engine();
            List<String> l = new ArrayList<>();
            l.add("router: accepted=" + e.acceptedCount() + " submitted=" + e.submittedCount() + " receipts_in="
                    + e.receiptsInCount() + " receipts_out=" + e.receiptsOutCount() + " queued="
                    + e.undeliveredCount() + " receipts_waiting=" + e.clients().pendingCount(ACCOUNT_ID));
            if (policyDir != null) {
                Billing b = e.billing();
                Billing.Balance bal = b == null ? null : b.balance(ACCOUNT_ID);
                l.add("policies: " + policyNote + "; opted_out_refused=" + e.optedOutRefusalCount() + " duplicates="
                        + e.duplicateCount() + " quiet_hours_delayed=" + e.quietHoursDelayedCount() + " held="
                        + e.heldCount() + (bal == null ? "" : " spent=" + Amounts.format(bal.spent()) + " reserved="
                        + Amounts.format(bal.reserved())));
            }
            l.add(sim.details());
            return l;
        }

        @Override
        public void close() {
            try {
                router.close();
            } finally {
                sim.close();
                deleteRecursively(journalDir);
                deleteRecursively(policyDir);
            }
        }
    }

    /** An SMPP endpoint that is already running; nothing is started or stopped. */
    static final class Target extends Environment {
        private final String host;
        private final int port;
        private final String systemId;
        private final String password;

        Target(String hostPort, String systemId, String password) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("--target must be HOST:PORT, was '" + hostPort + "'");
            }
            this.host = hostPort.substring(0, colon);
            try {
                this.port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--target port must be a number, was '" + hostPort + "'");
            }
            this.systemId = systemId;
            this.password = password;
        }

        @Override
        String mode() {
            return "target";
        }

        @Override
        String host() {
            return host;
        }

        @Override
        int port() {
            return port;
        }

        @Override
        String systemId() {
            return systemId;
        }

        @Override
        String password() {
            return password;
        }

        @Override
        public void close() {
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
