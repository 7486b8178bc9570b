package io.smsrouter.core.route;

import io.smsrouter.core.message.Message;

import java.util.List;
import java.util.function.Predicate;

/** Ordered routes; the first that matches wins. Immutable. */
public final class RouteTable {
    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The operator for this message, or null when no route matches. */
    public String select(Message m) {
        return select(m, null);
    }

    /**
     * The operator for this message among those {@code usable} accepts (null: all); when none of
     * its route's operators is usable, one of them all the same (the message waits for it). Null
     * when no route matches.
     */
    public String select(Message m, Predicate<String> usable) {
        return select(m, null, usable);
    }

    /** {@link #select(Message, Predicate)} for a message of traffic class {@code cls} (routes may ask for one). */
    public String select(Message m, io.smsrouter.core.account.TrafficClass cls, Predicate<String> usable) {
        for (Route r : routes) {
            if (r.matches(m, cls)) {
                return r.pickOperator(usable);
            }
        }
        return null;
    }

    /** The route a message takes (the first that matches), or null. */
    public Route routeOf(Message m) {
        return routeOf(m, null);
    }

    /** The route a message of traffic class {@code cls} takes, or null. */
    public Route routeOf(Message m, io.smsrouter.core.account.TrafficClass cls) {
        for (Route r : routes) {
            if (r.matches(m, cls)) {
                return r;
            }
        }
        return null;
    }

    public List<Route> routes() {
        return routes;
    }
}
