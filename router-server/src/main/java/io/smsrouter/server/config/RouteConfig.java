package io.smsrouter.server.config;

import java.util.List;

/**
 * One row of the ordered routing table ({@code routes[]} in {@code conf/router.yaml}); the first
 * route whose every given condition matches wins. A route with no condition matches every message.
 *
 * @param sender    condition: the sender name ({@code source_addr}) equals this, ignoring case; a
 *                  {@code *} in it stands for any characters ({@code Shop*}); null = any
 * @param prefix    condition: the destination number starts with these digits; null = any
 * @param account   condition: the message comes from this account id; null = any
 * @param operators ids of the operators to send through, at least one; several are load-balanced
 * @param weights   each operator's share of the route's traffic, in the order of {@code operators};
 *                  empty = equal shares
 * @param category  condition: the message's traffic class (otp, service, transactional, promo);
 *                  null = any
 */
public record RouteConfig(String sender, String prefix, String account, List<String> operators,
                          List<Integer> weights, String category) {

    public RouteConfig(String sender, String prefix, String account, List<String> operators,
                       List<Integer> weights) {
        this(sender, prefix, account, operators, weights, null);
    }

    public RouteConfig {
        operators = operators == null ? List.of() : List.copyOf(operators);
        weights = weights == null ? List.of() : List.copyOf(weights);
    }

    public RouteConfig(String sender, String prefix, String account, List<String> operators) {
        this(sender, prefix, account, operators, List.of());
    }

    /** True when the route has no condition and so matches every message. */
    public boolean isDefault() {
        return sender == null && prefix == null && account == null && category == null;
    }
}
