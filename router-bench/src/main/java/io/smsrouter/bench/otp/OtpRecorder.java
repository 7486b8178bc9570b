package io.smsrouter.bench.otp;

import io.smsrouter.bench.load.OpenLoopSchedule;
import io.smsrouter.smpp.pdu.CommandStatus;
import io.smsrouter.smpp.pdu.SmPdu;
import org.HdrHistogram.Histogram;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * What happened to the OTP stream, by phase. Every OTP message belongs to the phase whose window
 * holds its intended send time (its slot in the stream's {@link OpenLoopSchedule}); messages
 * outside every window (warmups, the gap between the phases) are counted nowhere. For each message
 * it records the time from that intended send time to its arrival at the operator simulator (the
 * latency that matters for a one-time code) and to its submit_sm_resp (the router's accepting
 * path: checks and journal, no queueing). It also counts the bulk messages that reached the
 * operator inside each window, by arrival time: the operator throughput the bulk got.
 *
 * <p>Called from three threads (the simulator's event loop through {@link #submitArrived}, the OTP
 * client's event loop, the bench's main thread); every method is synchronized, which costs nothing
 * at OTP rates and the operator's tps ceiling.
 */
public final class OtpRecorder implements SubmitTap.Listener {
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    /** The two halves of a run: the OTP stream alone, then beside a saturating bulk load. */
    public enum Phase {
        ALONE, BULK;

        /** As printed: {@code alone}, {@code bulk}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One phase's numbers.
     *
     * @param sent          OTP submit_sm written whose intended time fell in the window
     * @param acked         of those, answered with status 0
     * @param rejected      answered with another status
     * @param arrived       reached the operator (each message once)
     * @param arrivalMicros intended send time to arrival at the operator, microseconds
     * @param responseMicros intended send time to submit_sm_resp, microseconds
     * @param sendLagMicros intended send time to the write of the submit_sm: how late the OTP client
     *                      itself was (its timer, its thread's share of the cores), part of both others
     * @param routerMicros  actual write of the submit_sm to its arrival at the operator: the arrival
     *                      latency without the client's own lateness
     * @param bulkArrivals  bulk (non-OTP) submit_sm that reached the operator inside the window
     * @param windowNanos   length of the window, 0 when it was never set
     */
    public record PhaseResult(Phase phase, long sent, long acked, long rejected, long arrived, Histogram arrivalMicros,
                              Histogram responseMicros, Histogram sendLagMicros, Histogram routerMicros, long bulkArrivals,
                              long windowNanos) {

        /** Acked but never seen at the operator. */
        public long missing() {
            return Math.max(0, acked - arrived);
        }

        /** Bulk messages per second that reached the operator in the window. */
        public long bulkPerSecond() {
            return windowNanos <= 0 ? 0 : Math.round(bulkArrivals * 1e9 / windowNanos);
        }
    }

    private static final class Counts {
        long start;
        long end;
        boolean set;
        long sent;
        long acked;
        long rejected;
        long arrived;
        long bulkArrivals;
        final Histogram arrival = new Histogram(HIGHEST_MICROS, 3);
        final Histogram response = new Histogram(HIGHEST_MICROS, 3);
        final Histogram sendLag = new Histogram(HIGHEST_MICROS, 3);
        final Histogram router = new Histogram(HIGHEST_MICROS, 3);

        boolean holds(long nanos) {
            return set && nanos - start >= 0 && nanos - end < 0;
        }
    }

    private final OpenLoopSchedule schedule;
    private final Counts[] phases = {new Counts(), new Counts()};
    private final BitSet arrivedIndices = new BitSet();
    /** When each message was actually written, by index; 0 = not yet (or not recorded). */
    private long[] writtenAt = new long[1024];
    private long sentTotal;
    private long answeredTotal;
    private long ackedTotal;
    private long otpArrivals;
    private long duplicates;
    private long unsent;
    private long submitsSeen;

    public OtpRecorder(OpenLoopSchedule schedule) {
        this.schedule = schedule;
    }

    public OpenLoopSchedule schedule() {
        return schedule;
    }

    /** Sets the window of {@code phase}: intended send times in [start, end). */
    public synchronized void window(Phase phase, long startNanos, long endNanos) {
        if (endNanos - startNanos <= 0) {
            throw new IllegalArgumentException("a window must end after it starts");
        }
        Counts c = phases[phase.ordinal()];
        c.start = startNanos;
        c.end = endNanos;
        c.set = true;
    }

    /** The phase whose window holds {@code nanos}, or null. */
    public synchronized Phase phaseOf(long nanos) {
        Counts c = countsOf(nanos);
        return c == null ? null : Phase.values()[c == phases[0] ? 0 : 1];
    }

    private Counts countsOf(long nanos) {
        for (Counts c : phases) {
            if (c.holds(nanos)) {
                return c;
            }
        }
        return null;
    }

    /** A submit_sm reached the operator simulator at {@code nanoTime}: an OTP message of ours, or bulk. */
    @Override
    public void submitArrived(SmPdu submit, long nanoTime) {
        long index = OtpText.index(submit.shortMessage());
        if (index >= 0) {
            otpArrived(index, nanoTime);
        } else {
            bulkArrived(nanoTime);
        }
    }

    synchronized void otpArrived(long index, long nanoTime) {
        submitsSeen++;
        otpArrivals++;
        if (index > Integer.MAX_VALUE - 1 || arrivedIndices.get((int) index)) {
            duplicates++; // the router sent it twice (a retry after a lost response): the first arrival counts
            return;
        }
        arrivedIndices.set((int) index);
        long intended = schedule.intendedNanos(index);
        Counts c = countsOf(intended);
        if (c != null) {
            c.arrived++;
            record(c.arrival, nanoTime - intended);
            long written = index < writtenAt.length ? writtenAt[(int) index] : 0;
            if (written != 0) {
                record(c.router, nanoTime - written);
            }
        }
    }

    synchronized void bulkArrived(long nanoTime) {
        submitsSeen++;
        Counts c = countsOf(nanoTime);
        if (c != null) {
            c.bulkArrivals++;
        }
    }

    /** The OTP client wrote message {@code index} at {@code nanoTime}. */
    public synchronized void sent(long index, long nanoTime) {
        sentTotal++;
        long intended = schedule.intendedNanos(index);
        Counts c = countsOf(intended);
        if (c != null) {
            c.sent++;
            record(c.sendLag, nanoTime - intended);
            if (index < Integer.MAX_VALUE - 8) {
                if (index >= writtenAt.length) {
                    writtenAt = java.util.Arrays.copyOf(writtenAt,
                            (int) Math.min(Integer.MAX_VALUE - 8, Math.max(index + 1, 2L * writtenAt.length)));
                }
                writtenAt[(int) index] = nanoTime == 0 ? 1 : nanoTime;
            }
        }
    }

    /** Message {@code index} was answered with {@code status} at {@code nanoTime} (or its bind was lost: status nonzero). */
    public synchronized void answered(long index, int status, long nanoTime) {
        answeredTotal++;
        long intended = schedule.intendedNanos(index);
        Counts c = countsOf(intended);
        if (status == CommandStatus.ESME_ROK) {
            ackedTotal++;
            if (c != null) {
                c.acked++;
                record(c.response, nanoTime - intended);
            }
        } else if (c != null) {
            c.rejected++;
        }
    }

    /** Messages due in a window that the client never wrote (it fell behind, or its bind was gone). */
    public synchronized void unsent(long count) {
        unsent += count;
    }

    /** Every message written has its answer, and every acked one has reached the operator. */
    public synchronized boolean drained() {
        return answeredTotal >= sentTotal && arrivedIndices.cardinality() >= ackedTotal;
    }

    public synchronized PhaseResult result(Phase phase) {
        Counts c = phases[phase.ordinal()];
        return new PhaseResult(phase, c.sent, c.acked, c.rejected, c.arrived, c.arrival.copy(), c.response.copy(),
                c.sendLag.copy(), c.router.copy(), c.bulkArrivals, c.set ? c.end - c.start : 0);
    }

    /** Every submit_sm the tap saw, OTP and bulk: should equal the simulator's own count. */
    public synchronized long submitsSeen() {
        return submitsSeen;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long otpArrivals() {
        return otpArrivals;
    }

    public synchronized long sentTotal() {
        return sentTotal;
    }

    public synchronized long unsent() {
        return unsent;
    }

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, nanos / 1000)));
    }
}
