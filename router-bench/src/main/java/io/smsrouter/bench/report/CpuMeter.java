package io.smsrouter.bench.report;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU time each part of this process spent over the measured period, from its threads' CPU
 * clocks: the load client ({@code load-io}, {@code otp-io} and the bench's {@code main}), the
 * operator simulator ({@code simulator-io}), the router (its SMPP loops {@code smpp-io} and every
 * other thread of its: HTTP, checkpoint, housekeeping, Chronicle's), and the JVM's own threads
 * (garbage collector, JIT compilers: the process's CPU time less all Java threads'), which the
 * parts share.
 *
 * <p>Divided by the messages of the period it says what one message costs each part: on a
 * machine whose cores are all busy, the throughput of {@code --direct} over the routed one is
 * about (router + simulator + load) / (simulator + load), which is how far the router's overhead
 * ratio can go there.
 */
public final class CpuMeter {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startCpu = new HashMap<>();
    private long startProcessNanos;
    private long startWallNanos;
    private Result result;

    /** The measured period begins. */
    public synchronized void start() {
        startCpu.clear();
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu >= 0) {
                startCpu.put(id, cpu);
            }
        }
        startProcessNanos = processCpuNanos();
        startWallNanos = System.nanoTime();
        result = null;
    }

    /** The measured period ends; without {@link #start} before, nothing is measured. */
    public synchronized void stop() {
        if (startWallNanos == 0) {
            return;
        }
        long wall = System.nanoTime() - startWallNanos;
        long process = processCpuNanos() - startProcessNanos;
        Map<String, Long> parts = new LinkedHashMap<>();
        for (String p : new String[]{"router", "smpp-io", "simulator", "load"}) {
            parts.put(p, 0L);
        }
        long javaThreads = 0;
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0 || infos[i] == null) {
                continue; // ended, or not measurable
            }
            long spent = cpu - startCpu.getOrDefault(ids[i], 0L);
            javaThreads += spent;
            String part = partOf(infos[i].getThreadName());
            parts.merge(part, spent, Long::sum);
            if (part.equals("router") && infos[i].getThreadName().startsWith("smpp-io")) {
                parts.merge("smpp-io", spent, Long::sum);
            }
        }
        parts.put("jvm", Math.max(0, process - javaThreads));
        result = new Result(parts, process, wall);
    }

    /** What {@link #stop} measured, or null. */
    public synchronized Result result() {
        return result;
    }

    static String partOf(String threadName) {
        if (threadName.startsWith("simulator-io")) {
            return "simulator";
        }
        if (threadName.startsWith("load-io") || threadName.startsWith("otp-io") || threadName.equals("main")) {
            return "load";
        }
        return "router";
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** CPU nanoseconds per part ({@code router} includes {@code smpp-io}), the process's and the period's length. */
    public record Result(Map<String, Long> nanosByPart, long processNanos, long wallNanos) {

        /**
         * {@code cpu: router=Xus/msg (smpp-io Y) simulator=... load=... jvm=... process=... cores_busy=N},
         * per message of {@code messages}. Without the router in this process ({@code routed} false:
         * {@code --direct}, {@code --target}) its part is left out and the few other threads there
         * count as the JVM's; a part that spent nothing (no simulator with {@code --target}) is left out.
         */
        public String line(long messages, boolean routed) {
            StringBuilder sb = new StringBuilder("cpu:");
            long m = Math.max(1, messages);
            for (String part : new String[]{"router", "simulator", "load", "jvm"}) {
                long nanos = nanosByPart.getOrDefault(part, 0L);
                if (part.equals("router") && !routed) {
                    continue;
                }
                if (part.equals("jvm") && !routed) {
                    nanos += nanosByPart.getOrDefault("router", 0L);
                }
                if (nanos == 0 && !part.equals("jvm")) {
                    continue;
                }
                sb.append(' ').append(part).append('=').append(perMessage(nanos, m)).append("us/msg");
                if (part.equals("router")) {
                    sb.append(" (smpp-io ").append(perMessage(nanosByPart.getOrDefault("smpp-io", 0L), m)).append(')');
                }
            }
            sb.append(" process=").append(perMessage(processNanos, m)).append("us/msg cores_busy=")
                    .append(String.format(Locale.ROOT, "%.2f", wallNanos == 0 ? 0.0 : (double) processNanos / wallNanos));
            return sb.toString();
        }

        private static String perMessage(long nanos, long messages) {
            return String.format(Locale.ROOT, "%.2f", nanos / 1000.0 / messages);
        }
    }
}
