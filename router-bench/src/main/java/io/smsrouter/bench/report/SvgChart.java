package io.smsrouter.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart rendered as inline SVG, so that the report needs no script and no network:
 * axes with given or "nice" ticks, any number of series, and shaded bands (the warmup, the drain).
 */
final class SvgChart {
    record Tick(double value, String label) {
    }

    record Series(String name, String color, boolean dashed, double[] xs, double[] ys) {
    }

    record Band(double from, double to, String label) {
    }

    private static final int LEFT = 80;
    private static final int RIGHT = 44;
    private static final int TOP = 54;
    private static final int BOTTOM = 50;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final int width;
    private final int height;
    private double xMin;
    private double xMax = 1;
    private List<Tick> xTicks = List.of();
    private double yMin;
    private double yMax = 1;
    private List<Tick> yTicks = List.of();
    private final List<Series> series = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();

    SvgChart(String title, String xLabel, String yLabel, int width, int height) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.width = width;
        this.height = height;
    }

    SvgChart x(double min, double max, List<Tick> ticks) {
        this.xMin = min;
        this.xMax = max > min ? max : min + 1;
        this.xTicks = ticks;
        return this;
    }

    /** A y axis from 0 to a round number at or above {@code maxValue}, with 4 to 10 ticks. */
    SvgChart yFromZero(double maxValue, String unit) {
        double step = niceStep(maxValue <= 0 ? 1 : maxValue);
        double top = Math.max(step, Math.ceil(maxValue / step) * step);
        List<Tick> ticks = new ArrayList<>();
        for (double v = 0; v <= top + step / 2; v += step) {
            ticks.add(new Tick(v, number(v) + unit));
        }
        this.yMin = 0;
        this.yMax = top;
        this.yTicks = ticks;
        return this;
    }

    SvgChart add(Series s) {
        series.add(s);
        return this;
    }

    SvgChart band(Band b) {
        bands.add(b);
        return this;
    }

    /** 1, 2 or 5 times a power of ten, so that {@code max} spans 4 to 10 steps. */
    static double niceStep(double max) {
        double raw = max / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            long l = (long) v;
            if (l != 0 && l % 1_000_000 == 0) {
                return (l / 1_000_000) + "M";
            }
            if (l != 0 && l % 1000 == 0 && Math.abs(l) >= 10_000) {
                return (l / 1000) + "k";
            }
            return Long.toString(l);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private double px(double x) {
        return LEFT + (x - xMin) / (xMax - xMin) * (width - LEFT - RIGHT);
    }

    private double py(double y) {
        return height - BOTTOM - (y - yMin) / (yMax - yMin) * (height - TOP - BOTTOM);
    }

    String render() {
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        text(sb, width / 2.0, 20, "middle", "font-size=\"15\" font-weight=\"bold\"", title);
        double plotTop = py(yMax);
        double plotBottom = py(yMin);
        for (Band b : bands) {
            double x0 = px(Math.max(xMin, b.from()));
            double x1 = px(Math.min(xMax, b.to()));
            if (x1 > x0) {
                sb.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#eee\"/>\n",
                        x0, plotTop, x1 - x0, plotBottom - plotTop));
                text(sb, (x0 + x1) / 2, plotTop + 14, "middle", "fill=\"#888\"", b.label());
            }
        }
        for (Tick t : yTicks) {
            double y = py(t.value());
            line(sb, LEFT, y, width - RIGHT, y, "#ddd", false);
            text(sb, LEFT - 6, y + 4, "end", "", t.label());
        }
        for (Tick t : xTicks) {
            double x = px(t.value());
            line(sb, x, plotTop, x, plotBottom, "#ddd", false);
            text(sb, x, plotBottom + 16, "middle", "", t.label());
        }
        line(sb, LEFT, plotBottom, width - RIGHT, plotBottom, "#444", false);
        line(sb, LEFT, plotTop, LEFT, plotBottom, "#444", false);
        text(sb, (LEFT + width - RIGHT) / 2.0, height - 10, "middle", "", xLabel);
        sb.append(String.format(Locale.ROOT,
                "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">%s</text>\n",
                (plotTop + plotBottom) / 2, (plotTop + plotBottom) / 2, HtmlReport.escape(yLabel)));
        int legendX = LEFT + 10;
        for (Series s : series) {
            if (s.xs().length == 0) {
                continue;
            }
            sb.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"");
            if (s.dashed()) {
                sb.append(" stroke-dasharray=\"6 4\"");
            }
            sb.append(" points=\"");
            for (int i = 0; i < s.xs().length; i++) {
                double y = Math.min(yMax, Math.max(yMin, s.ys()[i]));
                sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(s.xs()[i]), py(y)));
            }
            sb.append("\"/>\n");
            line(sb, legendX, TOP - 16, legendX + 18, TOP - 16, s.color(), s.dashed());
            text(sb, legendX + 22, TOP - 12, "start", "", s.name());
            legendX += 30 + 7 * s.name().length();
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String color,
                             boolean dashed) {
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n", x1, y1, x2, y2, color,
                dashed ? " stroke-dasharray=\"6 4\" stroke-width=\"2\"" : ""));
    }

    private static void text(StringBuilder sb, double x, double y, String anchor, String attrs, String s) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>\n",
                x, y, anchor, attrs, HtmlReport.escape(s)));
    }
}
