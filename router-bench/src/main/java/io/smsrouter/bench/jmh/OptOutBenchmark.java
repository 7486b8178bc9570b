package io.smsrouter.bench.jmh;

import io.smsrouter.core.policy.LocalOptOutRegistry;
import io.smsrouter.core.policy.OptOut;
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
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The opt-out check on every message's path, {@link LocalOptOutRegistry#isOptedOut}, with
 * {@code entries} opt-outs: 5% global, 15% account-wide, 80% for one sender, over 10,000 accounts
 * of 5 sender names each, on scattered 11-digit numbers (2% are a second entry on a number).
 * {@code hit}: the number is opted out for this message; {@code miss}: the number has no opt-out
 * at all (the common case); {@code otherAccount}: the number has account or sender opt-outs, but
 * of other accounts.
 * Queries cycle through 65,536 pre-built ones, so that the table is read at random, as traffic does.
 *
 * <p>{@code readQueryBaseline}: fetching a query and reading its number's digits, the part of
 * every lookup that is the benchmark's, not the table's.
 *
 * <p>Baseline ({@code naive*}): a {@code ConcurrentHashMap} key set of {@code "number"},
 * {@code "account|number"} and {@code "account|sender|number"} strings, asked up to three
 * times with keys built per message: the obvious implementation.
 *
 * <p>Each setup prints the heap the structure retains (used heap after full GCs, with it minus
 * without it) and bytes per entry; {@code main} prints the same without JMH:
 * {@code java -cp router-bench/target/router-bench.jar io.smsrouter.bench.jmh.OptOutBenchmark [entries] [naive]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER, "-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OptOutBenchmark {
    private static final int QUERIES = 1 << 16;
    private static final int ACCOUNTS = 10_000;
    private static final int SENDERS = 5;
    private static final String[] ACCOUNT_NAMES = new String[ACCOUNTS];
    private static final String[] SENDER_NAMES = new String[SENDERS];

    static {
        for (int a = 0; a < ACCOUNTS; a++) {
            ACCOUNT_NAMES[a] = "acct-" + a;
        }
        for (int s = 0; s < SENDERS; s++) {
            SENDER_NAMES[s] = "Brand" + s;
        }
    }

    /** The generated entries (entry {@code i} is a pure function of {@code i}) and the queries. */
    @State(Scope.Benchmark)
    public static class Data {
        @Param({"10000000"})
        public int entries;

        final Query[] hits = new Query[QUERIES];
        final Query[] misses = new Query[QUERIES];
        final Query[] otherAccounts = new Query[QUERIES];

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom random = new SplittableRandom(42);
            for (int q = 0; q < QUERIES; q++) {
                OptOut o = entry(random.nextInt(entries));
                // fresh strings, as a message brings: equals() compares chars, not references
                hits[q] = new Query(o.accountId() == null ? someAccount(random) : o.accountId(),
                        o.sender() == null ? SENDER_NAMES[random.nextInt(SENDERS)] : o.sender().toUpperCase(Locale.ROOT),
                        o.msisdn());
                misses[q] = new Query(someAccount(random), SENDER_NAMES[random.nextInt(SENDERS)],
                        Long.toString(80_000_000_000L + random.nextLong(10_000_000_000L)));
                int j;
                do {
                    j = random.nextInt(entries);
                } while (!noGlobalOnNumber(j));
                OptOut notGlobal = entry(j);
                otherAccounts[q] = new Query("other-" + notGlobal.accountId(), SENDER_NAMES[random.nextInt(SENDERS)],
                        notGlobal.msisdn());
            }
        }
    }

    record Query(String accountId, String sender, String msisdn) {
        Query {
            accountId = new String(accountId);
            sender = new String(sender);
            msisdn = new String(msisdn);
        }
    }

    @State(Scope.Benchmark)
    public static class Local {
        LocalOptOutRegistry registry;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            long before = usedAfterGc();
            registry = fill(data.entries);
            report("local", registry.size(), usedAfterGc() - before, registry.toString());
            for (Query q : data.hits) {
                check(registry.isOptedOut(q.accountId, q.sender, q.msisdn), "hit not found", q);
            }
            for (Query q : data.misses) {
                check(!registry.isOptedOut(q.accountId, q.sender, q.msisdn), "miss found", q);
            }
            for (Query q : data.otherAccounts) {
                check(!registry.isOptedOut(q.accountId, q.sender, q.msisdn), "other account found", q);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Naive {
        Set<String> keys;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            long before = usedAfterGc();
            keys = fillNaive(data.entries);
            report("naive", keys.size(), usedAfterGc() - before, "ConcurrentHashMap key set");
            for (Query q : data.hits) {
                check(naiveIsOptedOut(keys, q), "naive hit not found", q);
            }
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int next() {
            int i = next;
            next = (i + 1) & (QUERIES - 1);
            return i;
        }
    }

    @Benchmark
    public boolean hit(Local local, Data data, Cursor cursor) {
        Query q = data.hits[cursor.next()];
        return local.registry.isOptedOut(q.accountId, q.sender, q.msisdn);
    }

    @Benchmark
    public boolean miss(Local local, Data data, Cursor cursor) {
        Query q = data.misses[cursor.next()];
        return local.registry.isOptedOut(q.accountId, q.sender, q.msisdn);
    }

    @Benchmark
    public boolean otherAccount(Local local, Data data, Cursor cursor) {
        Query q = data.otherAccounts[cursor.next()];
        return local.registry.isOptedOut(q.accountId, q.sender, q.msisdn);
    }

    /** What every lookup pays before the table: fetch the query and read the number's digits. */
    @Benchmark
    public int readQueryBaseline(Data data, Cursor cursor) {
        Query q = data.misses[cursor.next()];
        String msisdn = q.msisdn;
        int sum = q.accountId.length() + q.sender.length();
        for (int i = 0; i < msisdn.length(); i++) {
            sum += msisdn.charAt(i);
        }
        return sum;
    }

    @Benchmark
    public boolean naiveHit(Naive naive, Data data, Cursor cursor) {
        return naiveIsOptedOut(naive.keys, data.hits[cursor.next()]);
    }

    @Benchmark
    public boolean naiveMiss(Naive naive, Data data, Cursor cursor) {
        return naiveIsOptedOut(naive.keys, data.misses[cursor.next()]);
    }

    private static boolean naiveIsOptedOut(Set<String> keys, Query q) {
        return keys.contains(q.msisdn) || keys.contains(q.accountId + '|' + q.msisdn)
                || keys.contains(q.accountId + '|' + q.sender.toLowerCase(Locale.ROOT) + '|' + q.msisdn);
    }

    // ---------------------------------------------------------------- data

    /**
     * Entry {@code i}, drawn from {@code i}: distinct numbers ({@code i * 7777777777 mod 10^10} is
     * one to one), except that one entry in 50 is a sender opt-out on the number of the entry
     * before it, so that some numbers have several entries, as with a subscriber who stops several
     * senders.
     */
    static OptOut entry(int i) {
        SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
        long atMs = 1_700_000_000_000L + i;
        boolean second = i % 50 == 49;
        String msisdn = Long.toString(70_000_000_000L + (second ? i - 1 : i) * 7_777_777_777L % 10_000_000_000L);
        int kind = second ? 99 : r.nextInt(100);
        if (kind < 5) {
            return OptOut.global(msisdn, atMs, "admin");
        }
        String account = ACCOUNT_NAMES[r.nextInt(ACCOUNTS)];
        if (kind < 20) {
            return OptOut.account(account, msisdn, atMs, "api");
        }
        return OptOut.sender(account, SENDER_NAMES[r.nextInt(SENDERS)], msisdn, atMs, "mo:STOP");
    }

    /** Whether no entry makes {@code entry(i)}'s number opted out for every account. */
    private static boolean noGlobalOnNumber(int i) {
        return entry(i).accountId() != null && (i % 50 != 49 || entry(i - 1).accountId() != null);
    }

    private static String someAccount(SplittableRandom random) {
        return ACCOUNT_NAMES[random.nextInt(ACCOUNTS)];
    }

    static LocalOptOutRegistry fill(int entries) {
        LocalOptOutRegistry registry = new LocalOptOutRegistry();
        for (int i = 0; i < entries; i++) {
            registry.add(entry(i));
        }
        return registry;
    }

    static Set<String> fillNaive(int entries) {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < entries; i++) {
            OptOut o = entry(i);
            keys.add(o.accountId() == null ? o.msisdn()
                    : o.sender() == null ? o.accountId() + '|' + o.msisdn()
                    : o.accountId() + '|' + o.sender() + '|' + o.msisdn());
        }
        return keys;
    }

    private static void check(boolean ok, String what, Query q) {
        if (!ok) {
            throw new IllegalStateException(what + ": " + q);
        }
    }

    private static void report(String what, long size, long retained, String detail) {
        System.out.printf(Locale.ROOT, "%n%s: %d entries retain %.1f MB, %.1f bytes per entry (%s)%n",
                what, size, retained / 1e6, retained / (double) size, detail);
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

    /** Heap per entry without JMH: {@code [entries] [naive]}. */
    public static void main(String[] args) {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        boolean naive = args.length > 1 && args[1].equals("naive");
        long before = usedAfterGc();
        long t0 = System.nanoTime();
        Object keep;
        if (naive) {
            Set<String> keys = fillNaive(entries);
            keep = keys;
            report("naive", keys.size(), usedAfterGc() - before, "ConcurrentHashMap key set");
        } else {
            LocalOptOutRegistry registry = fill(entries);
            keep = registry;
            report("local", registry.size(), usedAfterGc() - before, registry.toString());
        }
        System.out.printf(Locale.ROOT, "filled in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Reference.reachabilityFence(keep);
    }
}
