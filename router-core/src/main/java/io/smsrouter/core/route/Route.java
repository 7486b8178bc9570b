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
    /** The sender condition when it is a pattern ({@code *} for any characters), else null. */
    private final java.util.regex.Pattern senderPattern;
    private final io.smsrouter.core.account.TrafficClass category;
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
        this(sender, prefix, account, null, operators, weights);
    }

    /**
     * @param sender   the sender name, ignoring case; {@code *} in it stands for any characters
     *                 ({@code Shop*}, {@code *Bank}); null = any
     * @param category the message's traffic class; null = any
     */
    public Route(String sender, String prefix, String account, io.smsrouter.core.account.TrafficClass category,
                 List<String> operators, List<Integer> weights) {
        if (operators == null || operators.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one operator");
        }
        if (weights != null && !weights.isEmpty() && weights.size() != operators.size()) {
            throw new IllegalArgumentException("a route needs one weight per operator");
        }
        this.sender = sender;
        this.senderPattern = sender != null && sender.indexOf('*') >= 0 ? glob(sender) : null;
        this.category = category;
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

    /** Whether the message matches, whatever its class (a route with a category matches no message here). */
    public boolean matches(Message m) {
        return matches(m, null);
    }

    /** Whether the message, of traffic class {@code cls}, meets every condition of the route. */
    public boolean matches(Message m, io.smsrouter.core.account.TrafficClass cls) {
        return (category == null || category == cls)
                && (sender == null || (senderPattern == null ? sender.equalsIgnoreCase(m.source())
                : senderPattern.matcher(m.source()).matches()))
                && (prefix == null || destinationStartsWith(m.destination(), prefix))
                && (account == null || account.equals(m.accountId()));
    }

    private static java.util.regex.Pattern glob(String s) {
        StringBuilder re = new StringBuilder();
        int from = 0;
        for (int star = s.indexOf('*'); star >= 0; star = s.indexOf('*', from)) {
            re.append(java.util.regex.Pattern.quote(s.substring(from, star))).append(".*");
            from = star + 1;
        }
        re.append(java.util.regex.Pattern.quote(s.substring(from)));
        return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.CASE_INSENSITIVE
                | java.util.regex.Pattern.UNICODE_CASE | java.util.regex.Pattern.DOTALL);
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

    /** The sender condition when it is an exact name (no {@code *}), else null. */
    String exactSender() {
        return senderPattern == null ? sender : null;
    }

    /** The sender condition as configured (exact or pattern), or null. */
    public String sender() {
        return sender;
    }

    public String prefix() {
        return prefix;
    }

    public String account() {
        return account;
    }

    public io.smsrouter.core.account.TrafficClass category() {
        return category;
    }

    /** Each operator's share, in the order of {@link #operators()}. */
    public List<Integer> weights() {
        List<Integer> w = new java.util.ArrayList<>(weights.length);
        for (int x : weights) {
            w.add(x);
        }
        return w;
    }

    @Override
    public String toString() {
        return "Route[sender=" + sender + ", prefix=" + prefix + ", account=" + account + " -> " + operators + "]";
    }
}
