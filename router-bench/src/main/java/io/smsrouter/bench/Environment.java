package io.smsrouter.bench;

import io.netty.channel.EventLoopGroup;
import io.smsrouter.bench.otp.SubmitTap;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.server.Router;
import io.smsrouter.server.config.AccountConfig;
import io.smsrouter.server.config.AdminConfig;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
            group = tap == null ? SmppTransport.newGroup(1) : SubmitTap.group(1, tap);
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

        private final SimulatorHandle sim;
        private final Path journalDir;
        private final Router router;
        private final InetSocketAddress smpp;

        /** @param stopWords with moderation {@code auto} for the bench account against this file; null: none */
        Routed(int dlrDelayMs, int maxPduLength, int clientWindow, Path stopWords) throws Exception {
            this(dlrDelayMs, maxPduLength, clientWindow, stopWords, 0, null);
        }

        /**
         * @param operatorTps the router's tps ceiling toward the simulator (all binds), 0 = none
         * @param otpTap      non-null: the config also has the OTP account ({@link #OTP_ACCOUNT_ID}, traffic
         *                    class otp) and every submit_sm reaching the simulator is shown to this tap
         */
        Routed(int dlrDelayMs, int maxPduLength, int clientWindow, Path stopWords, int operatorTps,
               SubmitTap.Listener otpTap) throws Exception {
            sim = new SimulatorHandle(dlrDelayMs, maxPduLength, otpTap);
            boolean otpAccount = otpTap != null;
            journalDir = Files.createTempDirectory("bench-journal");
            Router r = null;
            try {
                r = new Router(config(journalDir, sim.address.getPort(), maxPduLength, clientWindow, stopWords,
                        operatorTps, otpAccount)).start();
                awaitOperatorBinds(r, 10_000);
            } catch (Exception | Error e) {
                if (r != null) {
                    r.close();
                }
                sim.close();
                deleteRecursively(journalDir);
                throw e;
            }
            router = r;
            smpp = r.smppAddress();
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
