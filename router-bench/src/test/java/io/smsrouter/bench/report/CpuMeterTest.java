package io.smsrouter.bench.report;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The CPU line of the bench: each part's threads counted to it, per message, over the measured period only. */
class CpuMeterTest {

    @Test
    void shouldCountEachThreadToItsPart() {
        assertThat(CpuMeter.partOf("simulator-io-3-1")).isEqualTo("simulator");
        assertThat(CpuMeter.partOf("load-io-5-1")).isEqualTo("load");
        assertThat(CpuMeter.partOf("otp-io-6-1")).isEqualTo("load");
        assertThat(CpuMeter.partOf("main")).isEqualTo("load");
        assertThat(CpuMeter.partOf("smpp-io-2-1")).isEqualTo("router");
        assertThat(CpuMeter.partOf("router-checkpoint")).isEqualTo("router");
        assertThat(CpuMeter.partOf("http-io-4-1")).isEqualTo("router");
    }

    @Test
    void shouldSayWhatOneMessageCostEachPart() {
        CpuMeter.Result r = new CpuMeter.Result(Map.of("router", 5_000_000L, "smpp-io", 4_000_000L,
                "simulator", 1_000_000L, "load", 1_500_000L, "jvm", 500_000L), 8_000_000L, 4_000_000L);
        assertThat(r.line(1000, true)).isEqualTo("cpu: router=5.00us/msg (smpp-io 4.00) simulator=1.00us/msg "
                + "load=1.50us/msg jvm=0.50us/msg process=8.00us/msg cores_busy=2.00");
        assertThat(r.line(1000, false)).as("no router in this process: its few other threads count as the JVM's")
                .isEqualTo("cpu: simulator=1.00us/msg load=1.50us/msg jvm=5.50us/msg process=8.00us/msg cores_busy=2.00");
    }

    @Test
    void shouldMeasureOnlyThePeriodBetweenStartAndStop() throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        long[] spun = new long[1];
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (busy.get()) {
                x += System.nanoTime() & 7; // burn CPU
            }
            spun[0] = x;
        }, "simulator-io-9-1");
        spinner.start();
        Thread.sleep(300); // CPU spent before the period: not counted
        CpuMeter meter = new CpuMeter();
        meter.start();
        Thread.sleep(400);
        meter.stop();
        busy.set(false);
        spinner.join();
        CpuMeter.Result r = meter.result();
        long simulator = r.nanosByPart().get("simulator");
        assertThat(simulator).as("the spinning thread's CPU time in the period")
                .isGreaterThan(40_000_000L) // at least a tenth of the 400 ms, on a busy machine
                .isLessThan(r.wallNanos() + 50_000_000L); // one thread: at most the period
        assertThat(r.nanosByPart().get("router")).as("no router thread here").isLessThan(simulator);
        // the process's CPU clock counts in ticks of 10 ms
        assertThat(r.processNanos()).isGreaterThanOrEqualTo(simulator - 30_000_000L);
        assertThat(r.wallNanos()).isBetween(390_000_000L, 5_000_000_000L);
    }
}
