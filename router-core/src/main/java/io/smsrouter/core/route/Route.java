package io.smsrouter.core.route;

import io.smsrouter.core.message.Message;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One line of the route table: conditions (all optional; absent means "any") and the operators
 * that may carry a matching message, used in turn.
 */
public final class Route {
    private final String sender;
    private final String prefix;
    private final String account;
    private final List<String> operators;
    private final int[] weights;
    private final AtomicInteger next = new AtomicInteger();

    public Route(String sender, String prefix, String account, List<String> operators) {
        this(sender, prefix, account, operators, List.of());
    }

    /**
     * @param weights each operator's share, in the order of {@code operators}; empty = equal shares
     */
    public Route(String sender, String prefix, String account, List<String> operators, List<Integer> weights) {
        if (operators == null || operators.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one operator");
        }
        if (weights != null && !weights.isEmpty() && weights.size() != operators.size()) {
            throw new IllegalArgumentException("a route needs one weight per operator");
        }
        this.sender = sender;
        this.prefix = prefix;
        this.account = account;
        this.operators = List.copyOf(operators);
        this.weights = new int[operators.size()];
        for (int i = 0; i < this.weights.length; i++) {
            int w = weights == null || weights.isEmpty() ? 1 : weights.get(i);
            if (w <= 0) {
                throw new IllegalArgumentException("weights must be positive");
            }
            this.weights[i] = w;
        }
    }

    public boolean matches(Message m) {
        return (sender == null || sender.equalsIgnoreCase(m.source()))
                && (prefix == null || destinationStartsWith(m.destination(), prefix))
                && (account == null || account.equals(m.accountId()));
    }

    /** The number starts with the prefix, a leading '+' ignored (without copying the number). */
    private static boolean destinationStartsWith(String d, String prefix) {
        return d.startsWith(prefix, !d.isEmpty() && d.charAt(0) == '+' ? 1 : 0);
    }

    /** The next operator by weight among all of the route's. */
    public String pickOperator() {
        return pickOperator(null);
    }

    /**
     * The next operator by weight among those {@code usable} accepts (null: all). When none is
     * usable, the pick among all of them: the message then waits in that operator's queue.
     *
     * <p>Over every run of (sum of weights) picks each operator gets exactly its weight: the
     * counter walks the residues modulo the sum with a stride coprime to it, so the shares are
     * also spread out instead of coming in blocks.
     */
    public String pickOperator(Predicate<String> usable) {
        int n = operators.size();
        if (n == 1) {
            return operators.get(0);
        }
        int total = 0;
        for (int i = 0; i < n; i++) {
            if (usable == null || usable.test(operators.get(i))) {
                total += weights[i];
            }
        }
        boolean any = total > 0;
        if (!any) {
            for (int w : weights) {
                total += w;
            }
        }
        long c = next.getAndIncrement() & 0x7fffffffL;
        int stride = total % 7919 == 0 ? 1 : 7919;
        int x = (int) ((c * stride) % total);
        for (int i = 0; i < n; i++) {
            if (any && usable != null && !usable.test(operators.get(i))) {
                continue;
            }
            x -= weights[i];
            if (x < 0) {
                return operators.get(i);
            }
        }
        return operators.get(n - 1);
    }

    /** True when {@code operatorId} is one of the route's operators. */
    public boolean uses(String operatorId) {
        return operators.contains(operatorId);
    }

    public List<String> operators() {
        return operators;
    }

    @Override
    public String toString() {
        return "Route[sender=" + sender + ", prefix=" + prefix + ", account=" + account + " -> " + operators + "]";
    }
}
