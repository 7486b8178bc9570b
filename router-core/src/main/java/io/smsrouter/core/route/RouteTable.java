package io.smsrouter.core.route;

import io.smsrouter.core.message.Message;

import java.util.List;

/** Ordered routes; the first that matches wins. Immutable. */
public final class RouteTable {
    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The operator for this message, or null when no route matches. */
    public String select(Message m) {
        for (Route r : routes) {
            if (r.matches(m)) {
                return r.pickOperator();
            }
        }
        return null;
    }

    public List<Route> routes() {
        return routes;
    }
}
