package io.smsrouter.core.route;

import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.message.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Ordered routes; the first that matches wins. Immutable: a reload builds a new table.
 *
 * <p>A small table is tried line by line. A large one ({@value #INDEX_FROM} routes or more) is
 * indexed, so a decision does not try every line: each route is filed under its most selective
 * condition (an exact sender name, else digit-only destination prefix in a digit trie, else the
 * account), and the routes with none of those (sender patterns, a category alone, the default
 * route) are tried in order. A message looks up its sender, walks its number's digits through
 * the trie and looks up its account; in each list it finds the first route that matches, and the
 * lowest line number found wins, which is exactly the line the linear scan would stop at.
 */
public final class RouteTable {
    /** From this many routes on, decisions go through the index. */
    static final int INDEX_FROM = 16;
    private static final int[] NONE = new int[0];

    private final List<Route> routes;
    private final Route[] lines;
    private final boolean indexed;
    /** Line numbers, ascending, of routes with an exact sender name, by that name ignoring case. */
    private final TreeMap<String, int[]> bySender = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, int[]> byAccount = new HashMap<>();
    private final Node trie = new Node();
    /** Routes with no indexed condition, ascending. */
    private final int[] unindexed;

    /** A digit of a prefix; {@code lines}: the routes whose prefix ends here. */
    private static final class Node {
        final Node[] next = new Node[10];
        int[] lines = NONE;
    }

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        this.lines = this.routes.toArray(new Route[0]);
        this.indexed = lines.length >= INDEX_FROM;
        List<Integer> rest = new ArrayList<>();
        if (indexed) {
            Map<String, List<Integer>> senders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            Map<String, List<Integer>> accounts = new HashMap<>();
            Map<Node, List<Integer>> nodes = new HashMap<>();
            for (int i = 0; i < lines.length; i++) {
                Route r = lines[i];
                String sender = r.exactSender();
                String prefix = r.prefix();
                if (sender != null) {
                    senders.computeIfAbsent(sender, k -> new ArrayList<>()).add(i);
                } else if (prefix != null && !prefix.isEmpty() && prefix.chars().allMatch(RouteTable::isDigit)) {
                    Node n = trie;
                    for (int k = 0; k < prefix.length(); k++) {
                        int d = prefix.charAt(k) - '0';
                        if (n.next[d] == null) {
                            n.next[d] = new Node();
                        }
                        n = n.next[d];
                    }
                    nodes.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
                } else if (r.account() != null) {
                    accounts.computeIfAbsent(r.account(), k -> new ArrayList<>()).add(i);
                } else {
                    rest.add(i);
                }
            }
            senders.forEach((k, v) -> bySender.put(k, ints(v)));
            accounts.forEach((k, v) -> byAccount.put(k, ints(v)));
            nodes.forEach((n, v) -> n.lines = ints(v));
        }
        this.unindexed = ints(rest);
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
    public String select(Message m, TrafficClass cls, Predicate<String> usable) {
        Route r = routeOf(m, cls);
        return r == null ? null : r.pickOperator(usable);
    }

    /** The route a message takes (the first that matches), or null. */
    public Route routeOf(Message m) {
        return routeOf(m, null);
    }

    /** The route a message of traffic class {@code cls} takes, or null. */
    public Route routeOf(Message m, TrafficClass cls) {
        if (!indexed) {
            for (Route r : lines) {
                if (r.matches(m, cls)) {
                    return r;
                }
            }
            return null;
        }
        int best = first(unindexed, Integer.MAX_VALUE, m, cls);
        String source = m.source();
        if (source != null && !bySender.isEmpty()) {
            int[] l = bySender.get(source);
            if (l != null) {
                best = first(l, best, m, cls);
            }
        }
        String d = m.destination();
        if (d != null) {
            Node n = trie;
            for (int k = !d.isEmpty() && d.charAt(0) == '+' ? 1 : 0; k < d.length(); k++) {
                char c = d.charAt(k);
                if (!isDigit(c) || (n = n.next[c - '0']) == null) {
                    break;
                }
                if (n.lines.length > 0) {
                    best = first(n.lines, best, m, cls);
                }
            }
        }
        if (!byAccount.isEmpty() && m.accountId() != null) {
            int[] l = byAccount.get(m.accountId());
            if (l != null) {
                best = first(l, best, m, cls);
            }
        }
        return best == Integer.MAX_VALUE ? null : lines[best];
    }

    /** The first line of {@code candidates} (ascending) before {@code best} that matches, else {@code best}. */
    private int first(int[] candidates, int best, Message m, TrafficClass cls) {
        for (int i : candidates) {
            if (i >= best) {
                return best;
            }
            if (lines[i].matches(m, cls)) {
                return i;
            }
        }
        return best;
    }

    public List<Route> routes() {
        return routes;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static int[] ints(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
