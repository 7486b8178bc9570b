package io.smsrouter.bench.jmh;

import io.smsrouter.core.message.Message;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The route decision, {@link RouteTable#select}, over a table of {@code routes} routes (the
 * default route included), laid out as a configured table would be: a per-sender route every 10th
 * line and a per-account route every 10th (half of each also restricted to a prefix), destination
 * prefix routes of 4 to 7 digits everywhere else, one line in 8 split over 2 or 3 operators by
 * weight, and a weighted default route last. Prefixes are unique and none is a prefix of another,
 * so each message matches exactly the route it is meant to; setup checks that it does.
 *
 * <ul>
 *   <li>{@code early}: messages whose destination matches the route on line 1 (a weighted one);
 *   <li>{@code middle}: the weighted prefix route in the middle of the table;
 *   <li>{@code defaultRoute}: only the default route matches, so every line is tried (the worst case);
 *   <li>{@code defaultRoutePlus}: the same with a {@code +} before the number, as SMPP clients may send;
 *   <li>{@code *Usable}: the same with the engine's kind of {@code usable} predicate (a map from
 *       operator to its bound count, one operator of each weighted route being down).
 * </ul>
 * Each case cycles through 256 messages of different numbers.
 *
 * <p>{@code senderMapBaseline}: a {@code HashMap} from sender to operator asked for the message's
 * sender, the cost of a decision that does not depend on the size of the table.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class RouteBenchmark {
    private static final int MESSAGES = 256;
    private static final int OPERATOR_COUNT = 20;
    private static final String[] OPERATORS = new String[OPERATOR_COUNT];
    /** The operator with no live bind: the first of every weighted route's operators. */
    private static final String DOWN = "op01";
    /** No prefix of the table starts with this, so these numbers reach the default route. */
    private static final String UNROUTED_COUNTRY = "44";

    static {
        for (int i = 0; i < OPERATOR_COUNT; i++) {
            OPERATORS[i] = String.format("op%02d", i);
        }
    }

    /** Lines in the table, the default route included. */
    @Param({"10", "1000", "10000"})
    public int routes;

    private RouteTable table;
    private Predicate<String> usable;
    private Map<String, String> operatorBySender;

    private final Message[] early = new Message[MESSAGES];
    private final Message[] middle = new Message[MESSAGES];
    private final Message[] fallback = new Message[MESSAGES];
    private final Message[] fallbackPlus = new Message[MESSAGES];
    private final Message[] bySender = new Message[MESSAGES];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        if (routes < 4) {
            throw new IllegalArgumentException("routes: at least 4");
        }
        SplittableRandom random = new SplittableRandom(42);
        Prefixes prefixes = new Prefixes(random);
        int earlyLine = 1;
        int middleLine = (routes - 1) / 2;
        if (middleLine % 10 == 0 || middleLine % 10 == 5) {
            middleLine++; // a pure prefix route, not a sender or account one
        }
        List<Route> list = new ArrayList<>(routes);
        String[] prefixOf = new String[routes];
        List<String> senders = new ArrayList<>();
        for (int i = 0; i < routes - 1; i++) {
            boolean target = i == earlyLine || i == middleLine;
            List<String> ops;
            List<Integer> weights;
            if (target || i % 8 == 3) {
                ops = i % 3 == 0 && !target
                        ? List.of(DOWN, OPERATORS[2 + i % 18], OPERATORS[2 + (i + 7) % 18])
                        : List.of(DOWN, OPERATORS[2 + i % 18]);
                weights = ops.size() == 3 ? List.of(50, 30, 20) : List.of(70, 30);
            } else {
                ops = List.of(OPERATORS[2 + i % 18]);
                weights = List.of();
            }
            String sender = null;
            String prefix = null;
            String account = null;
            if (!target && i % 10 == 0) {
                sender = "Brand" + i;
                senders.add(sender);
                prefix = i % 20 == 0 ? prefixes.next() : null;
            } else if (!target && i % 10 == 5) {
                account = "acct-" + i;
                prefix = i % 20 == 5 ? prefixes.next() : null;
            } else {
                prefix = prefixes.next();
            }
            prefixOf[i] = prefix;
            list.add(new Route(sender, prefix, account, ops, weights));
        }
        list.add(new Route(null, null, null, List.of(DOWN, OPERATORS[0]), List.of(80, 20)));
        table = new RouteTable(list);

        Map<String, AtomicInteger> boundCount = new HashMap<>();
        for (String op : OPERATORS) {
            boundCount.put(op, new AtomicInteger(op.equals(DOWN) ? 0 : 2));
        }
        usable = id -> {
            AtomicInteger c = boundCount.get(id);
            return c != null && c.get() > 0;
        };

        operatorBySender = new HashMap<>();
        for (int i = 0; i < routes; i++) {
            String s = i < senders.size() ? senders.get(i) : "Sender" + i;
            operatorBySender.put(s, OPERATORS[i % OPERATOR_COUNT]);
        }
        List<String> senderKeys = new ArrayList<>(operatorBySender.keySet());

        long now = System.currentTimeMillis();
        for (int i = 0; i < MESSAGES; i++) {
            early[i] = message(i, number(prefixOf[earlyLine], random), now);
            middle[i] = message(i, number(prefixOf[middleLine], random), now);
            String unrouted = number(UNROUTED_COUNTRY, random);
            fallback[i] = message(i, unrouted, now);
            fallbackPlus[i] = message(i, "+" + unrouted, now);
            bySender[i] = new Message(i, "acct-shop", "", 5, 0,
                    new String(senderKeys.get(random.nextInt(senderKeys.size()))), 1, 1, unrouted,
                    0, 0, 0, "", "", 1, 0, Messages.TEXT, null, now);
        }
        check(early, list.get(earlyLine));
        check(middle, list.get(middleLine));
        check(fallback, list.get(routes - 1));
        check(fallbackPlus, list.get(routes - 1));
        for (Message m : bySender) {
            if (operatorBySender.get(m.source()) == null) {
                throw new IllegalStateException("baseline sender missing: " + m.source());
            }
        }
    }

    /** A message of a sender and an account that no per-sender or per-account route names. */
    private static Message message(long id, String destination, long now) {
        return new Message(id, "acct-shop", "", 5, 0, "Shop", 1, 1, destination, 0, 0, 0, "", "", 1, 0,
                Messages.TEXT, null, now);
    }

    /** An 11-digit number (12 with a 2-digit country code) starting with {@code prefix}. */
    private static String number(String prefix, SplittableRandom random) {
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() < 11) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }

    private void check(Message[] messages, Route expected) {
        for (Message m : messages) {
            Route r = table.routeOf(m);
            if (r != expected) {
                throw new IllegalStateException(m.destination() + " takes " + r + ", not " + expected);
            }
        }
    }

    /**
     * Random prefixes of 4 to 7 digits, none equal to nor a prefix of another, none starting with
     * {@link #UNROUTED_COUNTRY}.
     */
    private static final class Prefixes {
        private final SplittableRandom random;
        private final Set<String> taken = new HashSet<>();
        private final Set<String> heads = new HashSet<>();

        Prefixes(SplittableRandom random) {
            this.random = random;
        }

        String next() {
            while (true) {
                int length = 4 + random.nextInt(4);
                StringBuilder b = new StringBuilder(length);
                b.append((char) ('1' + random.nextInt(9)));
                while (b.length() < length) {
                    b.append((char) ('0' + random.nextInt(10)));
                }
                String p = b.toString();
                if (p.startsWith(UNROUTED_COUNTRY) || heads.contains(p) || taken.contains(p)) {
                    continue;
                }
                boolean shadowed = false;
                for (int k = 4; k < p.length() && !shadowed; k++) {
                    shadowed = taken.contains(p.substring(0, k));
                }
                if (shadowed) {
                    continue;
                }
                taken.add(p);
                for (int k = 4; k < p.length(); k++) {
                    heads.add(p.substring(0, k));
                }
                return p;
            }
        }
    }

    private Message nextOf(Message[] messages) {
        Message m = messages[next];
        next = (next + 1) & (MESSAGES - 1);
        return m;
    }

    @Benchmark
    public String early() {
        return table.select(nextOf(early), null);
    }

    @Benchmark
    public String earlyUsable() {
        return table.select(nextOf(early), usable);
    }

    @Benchmark
    public String middle() {
        return table.select(nextOf(middle), null);
    }

    @Benchmark
    public String middleUsable() {
        return table.select(nextOf(middle), usable);
    }

    @Benchmark
    public String defaultRoute() {
        return table.select(nextOf(fallback), null);
    }

    @Benchmark
    public String defaultRouteUsable() {
        return table.select(nextOf(fallback), usable);
    }

    @Benchmark
    public String defaultRoutePlus() {
        return table.select(nextOf(fallbackPlus), null);
    }

    @Benchmark
    public String senderMapBaseline() {
        return operatorBySender.get(nextOf(bySender).source());
    }
}
