package io.smsrouter.core.billing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durable part of an account's reserved money ({@link Billing#markDurable}): what a cluster
 * counts as spent when it settles a dead node. It follows each charge through settle, refunds
 * (whole and partial) and later additions, and a charge is counted once however often it is marked.
 */
class BillingDurableTest {
    private final Billing bill = new Billing(PriceTable.empty(), Map.of("shop", 100L), true);

    @Test
    void aMarkedChargeIsDurableUntilItIsSettledOrRefunded() {
        assertThat(bill.reserve("shop", 1, 10, 0)).isTrue();
        assertThat(bill.reserve("shop", 2, 7, 0)).isTrue();
        assertThat(bill.reserve("shop", 3, 5, 0)).isTrue();
        assertThat(bill.durable("shop")).isZero();

        bill.markDurable(1);
        bill.markDurable(1); // once
        bill.markDurable(2);
        assertThat(bill.isDurable(1)).isTrue();
        assertThat(bill.isDurable(3)).isFalse();
        assertThat(bill.durable("shop")).isEqualTo(17);

        bill.settle(1);
        assertThat(bill.durable("shop")).isEqualTo(7);
        assertThat(bill.isDurable(1)).isFalse();
        assertThat(bill.balance("shop").spent()).isEqualTo(10);

        bill.refundPart("shop", 2, 3);
        assertThat(bill.durable("shop")).as("a partial refund takes its part").isEqualTo(4);
        assertThat(bill.isDurable(2)).isTrue();
        bill.refund(2);
        assertThat(bill.durable("shop")).isZero();
        assertThat(bill.isDurable(2)).isFalse();

        bill.refund(3);
        bill.markDurable(3); // no open charge any more: nothing
        assertThat(bill.durable("shop")).isZero();
        assertThat(bill.balance("shop").reserved()).isZero();
    }

    @Test
    void moreReservedForADurableChargeIsDurableToo() {
        assertThat(bill.reserve("shop", 1, 10, 0)).isTrue();
        bill.markDurable(1);
        assertThat(bill.reserve("shop", 1, 5, 0)).isTrue();
        assertThat(bill.durable("shop")).isEqualTo(15);
        bill.settle(1);
        assertThat(bill.durable("shop")).isZero();
        assertThat(bill.balance("shop").spent()).isEqualTo(15);
        assertThat(bill.durable("nobody")).isZero();
    }
}
