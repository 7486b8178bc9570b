package io.smsrouter.server.config;

import java.nio.file.Path;

/**
 * Prices and settlement for accounts with a prepaid {@code balance} ({@code billing:} in
 * {@code conf/router.yaml}).
 *
 * @param prices            the price file ({@code account,operator,prefix,price} a line; see
 *                          {@code conf/prices.csv}); required when any account has a balance
 * @param refundUndelivered also return the price of a message the operator took but could not
 *                          deliver (its receipt says UNDELIV, EXPIRED, REJECTD...); default false:
 *                          the operator bills what it takes, so only messages that never reached
 *                          an operator are refunded
 */
public record BillingConfig(Path prices, boolean refundUndelivered) {

    public static BillingConfig defaults() {
        return new BillingConfig(null, false);
    }
}
