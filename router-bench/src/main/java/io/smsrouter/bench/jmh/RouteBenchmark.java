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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link RouteTable#select} over a table of {@code routes} destination-prefix routes (Russian
 * mobile prefixes 79xx spread over four operators) ending in a default route, for a stream of
 * messages of which some match an early route, some a late one and some only the default.
 * {@code defaultRouteBaseline}: a table holding the default route alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class RouteBenchmark {
    private static final String[] OPERATORS = {"opA", "opB", "opC", "opD"};
    private static final int MESSAGES = 1024;

    @Param({"50"})
    public int routes;

    private RouteTable table;
    private RouteTable defaultOnly;
    private final Message[] messages = new Message[MESSAGES];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> prefixes = new ArrayList<>();
        List<Route> list = new ArrayList<>();
        for (int i = 0; i < routes; i++) {
            // 79xx mobile prefixes, each one unique: 7910, 7911, ... 7959 for 50 routes
            String prefix = "79" + (10 + i);
            prefixes.add(prefix);
            list.add(new Route(null, prefix, null, List.of(OPERATORS[i % OPERATORS.length])));
        }
        Route fallback = new Route(null, null, null, List.of("opA"));
        list.add(fallback);
        table = new RouteTable(list);
        defaultOnly = new RouteTable(List.of(fallback));
        long now = System.currentTimeMillis();
        for (int i = 0; i < MESSAGES; i++) {
            // every prefix of the table comes up; one message in four only the default route takes
            String head = i % 4 == 3 ? "7495" : prefixes.get(i * 7 % routes);
            StringBuilder destination = new StringBuilder(head);
            while (destination.length() < 11) {
                destination.append((char) ('0' + (i + destination.length()) % 10));
            }
            messages[i] = Messages.typical(i, destination.toString(), now);
        }
    }

    private Message nextMessage() {
        Message m = messages[next];
        next = (next + 1) & (MESSAGES - 1);
        return m;
    }

    @Benchmark
    public String select() {
        return table.select(nextMessage());
    }

    @Benchmark
    public String defaultRouteBaseline() {
        return defaultOnly.select(nextMessage());
    }
}
