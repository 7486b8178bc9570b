package io.smsrouter.bench.report;

import io.smsrouter.bench.load.LoadResult;
import io.smsrouter.bench.load.Sample;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the report directory of a run: {@code submit.hgrm} and {@code dlr.hgrm} (HdrHistogram
 * percentile distributions, values in microseconds, readable by the HdrHistogram plotter),
 * {@code throughput.csv} (one row a second) and a self-contained {@code index.html} with the
 * summary, a latency-by-percentile chart per distribution (log-scaled percentile axis, as the
 * wrk2 and HdrHistogram plots draw it) and a throughput-over-time chart, all inline SVG.
 *
 * @param modeLine      what was driven and how
 * @param summary       the summary of the run
 * @param result        the run
 * @param details       further lines worth keeping (counts of the router and the simulator)
 * @param warmupSeconds length of the warmup, for the chart
 * @param durationSeconds length of the measured period, for the chart
 * @param receipts      whether receipts were requested
 */
public record HtmlReport(String modeLine, Summary summary, LoadResult result, List<String> details,
                         int warmupSeconds, int durationSeconds, boolean receipts) {

    private static final double[] TABLE_PERCENTILES = {50, 90, 99, 99.9, 99.99, 100};

    /** Writes every file into {@code dir}, creating it. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeHgrm(dir.resolve("submit.hgrm"), result.submitMicros());
        writeHgrm(dir.resolve("dlr.hgrm"), result.receiptMicros());
        StringBuilder csv = new StringBuilder("second,phase,sent_per_s,acked_per_s,receipts_per_s,in_flight,"
                + "submit_p99_us\n");
        for (Sample s : result.samples()) {
            csv.append(s.second()).append(',').append(s.phase()).append(',').append(s.sentPerSecond()).append(',')
                    .append(s.ackedPerSecond()).append(',').append(s.receiptsPerSecond()).append(',')
                    .append(s.inFlight()).append(',').append(s.submitP99Micros()).append('\n');
        }
        Files.writeString(dir.resolve("throughput.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("index.html"), html(), StandardCharsets.UTF_8);
    }

    /** One HdrHistogram percentile distribution, values as recorded (microseconds). */
    public static void writeHgrm(Path file, Histogram h) throws IOException {
        try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            h.outputPercentileDistribution(ps, 1.0);
        }
    }

    String html() {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>scripts/bench report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}"
                        + "pre{background:#f4f4f4;padding:8px;white-space:pre-wrap}"
                        + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                        + "text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
                        + "figure{margin:16px 0}</style>\n</head><body>\n");
        sb.append("<h1>scripts/bench report</h1>\n<p>")
                .append(escape(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME))).append("</p>\n");
        sb.append("<pre>").append(escape(modeLine)).append('\n').append(escape(summary.line())).append("</pre>\n");

        sb.append("<h2>Counts</h2>\n<table>\n");
        row(sb, "sent (measured period)", result.sent());
        row(sb, "acked (submit_sm_resp status 0)", result.acked());
        row(sb, "rejected (other status)", result.rejected());
        result.rejectedByStatus().forEach((status, n) ->
                row(sb, String.format(Locale.ROOT, "&nbsp;&nbsp;status 0x%08X", status), n));
        row(sb, "unanswered", result.unanswered());
        row(sb, "behind schedule, never sent (open loop)", result.behind());
        row(sb, "delivered (receipt matched)", result.delivered());
        row(sb, "lost (acked, no receipt)", result.lost());
        row(sb, "receipts received, warmup included", result.receiptsTotal());
        row(sb, "receipts matching no acked id", result.unmatchedReceipts());
        row(sb, "stray responses", result.strayResponses());
        row(sb, "binds lost during the run", result.connectionsLost());
        row(sb, "throughput, acked msg/s", result.throughputPerSecond());
        row(sb, "drain, ms", result.drainMillis());
        sb.append("</table>\n");
        if (!details.isEmpty()) {
            sb.append("<pre>");
            for (String d : details) {
                sb.append(escape(d)).append('\n');
            }
            sb.append("</pre>\n");
        }

        sb.append("<h2>Latency</h2>\n<p>Submit: from the intended send time of a submit_sm to its "
                + "submit_sm_resp (open loop: the time the schedule gave it, so stalls count against every "
                + "message they delayed). Receipt: from the same start to the deliver_sm receipt.</p>\n");
        sb.append("<table><tr><th class=\"l\">percentile</th>");
        for (double p : TABLE_PERCENTILES) {
            sb.append("<th>").append(p == 100 ? "max" : percentLabel(p)).append("</th>");
        }
        sb.append("<th>count</th></tr>\n");
        latencyRow(sb, "submit, us", result.submitMicros(), 1);
        if (receipts) {
            latencyRow(sb, "receipt, ms", result.receiptMicros(), 1000);
        }
        sb.append("</table>\n");
        figure(sb, percentileChart("submit_sm → submit_sm_resp latency by percentile", result.submitMicros(), 1,
                "µs"));
        if (receipts) {
            figure(sb, percentileChart("submit_sm → delivery receipt latency by percentile", result.receiptMicros(),
                    1000, "ms"));
        }
        sb.append("<h2>Throughput</h2>\n");
        figure(sb, throughputChart());
        sb.append("<p>Files: <a href=\"submit.hgrm\">submit.hgrm</a>, <a href=\"dlr.hgrm\">dlr.hgrm</a> "
                + "(HdrHistogram percentile distributions in microseconds), <a href=\"throughput.csv\">"
                + "throughput.csv</a>.</p>\n</body></html>\n");
        return sb.toString();
    }

    private static void figure(StringBuilder sb, String svg) {
        sb.append("<figure>\n").append(svg).append("</figure>\n");
    }

    private static void row(StringBuilder sb, String label, long value) {
        sb.append("<tr><td class=\"l\">").append(label).append("</td><td>").append(value).append("</td></tr>\n");
    }

    private static void latencyRow(StringBuilder sb, String label, Histogram h, double divisor) {
        sb.append("<tr><td class=\"l\">").append(escape(label)).append("</td>");
        for (double p : TABLE_PERCENTILES) {
            long v = h.getTotalCount() == 0 ? 0 : p == 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
            sb.append("<td>").append(divisor == 1 ? Long.toString(v)
                    : String.format(Locale.ROOT, "%.1f", v / divisor)).append("</td>");
        }
        sb.append("<td>").append(h.getTotalCount()).append("</td></tr>\n");
    }

    static String percentLabel(double p) {
        String s = String.format(Locale.ROOT, "%.6f", p).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }

    /** x = log10(1 / (1 - percentile)): 0 at 0%, 1 at 90%, 2 at 99%, 3 at 99.9%... */
    static double percentileX(double percentile) {
        double rest = 1 - percentile / 100;
        return rest <= 0 ? Double.POSITIVE_INFINITY : Math.log10(1 / rest);
    }

    static String percentileChart(String title, Histogram h, double divisor, String unit) {
        long count = h.getTotalCount();
        int maxX = (int) Math.max(2, Math.min(6, Math.ceil(Math.log10(Math.max(1, count)))));
        List<SvgChart.Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= maxX; i++) {
            ticks.add(new SvgChart.Tick(i, percentLabel(100 - 100 / Math.pow(10, i))));
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double maxY = 0;
        if (count > 0) {
            for (HistogramIterationValue v : h.percentiles(5)) {
                double x = Math.min(maxX, percentileX(v.getPercentileLevelIteratedTo()));
                double y = v.getValueIteratedTo() / divisor;
                xs.add(x);
                ys.add(y);
                maxY = Math.max(maxY, y);
                if (x >= maxX) {
                    break;
                }
            }
        }
        return new SvgChart(title, "percentile", "latency, " + unit, 900, 380)
                .x(0, maxX, ticks)
                .yFromZero(maxY, "")
                .add(new SvgChart.Series("latency (" + unit + ")", "#1f77b4", false, toArray(xs), toArray(ys)))
                .render();
    }

    String throughputChart() {
        List<Sample> samples = result.samples();
        int n = samples.size();
        double[] xs = new double[n];
        double[] acked = new double[n];
        double[] receiptsPerSecond = new double[n];
        double[] sent = new double[n];
        double max = 0;
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            xs[i] = s.second();
            acked[i] = s.ackedPerSecond();
            receiptsPerSecond[i] = s.receiptsPerSecond();
            sent[i] = s.sentPerSecond();
            max = Math.max(max, Math.max(acked[i], Math.max(receiptsPerSecond[i], sent[i])));
        }
        int lastSecond = Math.max(n, warmupSeconds + durationSeconds);
        double step = SvgChart.niceStep(lastSecond);
        List<SvgChart.Tick> ticks = new ArrayList<>();
        for (double t = 0; t <= lastSecond; t += Math.max(1, step)) {
            ticks.add(new SvgChart.Tick(t, SvgChart.number(t) + "s"));
        }
        SvgChart chart = new SvgChart("messages per second", "seconds since start", "msg/s", 900, 380)
                .x(0, lastSecond, ticks)
                .yFromZero(max, "")
                .add(new SvgChart.Series("acked/s", "#1f77b4", false, xs, acked))
                .add(new SvgChart.Series("sent/s", "#999999", true, xs, sent));
        if (receipts) {
            chart.add(new SvgChart.Series("receipts/s", "#2ca02c", false, xs, receiptsPerSecond));
        }
        if (warmupSeconds > 0) {
            chart.band(new SvgChart.Band(0, warmupSeconds, "warmup"));
        }
        if (lastSecond > warmupSeconds + durationSeconds) {
            chart.band(new SvgChart.Band(warmupSeconds + durationSeconds, lastSecond, "drain"));
        }
        return chart.render();
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
