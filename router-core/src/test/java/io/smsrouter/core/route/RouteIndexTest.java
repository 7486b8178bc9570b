package io.smsrouter.core.route;

import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large route table decides through its index: for random tables mixing every kind of
 * condition and random messages, the route it picks is always the one the line-by-line scan
 * picks (the first that matches), including none.
 */
class RouteIndexTest {
    private static final String[] SENDERS = {"Shop", "SHOP", "shop", "Bank", "Ba*", "*nk", "Sh*p", "Taxi", "Шоп", "шоп"};
    private static final String[] PREFIXES = {"7", "79", "791", "7916", "79161", "44", "447", "1", "+7", "7a"};
    private static final String[] ACCOUNTS = {"a1", "a2", "a3"};
    private static final String[] SOURCES = {"Shop", "shop", "BANK", "Bank", "Banksy", "Taxi", "ШОП", "Other", "Ship"};
    private static final String[] NUMBERS = {"79161234567", "+79161234567", "79031234567", "447700900123",
            "12025550123", "7", "", "+", "7a1", "33612345678"};

    @Test
    void shouldPickTheFirstMatchingRouteExactlyAsTheLinearScanDoes() {
        SplittableRandom random = new SplittableRandom(7);
        int decisions = 0;
        for (int t = 0; t < 200; t++) {
            int size = RouteTable.INDEX_FROM + random.nextInt(300);
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                routes.add(randomRoute(random, i));
            }
            if (random.nextBoolean()) {
                routes.add(new Route(null, null, null, List.of("default")));
            }
            RouteTable table = new RouteTable(routes);
            for (int k = 0; k < 200; k++) {
                Message m = message(random);
                TrafficClass cls = random.nextInt(4) == 0 ? null : TrafficClass.values()[random.nextInt(4)];
                Route expected = null;
                for (Route r : routes) {
                    if (r.matches(m, cls)) {
                        expected = r;
                        break;
                    }
                }
                assertThat(table.routeOf(m, cls)).as("table %d message %s/%s/%s class %s", t, m.source(),
                        m.destination(), m.accountId(), cls).isSameAs(expected);
                decisions++;
            }
        }
        assertThat(decisions).isEqualTo(40_000);
    }

    @Test
    void shouldStillHonourLineOrderWhenAnEarlierUnindexedRouteMatches() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("Ba*", null, null, List.of("pattern")));
        for (int i = 10; i < 50; i++) {
            routes.add(new Route(null, "7916" + i, null, List.of("p" + i)));
        }
        routes.add(new Route("Bank", null, null, List.of("exact")));
        routes.add(new Route(null, "7", null, List.of("seven")));
        routes.add(new Route(null, null, null, List.of("default")));
        RouteTable table = new RouteTable(routes);
        assertThat(table.select(msg("Bank", "79161234", "a1"))).isEqualTo("pattern");
        assertThat(table.select(msg("Shop", "791612", "a1"))).isEqualTo("p12");
        assertThat(table.select(msg("Shop", "+791612", "a1"))).isEqualTo("p12");
        assertThat(table.select(msg("Shop", "7999", "a1"))).isEqualTo("seven");
        assertThat(table.select(msg("Shop", "4477", "a1"))).isEqualTo("default");
    }

    private static Route randomRoute(SplittableRandom r, int i) {
        String sender = r.nextInt(3) == 0 ? SENDERS[r.nextInt(SENDERS.length)] : null;
        String prefix = r.nextInt(2) == 0 ? PREFIXES[r.nextInt(PREFIXES.length)] + (r.nextBoolean() ? "" : r.nextInt(10))
                : null;
        String account = r.nextInt(4) == 0 ? ACCOUNTS[r.nextInt(ACCOUNTS.length)] : null;
        TrafficClass category = r.nextInt(6) == 0 ? TrafficClass.values()[r.nextInt(4)] : null;
        return new Route(sender, prefix, account, category, List.of("op" + i), List.of());
    }

    private static Message message(SplittableRandom r) {
        return msg(SOURCES[r.nextInt(SOURCES.length)], NUMBERS[r.nextInt(NUMBERS.length)],
                ACCOUNTS[r.nextInt(ACCOUNTS.length)]);
    }

    private static Message msg(String from, String to, String account) {
        return new Message(1, account, "", 5, 0, from, 1, 1, to, 0, 0, 0, "", "", 0, 0, new byte[]{'x'},
                new byte[0], 0);
    }
}
