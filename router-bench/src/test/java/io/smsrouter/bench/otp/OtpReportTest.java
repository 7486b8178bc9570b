package io.smsrouter.bench.otp;

import io.smsrouter.bench.load.LoadResult;
import io.smsrouter.bench.otp.OtpRecorder.Phase;
import io.smsrouter.bench.otp.OtpRecorder.PhaseResult;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OtpReportTest {

    private static Histogram uniform(long from, long to) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (long v = from; v <= to; v++) {
            h.recordValue(v);
        }
        return h;
    }

    private static PhaseResult phase(Phase p, long sent, long arrived, Histogram arrival) {
        return new PhaseResult(p, sent, sent, 0, arrived, arrival, uniform(1, 100), uniform(1, 10), uniform(1, 50), 30_000,
                15_000_000_000L);
    }

    private static LoadResult load(long acked) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        return new LoadResult(acked + 7, acked, 7, Map.of(0x14, 7L), 0, acked, 0, 0, 0, 0, 0, 0, 20_000_000_000L, 10,
                h, h, List.of());
    }

    @Test
    void shouldPrintAPhaseLineInTheAgreedShape() {
        String line = OtpReport.phaseLine(phase(Phase.ALONE, 1000, 1000, uniform(1, 1000)));
        assertThat(line).isEqualTo("otp: phase=alone sent=1000 p50=500us p99=990us p999=999us max=1000us arrived=1000 "
                + "rejected=0 missing=0 resp_p99=99us send_lag_p99=10us write_to_arrival_p99=50us");
        assertThat(line).matches("otp: phase=(alone|bulk) sent=\\d+ p50=\\d+us p99=\\d+us p999=\\d+us .*");
    }

    @Test
    void shouldDivideTheBulkP99ByTheAloneOne() {
        PhaseResult alone = phase(Phase.ALONE, 1000, 1000, uniform(1, 1000));
        PhaseResult bulk = phase(Phase.BULK, 1000, 1000, uniform(1001, 2000));
        assertThat(OtpReport.p99Ratio(alone, bulk)).isCloseTo(1990.0 / 990, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(OtpReport.ratioLine(alone, bulk)).isEqualTo("otp: p99 ratio bulk/alone=2.01 (target <= 2: missed)");
        PhaseResult slightlyWorse = phase(Phase.BULK, 1000, 1000, uniform(1, 1500));
        assertThat(OtpReport.ratioLine(alone, slightlyWorse)).isEqualTo("otp: p99 ratio bulk/alone=1.50 (target <= 2: met)");
    }

    @Test
    void shouldSayNaWhenAPhaseHasNoLatency() {
        Histogram empty = new Histogram(3_600_000_000L, 3);
        PhaseResult alone = phase(Phase.ALONE, 0, 0, empty);
        PhaseResult bulk = phase(Phase.BULK, 1000, 1000, uniform(1, 1000));
        assertThat(OtpReport.p99Ratio(alone, bulk)).isNaN();
        assertThat(OtpReport.ratioLine(alone, bulk)).isEqualTo("otp: p99 ratio bulk/alone=n/a");
        assertThat(OtpReport.ratioLine(bulk, alone)).isEqualTo("otp: p99 ratio bulk/alone=n/a");
        assertThat(OtpReport.phaseLine(alone)).startsWith("otp: phase=alone sent=0 p50=0us p99=0us p999=0us max=0us");
    }

    @Test
    void shouldPrintWhatTheBulkGot() {
        PhaseResult bulk = phase(Phase.BULK, 1000, 1000, uniform(1, 1000));
        assertThat(OtpReport.bulkLine(bulk, 2000, load(400_000))).isEqualTo(
                "otp: bulk phase: bulk_to_operator=2000 msg/s operator_tps=2000 bulk_accepted=20000 msg/s "
                        + "bulk_rejected=7 status_0x00000014=7");
        assertThat(OtpReport.bulkLine(bulk, 0, load(1))).contains("operator_tps=unlimited");
        assertThat(OtpReport.lines(bulk, bulk, 2000, load(1))).hasSize(4);
    }

    @Test
    void shouldFailTheRunWhenAnOtpMessageWentMissingOrAPhaseIsEmpty() {
        PhaseResult alone = phase(Phase.ALONE, 1000, 1000, uniform(1, 1000));
        PhaseResult bulk = phase(Phase.BULK, 1000, 1000, uniform(1, 1000));
        assertThat(OtpReport.exitCode(alone, bulk, load(5))).as("bulk receipts lost do not count").isZero();
        assertThat(OtpReport.exitCode(alone, phase(Phase.BULK, 1000, 999, uniform(1, 1000)), load(5))).isEqualTo(1);
        assertThat(OtpReport.exitCode(phase(Phase.ALONE, 0, 0, uniform(1, 2)), bulk, load(5))).isEqualTo(1);
        assertThat(OtpReport.exitCode(alone, bulk, load(0))).isEqualTo(1);
    }

    @Test
    void shouldCallBulkReceiptsTheRouterStillHoldsWaitingAndOnlyTheRestMissing() {
        assertThat(OtpReport.backlogLine(35_608, 97_000, 2000, 10))
                .isEqualTo("otp: bulk receipts not back by the drain's end: 35608 (the summary's lost); the router still"
                        + " holds 97000 messages without their receipt forwarded, behind the operator's 2000 msg/s:"
                        + " waiting, not lost (a longer --drain-seconds than 10 waits for them)");
        assertThat(OtpReport.backlogLine(500, 120, 2000, 10))
                .endsWith("holds 120 messages without their receipt forwarded: 380 more than it holds are missing");
    }
}
