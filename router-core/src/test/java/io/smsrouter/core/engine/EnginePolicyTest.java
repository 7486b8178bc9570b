package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.billing.PriceTable;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.policy.DuplicateFilter;
import io.smsrouter.core.policy.QuietHours;
import io.smsrouter.core.policy.SendingWindow;
import io.smsrouter.core.policy.TimeZoneTable;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** One SMS per phone and quiet hours through the engine and the journal. */
class EnginePolicyTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final ZoneId VLADIVOSTOK = ZoneId.of("Asia/Vladivostok");

    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account crm = Account.of("crm", "pw", null, Moderation.NONE, 0, 4, List.of());
    private final Account promo = Account.of("promo", "pw", null, Moderation.NONE, 0, 4, List.of(), TrafficClass.PROMO);
    private final Account night = Account.of("night", "pw", null, Moderation.NONE, 0, 4, List.of(), TrafficClass.PROMO);
    private final List<Receipt> receipts = new ArrayList<>();

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private Engine newEngine() {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        ClientRegistry clients = new ClientRegistry();
        clients.register(new ClientSession() {
            @Override
            public String accountId() {
                return "crm";
            }

            @Override
            public boolean receivesReceipts() {
                return true;
            }

            @Override
            public boolean deliver(Receipt r) {
                receipts.add(r);
                return true;
            }
        }, 4);
        Engine e = new Engine(new AccountRegistry(List.of(crm, promo, night)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))), List.of("opA"), j,
                new LocalReceiptCorrelator(Duration.ofHours(1), 1000), clients, 1000,
                new Moderator(StopWordAutomaton.EMPTY), new LocalModerationQueue(), 100);
        e.dedup(new DuplicateFilter(Map.of("crm", Duration.ofMinutes(10)), 1000));
        e.quietHours(new QuietHours(TimeZoneTable.of(Map.of("7", MOSCOW, "7914", VLADIVOSTOK)),
                SendingWindow.DEFAULT, Map.of(), Set.of("night")));
        return e;
    }

    private static Message msg(Engine e, String account, String from, String to, String text, long atMs, int dc) {
        byte[] body = dc == 8 ? text.getBytes(StandardCharsets.UTF_16BE) : text.getBytes(StandardCharsets.ISO_8859_1);
        return new Message(e.nextId(), account, "", 5, 0, from, 1, 1, to, 0, 0, 0, "", "", 1, dc, body, null, atMs);
    }

    private static Message msg(Engine e, String account, String to, String text) {
        return msg(e, account, "Shop", to, text, System.currentTimeMillis(), 0);
    }

    private static int drain(Engine e) {
        int n = 0;
        while (e.operatorQueue("opA").poll() != null) {
            n++;
        }
        return n;
    }

    @Test
    void shouldSendTheSameTextToTheSameNumberOnceWithinTheWindow() {
        Engine e = newEngine();
        Message first = msg(e, "crm", "79161234567", "Your debt is 100");
        Message again = msg(e, "crm", "+7 916 123-45-67", "Your debt is 100");
        Message ucs2 = msg(e, "crm", "Shop", "79161234567", "Your debt is 100", System.currentTimeMillis(), 8);
        assertThat(e.submit(crm, first)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(crm, again)).as("answered OK all the same").isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(crm, ucs2)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(drain(e)).as("only the first goes").isEqualTo(1);
        assertThat(e.duplicateCount()).isEqualTo(2);
        assertThat(e.status(again.id()).state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(e.status(again.id()).errorCode()).isEqualTo(Engine.DUPLICATE_ERROR);
        assertThat(receipts).extracting(Receipt::messageId).containsExactly(again.id(), ucs2.id());
        assertThat(receipts.get(0).errorCode()).isEqualTo(Engine.DUPLICATE_ERROR);

        // a different text, sender or number is not a duplicate; nor is another account's message
        assertThat(e.submit(crm, msg(e, "crm", "79161234567", "Your debt is 200"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(crm, msg(e, "crm", "Bank", "79161234567", "Your debt is 100",
                System.currentTimeMillis(), 0))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(crm, msg(e, "crm", "79161234568", "Your debt is 100"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(drain(e)).isEqualTo(3);
        assertThat(e.duplicateCount()).isEqualTo(2);
    }

    @Test
    void shouldSendAgainAfterTheWindowOrACancel() {
        Engine e = newEngine();
        long elevenMinutesAgo = System.currentTimeMillis() - 11 * 60_000;
        assertThat(e.submit(crm, msg(e, "crm", "Shop", "79161234567", "hello", elevenMinutesAgo, 0)))
                .isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(crm, msg(e, "crm", "79161234567", "hello"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(drain(e)).as("the window of the first had passed").isEqualTo(2);

        Message queued = msg(e, "crm", "79031234567", "cancel me");
        e.submit(crm, queued);
        assertThat(e.cancel("crm", queued.id())).isTrue();
        assertThat(e.submit(crm, msg(e, "crm", "79031234567", "cancel me"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(drain(e)).as("a cancelled message does not count").isEqualTo(1);
        assertThat(e.duplicateCount()).isZero();
    }

    @Test
    void shouldChargeADuplicateNothingAndRememberTheWindowAcrossARestart() {
        Engine e = newEngine();
        e.billing(new Billing(PriceTable.of(List.of(new PriceTable.Price(null, null, "", Amounts.parse("1")))),
                Map.of("crm", Amounts.parse("10")), false));
        for (int i = 0; i < 3; i++) {
            assertThat(e.submit(crm, msg(e, "crm", "79161234567", "once"))).isEqualTo(SubmitOutcome.ACCEPTED);
        }
        assertThat(drain(e)).isEqualTo(1);
        assertThat(Amounts.format(e.billing().balance("crm").reserved())).as("one charge").isEqualTo("1.00");
        journals.forEach(ChronicleJournal::close);
        journals.clear();

        Engine again = newEngine();
        again.billing(new Billing(PriceTable.of(List.of(new PriceTable.Price(null, null, "", Amounts.parse("1")))),
                Map.of("crm", Amounts.parse("10")), false));
        again.recover(Duration.ofHours(72));
        assertThat(drain(again)).as("the first, queued again").isEqualTo(1);
        Message fourth = msg(again, "crm", "79161234567", "once");
        assertThat(again.submit(crm, fourth)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(drain(again)).isZero();
        assertThat(again.status(fourth.id()).errorCode()).isEqualTo(Engine.DUPLICATE_ERROR);
        assertThat(Amounts.format(again.billing().balance("crm").available())).isEqualTo("9.00");
    }

    @Test
    void shouldHoldPromoUntilNineInTheRecipientsMorningAndSendOtpAtOnce() {
        Engine e = newEngine();
        LocalDate tomorrow = LocalDate.now(MOSCOW).plusDays(1);
        long elevenPmMoscow = ZonedDateTime.of(tomorrow, LocalTime.of(23, 0), MOSCOW).toInstant().toEpochMilli();
        long nineAmMoscow = ZonedDateTime.of(tomorrow.plusDays(1), LocalTime.of(9, 0), MOSCOW).toInstant().toEpochMilli();
        Message ad = msg(e, "promo", "Shop", "79161234567", "Sale!", elevenPmMoscow, 0);
        assertThat(e.submit(promo, ad)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.scheduledFor(ad.id())).isEqualTo(nineAmMoscow);
        assertThat(e.quietHoursDelayedCount()).isEqualTo(1);

        // 23:00 in Moscow is 06:00 next day in Vladivostok: waits there until 09:00 local
        Message far = msg(e, "promo", "Shop", "79141234567", "Sale!", elevenPmMoscow, 0);
        e.submit(promo, far);
        assertThat(e.scheduledFor(far.id())).isEqualTo(ZonedDateTime.of(tomorrow.plusDays(1), LocalTime.of(9, 0),
                VLADIVOSTOK).toInstant().toEpochMilli());

        // an OTP code (priority_flag 3) of a promo account, a transactional account, a number of
        // no known zone and an account without quiet hours go at once
        Message otp = new Message(e.nextId(), "promo", "", 5, 0, "Shop", 1, 1, "79161234567", 0, 0, 3, "", "", 1, 0,
                "1234".getBytes(StandardCharsets.ISO_8859_1), null, elevenPmMoscow);
        e.submit(promo, otp);
        e.submit(crm, msg(e, "crm", "Shop", "79161234568", "Order shipped", elevenPmMoscow, 0));
        e.submit(promo, msg(e, "promo", "Shop", "4915112345678", "Sale!", elevenPmMoscow, 0));
        e.submit(night, msg(e, "night", "Shop", "79161234567", "Sale!", elevenPmMoscow, 0));
        assertThat(drain(e)).isEqualTo(4);
        assertThat(e.scheduledCount()).isEqualTo(2);

        // HTTP category promo (priority 4) from a transactional account is promo all the same
        Message marked = new Message(e.nextId(), "crm", "", 5, 0, "Shop", 1, 1, "79161234569", 0, 0,
                TrafficClass.PROMO_PRIORITY, "", "", 1, 0, "Sale!".getBytes(StandardCharsets.ISO_8859_1), null,
                elevenPmMoscow);
        e.submit(crm, marked);
        assertThat(e.scheduledFor(marked.id())).isEqualTo(nineAmMoscow);
        assertThat(e.classOf(marked)).isEqualTo(TrafficClass.PROMO);

        // in the window: at once
        long noon = ZonedDateTime.of(tomorrow, LocalTime.NOON, MOSCOW).toInstant().toEpochMilli();
        e.submit(promo, msg(e, "promo", "Shop", "79161234567", "Sale!", noon, 0));
        assertThat(drain(e)).isEqualTo(1);
    }

    @Test
    void shouldEndAQueuedMessageWhenItsValidityRunsOutWithNoOperatorTakingIt() {
        Engine e = newEngine();
        long now = System.currentTimeMillis();
        // validity_period 10 s relative, accepted 11 s ago: over; one with no validity falls back to the default
        Message stale = new Message(e.nextId(), "crm", "", 5, 0, "Shop", 1, 1, "79161234501", 0, 0, 0, "",
                "000000000010000R", 1, 0, "late".getBytes(StandardCharsets.ISO_8859_1), null, now - 11_000);
        Message fresh = new Message(e.nextId(), "crm", "", 5, 0, "Shop", 1, 1, "79161234502", 0, 0, 0, "",
                "000000000010000R", 1, 0, "in time".getBytes(StandardCharsets.ISO_8859_1), null, now - 5_000);
        Message old = msg(e, "crm", "Shop", "79161234503", "no validity", now - 3_600_000, 0);
        e.submit(crm, stale);
        e.submit(crm, fresh);
        e.submit(crm, old);
        assertThat(e.expireQueued(now, Duration.ofHours(2).toMillis())).isEqualTo(1);
        assertThat(e.status(stale.id()).state()).isEqualTo(DeliveryState.UNDELIVERABLE);
        assertThat(e.status(stale.id()).errorCode()).isEqualTo(Engine.VALIDITY_ERROR);
        assertThat(receipts).extracting(Receipt::messageId).containsExactly(stale.id());
        assertThat(receipts.get(0).state()).isEqualTo(DeliveryState.UNDELIVERABLE);
        assertThat(e.expireQueued(now, Duration.ofMinutes(30).toMillis())).as("the default validity").isEqualTo(1);
        assertThat(e.undeliveredCount()).as("only the fresh one is still waiting").isEqualTo(1);
        assertThat(e.operatorQueue("opA").poll().id()).isEqualTo(fresh.id());
        assertThat(e.operatorQueue("opA").poll()).isNull();
        assertThat(e.expiredInQueueCount()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheMorningTimeAcrossARestart() {
        Engine e = newEngine();
        LocalDate tomorrow = LocalDate.now(MOSCOW).plusDays(1);
        long elevenPm = ZonedDateTime.of(tomorrow, LocalTime.of(23, 0), MOSCOW).toInstant().toEpochMilli();
        long nineAm = ZonedDateTime.of(tomorrow.plusDays(1), LocalTime.of(9, 0), MOSCOW).toInstant().toEpochMilli();
        Message ad = msg(e, "promo", "Shop", "79161234567", "Sale!", elevenPm, 0);
        e.submit(promo, ad);
        journals.forEach(ChronicleJournal::close);
        journals.clear();

        Engine again = newEngine();
        again.recover(Duration.ofHours(72));
        assertThat(again.scheduledFor(ad.id())).isEqualTo(nineAm);
        assertThat(again.releaseDue(nineAm - 1)).isZero();
        assertThat(again.releaseDue(nineAm)).isEqualTo(1);
        Message out = again.operatorQueue("opA").poll();
        assertThat(out.id()).isEqualTo(ad.id());
        assertThat(out.scheduleDeliveryTime()).as("the operator gets it to send at once").isEmpty();
    }
}
