package io.smsrouter.bench.otp;

import io.smsrouter.bench.load.LoadResult;
import io.smsrouter.bench.otp.OtpRecorder.PhaseResult;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines {@code scripts/bench --otp-rate} prints: one per phase
 * ({@code otp: phase=alone sent=N p50=Xus p99=Xus p999=Xus ...}, latency from the intended send
 * time to the arrival at the operator), the p99 ratio bulk/alone against the aim of issue 5 (at
 * most 2), and what the bulk load got in its phase.
 */
public final class OtpReport {
    /** Issue 5: OTP p99 under bulk within this factor of the p99 without it. */
    public static final double TARGET_RATIO = 2.0;

    private OtpReport() {
    }

    public static String phaseLine(PhaseResult r) {
        Histogram a = r.arrivalMicros();
        return "otp: phase=" + r.phase().id() + " sent=" + r.sent() + " p50=" + percentile(a, 50) + "us p99="
                + percentile(a, 99) + "us p999=" + percentile(a, 99.9) + "us max=" + (a.getTotalCount() == 0 ? 0
                : a.getMaxValue()) + "us arrived=" + r.arrived() + " rejected=" + r.rejected() + " missing="
                + r.missing() + " resp_p99=" + percentile(r.responseMicros(), 99) + "us send_lag_p99="
                + percentile(r.sendLagMicros(), 99) + "us write_to_arrival_p99=" + percentile(r.routerMicros(), 99)
                + "us";
    }

    /** bulk p99 / alone p99, or NaN when the alone phase has no p99 to divide by. */
    public static double p99Ratio(PhaseResult alone, PhaseResult bulk) {
        long a = percentile(alone.arrivalMicros(), 99);
        long b = percentile(bulk.arrivalMicros(), 99);
        return a <= 0 || bulk.arrivalMicros().getTotalCount() == 0 ? Double.NaN : (double) b / a;
    }

    public static String ratioLine(PhaseResult alone, PhaseResult bulk) {
        double r = p99Ratio(alone, bulk);
        if (Double.isNaN(r)) {
            return "otp: p99 ratio bulk/alone=n/a";
        }
        return String.format(Locale.ROOT, "otp: p99 ratio bulk/alone=%.2f (target <= %.0f: %s)", r, TARGET_RATIO,
                r <= TARGET_RATIO ? "met" : "missed");
    }

    /** What the bulk load did in its phase: reached the operator, and was accepted by the router. */
    public static String bulkLine(PhaseResult bulk, int operatorTps, LoadResult load) {
        StringBuilder sb = new StringBuilder("otp: bulk phase: bulk_to_operator=").append(bulk.bulkPerSecond())
                .append(" msg/s operator_tps=").append(operatorTps == 0 ? "unlimited" : Integer.toString(operatorTps))
                .append(" bulk_accepted=").append(load.throughputPerSecond()).append(" msg/s bulk_rejected=")
                .append(load.rejected());
        load.rejectedByStatus().forEach((status, n) -> sb.append(String.format(Locale.ROOT, " status_0x%08X=%d", status, n)));
        return sb.toString();
    }

    /**
     * What the summary's {@code lost} means in this mode: the bulk load fills the router's queue
     * in front of an operator held to {@code operatorTps}, so at the drain's end most of the bulk
     * messages acked in the measured period are still queued behind the warmup's. {@code held}
     * is what the router itself holds without a receipt forwarded (queued, at the operator, or
     * waiting for the client's bind): when it covers {@code lost}, those are waiting, not lost.
     */
    public static String backlogLine(long lost, long held, int operatorTps, int drainSeconds) {
        String base = "otp: bulk receipts not back by the drain's end: " + lost + " (the summary's lost); the router still"
                + " holds " + held + " messages without their receipt forwarded";
        if (held >= lost) {
            return base + ", behind the operator's " + (operatorTps == 0 ? "limit" : operatorTps + " msg/s")
                    + ": waiting, not lost (a longer --drain-seconds than " + drainSeconds + " waits for them)";
        }
        return base + ": " + (lost - held) + " more than it holds are missing";
    }

    /** Every line, in print order. */
    public static List<String> lines(PhaseResult alone, PhaseResult bulk, int operatorTps, LoadResult load) {
        List<String> l = new ArrayList<>();
        l.add(phaseLine(alone));
        l.add(phaseLine(bulk));
        l.add(ratioLine(alone, bulk));
        l.add(bulkLine(bulk, operatorTps, load));
        return l;
    }

    /**
     * 0 when the comparison stands: both phases sent OTP messages, every acked one reached the
     * operator, the bulk load got something acked. (Bulk receipts that never came are expected:
     * the backlog outlives the run.)
     */
    public static int exitCode(PhaseResult alone, PhaseResult bulk, LoadResult load) {
        boolean ok = alone.sent() > 0 && bulk.sent() > 0 && alone.missing() == 0 && bulk.missing() == 0
                && alone.arrived() > 0 && bulk.arrived() > 0 && load.acked() > 0;
        return ok ? 0 : 1;
    }

    static long percentile(Histogram h, double p) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p);
    }
}
