package io.smsrouter.bench.report;

import io.smsrouter.bench.load.LoadResult;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryTest {

    private static LoadResult result(long acked, long delivered, long lost, Histogram submit, Histogram dlr) {
        return new LoadResult(acked, acked, 0, Map.of(), delivered, lost, 0, 0, delivered, 0, 0, 0,
                2_000_000_000L, 5, submit, dlr, List.of());
    }

    @Test
    void shouldPrintTheSpecifiedSummaryLine() {
        Histogram submit = new Histogram(3_600_000_000L, 3);
        for (int i = 1; i <= 1000; i++) {
            submit.recordValue(i);
        }
        Histogram dlr = new Histogram(3_600_000_000L, 3);
        dlr.recordValue(2_400);
        Summary s = Summary.of(result(1000, 1000, 0, submit, dlr));
        assertThat(s.line()).isEqualTo("bench: sent=1000 acked=1000 delivered=1000 lost=0 throughput=500 msg/s "
                + "submit_p50=500us submit_p99=990us submit_p999=999us dlr_p99=2ms");
        assertThat(s.line()).matches("bench: sent=\\d+ acked=\\d+ delivered=\\d+ lost=\\d+ throughput=\\d+ msg/s "
                + "submit_p50=\\d+us submit_p99=\\d+us submit_p999=\\d+us dlr_p99=\\d+ms");
        assertThat(s.exitCode()).isZero();
    }

    @Test
    void shouldPrintZeroLatenciesAndFailWhenNothingWasAcked() {
        Histogram empty = new Histogram(3_600_000_000L, 3);
        Summary s = Summary.of(result(0, 0, 0, empty, empty));
        assertThat(s.line()).endsWith("throughput=0 msg/s submit_p50=0us submit_p99=0us submit_p999=0us dlr_p99=0ms");
        assertThat(s.exitCode()).isEqualTo(1);
    }

    @Test
    void shouldFailWhenAReceiptWasLost() {
        Histogram h = new Histogram(3_600_000_000L, 3);
        h.recordValue(100);
        assertThat(Summary.of(result(10, 9, 1, h, h)).exitCode()).isEqualTo(1);
    }
}
