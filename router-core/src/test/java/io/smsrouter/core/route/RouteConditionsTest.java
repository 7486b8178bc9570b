package io.smsrouter.core.route;

import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Route conditions: sender names and patterns, prefixes, accounts and traffic classes; first match wins. */
class RouteConditionsTest {

    private static Message msg(String account, String from, String to) {
        return new Message(1, account, "", 5, 0, from, 1, 1, to, 0, 0, 0, "", "", 0, 0, new byte[0], null, 0);
    }

    @Test
    void shouldMatchSenderPatternsIgnoringCase() {
        Route bank = new Route("Bank*", null, null, null, List.of("opA"), List.of());
        assertThat(bank.matches(msg("a", "BankOfX", "7916"))).isTrue();
        assertThat(bank.matches(msg("a", "bank", "7916"))).isTrue();
        assertThat(bank.matches(msg("a", "MyBank", "7916"))).isFalse();
        Route anyBank = new Route("*bank*", null, null, null, List.of("opA"), List.of());
        assertThat(anyBank.matches(msg("a", "MyBankApp", "7916"))).isTrue();
        Route literal = new Route("Sh.p", null, null, null, List.of("opA"), List.of());
        assertThat(literal.matches(msg("a", "Shop", "7916"))).as("regex characters are literal").isFalse();
        assertThat(literal.matches(msg("a", "SH.P", "7916"))).isTrue();
        Route dot = new Route("A.*", null, null, null, List.of("opA"), List.of());
        assertThat(dot.matches(msg("a", "A.b", "7916"))).isTrue();
        assertThat(dot.matches(msg("a", "Ab", "7916"))).isFalse();
    }

    @Test
    void shouldRouteByTrafficClassFirstMatchWinning() {
        RouteTable t = new RouteTable(List.of(
                new Route(null, null, null, TrafficClass.OTP, List.of("fast"), List.of()),
                new Route(null, "7916", null, null, List.of("mts"), List.of()),
                new Route(null, null, null, TrafficClass.PROMO, List.of("cheap"), List.of()),
                new Route(null, null, null, null, List.of("default"), List.of())));
        assertThat(t.select(msg("a", "X", "79161234567"), TrafficClass.OTP, null)).isEqualTo("fast");
        assertThat(t.select(msg("a", "X", "79161234567"), TrafficClass.PROMO, null)).isEqualTo("mts");
        assertThat(t.select(msg("a", "X", "79031234567"), TrafficClass.PROMO, null)).isEqualTo("cheap");
        assertThat(t.select(msg("a", "X", "79031234567"), TrafficClass.TRANSACTIONAL, null)).isEqualTo("default");
        assertThat(t.select(msg("a", "X", "79031234567"), null, null)).as("class unknown: no category route")
                .isEqualTo("default");
    }
}
