package io.smsrouter.bench.jmh;

import io.smsrouter.core.policy.Consent;
import io.smsrouter.core.policy.LocalConsentRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The consent check a promo message of a {@code requireConsent} account pays,
 * {@link LocalConsentRegistry#inForce}, with {@code numbers} numbers that each have a consent of
 * one of 1,000 accounts (every fifth also a withdrawal for one sender name), on scattered 11-digit
 * numbers. {@code hit}: the number consented to the message's account; {@code miss}: the number
 * has no entry (a refusal); {@code withdrawnSender}: its sender withdrew. Queries cycle through
 * 65,536 pre-built ones with fresh strings (so the map reads at random, as traffic does; their
 * hash codes are cached after the first round, as the router's are not: add ~10 ns for hashing an
 * 11-digit destination once). {@code readQueryBaseline}: fetching a query and reading its
 * characters, the benchmark's own part (cache misses on 65,536 queries' strings that a router,
 * holding the message it just decoded, does not have).
 *
 * <p>Setup prints the heap the registry retains and bytes per number; without JMH:
 * {@code java -cp router-bench/target/router-bench.jar io.smsrouter.bench.jmh.ConsentBenchmark [numbers]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConsentBenchmark {
    private static final int QUERIES = 1 << 16;
    private static final int ACCOUNTS = 1_000;
    private static final long T = 1_780_000_000_000L;

    record Query(String accountId, String sender, String msisdn) {
        Query {
            accountId = new String(accountId);
            sender = new String(sender);
            msisdn = new String(msisdn);
        }
    }

    @State(Scope.Benchmark)
    public static class Data {
        @Param({"1000000"})
        public int numbers;

        LocalConsentRegistry registry;
        final Query[] hits = new Query[QUERIES];
        final Query[] misses = new Query[QUERIES];
        final Query[] withdrawn = new Query[QUERIES];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            long before = usedAfterGc();
            registry = fill(numbers);
            report(registry, usedAfterGc() - before);
            SplittableRandom random = new SplittableRandom(42);
            for (int q = 0; q < QUERIES; q++) {
                int n = random.nextInt(numbers);
                hits[q] = new Query(account(n), "Brand", msisdn(n));
                misses[q] = new Query(account(n), "Brand", Long.toString(80_000_000_000L + random.nextLong(1_000_000_000L)));
                int w = random.nextInt(numbers / 5) * 5;
                withdrawn[q] = new Query(account(w), "Sale", msisdn(w));
                check(registry.inForce(hits[q].accountId, hits[q].sender, hits[q].msisdn), "hit not in force");
                check(!registry.inForce(misses[q].accountId, misses[q].sender, misses[q].msisdn), "miss in force");
                check(!registry.inForce(withdrawn[q].accountId, withdrawn[q].sender, withdrawn[q].msisdn),
                        "withdrawn sender in force");
            }
        }

        Query next(Query[] qs) {
            return qs[i++ & (QUERIES - 1)];
        }
    }

    static String account(int n) {
        return "acct-" + (n % ACCOUNTS);
    }

    /** Scattered 11-digit numbers starting with 79 (a bijection of n below 10^9). */
    static String msisdn(int n) {
        return Long.toString(79_000_000_000L + (n * 2_654_435_761L) % 1_000_000_000L);
    }

    static LocalConsentRegistry fill(int numbers) {
        LocalConsentRegistry r = new LocalConsentRegistry();
        long id = 0;
        for (int n = 0; n < numbers; n++) {
            r.record(new Consent(++id, true, account(n), null, msisdn(n), "web", "form " + n, T, T, "api"));
            if (n % 5 == 0) {
                r.record(new Consent(++id, false, account(n), "Sale", msisdn(n), "sms", "", T + 1, T + 1, "api"));
            }
        }
        return r;
    }

    @Benchmark
    public boolean hit(Data d) {
        Query q = d.next(d.hits);
        return d.registry.inForce(q.accountId, q.sender, q.msisdn);
    }

    @Benchmark
    public boolean miss(Data d) {
        Query q = d.next(d.misses);
        return d.registry.inForce(q.accountId, q.sender, q.msisdn);
    }

    @Benchmark
    public boolean withdrawnSender(Data d) {
        Query q = d.next(d.withdrawn);
        return d.registry.inForce(q.accountId, q.sender, q.msisdn);
    }

    @Benchmark
    public int readQueryBaseline(Data d) {
        Query q = d.next(d.hits);
        // the query's characters too: a hit compares them, and a message's are in cache in the router
        return q.msisdn.charAt(q.msisdn.length() - 1) + q.accountId.charAt(q.accountId.length() - 1);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static void report(LocalConsentRegistry r, long retained) {
        System.out.printf(Locale.ROOT, "%nconsents: %d entries retain %.1f MB, %.1f bytes per entry%n",
                r.size(), retained / 1e6, retained / (double) r.size());
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap per number without JMH: {@code [numbers]}. */
    public static void main(String[] args) {
        int numbers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long before = usedAfterGc();
        LocalConsentRegistry r = fill(numbers);
        long retained = usedAfterGc() - before;
        report(r, retained);
        System.out.printf(Locale.ROOT, "%d numbers: %.1f bytes per number%n", numbers, retained / (double) numbers);
        Reference.reachabilityFence(r);
    }
}
