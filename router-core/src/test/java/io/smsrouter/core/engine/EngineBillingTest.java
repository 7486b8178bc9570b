package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.billing.PriceTable;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Prepaid balances through the engine and the journal: reserve, settle, refund, refusal, recovery. */
class EngineBillingTest {
    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());
    private final Account mod = Account.of("mod", "pw", null, Moderation.MANUAL, 0, 4, List.of());
    private final Account free = Account.of("free", "pw", null, Moderation.NONE, 0, 4, List.of());
    private final PriceTable prices = PriceTable.of(List.of(
            new PriceTable.Price(null, null, "", Amounts.parse("3.00")),
            new PriceTable.Price(null, null, "7", Amounts.parse("2.50")),
            new PriceTable.Price(null, "opA", "7916", Amounts.parse("2.10"))));

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private Engine newEngine(boolean refundUndelivered) {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        Engine e = new Engine(new AccountRegistry(List.of(shop, mod, free)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))),
                List.of("opA"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(), 1000,
                new Moderator(StopWordAutomaton.EMPTY), new LocalModerationQueue(), 100);
        e.billing(new Billing(prices, Map.of("shop", Amounts.parse("10.00"), "mod", Amounts.parse("10.00")),
                refundUndelivered));
        return e;
    }

    private static Message msg(Engine e, String account, String to, String text) {
        return new Message(e.nextId(), account, "", 5, 0, "Shop", 1, 1, to, 0, 0, 0, "", "", 1, 0,
                text.getBytes(StandardCharsets.ISO_8859_1), null, System.currentTimeMillis());
    }

    private static String money(long units) {
        return Amounts.format(units);
    }

    private static void assertFigures(Engine e, String account, String available, String reserved, String spent) {
        Billing.Balance b = e.billing().balance(account);
        assertThat(money(b.available())).as("available").isEqualTo(available);
        assertThat(money(b.reserved())).as("reserved").isEqualTo(reserved);
        assertThat(money(b.spent())).as("spent").isEqualTo(spent);
        assertThat(b.available() + b.reserved() + b.spent()).as("nothing lost or made up")
                .isEqualTo(b.initial() + b.topUps());
    }

    @Test
    void shouldReserveAtAcceptanceAndSpendWhenTheOperatorTakesIt() {
        Engine e = newEngine(false);
        Message a = msg(e, "shop", "79161234567", "hi");     // 2.10: opA's Moscow price
        Message b = msg(e, "shop", "79031234567", "hi");     // 2.50: Russia
        Message c = msg(e, "shop", "4915112345678", "hi");   // 3.00: anywhere
        assertThat(e.submit(shop, a)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(shop, b)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(shop, c)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertFigures(e, "shop", "2.40", "7.60", "0.00");

        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "up-1");
        assertFigures(e, "shop", "2.40", "5.50", "2.10");
        e.onSubmitFailed(e.operatorQueue("opA").poll(), "opA", 0x0B); // the operator refused it: not billed
        assertFigures(e, "shop", "4.90", "3.00", "2.10");
        assertThat(e.submit(free, msg(e, "free", "79161234567", "hi"))).as("an account without a balance")
                .isEqualTo(SubmitOutcome.ACCEPTED);
    }

    @Test
    void shouldRefuseWhatTheBalanceDoesNotCoverAndCountEverySegment() {
        Engine e = newEngine(false);
        String longText = "x".repeat(310); // two 153-character segments and a third
        assertThat(e.submit(shop, msg(e, "shop", "79031234567", longText))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertFigures(e, "shop", "2.50", "7.50", "0.00");
        assertThat(e.submit(shop, msg(e, "shop", "4915112345678", "hi"))).isEqualTo(SubmitOutcome.NO_BALANCE);
        assertFigures(e, "shop", "2.50", "7.50", "0.00");
        assertThat(e.submit(shop, msg(e, "shop", "79031234567", "hi"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(shop, msg(e, "shop", "79031234567", "hi"))).isEqualTo(SubmitOutcome.NO_BALANCE);
        assertFigures(e, "shop", "0.00", "10.00", "0.00");

        assertThat(e.topUp("shop", Amounts.parse("5"))).isTrue();
        assertThat(e.submit(shop, msg(e, "shop", "79031234567", "hi"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertFigures(e, "shop", "2.50", "12.50", "0.00");
        assertThat(e.topUp("free", 1)).as("not billed").isFalse();
    }

    @Test
    void shouldRefundRejectedCancelledAndUnroutedMessages() {
        Engine e = newEngine(false);
        Message held = msg(e, "mod", "79031234567", "hold me");
        Message held2 = msg(e, "mod", "79031234567", "hold me too");
        assertThat(e.submit(mod, held)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(mod, held2)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertFigures(e, "mod", "5.00", "5.00", "0.00");
        assertThat(e.reject(held.id(), "alice", "spam")).isTrue();
        assertFigures(e, "mod", "7.50", "2.50", "0.00");
        assertThat(e.cancel("mod", held2.id())).isTrue();
        assertFigures(e, "mod", "10.00", "0.00", "0.00");

        Message queued = msg(e, "shop", "79031234567", "queued");
        assertThat(e.submit(shop, queued)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.cancel("shop", queued.id())).isTrue();
        assertFigures(e, "shop", "10.00", "0.00", "0.00");
    }

    @Test
    void shouldRefundUndeliveredOnlyWhenConfigured() {
        Engine e = newEngine(true);
        Message a = msg(e, "shop", "79031234567", "a");
        Message b = msg(e, "shop", "79031234567", "b");
        e.submit(shop, a);
        e.submit(shop, b);
        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "up-a");
        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "up-b");
        assertFigures(e, "shop", "5.00", "5.00", "0.00");
        e.onOperatorReceipt("opA", "up-a", DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        e.onOperatorReceipt("opA", "up-b", DeliveryState.UNDELIVERABLE, 1, System.currentTimeMillis());
        assertFigures(e, "shop", "7.50", "0.00", "2.50");
    }

    @Test
    void shouldComeBackTheSameAfterARestart() {
        Engine e = newEngine(false);
        Message sent = msg(e, "shop", "79031234567", "sent");
        Message waiting = msg(e, "shop", "79161234567", "waiting");
        Message refused = msg(e, "shop", "79031234567", "refused");
        e.submit(shop, sent);
        e.submit(shop, waiting);
        e.submit(shop, refused);
        e.topUp("shop", Amounts.parse("1.5"));
        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "up-1");
        e.operatorQueue("opA").poll();
        e.onSubmitFailed(e.operatorQueue("opA").poll(), "opA", 0x0B);
        assertFigures(e, "shop", "6.90", "2.10", "2.50");
        Message held = msg(e, "mod", "79031234567", "held");
        e.submit(mod, held);
        journals.forEach(ChronicleJournal::close);
        journals.clear();

        Engine again = newEngine(false);
        again.recover(Duration.ofHours(72));
        assertFigures(again, "shop", "6.90", "2.10", "2.50");
        assertFigures(again, "mod", "7.50", "2.50", "0.00");
        // the message that was waiting is queued again and still reserved: settled when taken
        Message requeued = again.operatorQueue("opA").poll();
        assertThat(requeued.id()).isEqualTo(waiting.id());
        again.onSubmitted(requeued, "opA", "up-2");
        assertFigures(again, "shop", "6.90", "0.00", "4.60");
        assertThat(again.reject(held.id(), "bob", "")).isTrue();
        assertFigures(again, "mod", "10.00", "0.00", "0.00");
    }

    @Test
    void shouldKeepTheSumsOfDeletedJournalFiles() {
        long[] now = {1_700_000_000_000L};
        ChronicleJournal j = new ChronicleJournal(dir.resolve("rolled"), "MINUTELY", false, () -> now[0]);
        journals.add(j);
        j.ledger(io.smsrouter.core.journal.Journal.LEDGER_TOP_UP, "shop", Amounts.parse("4"), 0, now[0]);
        j.ledger(io.smsrouter.core.journal.Journal.LEDGER_CHARGE, "shop", Amounts.parse("3"), 11, now[0]);
        j.ledger(io.smsrouter.core.journal.Journal.LEDGER_REFUND, "shop", Amounts.parse("1"), 11, now[0]);
        now[0] += 120_000;
        j.ledger(io.smsrouter.core.journal.Journal.LEDGER_CHARGE, "shop", Amounts.parse("0.5"), 12, now[0]);
        assertThat(j.deleteCyclesEndingBefore(now[0] - 60_000)).isEqualTo(1);
        // a second pass over the same files changes nothing
        assertThat(j.deleteCyclesEndingBefore(now[0] - 60_000)).isZero();

        Billing bill = new Billing(prices, Map.of("shop", Amounts.parse("10")), false);
        Engine e = new Engine(new AccountRegistry(List.of(shop)), new RouteTable(List.of(new Route(null, null, null,
                List.of("opA")))), List.of("opA"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 10),
                new ClientRegistry(), 10);
        e.billing(bill);
        e.recover(Duration.ofHours(72));
        Billing.Balance b = bill.balance("shop");
        assertThat(money(b.topUps())).isEqualTo("4.00");
        assertThat(money(b.spent())).as("2.00 net from the deleted file").isEqualTo("2.00");
        assertThat(money(b.reserved())).as("the charge of the newer file").isEqualTo("0.50");
        assertThat(money(b.available())).isEqualTo("11.50");
    }
}
