package io.smsrouter.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalConsentRegistryTest {
    private static final long T = 1_780_000_000_000L;
    private final LocalConsentRegistry registry = new LocalConsentRegistry();
    private final AtomicLong ids = new AtomicLong();

    private Consent grant(String account, String sender, String msisdn, long givenAt, long recordedAt) {
        Consent c = new Consent(ids.incrementAndGet(), true, account, sender, msisdn, "web", "form 17", givenAt,
                recordedAt, "api");
        assertThat(registry.record(c)).isTrue();
        return c;
    }

    private Consent withdraw(String account, String sender, String msisdn, long at) {
        Consent c = new Consent(ids.incrementAndGet(), false, account, sender, msisdn, "sms", "", at, at, "api");
        assertThat(registry.record(c)).isTrue();
        return c;
    }

    @Test
    void shouldHaveNoConsentForANumberNobodyRecorded() {
        assertThat(registry.inForce("shop", "Shop", "79161234567")).isFalse();
        assertThat(registry.inForce("shop", null, "79161234567")).isFalse();
        assertThat(registry.inForce("shop", "Shop", "not a number")).isFalse();
        assertThat(registry.inForce("shop", "Shop", "")).isFalse();
        assertThat(registry.history("shop", "79161234567")).isEmpty();
        assertThat(registry.status("shop", "79161234567")).containsExactly(new ConsentRegistry.InForce(null, false));
    }

    @Test
    void shouldCoverEverySenderOfTheAccountWithAnAccountWideConsentAndOnlyThatAccount() {
        grant("shop", null, "+79161234567", T, T);
        assertThat(registry.inForce("shop", "Shop", "79161234567")).isTrue();
        assertThat(registry.inForce("shop", "Other", "+79161234567")).as("'+' or not").isTrue();
        assertThat(registry.inForce("shop", null, "79161234567")).isTrue();
        assertThat(registry.inForce("bank", "Shop", "79161234567")).as("another account").isFalse();
        assertThat(registry.inForce("shop", "Shop", "79161234568")).as("another number").isFalse();
    }

    @Test
    void shouldCoverOnlyItsSenderWithASenderConsentIgnoringCase() {
        grant("shop", "Shop", "79161234567", T, T);
        assertThat(registry.inForce("shop", "SHOP", "79161234567")).isTrue();
        assertThat(registry.inForce("shop", "Sale", "79161234567")).isFalse();
        assertThat(registry.inForce("shop", null, "79161234567")).isFalse();
    }

    @Test
    void shouldLetTheNewestApplicableEntryDecide() {
        grant("shop", null, "79161234567", T, T);
        withdraw("shop", "Sale", "79161234567", T + 1000);
        assertThat(registry.inForce("shop", "Sale", "79161234567")).as("withdrawn from Sale").isFalse();
        assertThat(registry.inForce("shop", "Shop", "79161234567")).as("still for the others").isTrue();

        withdraw("shop", null, "79161234567", T + 2000);
        assertThat(registry.inForce("shop", "Shop", "79161234567")).isFalse();

        grant("shop", "Shop", "79161234567", T + 3000, T + 3000);
        assertThat(registry.inForce("shop", "Shop", "79161234567")).isTrue();
        assertThat(registry.inForce("shop", "Sale", "79161234567")).isFalse();

        grant("shop", null, "79161234567", T + 4000, T + 4000);
        assertThat(registry.inForce("shop", "Sale", "79161234567")).as("signed up for everything again").isTrue();
        assertThat(registry.status("shop", "79161234567"))
                .containsExactly(new ConsentRegistry.InForce(null, true), new ConsentRegistry.InForce("sale", true),
                        new ConsentRegistry.InForce("shop", true));
        assertThat(registry.history("shop", "79161234567")).extracting(Consent::granted)
                .containsExactly(true, false, false, true, true);
    }

    @Test
    void shouldKeepABackDatedConsentInTheHistoryWithoutLettingItUndoALaterWithdrawal() {
        grant("shop", null, "79161234567", T, T);
        withdraw("shop", null, "79161234567", T + 10_000);
        // a paper form signed before the withdrawal, typed in after it
        grant("shop", null, "79161234567", T + 5_000, T + 20_000);
        assertThat(registry.inForce("shop", "Shop", "79161234567")).isFalse();
        grant("shop", "Shop", "79161234567", T + 6_000, T + 21_000);
        assertThat(registry.inForce("shop", "Shop", "79161234567")).isFalse();
        assertThat(registry.history("shop", "79161234567")).hasSize(4);
        assertThat(registry.size()).isEqualTo(4);
    }

    @Test
    void shouldRecordAnEntryWithAKnownIdOnce() {
        Consent c = grant("shop", null, "79161234567", T, T);
        assertThat(registry.record(c)).isFalse();
        assertThat(registry.history("shop", "79161234567")).containsExactly(c);
        assertThat(registry.lastId()).isEqualTo(c.id());
    }

    @Test
    void shouldRefuseAnUnknownSourceTooLongEvidenceAndABadNumber() {
        assertThatThrownBy(() -> new Consent(1, true, "shop", null, "79161234567", "email", "", T, T, "api"))
                .hasMessageContaining("web, paper, sms, call, other");
        assertThatThrownBy(() -> new Consent(1, true, "shop", null, "79161234567", "web", "x".repeat(2001), T, T,
                "api")).hasMessageContaining("2000");
        assertThatThrownBy(() -> new Consent(1, true, "shop", null, "7916-123", "web", "", T, T, "api"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Consent(1, true, "shop", "ShOp", "+79161234567", "WEB", null, T, T, "api"))
                .extracting(Consent::sender, Consent::msisdn, Consent::source, Consent::evidence)
                .containsExactly("shop", "79161234567", "web", "");
    }

    @Test
    void shouldGiveBackTheWholeHistoryFromASnapshot(@TempDir Path dir) throws Exception {
        grant("shop", null, "79161234567", T, T);
        withdraw("shop", "Sale", "79161234567", T + 1);
        grant("bank", "Bank", "79031234567", T, T + 2);
        Path file = dir.resolve("consents.snapshot");
        assertThat(ConsentSnapshot.write(registry, file)).isEqualTo(3);
        assertThat(Files.exists(dir.resolve("consents.snapshot.tmp"))).isFalse();

        LocalConsentRegistry loaded = new LocalConsentRegistry();
        assertThat(ConsentSnapshot.load(file, loaded)).isEqualTo(3);
        assertThat(ConsentSnapshot.load(file, loaded)).as("read again: each entry once").isEqualTo(3);
        assertThat(loaded.size()).isEqualTo(3);
        List<Consent> all = new ArrayList<>();
        loaded.forEach(all::add);
        List<Consent> before = new ArrayList<>();
        registry.forEach(before::add);
        assertThat(all).containsExactlyInAnyOrderElementsOf(before);
        assertThat(loaded.inForce("shop", "Shop", "79161234567")).isTrue();
        assertThat(loaded.inForce("shop", "Sale", "79161234567")).isFalse();
        assertThat(loaded.lastId()).isEqualTo(3);
        assertThat(ConsentSnapshot.load(dir.resolve("none"), loaded)).isZero();
    }
}
