package io.smsrouter.core.billing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices per segment by account, operator (the route's choice) and destination prefix. The row
 * with the longest matching prefix wins; among rows of that prefix one naming the account beats
 * {@code *}, then one naming the operator. A file holds one row a line:
 *
 * <pre>
 * # account,operator,prefix,price
 * *,*,*,3.00          every message: 3.00 a segment
 * *,*,7,2.50          Russia
 * *,opA,7916,2.10     MTS Moscow numbers through opA
 * shop,*,7,2.00       the account shop pays less
 * </pre>
 *
 * {@code *} as prefix matches every number. Lookups walk a digit trie: no allocation.
 */
public final class PriceTable {

    /** One row; {@code account} and {@code operator} null for {@code *}. */
    public record Price(String account, String operator, String prefix, long perSegment) {
        int rank() {
            return (account != null ? 2 : 0) + (operator != null ? 1 : 0);
        }

        boolean matches(String accountId, String operatorId) {
            return (account == null || account.equals(accountId)) && (operator == null || operator.equals(operatorId));
        }
    }

    private static final class Node {
        final Node[] next = new Node[10];
        Price[] prices = new Price[0]; // most specific first
    }

    private final Node root = new Node();
    private final int size;

    private PriceTable(List<Price> prices) {
        for (Price p : prices) {
            Node n = root;
            for (int i = 0; i < p.prefix().length(); i++) {
                int d = p.prefix().charAt(i) - '0';
                if (n.next[d] == null) {
                    n.next[d] = new Node();
                }
                n = n.next[d];
            }
            Price[] grown = java.util.Arrays.copyOf(n.prices, n.prices.length + 1);
            grown[grown.length - 1] = p;
            java.util.Arrays.sort(grown, (a, b) -> Integer.compare(b.rank(), a.rank()));
            n.prices = grown;
        }
        this.size = prices.size();
    }

    public static PriceTable of(List<Price> prices) {
        return new PriceTable(List.copyOf(prices));
    }

    public static PriceTable empty() {
        return new PriceTable(List.of());
    }

    /**
     * Reads a price file (see the class comment). A bad line throws an IllegalArgumentException
     * naming the file, the line and what was expected; so does a second row for the same account,
     * operator and prefix.
     */
    public static PriceTable load(Path file) throws IOException {
        List<Price> prices = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] f = line.split(",", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException(where + "expected \"account,operator,prefix,price\" (4 fields, * for"
                        + " any), got \"" + line + "\"");
            }
            String account = field(f[0]);
            String operator = field(f[1]);
            String prefix = f[2].strip();
            if (prefix.equals("*")) {
                prefix = "";
            } else if (!prefix.matches("[0-9]{1,15}")) {
                throw new IllegalArgumentException(where + "expected a prefix of 1 to 15 digits or *, got \"" + f[2].strip()
                        + "\"");
            }
            long price;
            try {
                price = Amounts.parse(f[3].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "price: " + e.getMessage());
            }
            String key = f[0].strip() + "," + f[1].strip() + "," + (prefix.isEmpty() ? "*" : prefix);
            Integer first = seen.putIfAbsent(key, i + 1);
            if (first != null) {
                throw new IllegalArgumentException(where + "a second price for " + key + " (the first is on line "
                        + first + ")");
            }
            prices.add(new Price(account, operator, prefix, price));
        }
        return new PriceTable(prices);
    }

    private static String field(String s) {
        String v = s.strip();
        return v.equals("*") || v.isEmpty() ? null : v;
    }

    /**
     * The price of one segment to {@code destination} (its digits; a leading {@code +} and other
     * non-digits are skipped) for this account through this operator, or -1 when no row matches.
     */
    public long perSegment(String accountId, String operatorId, String destination) {
        long best = pick(root, accountId, operatorId);
        Node n = root;
        for (int i = 0, len = destination.length(); i < len; i++) {
            int d = destination.charAt(i) - '0';
            if (d < 0 || d > 9) {
                continue;
            }
            n = n.next[d];
            if (n == null) {
                break;
            }
            long p = pick(n, accountId, operatorId);
            if (p >= 0) {
                best = p;
            }
        }
        return best;
    }

    private static long pick(Node n, String accountId, String operatorId) {
        for (Price p : n.prices) {
            if (p.matches(accountId, operatorId)) {
                return p.perSegment();
            }
        }
        return -1;
    }

    /** Rows in the table. */
    public int size() {
        return size;
    }
}
