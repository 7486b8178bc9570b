package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.policy.Consent;
import io.smsrouter.core.policy.ConsentSnapshot;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consent to advertising through the engine and the journal: the refusal, withdrawal, opt-outs, recovery. */
class EngineConsentTest {
    private static final String TO = "79161234567";

    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account ads = Account.of("ads", "pw", null, Moderation.NONE, 0, 4, List.of(), TrafficClass.PROMO)
            .withRequireConsent(true);
    private final Account crm = Account.of("crm", "pw", null, Moderation.NONE, 0, 4, List.of(),
            TrafficClass.TRANSACTIONAL).withRequireConsent(true);
    private final Account free = Account.of("free", "pw", null, Moderation.NONE, 0, 4, List.of(), TrafficClass.PROMO);

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private Engine newEngine() {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        return new Engine(new AccountRegistry(List.of(ads, crm, free)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))), List.of("opA"), j,
                new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(), 1000,
                new Moderator(StopWordAutomaton.EMPTY), new LocalModerationQueue(), 100);
    }

    private Engine restart() {
        journals.forEach(ChronicleJournal::close);
        journals.clear();
        Engine e = newEngine();
        e.recover(Duration.ofHours(72));
        return e;
    }

    /** priority 0: the account's class; 3: otp; 4: promo whatever the account's class. */
    private static Message msg(Engine e, String account, String from, int priority) {
        return new Message(e.nextId(), account, "", 5, 0, from, 1, 1, TO, 0, 0, priority, "", "", 1, 0,
                "Sale -20%".getBytes(StandardCharsets.ISO_8859_1), null, System.currentTimeMillis());
    }

    @Test
    void shouldRefusePromoWithoutConsentAndSendItWithConsent() {
        Engine e = newEngine();
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 0))).isEqualTo(SubmitOutcome.NO_CONSENT);
        assertThat(e.noConsentRefusalCount()).isEqualTo(1);
        assertThat(e.acceptedCount()).as("refused before the journal").isZero();

        Engine.ConsentChange c = e.giveConsent("ads", "Shop", "+" + TO, "web", "signup form #42",
                System.currentTimeMillis() - 60_000, "api");
        assertThat(c.inForce()).isTrue();
        assertThat(c.entry().msisdn()).isEqualTo(TO);
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 0))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(ads, msg(e, "ads", "Sale", 0))).as("another sender").isEqualTo(SubmitOutcome.NO_CONSENT);
    }

    @Test
    void shouldLeaveOtherClassesAndOtherAccountsAlone() {
        Engine e = newEngine();
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 3))).as("otp of a promo account").isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(crm, msg(e, "crm", "Shop", 0))).as("transactional").isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(crm, msg(e, "crm", "Shop", 4))).as("promo of a transactional account")
                .isEqualTo(SubmitOutcome.NO_CONSENT);
        assertThat(e.submit(free, msg(e, "free", "Shop", 0))).as("no requireConsent").isEqualTo(SubmitOutcome.ACCEPTED);
    }

    @Test
    void shouldOptTheNumberOutWhenConsentIsWithdrawnAndLiftOnlyThatOptOutWhenItIsGivenAgain() {
        Engine e = newEngine();
        e.giveConsent("ads", null, TO, "paper", "scan 7", System.currentTimeMillis() - 1000, "api");
        Engine.ConsentChange w = e.withdrawConsent("ads", null, TO, "call", "call 2026-11-26 10:00", "api");
        assertThat(w.inForce()).isFalse();
        assertThat(w.optOuts()).extracting(OptOut::source).containsExactly(Engine.CONSENT_OPT_OUT_SOURCE);
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 0))).as("opted out first").isEqualTo(SubmitOutcome.OPTED_OUT);
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 3))).as("otp is exempt from opt-outs")
                .isEqualTo(SubmitOutcome.ACCEPTED);

        Engine.ConsentChange again = e.giveConsent("ads", null, TO, "web", "", System.currentTimeMillis(), "api");
        assertThat(again.optOuts()).hasSize(1);
        assertThat(e.optOuts().isOptedOut("ads", "Shop", TO)).isFalse();
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 0))).isEqualTo(SubmitOutcome.ACCEPTED);

        // a STOP reply is the subscriber's own word: a consent recorded by the company does not undo it
        e.optOut(OptOut.sender("ads", "Shop", TO, System.currentTimeMillis(), "mo:STOP"));
        assertThat(e.giveConsent("ads", null, TO, "web", "", System.currentTimeMillis(), "api").optOuts()).isEmpty();
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 0))).isEqualTo(SubmitOutcome.OPTED_OUT);
    }

    @Test
    void shouldNotLiftAnAccountWideOptOutWithAConsentForOneSender() {
        Engine e = newEngine();
        e.withdrawConsent("ads", null, TO, "sms", "", "api");
        Engine.ConsentChange one = e.giveConsent("ads", "Shop", TO, "web", "", System.currentTimeMillis(), "api");
        assertThat(one.inForce()).isTrue();
        assertThat(one.optOuts()).as("the number left every sender").isEmpty();
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 0))).isEqualTo(SubmitOutcome.OPTED_OUT);
    }

    @Test
    void shouldRefuseAConsentGivenInTheFuture() {
        Engine e = newEngine();
        assertThatThrownBy(() -> e.giveConsent("ads", null, TO, "web", "", System.currentTimeMillis() + 3_600_000,
                "api")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("future");
        assertThat(e.consents().size()).isZero();
    }

    @Test
    void shouldKeepConsentsAndTheirHistoryAcrossARestart() {
        Engine e = newEngine();
        e.giveConsent("ads", null, TO, "web", "form", System.currentTimeMillis() - 5000, "api");
        e.withdrawConsent("ads", "Sale", TO, "sms", "STOP via form", "admin");
        e = restart();
        assertThat(e.submit(ads, msg(e, "ads", "Shop", 0))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(ads, msg(e, "ads", "Sale", 0))).isEqualTo(SubmitOutcome.OPTED_OUT);
        assertThat(e.consents().history("ads", TO)).extracting(Consent::granted, Consent::source, Consent::recordedBy)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, "web", "api"),
                        org.assertj.core.groups.Tuple.tuple(false, "sms", "admin"));
        Engine.ConsentChange next = e.giveConsent("ads", "Sale", TO, "web", "", System.currentTimeMillis(), "api");
        assertThat(next.entry().id()).as("ids go on above the replayed ones").isEqualTo(3);
    }

    @Test
    void shouldReadAConsentInBothTheSnapshotAndTheJournalOnce() throws Exception {
        Engine e = newEngine();
        e.giveConsent("ads", null, TO, "web", "", System.currentTimeMillis() - 5000, "api");
        Path snapshot = dir.resolve("consents.snapshot");
        ConsentSnapshot.write(e.consents(), snapshot);
        e.withdrawConsent("ads", null, TO, "call", "", "api");
        journals.forEach(ChronicleJournal::close);
        journals.clear();
        Engine again = newEngine();
        ConsentSnapshot.load(snapshot, again.consents());
        again.recover(Duration.ofHours(72));
        assertThat(again.consents().history("ads", TO)).extracting(Consent::id).containsExactly(1L, 2L);
        assertThat(again.consents().inForce("ads", "Shop", TO)).isFalse();
    }

    @Test
    void shouldJournalTheWholeEntry() {
        Engine e = newEngine();
        long given = System.currentTimeMillis() - 86_400_000L;
        Consent c = e.giveConsent("ads", "Shop", TO, "paper", "contract 12/7, page 3", given, "admin").entry();
        List<Consent> read = new ArrayList<>();
        journals.get(0).replay(new Journal.JournalListener() {
            @Override
            public void consent(Consent consent) {
                read.add(consent);
            }
        });
        assertThat(read).containsExactly(c);
        assertThat(read.get(0).givenAtMs()).isEqualTo(given);
    }
}
