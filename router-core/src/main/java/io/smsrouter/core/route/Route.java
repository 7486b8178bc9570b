package io.smsrouter.core.route;

import io.smsrouter.core.message.Message;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One line of the route table: conditions (all optional; absent means "any") and the operators
 * that may carry a matching message, used in turn.
 */
public final class Route {
    private final String sender;
    private final String prefix;
    private final String account;
    private final List<String> operators;
    private final AtomicInteger next = new AtomicInteger();

    public Route(String sender, String prefix, String account, List<String> operators) {
        if (operators == null || operators.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one operator");
        }
        this.sender = sender;
        this.prefix = prefix;
        this.account = account;
        this.operators = List.copyOf(operators);
    }

    public boolean matches(Message m) {
        return (sender == null || sender.equalsIgnoreCase(m.source()))
                && (prefix == null || normalizedDestination(m.destination()).startsWith(prefix))
                && (account == null || account.equals(m.accountId()));
    }

    private static String normalizedDestination(String d) {
        return d.startsWith("+") ? d.substring(1) : d;
    }

    public String pickOperator() {
        int n = operators.size();
        return n == 1 ? operators.get(0) : operators.get(Math.floorMod(next.getAndIncrement(), n));
    }

    public List<String> operators() {
        return operators;
    }

    @Override
    public String toString() {
        return "Route[sender=" + sender + ", prefix=" + prefix + ", account=" + account + " -> " + operators + "]";
    }
}
