package io.smsrouter.bench.load;

/**
 * One second of a run (the last one may be shorter), as the progress line shows it and the
 * throughput chart draws it. Rates cover every message of that interval, warmup included, per
 * second of its actual length.
 *
 * @param second           seconds since the load started at the end of the interval, rounded up
 *                         (1 = the first second)
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
