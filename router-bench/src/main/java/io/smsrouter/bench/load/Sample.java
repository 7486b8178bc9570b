package io.smsrouter.bench.load;

/**
 * One second of a run, as the progress line shows it and the throughput chart draws it. Counts
 * cover every message of that second, warmup included.
 *
 * @param second           seconds since the load started (1 = the first second)
 * @param phase            warmup, run or drain
 * @param sentPerSecond    submit_sm written
 * @param ackedPerSecond   submit_sm_resp with status 0
 * @param receiptsPerSecond delivery receipts received
 * @param inFlight         submit_sm unanswered at the end of the second
 * @param submitP99Micros  submit to response p99 of this second's responses
 */
public record Sample(int second, String phase, long sentPerSecond, long ackedPerSecond, long receiptsPerSecond,
                     long inFlight, long submitP99Micros) {
}
