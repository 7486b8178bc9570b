package io.smsrouter.bench.otp;

import io.smsrouter.bench.load.OpenLoopSchedule;
import io.smsrouter.bench.otp.OtpRecorder.Phase;
import io.smsrouter.bench.otp.OtpRecorder.PhaseResult;
import io.smsrouter.smpp.pdu.CommandId;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.SmPdu;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtpRecorderTest {
    private static final long MS = 1_000_000L;
    private static final long START = 5_000 * MS;

    /** 1000 msg/s from START: message i is due at START + i ms. Alone: messages 10..19, bulk: 30..39. */
    private static OtpRecorder recorder() {
        OtpRecorder r = new OtpRecorder(new OpenLoopSchedule(START, 1000));
        r.window(Phase.ALONE, START + 10 * MS, START + 20 * MS);
        r.window(Phase.BULK, START + 30 * MS, START + 40 * MS);
        return r;
    }

    private static long due(long index) {
        return START + index * MS;
    }

    @Test
    void shouldPutEachMessageInThePhaseOfItsIntendedTime() {
        OtpRecorder r = recorder();
        assertThat(r.phaseOf(due(9))).isNull();
        assertThat(r.phaseOf(due(10))).isEqualTo(Phase.ALONE);
        assertThat(r.phaseOf(due(19))).isEqualTo(Phase.ALONE);
        assertThat(r.phaseOf(due(20))).as("end excluded").isNull();
        assertThat(r.phaseOf(due(35))).isEqualTo(Phase.BULK);
        assertThat(r.phaseOf(due(40))).isNull();
    }

    @Test
    void shouldTimeArrivalAndResponseFromTheIntendedSendTimeNotTheActualOne() {
        OtpRecorder r = recorder();
        for (long i = 0; i < 50; i++) {
            r.sent(i, due(i) + 100_000);                     // written 100 us late
            r.answered(i, CommandStatus.ESME_ROK, due(i) + MS); // answered 1 ms after its slot
            long late = i >= 30 ? 20 * MS : 2 * MS;           // reaches the operator 2 ms, under bulk 20 ms, after its slot
            r.otpArrived(i, due(i) + late);
        }
        PhaseResult alone = r.result(Phase.ALONE);
        PhaseResult bulk = r.result(Phase.BULK);
        assertThat(alone.sent()).isEqualTo(10);
        assertThat(alone.acked()).isEqualTo(10);
        assertThat(alone.arrived()).isEqualTo(10);
        assertThat(alone.missing()).isZero();
        assertThat(alone.arrivalMicros().getTotalCount()).isEqualTo(10);
        assertThat(alone.arrivalMicros().getValueAtPercentile(99)).isBetween(1999L, 2001L);
        assertThat(alone.responseMicros().getValueAtPercentile(50)).isBetween(999L, 1001L);
        assertThat(alone.sendLagMicros().getValueAtPercentile(50)).isBetween(99L, 101L);
        assertThat(alone.routerMicros().getValueAtPercentile(50)).as("written 0.1 ms late, arrived 2 ms after the slot")
                .isBetween(1899L, 1901L);
        assertThat(bulk.arrived()).isEqualTo(10);
        assertThat(bulk.arrivalMicros().getValueAtPercentile(50)).isBetween(19_980L, 20_020L);
        assertThat(r.sentTotal()).isEqualTo(50);
        assertThat(r.otpArrivals()).isEqualTo(50);
        assertThat(r.drained()).isTrue();
    }

    @Test
    void shouldCountASecondArrivalAsADuplicateAndTimeTheFirst() {
        OtpRecorder r = recorder();
        r.sent(12, due(12));
        r.answered(12, CommandStatus.ESME_ROK, due(12) + MS);
        r.otpArrived(12, due(12) + 3 * MS);
        r.otpArrived(12, due(12) + 900 * MS);
        PhaseResult alone = r.result(Phase.ALONE);
        assertThat(alone.arrived()).isEqualTo(1);
        assertThat(alone.arrivalMicros().getMaxValue()).isBetween(2_999L, 3_001L);
        assertThat(r.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldCountRejectedAndMissingMessages() {
        OtpRecorder r = recorder();
        r.sent(31, due(31));
        r.sent(32, due(32));
        r.sent(33, due(33));
        r.answered(31, CommandStatus.ESME_RMSGQFUL, due(31) + MS);
        r.answered(32, CommandStatus.ESME_ROK, due(32) + MS);
        assertThat(r.drained()).as("33 unanswered").isFalse();
        r.answered(33, CommandStatus.ESME_ROK, due(33) + MS);
        assertThat(r.drained()).as("32 and 33 acked, not arrived").isFalse();
        r.otpArrived(32, due(32) + 2 * MS);
        PhaseResult bulk = r.result(Phase.BULK);
        assertThat(bulk.sent()).isEqualTo(3);
        assertThat(bulk.rejected()).isEqualTo(1);
        assertThat(bulk.acked()).isEqualTo(2);
        assertThat(bulk.missing()).isEqualTo(1);
        r.otpArrived(33, due(33) + 2 * MS);
        assertThat(r.drained()).isTrue();
        assertThat(r.result(Phase.BULK).missing()).isZero();
    }

    @Test
    void shouldCountBulkArrivalsByArrivalTimeInEachWindow() {
        OtpRecorder r = recorder();
        r.submitArrived(bulkSubmit(), due(5));   // before any window
        r.submitArrived(bulkSubmit(), due(15));  // alone window: should stay empty in a real run
        for (int i = 0; i < 40; i++) {
            r.submitArrived(bulkSubmit(), due(30) + i * MS / 4);
        }
        r.submitArrived(otpSubmit(35), due(35) + MS);
        PhaseResult bulk = r.result(Phase.BULK);
        assertThat(bulk.bulkArrivals()).isEqualTo(40);
        assertThat(bulk.windowNanos()).isEqualTo(10 * MS);
        assertThat(bulk.bulkPerSecond()).isEqualTo(4000);
        assertThat(bulk.arrived()).isEqualTo(1);
        assertThat(r.result(Phase.ALONE).bulkArrivals()).isEqualTo(1);
        assertThat(r.submitsSeen()).isEqualTo(43);
    }

    @Test
    void shouldReportAnUnsetWindowAsEmpty() {
        OtpRecorder r = new OtpRecorder(new OpenLoopSchedule(START, 1000));
        PhaseResult bulk = r.result(Phase.BULK);
        assertThat(bulk.windowNanos()).isZero();
        assertThat(bulk.bulkPerSecond()).isZero();
        assertThat(r.phaseOf(START)).isNull();
        assertThatThrownBy(() -> r.window(Phase.ALONE, START, START)).isInstanceOf(IllegalArgumentException.class);
    }

    private static SmPdu bulkSubmit() {
        return new SmPdu(CommandId.SUBMIT_SM).shortMessage("Load test message".getBytes(StandardCharsets.US_ASCII));
    }

    private static SmPdu otpSubmit(long index) {
        return new SmPdu(CommandId.SUBMIT_SM).shortMessage(OtpText.of(index));
    }
}
