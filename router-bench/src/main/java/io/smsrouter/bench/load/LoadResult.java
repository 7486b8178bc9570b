package io.smsrouter.bench.load;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * What a run measured. Every count is of messages whose (intended) send time fell in the measured
 * period, wherever their response and receipt came: during it or in the drain after it.
 *
 * @param sent               submit_sm written
 * @param acked              answered with status 0
 * @param rejected           answered with another status (by status in {@code rejectedByStatus})
 * @param delivered          acked messages whose receipt came back
 * @param lost               acked messages whose receipt never came (0 when none were requested)
 * @param unanswered         sent but never answered (still in flight when the drain ended, or on a
 *                           connection that closed)
 * @param behind             open loop only: messages the schedule asked for that were never sent
 *                           because every window was full
 * @param receiptsTotal      every receipt received, warmup included
 * @param unmatchedReceipts  receipts whose id matched no acked message (duplicates, or ids the
 *                           endpoint never returned in a submit_sm_resp)
 * @param strayResponses     responses whose sequence number matched nothing outstanding
 * @param connectionsLost    binds closed by the peer before the end
 * @param measuredNanos      length of the measured period
 * @param drainMillis        how long the drain took
 * @param submitMicros       submit to submit_sm_resp latency, microseconds
 * @param receiptMicros      submit to receipt latency, microseconds
 * @param samples            one per second
 */
public record LoadResult(long sent, long acked, long rejected, Map<Integer, Long> rejectedByStatus, long delivered,
                         long lost, long unanswered, long behind, long receiptsTotal, long unmatchedReceipts,
                         long strayResponses, int connectionsLost, long measuredNanos, long drainMillis,
                         Histogram submitMicros, Histogram receiptMicros, List<Sample> samples) {

    /** Acked messages per second of the measured period. */
    public long throughputPerSecond() {
        return measuredNanos <= 0 ? 0 : Math.round(acked * 1e9 / measuredNanos);
    }
}
