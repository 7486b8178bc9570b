package io.smsrouter.bench.otp;

import io.smsrouter.bench.load.OpenLoopSchedule;
import io.smsrouter.bench.otp.OtpRecorder.Phase;
import io.smsrouter.bench.otp.OtpRecorder.PhaseResult;
import io.smsrouter.smpp.simulator.SimulatorSettings;
import io.smsrouter.smpp.simulator.SmscSimulator;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OtpStreamTest {

    @Test
    void shouldMapSequenceNumbersBackToIndices() {
        assertThat(OtpStream.sequenceOf(0)).isEqualTo(1);
        assertThat(OtpStream.sequenceOf(41)).isEqualTo(42);
        assertThat(OtpStream.sequenceOf(0x7FFFFFFEL)).isEqualTo(0x7FFFFFFF);
        assertThat(OtpStream.sequenceOf(0x7FFFFFFFL)).as("wraps to 1, never 0").isEqualTo(1);
        assertThat(OtpStream.indexOf(42, 100)).isEqualTo(41);
        assertThat(OtpStream.indexOf(1, 0x7FFFFFFFL + 5)).isEqualTo(0x7FFFFFFFL);
        assertThat(OtpStream.indexOf(0x7FFFFFFF, 0x7FFFFFFFL + 5)).isEqualTo(0x7FFFFFFEL);
        assertThat(OtpStream.destination(3)).isEqualTo("79990000003");
    }

    /**
     * The stream straight into a simulator whose event loops are tapped: every message is sent on
     * schedule and seen once at the simulator, timed from its slot, and the tap sees exactly what
     * the simulator counts.
     */
    @Test
    void shouldReachATappedSimulatorWithEveryMessageTimed() throws Exception {
        OtpRecorder[] holder = new OtpRecorder[1];
        SubmitTap.Group group = SubmitTap.group("simulator-io", 1, (submit, nanoTime) -> holder[0].submitArrived(submit, nanoTime));
        SmscSimulator sim = new SmscSimulator(new SimulatorSettings("127.0.0.1", 0, null, null, 0, 0, 100, 0, 0, 0,
                65536), group);
        try {
            InetSocketAddress a = sim.start();
            try (OtpStream otp = new OtpStream("127.0.0.1", a.getPort(), "otp", "pw", 8)) {
                otp.connect(5_000);
                OpenLoopSchedule schedule = new OpenLoopSchedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10),
                        500);
                OtpRecorder rec = new OtpRecorder(schedule);
                holder[0] = rec;
                long ms = TimeUnit.MILLISECONDS.toNanos(1);
                rec.window(Phase.ALONE, schedule.startNanos(), schedule.startNanos() + 200 * ms);
                rec.window(Phase.BULK, schedule.startNanos() + 200 * ms, schedule.startNanos() + 400 * ms);
                otp.start(rec, schedule.startNanos() + 400 * ms);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (rec.sentTotal() < 200 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(OtpStream.awaitDrained(rec, 5_000)).isTrue();
                PhaseResult alone = rec.result(Phase.ALONE);
                PhaseResult bulk = rec.result(Phase.BULK);
                assertThat(alone.sent()).isEqualTo(100);
                assertThat(bulk.sent()).isEqualTo(100);
                assertThat(alone.arrived()).isEqualTo(100);
                assertThat(bulk.arrived()).isEqualTo(100);
                assertThat(alone.acked() + bulk.acked()).isEqualTo(200);
                assertThat(alone.arrivalMicros().getMaxValue()).isLessThan(TimeUnit.SECONDS.toMicros(5));
                assertThat(rec.duplicates()).isZero();
                assertThat(rec.submitsSeen()).isEqualTo(sim.submitCount()).isEqualTo(200);
                assertThat(group.tapped()).isEqualTo(1);
            }
        } finally {
            sim.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
        }
    }
}
