package io.smsrouter.bench;

import io.netty.handler.ssl.SslContext;
import io.smsrouter.bench.load.LoadClient;
import io.smsrouter.bench.load.LoadResult;
import io.smsrouter.bench.load.LoadSettings;
import io.smsrouter.bench.load.OpenLoopSchedule;
import io.smsrouter.bench.otp.OtpRecorder;
import io.smsrouter.bench.otp.OtpReport;
import io.smsrouter.bench.otp.OtpStream;
import io.smsrouter.bench.otp.SubmitTap;
import io.smsrouter.bench.report.CpuMeter;
import io.smsrouter.bench.report.HtmlReport;
import io.smsrouter.bench.report.Summary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code scripts/bench}: the end-to-end load test of shared/SPEC.md section 6. With no options it
 * starts, in this process, the operator simulator and a router configured in code in front of it,
 * drives the router with the load client ({@link LoadClient}), stops both and prints one summary
 * line; {@code --direct} drives the simulator alone, {@code --target} an endpoint already running.
 *
 * <p>stdout carries the progress lines, the mode line and, last, the summary line; the report
 * files go to {@code --report-dir}. Exit status 0 when the run acked messages and lost no receipt,
 * 1 when it did not, 2 when it could not run.
 *
 * <p>{@code --otp-rate N} (routed only) measures what traffic classes are for (issue 5): an OTP
 * stream of N msg/s on a bind of its own (account {@value Environment#OTP_ACCOUNT_ID}, traffic class
 * otp), open loop, first alone (warmup, then the measured period), then beside the bulk load client
 * (its warmup, then the measured period), with the router's tps toward the simulator capped
 * ({@code --operator-tps}, default {@value #OTP_DEFAULT_OPERATOR_TPS}) so that the bulk builds a
 * backlog in the router. Each OTP message is timed from its intended send time to its arrival at
 * the simulator ({@link SubmitTap}); the run prints one {@code otp:} line per phase, the p99 ratio
 * and the bulk's throughput, writes {@code otp-alone.hgrm} and {@code otp-bulk.hgrm}, and exits 0
 * when every acked OTP message reached the operator.
 *
 * <p>{@code --policies} (routed only) measures what the compliance and billing policies of issue 7
 * cost on the full path: the bench account gets all of them at once (tps limit, sender allow-list,
 * moderation auto, one SMS per phone, promo traffic with quiet hours and an open window, a prepaid
 * balance with a price list), the opt-out registry gets 1,000,000 entries before the load, and the
 * load client sends each message to a number it has not used before, so that none is a duplicate.
 * Compare with the same command without it ({@link Environment.Routed#policyConfig}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "End-to-end SMPP load test: load client -> router -> operator simulator, receipts back.")
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--duration", paramLabel = "SECONDS", description = "measured period (default ${DEFAULT-VALUE})")
    int durationSeconds = 20;

    @Option(names = "--warmup", paramLabel = "SECONDS",
            description = "load before the measured period, not counted (default ${DEFAULT-VALUE})")
    int warmupSeconds = 5;

    @Option(names = "--rate", paramLabel = "N|max", converter = RateConverter.class,
            description = "max: closed loop, every window kept full; N: open loop at N msg/s over all binds, "
                    + "latency from the intended send time (default max)")
    long ratePerSecond = 0;

    @Option(names = "--binds", paramLabel = "N", description = "transceiver binds (default ${DEFAULT-VALUE})")
    int binds = 2;

    @Option(names = "--window", paramLabel = "N",
            description = "outstanding submit_sm per bind (default ${DEFAULT-VALUE})")
    int window = 256;

    @Option(names = "--direct", description = "drive the operator simulator directly, no router")
    boolean direct;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "drive an SMPP endpoint that is already running (needs --system-id and --password)")
    String target;

    @Option(names = "--system-id", paramLabel = "ID", description = "bind system_id for --target")
    String systemId;

    @Option(names = "--password", paramLabel = "PW", description = "bind password for --target")
    String password;

    @Option(names = "--length", paramLabel = "N", description = "text length in characters (default ${DEFAULT-VALUE})")
    int textLength = 40;

    @Option(names = "--ucs2-percent", paramLabel = "P",
            description = "share of UCS-2 messages, 0..100 (default ${DEFAULT-VALUE})")
    int ucs2Percent = 0;

    @Option(names = "--no-receipts", description = "registered_delivery 0: no receipts asked for or awaited")
    boolean noReceipts;

    @Option(names = "--report-dir", paramLabel = "DIR",
            description = "where submit.hgrm, dlr.hgrm and index.html go (default ${DEFAULT-VALUE})")
    Path reportDir = Path.of("bench-report");

    @Option(names = "--drain-seconds", paramLabel = "N",
            description = "longest wait for outstanding responses and receipts after the run (default ${DEFAULT-VALUE})")
    int drainSeconds = 10;

    @Option(names = "--dlr-delay-ms", paramLabel = "MS",
            description = "simulator: delay from submit_sm_resp to the receipt (default ${DEFAULT-VALUE})")
    int dlrDelayMs = 0;

    @Option(names = "--moderation", paramLabel = "MODE",
            description = "routed: the bench account's moderation mode, none or auto (default ${DEFAULT-VALUE}); "
                    + "auto scans every text against --stop-words (the bench texts have none, so nothing is held)")
    String moderation = "none";

    @Option(names = "--stop-words", paramLabel = "FILE",
            description = "routed, with --moderation auto or --policies: the stop-word file (default ${DEFAULT-VALUE})")
    Path stopWords = Path.of("conf/stopwords.txt");

    @Option(names = "--policies",
            description = "routed: every issue-7 policy on for the bench account (tps limit, sender allow-list, "
                    + "moderation auto with --stop-words, dedup 600 s, promo with quiet hours and an open window, "
                    + "prepaid balance and prices), 1,000,000 opt-outs loaded before the load, and a new "
                    + "destination number for every message; compare with the same run without it")
    boolean policies;

    @Option(names = "--otp-rate", paramLabel = "N",
            description = "routed: also run an OTP stream of N msg/s on its own bind (account benchotp, traffic class "
                    + "otp), first alone, then beside the bulk load; each OTP message is timed from its intended "
                    + "send time to its arrival at the operator simulator (default 0: off)")
    long otpRate = 0;

    @Option(names = "--operator-tps", paramLabel = "N",
            description = "routed: the router's tps ceiling toward the operator simulator, 0 = none "
                    + "(default: " + OTP_DEFAULT_OPERATOR_TPS + " with --otp-rate, else none)")
    Integer operatorTps;

    @Option(names = "--tls", description = "routed: the router also listens with smpp.tls (the bench's own "
            + "certificate) and the load client binds there over TLS 1.3, trusting it; the operator leg stays plain")
    boolean tls;

    @Option(names = "--tls-provider", paramLabel = "jdk|openssl",
            description = "with --tls: the TLS implementation of both ends, the JDK's (the router's, default) or "
                    + "BoringSSL through netty-tcnative (in the bench jar only, to compare)")
    String tlsProvider = "jdk";

    static final int MAX_PDU_LENGTH = 65536;
    static final int OTP_DEFAULT_OPERATOR_TPS = 2000;
    /** submit_sm the OTP bind keeps unanswered at most; an OTP client needs few. */
    static final int OTP_WINDOW = 64;

    private final PrintStream out;

    public BenchMain() {
        this(System.out);
    }

    BenchMain(PrintStream out) {
        this.out = out;
    }

    /** picocli: "max" or a positive number of messages per second; 0 stands for max. */
    static final class RateConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if ("max".equalsIgnoreCase(value)) {
                return 0L;
            }
            long n;
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not max or a number of msg/s");
            }
            if (n < 1) {
                throw new CommandLine.TypeConversionException("rate must be max or at least 1, was " + value);
            }
            return n;
        }
    }

    @Override
    public Integer call() throws Exception {
        String problem = validate();
        if (problem != null) {
            System.err.println("bench: " + problem);
            return 2;
        }
        if (otpRate > 0) {
            return runOtp();
        }
        Environment env;
        BenchTls benchTls = null;
        SslContext clientTls = null;
        try {
            if (tls) {
                System.setProperty(io.smsrouter.smpp.transport.TlsContexts.PROVIDER_PROPERTY, tlsProvider);
                benchTls = new BenchTls();
                clientTls = benchTls.clientContext();
            }
            env = target != null ? new Environment.Target(target, systemId, password)
                    : direct ? new Environment.Direct(dlrDelayMs, MAX_PDU_LENGTH)
                    : new Environment.Routed(dlrDelayMs, MAX_PDU_LENGTH, window, stopWordsIfScanned(),
                    operatorTps == null ? 0 : operatorTps, null, policies, benchTls);
        } catch (Exception e) {
            System.err.println("bench: could not start: " + e);
            if (benchTls != null) {
                benchTls.close();
            }
            return 2;
        }
        try {
            return run(env, clientTls);
        } finally {
            if (benchTls != null) {
                benchTls.close();
            }
        }
    }

    private int run(Environment env, SslContext clientTls) throws Exception {
        LoadSettings settings = new LoadSettings(env.host(), env.port(), env.systemId(), env.password(), binds, window,
                ratePerSecond, warmupSeconds, durationSeconds, drainSeconds, textLength, ucs2Percent, !noReceipts,
                MAX_PDU_LENGTH, policies);
        String modeLine = modeLine(env.mode(), settings) + (operatorTps == null ? "" : " operator_tps=" + operatorTps)
                + (policies ? " policies=on" : "")
                + (tls ? " tls=" + io.smsrouter.smpp.transport.TlsContexts.provider().name().toLowerCase() : "");
        out.println("bench: " + modeLine + " endpoint=" + env.host() + ":" + env.port() + " warmup="
                + warmupSeconds + "s duration=" + durationSeconds + "s");
        LoadResult result;
        List<String> details = new ArrayList<>();
        CpuMeter cpu = new CpuMeter();
        try (env) {
            try (LoadClient client = new LoadClient(settings, out::println, env::progressStatus, clientTls)) {
                try {
                    client.connect(10_000);
                } catch (Exception e) {
                    System.err.println("bench: " + e.getMessage());
                    return 2;
                }
                client.onMeasuredPeriod(cpu::start, cpu::stop);
                result = client.run();
            }
            details.addAll(env.details());
        }
        Summary summary = Summary.of(result);
        details.add(0, detailLine(result));
        if (cpu.result() != null) {
            details.add(cpu.result().line(result.acked(), env instanceof Environment.Routed));
        }
        HtmlReport report = new HtmlReport(modeLine, summary, result, details, warmupSeconds, durationSeconds,
                !noReceipts);
        try {
            report.writeTo(reportDir);
        } catch (Exception e) {
            System.err.println("bench: could not write the report under " + reportDir + ": " + e);
        }
        for (String d : details) {
            out.println(d);
        }
        out.println("report: " + reportDir.toAbsolutePath().normalize().resolve("index.html"));
        out.println(modeLine);
        out.println(summary.line());
        out.flush();
        return summary.exitCode();
    }

    /**
     * {@code --otp-rate}: phase A, the OTP stream alone (warmup, measured period); phase B, the same
     * stream beside the bulk load client, which runs its own warmup (the backlog builds) and measured
     * period. One router, one simulator, one OTP schedule across both phases.
     */
    private Integer runOtp() throws Exception {
        int opTps = operatorTps == null ? OTP_DEFAULT_OPERATOR_TPS : operatorTps;
        AtomicReference<OtpRecorder> recorder = new AtomicReference<>();
        SubmitTap.Listener tap = (submit, nanoTime) -> {
            OtpRecorder r = recorder.get();
            if (r != null) {
                r.submitArrived(submit, nanoTime);
            }
        };
        Environment.Routed env;
        try {
            env = new Environment.Routed(dlrDelayMs, MAX_PDU_LENGTH, window, stopWordsIfScanned(), opTps, tap,
                    policies);
        } catch (Exception e) {
            System.err.println("bench: could not start: " + e);
            return 2;
        }
        LoadSettings settings = new LoadSettings(env.host(), env.port(), env.systemId(), env.password(), binds, window,
                ratePerSecond, warmupSeconds, durationSeconds, drainSeconds, textLength, ucs2Percent, !noReceipts,
                MAX_PDU_LENGTH, policies);
        String modeLine = modeLine(env.mode(), settings) + " otp_rate=" + otpRate + " operator_tps=" + opTps
                + (policies ? " policies=on" : "");
        out.println("bench: " + modeLine + " endpoint=" + env.host() + ":" + env.port() + " warmup="
                + warmupSeconds + "s duration=" + durationSeconds + "s, twice: otp alone, then otp beside the bulk load");
        LoadResult result;
        OtpRecorder rec;
        String otpBacklog = null;
        List<String> details = new ArrayList<>();
        try (env) {
            try (LoadClient client = new LoadClient(settings, out::println, env::progressStatus);
                 OtpStream otp = new OtpStream(env.host(), env.port(), Environment.OTP_ACCOUNT_ID,
                         Environment.OTP_ACCOUNT_PASSWORD, OTP_WINDOW)) {
                try {
                    client.connect(10_000);
                    otp.connect(10_000);
                } catch (Exception e) {
                    System.err.println("bench: " + e.getMessage());
                    return 2;
                }
                OpenLoopSchedule schedule = new OpenLoopSchedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20),
                        otpRate);
                rec = new OtpRecorder(schedule);
                long aloneStart = schedule.startNanos() + TimeUnit.SECONDS.toNanos(warmupSeconds);
                long aloneEnd = aloneStart + TimeUnit.SECONDS.toNanos(durationSeconds);
                rec.window(OtpRecorder.Phase.ALONE, aloneStart, aloneEnd);
                recorder.set(rec);
                out.println("otp: starting the alone phase: " + otpRate + " msg/s, no bulk");
                otp.start(rec, schedule.startNanos() + TimeUnit.DAYS.toNanos(1));
                progressUntil(aloneEnd, schedule.startNanos(), aloneStart, rec, env);
                long bulkStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
                long bulkEnd = bulkStart + TimeUnit.SECONDS.toNanos(durationSeconds);
                rec.window(OtpRecorder.Phase.BULK, bulkStart, bulkEnd);
                otp.endAt(bulkEnd);
                out.println("otp: starting the bulk phase: " + otpRate + " msg/s beside the bulk load (rate=" + settings.rateLabel()
                        + ", operator tps " + opTps + ")");
                result = client.run();
                if (!OtpStream.awaitDrained(rec, TimeUnit.SECONDS.toMillis(Math.max(1, drainSeconds)))) {
                    out.println("otp: not drained after " + drainSeconds + " s: some OTP messages never reached the operator");
                }
            }
            long simulatorSubmits = env.simulatorSubmits(); // before the tap's count: the tap sees each one first
            if (result.lost() > 0) {
                otpBacklog = OtpReport.backlogLine(result.lost(), env.heldWithoutReceipt(), opTps, drainSeconds);
            }
            details.addAll(env.details());
            details.add("tap: submits_seen=" + rec.submitsSeen() + " simulator_submits=" + simulatorSubmits
                    + " otp_arrivals=" + rec.otpArrivals() + " otp_duplicates=" + rec.duplicates()
                    + " otp_sent=" + rec.sentTotal() + " otp_unsent=" + rec.unsent());
        }
        OtpRecorder.PhaseResult alone = rec.result(OtpRecorder.Phase.ALONE);
        OtpRecorder.PhaseResult bulk = rec.result(OtpRecorder.Phase.BULK);
        List<String> otpLines = OtpReport.lines(alone, bulk, opTps, result);
        if (otpBacklog != null) {
            otpLines.add(otpBacklog);
        }
        Summary summary = Summary.of(result);
        details.add(0, detailLine(result));
        List<String> reportLines = new ArrayList<>(details);
        reportLines.addAll(otpLines);
        HtmlReport report = new HtmlReport(modeLine, summary, result, reportLines, warmupSeconds, durationSeconds,
                !noReceipts);
        try {
            report.writeTo(reportDir);
            HtmlReport.writeHgrm(reportDir.resolve("otp-alone.hgrm"), alone.arrivalMicros());
            HtmlReport.writeHgrm(reportDir.resolve("otp-bulk.hgrm"), bulk.arrivalMicros());
        } catch (Exception e) {
            System.err.println("bench: could not write the report under " + reportDir + ": " + e);
        }
        for (String d : details) {
            out.println(d);
        }
        out.println("report: " + reportDir.toAbsolutePath().normalize().resolve("index.html")
                + " (otp: otp-alone.hgrm, otp-bulk.hgrm)");
        for (String l : otpLines) {
            out.println(l);
        }
        out.println(modeLine);
        out.println(summary.line());
        out.flush();
        return OtpReport.exitCode(alone, bulk, result);
    }

    /** Phase A's progress: a line a second until {@code endNanos}. */
    private void progressUntil(long endNanos, long startNanos, long measuredFrom, OtpRecorder rec,
                               Environment env) throws InterruptedException {
        long next = startNanos + TimeUnit.SECONDS.toNanos(1);
        while (endNanos - System.nanoTime() > 0) {
            long wait = Math.min(next, endNanos) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long now = System.nanoTime();
            if (now - next >= 0) {
                int second = (int) Math.round((next - startNanos) / 1e9);
                out.println(String.format("%5ds %-6s otp_sent=%-7d otp_arrived=%-7d %s", second,
                        now - measuredFrom < 0 ? "warmup" : "alone", rec.sentTotal(), rec.otpArrivals(),
                        env.progressStatus()));
                next += TimeUnit.SECONDS.toNanos(1);
            }
        }
    }

    private String validate() {
        if (target != null && direct) {
            return "--target and --direct exclude each other";
        }
        if (!List.of("jdk", "openssl").contains(tlsProvider)) {
            return "--tls-provider must be jdk or openssl, was " + tlsProvider;
        }
        if (tls && "openssl".equals(tlsProvider) && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
            return "--tls-provider openssl: netty-tcnative is not usable here ("
                    + io.netty.handler.ssl.OpenSsl.unavailabilityCause() + ")";
        }
        if (tls && (target != null || direct || otpRate > 0)) {
            return "--tls needs the routed mode without --otp-rate (no --target, no --direct): it starts the "
                    + "router's TLS listener";
        }
        if (target != null && (systemId == null || password == null)) {
            return "--target needs --system-id and --password";
        }
        if (target == null && (systemId != null || password != null)) {
            return "--system-id and --password go with --target";
        }
        if (durationSeconds < 1 || warmupSeconds < 0 || drainSeconds < 0) {
            return "--duration must be at least 1, --warmup and --drain-seconds at least 0";
        }
        if (binds < 1 || binds > 64 || window < 1 || window > 100_000) {
            return "--binds must be 1..64 and --window 1..100000";
        }
        if (textLength < 1 || textLength > 10_000 || ucs2Percent < 0 || ucs2Percent > 100) {
            return "--length must be 1..10000 and --ucs2-percent 0..100";
        }
        if (dlrDelayMs < 0) {
            return "--dlr-delay-ms must be at least 0";
        }
        if (!moderation.equals("none") && !moderation.equals("auto")) {
            return "--moderation must be none or auto";
        }
        if (moderation.equals("auto") && (target != null || direct)) {
            return "--moderation auto needs the routed mode (no --target, no --direct)";
        }
        if (otpRate < 0 || otpRate > 100_000) {
            return "--otp-rate must be 0..100000";
        }
        if (otpRate > 0 && (target != null || direct)) {
            return "--otp-rate needs the routed mode (no --target, no --direct): it times arrivals at the in-process simulator";
        }
        if (operatorTps != null && (operatorTps < 0 || target != null || direct)) {
            return "--operator-tps must be at least 0, and goes with the routed mode";
        }
        if (policies && (target != null || direct)) {
            return "--policies needs the routed mode (no --target, no --direct): it configures the router it starts";
        }
        if ((moderation.equals("auto") || policies) && !java.nio.file.Files.isReadable(stopWords)) {
            return "--stop-words: cannot read " + stopWords.toAbsolutePath();
        }
        return null;
    }

    /** The stop-word file when the bench account scans (moderation auto, or --policies), else null. */
    private Path stopWordsIfScanned() {
        return moderation.equals("auto") || policies ? stopWords.toAbsolutePath() : null;
    }

    static String modeLine(String mode, LoadSettings s) {
        return "mode=" + mode + " binds=" + s.binds() + " window=" + s.window() + " rate=" + s.rateLabel()
                + " length=" + s.textLength() + " ucs2=" + s.ucs2Percent() + "% receipts=" + (s.receipts() ? "on" : "off");
    }

    static String detailLine(LoadResult r) {
        StringBuilder sb = new StringBuilder("client: rejected=").append(r.rejected());
        r.rejectedByStatus().forEach((status, n) ->
                sb.append(String.format(" status_0x%08X=%d", status, n)));
        sb.append(" unanswered=").append(r.unanswered())
                .append(" behind=").append(r.behind())
                .append(" receipts_total=").append(r.receiptsTotal())
                .append(" unmatched_receipts=").append(r.unmatchedReceipts())
                .append(" stray_responses=").append(r.strayResponses())
                .append(" binds_lost=").append(r.connectionsLost())
                .append(" drain_ms=").append(r.drainMillis());
        return sb.toString();
    }

    public static void main(String[] args) {
        int rc = new CommandLine(new BenchMain()).execute(args);
        System.exit(rc);
    }
}
