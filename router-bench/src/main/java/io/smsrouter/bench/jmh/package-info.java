/**
 * JMH micro-benchmarks ({@code scripts/jmh [regex]}), each with a baseline beside it that does the
 * same work minus the thing measured, so that the difference is the cost of that thing. Every class
 * runs one fork with the Chronicle Queue JVM flags of scripts/lib.sh, 3 warmup and 5 measured
 * iterations of a second. Add {@code -prof gc} to see allocation per operation.
 */
package io.smsrouter.bench.jmh;
