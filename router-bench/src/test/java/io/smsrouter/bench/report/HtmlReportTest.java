package io.smsrouter.bench.report;

import io.smsrouter.bench.load.LoadResult;
import io.smsrouter.bench.load.Sample;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {
    @TempDir
    Path dir;

    @Test
    void shouldPlacePercentilesOnALogScale() {
        assertThat(HtmlReport.percentileX(0)).isEqualTo(0);
        assertThat(HtmlReport.percentileX(90)).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(HtmlReport.percentileX(99.9)).isCloseTo(3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(HtmlReport.percentLabel(99.9)).isEqualTo("99.9%");
        assertThat(HtmlReport.percentLabel(90)).isEqualTo("90%");
    }

    @Test
    void shouldWriteASelfContainedPageAndBothDistributions() throws Exception {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(i);
        }
        LoadResult r = new LoadResult(10, 10, 0, Map.of(), 10, 0, 0, 0, 10, 0, 0, 0, 1_000_000_000L, 3, h, h,
                List.of(new Sample(1, "warmup", 5, 5, 5, 0, 10), new Sample(2, "run", 10, 10, 10, 0, 20)));
        new HtmlReport("mode=direct", Summary.of(r), r, List.of("simulator: <x>"), 1, 1, true).writeTo(dir);
        String html = Files.readString(dir.resolve("index.html"));
        assertThat(html).contains("<svg", "bench: sent=10", "simulator: &lt;x&gt;", "99.9%")
                .doesNotContain("<script", "<link", "http://cdn", "https://");
        assertThat(Files.readString(dir.resolve("submit.hgrm"))).contains("Value", "Percentile", "#[Mean");
        assertThat(dir.resolve("dlr.hgrm")).exists();
        assertThat(Files.readString(dir.resolve("throughput.csv"))).startsWith("second,phase,");
    }
}
