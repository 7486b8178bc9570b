package io.smsrouter.core.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalOptOutRegistryTest {
    private static final String NUMBER = "79161234567";

    private final LocalOptOutRegistry registry = new LocalOptOutRegistry();

    @Test
    void shouldForbidOnlyTheSenderOfASenderOptOut() {
        registry.add(OptOut.sender("acme", "Shop", NUMBER, 1, "api"));

        assertThat(registry.isOptedOut("acme", "Shop", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "Bank", NUMBER)).isFalse();
        assertThat(registry.isOptedOut("acme", null, NUMBER)).isFalse();
        assertThat(registry.isOptedOut("other", "Shop", NUMBER)).isFalse();
        assertThat(registry.isOptedOut("acme", "Shop", "79161234568")).isFalse();
    }

    @Test
    void shouldForbidEverySenderOfTheAccountForAnAccountOptOut() {
        registry.add(OptOut.account("acme", NUMBER, 1, "api"));

        assertThat(registry.isOptedOut("acme", "Shop", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "AnyOther", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", null, NUMBER)).isTrue();
        assertThat(registry.isOptedOut("other", "Shop", NUMBER)).isFalse();
        assertThat(registry.isOptedOut(null, null, NUMBER)).isFalse();
    }

    @Test
    void shouldForbidEveryAccountForAGlobalOptOut() {
        registry.add(OptOut.global(NUMBER, 1, "admin"));

        assertThat(registry.isOptedOut("acme", "Shop", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("other", "Bank", NUMBER)).isTrue();
        assertThat(registry.isOptedOut(null, null, NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "Shop", "79160000000")).isFalse();
    }

    @Test
    void shouldForbidWhenAnyOfTheThreeScopesForbids() {
        registry.add(OptOut.sender("acme", "Shop", NUMBER, 1, "api"));
        registry.add(OptOut.sender("acme", "Bank", NUMBER, 2, "api"));
        assertThat(registry.isOptedOut("acme", "Taxi", NUMBER)).isFalse();

        registry.add(OptOut.account("acme", NUMBER, 3, "api"));
        assertThat(registry.isOptedOut("acme", "Taxi", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("beta", "Taxi", NUMBER)).isFalse();

        registry.add(OptOut.global(NUMBER, 4, "admin"));
        assertThat(registry.isOptedOut("beta", "Taxi", NUMBER)).isTrue();

        // taking the broader ones back leaves the narrower ones in force
        assertThat(registry.remove(null, null, NUMBER)).isTrue();
        assertThat(registry.remove("acme", null, NUMBER)).isTrue();
        assertThat(registry.isOptedOut("beta", "Taxi", NUMBER)).isFalse();
        assertThat(registry.isOptedOut("acme", "Taxi", NUMBER)).isFalse();
        assertThat(registry.isOptedOut("acme", "Shop", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "Bank", NUMBER)).isTrue();
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void shouldCompareSendersIgnoringCase() {
        registry.add(OptOut.sender("acme", "ShopРУ", NUMBER, 1, "api"));

        assertThat(registry.isOptedOut("acme", "SHOPРУ", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "shopру", NUMBER)).isTrue();
        assertThat(registry.add(OptOut.sender("acme", "SHOPру", NUMBER, 2, "api"))).isFalse();
        assertThat(registry.remove("acme", "sHoPрУ", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "ShopРУ", NUMBER)).isFalse();
    }

    @Test
    void shouldCompareAccountsExactly() {
        registry.add(OptOut.account("acme", NUMBER, 1, "api"));
        assertThat(registry.isOptedOut("ACME", "Shop", NUMBER)).isFalse();
    }

    @Test
    void shouldTreatANumberWithAndWithoutPlusAsTheSame() {
        registry.add(OptOut.account("acme", "+" + NUMBER, 1, "api"));

        assertThat(registry.isOptedOut("acme", "Shop", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "Shop", "+" + NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "Shop", "0" + NUMBER)).isFalse();
        assertThat(registry.add(OptOut.account("acme", NUMBER, 2, "api"))).isFalse();
        assertThat(registry.remove("acme", null, "+" + NUMBER)).isTrue();
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldAnswerFalseForWhatIsNotANumber() {
        registry.add(OptOut.global(NUMBER, 1, "admin"));
        for (String bad : new String[] {null, "", "+", "7916 1234567", "79161234567x", "1234567890123456"}) {
            assertThat(registry.isOptedOut("acme", "Shop", bad)).as(bad).isFalse();
            assertThat(registry.remove(null, null, bad)).as(bad).isFalse();
        }
    }

    @Test
    void shouldAddOnceAndKeepTheFirstRecord() {
        assertThat(registry.add(OptOut.sender("acme", "Shop", NUMBER, 10, "mo:STOP"))).isTrue();
        assertThat(registry.add(OptOut.sender("acme", "Shop", NUMBER, 20, "api"))).isFalse();

        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.list(null, null, 10)).containsExactly(OptOut.sender("acme", "shop", NUMBER, 10, "mo:STOP"));
    }

    @Test
    void shouldRemoveOnlyTheExactKey() {
        registry.add(OptOut.sender("acme", "Shop", NUMBER, 1, "api"));

        assertThat(registry.remove("acme", null, NUMBER)).isFalse();
        assertThat(registry.remove(null, null, NUMBER)).isFalse();
        assertThat(registry.remove("other", "Shop", NUMBER)).isFalse();
        assertThat(registry.remove("acme", "Bank", NUMBER)).isFalse();
        assertThat(registry.remove("acme", "Shop", "79160000000")).isFalse();
        assertThat(registry.remove(null, "Shop", NUMBER)).isFalse();
        assertThat(registry.remove("acme", "Shop", NUMBER)).isTrue();
        assertThat(registry.remove("acme", "Shop", NUMBER)).isFalse();
        assertThat(registry.size()).isZero();
        assertThat(registry.isOptedOut("acme", "Shop", NUMBER)).isFalse();
    }

    @Test
    void shouldListNewestFirstFilteredByAccountAndNumber() {
        OptOut a1 = OptOut.sender("acme", "Shop", "71", 100, "api");
        OptOut a2 = OptOut.account("acme", "72", 300, "mo:STOP");
        OptOut a3 = OptOut.account("acme", "71", 200, "admin");
        OptOut b1 = OptOut.sender("beta", "Shop", "71", 400, "api");
        OptOut g1 = OptOut.global("71", 50, "admin");
        for (OptOut o : List.of(a1, a2, a3, b1, g1)) {
            registry.add(o);
        }

        assertThat(registry.list(null, null, 100)).containsExactly(b1, a2, a3, a1, g1);
        assertThat(registry.list(null, null, 2)).containsExactly(b1, a2);
        assertThat(registry.list("acme", null, 100)).containsExactly(a2, a3, a1);
        assertThat(registry.list("acme", "+71", 100)).containsExactly(a3, a1);
        assertThat(registry.list(null, "71", 100)).containsExactly(b1, a3, a1, g1);
        assertThat(registry.list("nobody", null, 100)).isEmpty();
        assertThat(registry.list(null, "73", 100)).isEmpty();
        assertThat(registry.list(null, "not a number", 100)).isEmpty();
        assertThat(registry.list(null, null, 0)).isEmpty();
        assertThatThrownBy(() -> registry.list(null, null, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldVisitEveryEntryInForEach() {
        List<OptOut> all = List.of(OptOut.sender("acme", "shop", "71", 1, "api"), OptOut.sender("acme", "bank", "71", 2, "api"),
                OptOut.account("acme", "71", 3, "api"), OptOut.global("72", 4, "admin"), OptOut.account("beta", "73", 5, "api"));
        all.forEach(registry::add);

        List<OptOut> seen = new ArrayList<>();
        registry.forEach(seen::add);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(all);

        // a copy rebuilt from the snapshot answers the same
        LocalOptOutRegistry copy = new LocalOptOutRegistry();
        seen.forEach(copy::add);
        assertThat(copy.list(null, null, 10)).isEqualTo(registry.list(null, null, 10));
    }

    @Test
    void shouldKeepManyEntriesOfOneNumberApart() {
        for (int s = 0; s < 100; s++) {
            assertThat(registry.add(OptOut.sender("acme", "sender" + s, NUMBER, s, "api"))).isTrue();
        }
        assertThat(registry.isOptedOut("acme", "SENDER57", NUMBER)).isTrue();
        assertThat(registry.isOptedOut("acme", "sender100", NUMBER)).isFalse();
        assertThat(registry.isOptedOut("beta", "sender1", NUMBER)).isFalse();
        registry.add(OptOut.account("beta", NUMBER, 1, "api"));
        assertThat(registry.isOptedOut("beta", "sender1", NUMBER)).isTrue();
        assertThat(registry.list(null, NUMBER, 1000)).hasSize(101);

        for (int s = 0; s < 100; s++) {
            assertThat(registry.remove("acme", "sender" + s, NUMBER)).isTrue();
            assertThat(registry.isOptedOut("acme", "sender" + s, NUMBER)).isFalse();
            if (s < 99) {
                assertThat(registry.isOptedOut("acme", "sender" + (s + 1), NUMBER)).isTrue();
            }
        }
        assertThat(registry.isOptedOut("beta", "x", NUMBER)).isTrue();
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldFindAMillionRandomEntriesAndNoneOfAMillionOthers() {
        SplittableRandom random = new SplittableRandom(42);
        int n = 1_000_000;
        Set<Long> numbers = new HashSet<>();
        long[] added = new long[n];
        int[] kinds = new int[n];
        for (int i = 0; i < n; i++) {
            long number;
            do {
                number = 70_000_000_000L + random.nextLong(10_000_000_000L);
            } while (!numbers.add(number));
            added[i] = number;
            kinds[i] = random.nextInt(3);
            if (!registry.add(optOut(kinds[i], i, number))) {
                throw new AssertionError("not added: " + number);
            }
        }
        assertThat(registry.size()).isEqualTo(n);
        assertThat(registry.capacity()).isEqualTo(1 << 21);

        for (int i = 0; i < n; i++) {
            String msisdn = Long.toString(added[i]);
            String account = "acct" + (i % 1000);
            if (!registry.isOptedOut(account, "Sender" + (i % 7), msisdn)) {
                throw new AssertionError("not found: " + optOut(kinds[i], i, added[i]));
            }
            // the same number from another account is allowed unless the opt-out is global
            if (kinds[i] != 0 && registry.isOptedOut("acct" + (i % 1000 + 1000), "Sender" + (i % 7), msisdn)) {
                throw new AssertionError("found for another account: " + optOut(kinds[i], i, added[i]));
            }
        }
        int others = 0;
        while (others < n) {
            long number = 70_000_000_000L + random.nextLong(10_000_000_000L);
            if (!numbers.contains(number)) {
                others++;
                if (registry.isOptedOut("acct" + (others % 1000), "Sender" + (others % 7), Long.toString(number))) {
                    throw new AssertionError("found though never added: " + number);
                }
            }
        }

        // removing half shifts entries back in their probe runs: the other half must stay findable
        for (int i = 0; i < n; i += 2) {
            OptOut o = optOut(kinds[i], i, added[i]);
            if (!registry.remove(o.accountId(), o.sender(), o.msisdn())) {
                throw new AssertionError("not removed: " + o);
            }
        }
        for (int i = 0; i < n; i++) {
            boolean found = registry.isOptedOut("acct" + (i % 1000), "Sender" + (i % 7), Long.toString(added[i]));
            if (found != (i % 2 == 1)) {
                throw new AssertionError("entry " + i + " found=" + found + " after removing the even ones");
            }
        }
        assertThat(registry.size()).isEqualTo(n / 2);
    }

    /** Kind 0 global, 1 account-wide, 2 one sender; accounts acct0..acct999, senders Sender0..Sender6. */
    static OptOut optOut(int kind, int i, long number) {
        String msisdn = Long.toString(number);
        return switch (kind) {
            case 0 -> OptOut.global(msisdn, i, "admin");
            case 1 -> OptOut.account("acct" + (i % 1000), msisdn, i, "api");
            default -> OptOut.sender("acct" + (i % 1000), "Sender" + (i % 7), msisdn, i, "mo:STOP");
        };
    }
}
