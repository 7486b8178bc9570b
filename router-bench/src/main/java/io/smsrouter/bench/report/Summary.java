package io.smsrouter.bench.report;

import io.smsrouter.bench.load.LoadResult;
import org.HdrHistogram.Histogram;

/**
 * The one-line result of a run (shared/SPEC.md section 6):
 * {@code bench: sent=N acked=N delivered=N lost=0 throughput=N msg/s submit_p50=Xus submit_p99=Xus
 * submit_p999=Xus dlr_p99=Xms}. Latencies are whole microseconds (submit) and whole milliseconds,
 * rounded to nearest (receipt); a percentile of an empty distribution is 0.
 */
public record Summary(long sent, long acked, long delivered, long lost, long throughput, long submitP50Micros,
                      long submitP99Micros, long submitP999Micros, long dlrP99Millis) {

    public static Summary of(LoadResult r) {
        Histogram s = r.submitMicros();
        return new Summary(r.sent(), r.acked(), r.delivered(), r.lost(), r.throughputPerSecond(),
                percentile(s, 50), percentile(s, 99), percentile(s, 99.9),
                Math.round(percentile(r.receiptMicros(), 99) / 1000.0));
    }

    static long percentile(Histogram h, double p) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p);
    }

    /** 0 when the run counts as good: something was acked and no receipt went missing. */
    public int exitCode() {
        return acked > 0 && lost == 0 ? 0 : 1;
    }

    public String line() {
        return "bench: sent=" + sent + " acked=" + acked + " delivered=" + delivered + " lost=" + lost
                + " throughput=" + throughput + " msg/s submit_p50=" + submitP50Micros + "us submit_p99="
                + submitP99Micros + "us submit_p999=" + submitP999Micros + "us dlr_p99=" + dlrP99Millis + "ms";
    }
}
