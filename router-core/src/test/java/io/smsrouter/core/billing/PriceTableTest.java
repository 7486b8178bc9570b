package io.smsrouter.core.billing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceTableTest {
    @TempDir
    Path dir;

    private PriceTable load(String text) throws Exception {
        Path f = dir.resolve("prices.csv");
        Files.writeString(f, text);
        return PriceTable.load(f);
    }

    @Test
    void shouldPickTheLongestPrefixThenTheMostSpecificRow() throws Exception {
        PriceTable t = load("""
                # account,operator,prefix,price
                *,*,*,3.00
                *,*,7,2.50
                *,opA,7916,2.10
                shop,*,7916,1.90
                shop,opA,7916,1.80
                vip,*,7,1
                """);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.perSegment("x", "opB", "4915112345678")).isEqualTo(Amounts.parse("3"));
        assertThat(t.perSegment("x", "opB", "+7 903 123")).isEqualTo(Amounts.parse("2.5"));
        assertThat(t.perSegment("x", "opA", "79161234567")).isEqualTo(Amounts.parse("2.1"));
        assertThat(t.perSegment("x", "opB", "79161234567")).as("no row for opB there").isEqualTo(Amounts.parse("2.5"));
        assertThat(t.perSegment("shop", "opB", "79161234567")).isEqualTo(Amounts.parse("1.9"));
        assertThat(t.perSegment("shop", "opA", "79161234567")).isEqualTo(Amounts.parse("1.8"));
        assertThat(t.perSegment("vip", "opA", "79161234567")).as("a longer prefix beats the account's row")
                .isEqualTo(Amounts.parse("2.1"));
        assertThat(t.perSegment("vip", "opA", "79031234567")).isEqualTo(Amounts.parse("1"));
    }

    @Test
    void shouldSayNoPriceWhenNoRowMatches() throws Exception {
        PriceTable t = load("*,*,7,2.50\n");
        assertThat(t.perSegment("a", "b", "4915112345678")).isEqualTo(-1);
        assertThat(PriceTable.empty().perSegment("a", "b", "7")).isEqualTo(-1);
    }

    @Test
    void shouldNameTheFileAndLineOfABadRow() {
        assertThatThrownBy(() -> load("*,*,7,2.50\n*,*,79x,1\n")).hasMessageContaining("line 2")
                .hasMessageContaining("prefix of 1 to 15 digits");
        assertThatThrownBy(() -> load("*,*,7\n")).hasMessageContaining("line 1")
                .hasMessageContaining("account,operator,prefix,price");
        assertThatThrownBy(() -> load("*,*,7,-1\n")).hasMessageContaining("line 1").hasMessageContaining("price");
        assertThatThrownBy(() -> load("*,*,7,0.0000001\n")).hasMessageContaining("at most 6 decimals");
        assertThatThrownBy(() -> load("*,*,7,1\n\n*,*,7,2\n")).hasMessageContaining("line 3")
                .hasMessageContaining("first is on line 1");
    }

    @Test
    void shouldReadAndWriteAmountsExactly() {
        assertThat(Amounts.parse("0.35")).isEqualTo(350_000);
        assertThat(Amounts.parse("100")).isEqualTo(100_000_000);
        assertThat(Amounts.parse("1.500000")).isEqualTo(1_500_000);
        assertThat(Amounts.format(350_000)).isEqualTo("0.35");
        assertThat(Amounts.format(100_000_000)).isEqualTo("100.00");
        assertThat(Amounts.format(1_234_567)).isEqualTo("1.234567");
        assertThat(Amounts.format(-2_500_000)).isEqualTo("-2.50");
        assertThatThrownBy(() -> Amounts.parse("abc")).hasMessageContaining("got \"abc\"");
        assertThatThrownBy(() -> Amounts.parse("")).hasMessageContaining("got nothing");
    }
}
