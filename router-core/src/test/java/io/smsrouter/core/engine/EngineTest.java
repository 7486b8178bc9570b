package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
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

class EngineTest {
    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();

    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of("Shop"));
    private final Account limited = Account.of("slow", "pw", null, Moderation.NONE, 2, 4, List.of());

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private Engine newEngine(ClientRegistry clients) {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        return new Engine(new AccountRegistry(List.of(shop, limited)),
                new RouteTable(List.of(new Route(null, "7916", null, List.of("opB")),
                        new Route(null, null, null, List.of("opA")))),
                List.of("opA", "opB"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), clients, 1000);
    }

    private static Message msg(Engine e, String account, String from, String to) {
        return new Message(e.nextId(), account, "", 5, 0, from, 1, 1, to, 0, 0, 0, "", "", 1, 0,
                "hello".getBytes(StandardCharsets.US_ASCII), null, System.currentTimeMillis());
    }

    static final class RecordingSession implements ClientSession {
        final List<Receipt> receipts = new ArrayList<>();

        @Override
        public String accountId() {
            return "shop";
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
    }

    @Test
    void shouldQueueAcceptedMessageForTheOperatorOfTheFirstMatchingRoute() {
        Engine e = newEngine(new ClientRegistry());
        Message a = msg(e, "shop", "Shop", "79161234567");
        Message b = msg(e, "shop", "Shop", "79031234567");
        assertThat(e.submit(shop, a)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(shop, b)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.operatorQueue("opB").poll()).isEqualTo(a);
        assertThat(e.operatorQueue("opA").poll()).isEqualTo(b);
    }

    @Test
    void shouldRefuseSenderOutsideTheAllowList() {
        Engine e = newEngine(new ClientRegistry());
        assertThat(e.submit(shop, msg(e, "shop", "Other", "79031234567"))).isEqualTo(SubmitOutcome.SENDER_NOT_ALLOWED);
        assertThat(e.operatorQueue("opA").size()).isZero();
    }

    @Test
    void shouldThrottleAboveTheAccountRate() {
        Engine e = newEngine(new ClientRegistry());
        int accepted = 0;
        int throttled = 0;
        for (int i = 0; i < 10; i++) {
            SubmitOutcome o = e.submit(limited, msg(e, "slow", "X", "7903"));
            if (o == SubmitOutcome.ACCEPTED) {
                accepted++;
            } else if (o == SubmitOutcome.THROTTLED) {
                throttled++;
            }
        }
        assertThat(accepted).isBetween(2, 3);
        assertThat(throttled).isEqualTo(10 - accepted);
    }

    @Test
    void shouldMatchOperatorReceiptToOurIdAndDeliverItToTheClient() {
        ClientRegistry clients = new ClientRegistry();
        RecordingSession session = new RecordingSession();
        clients.register(session, 4);
        Engine e = newEngine(clients);
        Message m = msg(e, "shop", "Shop", "79031234567");
        e.submit(shop, m);
        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "up-1");
        e.onOperatorReceipt("opA", "up-1", DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        assertThat(session.receipts).singleElement().satisfies(r -> {
            assertThat(r.messageId()).isEqualTo(m.id());
            assertThat(r.state()).isEqualTo(DeliveryState.DELIVERED);
        });
        assertThat(e.status(m.id()).state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void shouldCorrelateReceiptThatArrivesBeforeTheSubmitResponse() {
        ClientRegistry clients = new ClientRegistry();
        RecordingSession session = new RecordingSession();
        clients.register(session, 4);
        Engine e = newEngine(clients);
        Message m = msg(e, "shop", "Shop", "79031234567");
        e.submit(shop, m);
        e.onOperatorReceipt("opA", "up-9", DeliveryState.UNDELIVERABLE, 1, System.currentTimeMillis());
        assertThat(session.receipts).isEmpty();
        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "up-9");
        assertThat(session.receipts).singleElement().extracting(Receipt::messageId).isEqualTo(m.id());
    }

    @Test
    void shouldKeepReceiptsUntilTheAccountBindsAReceiver() {
        ClientRegistry clients = new ClientRegistry();
        Engine e = newEngine(clients);
        Message m = msg(e, "shop", "Shop", "79031234567");
        e.submit(shop, m);
        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "u1");
        e.onOperatorReceipt("opA", "u1", DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        assertThat(clients.pendingCount("shop")).isEqualTo(1);
        RecordingSession late = new RecordingSession();
        clients.register(late, 4);
        clients.drain("shop");
        assertThat(late.receipts).hasSize(1);
        assertThat(clients.pendingCount("shop")).isZero();
    }

    @Test
    void shouldRecoverUnsentMessagesCorrelationsAndUnforwardedReceiptsFromTheJournal() {
        Engine first = newEngine(new ClientRegistry());
        Message sent = msg(first, "shop", "Shop", "79031111111");
        Message unsent = msg(first, "shop", "Shop", "79032222222");
        Message receipted = msg(first, "shop", "Shop", "79033333333");
        first.submit(shop, sent);
        first.submit(shop, unsent);
        first.submit(shop, receipted);
        OperatorQueue q = first.operatorQueue("opA");
        first.onSubmitted(q.poll(), "opA", "u-sent");
        q.poll(); // taken by a bind, never confirmed: must be sent again
        first.onSubmitted(q.poll(), "opA", "u-rec");
        first.onOperatorReceipt("opA", "u-rec", DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        journals.remove(0).close();

        ClientRegistry clients = new ClientRegistry();
        Engine second = newEngine(clients);
        Engine.RecoveryReport report = second.recover(Duration.ofHours(72));
        assertThat(report.requeued()).isEqualTo(1);
        assertThat(second.operatorQueue("opA").poll().id()).isEqualTo(unsent.id());
        assertThat(report.awaitingReceipt()).isEqualTo(1);
        assertThat(clients.pendingCount("shop")).isEqualTo(1);
        assertThat(second.nextId()).isGreaterThan(receipted.id());

        RecordingSession s = new RecordingSession();
        clients.register(s, 4);
        second.onOperatorReceipt("opA", "u-sent", DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        clients.drain("shop");
        assertThat(s.receipts).extracting(Receipt::messageId).containsExactlyInAnyOrder(sent.id(), receipted.id());
    }

    @Test
    void shouldMarkWhatRecoveryQueuesAgainAsPossibleDuplicatesInTheJournal() {
        Engine first = newEngine(new ClientRegistry());
        Message a = msg(first, "shop", "Shop", "79031111111");
        Message b = msg(first, "shop", "Shop", "79032222222");
        first.submit(shop, a);
        first.submit(shop, b);
        first.onSubmitted(first.operatorQueue("opA").poll(), "opA", "u-a");
        journals.remove(0).close();

        Engine second = newEngine(new ClientRegistry());
        assertThat(second.recover(Duration.ofHours(72)).requeued()).isEqualTo(1);
        assertThat(second.requeuedAtRecoveryCount()).isEqualTo(1);
        List<Long> marked = new ArrayList<>();
        journals.get(0).replay(new io.smsrouter.core.journal.Journal.JournalListener() {
            @Override
            public void accepted(Message m, String operatorId) {
            }

            @Override
            public void submitted(long id, String operatorId, String upstreamId) {
            }

            @Override
            public void failed(long id, int errorCode) {
            }

            @Override
            public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
            }

            @Override
            public void receiptForwarded(long id) {
            }

            @Override
            public void requeued(long id, String operatorId) {
                marked.add(id);
                assertThat(operatorId).isEqualTo("opA");
            }
        });
        assertThat(marked).containsExactly(b.id());
    }

    @Test
    void shouldCancelAQueuedMessageAndTellTheClient() {
        ClientRegistry clients = new ClientRegistry();
        RecordingSession session = new RecordingSession();
        clients.register(session, 4);
        Engine e = newEngine(clients);
        Message m = msg(e, "shop", "Shop", "79031234567");
        e.submit(shop, m);
        assertThat(e.cancel("other", m.id())).isFalse();
        assertThat(e.cancel("shop", m.id())).isTrue();
        assertThat(e.operatorQueue("opA").size()).isZero();
        assertThat(e.status(m.id()).state()).isEqualTo(DeliveryState.DELETED);
        assertThat(session.receipts).singleElement().extracting(Receipt::state).isEqualTo(DeliveryState.DELETED);
        assertThat(e.cancel("shop", m.id())).isFalse();
    }

    @Test
    void shouldNotCancelOrReplaceAMessageAlreadyTakenByAnOperatorBind() {
        Engine e = newEngine(new ClientRegistry());
        Message m = msg(e, "shop", "Shop", "79031234567");
        e.submit(shop, m);
        e.operatorQueue("opA").poll();
        assertThat(e.cancel("shop", m.id())).isFalse();
        assertThat(e.replace("shop", m.id(), old -> old)).isFalse();
    }

    @Test
    void shouldReplaceTheTextOfAQueuedMessageAndKeepItsIdThroughRecovery() {
        Engine e = newEngine(new ClientRegistry());
        Message m = msg(e, "shop", "Shop", "79031234567");
        e.submit(shop, m);
        byte[] text = "new text".getBytes(StandardCharsets.US_ASCII);
        assertThat(e.replace("shop", m.id(), old -> new Message(old.id(), old.accountId(), old.serviceType(),
                old.sourceTon(), old.sourceNpi(), old.source(), old.destTon(), old.destNpi(), old.destination(),
                old.esmClass(), old.protocolId(), old.priority(), "", "", 1, 0, text, null,
                old.acceptedAtMs()))).isTrue();
        journals.remove(0).close();
        Engine after = newEngine(new ClientRegistry());
        after.recover(Duration.ofHours(1));
        Message recovered = after.operatorQueue("opA").poll();
        assertThat(recovered.id()).isEqualTo(m.id());
        assertThat(recovered.shortMessage()).isEqualTo(text);
        assertThat(after.operatorQueue("opA").poll()).isNull();
    }

    @Test
    void shouldHandMessagesToOperatorsOnlyAfterTheBatchIsJournaledAndRecoverBatchedEvents() {
        Engine e = newEngine(new ClientRegistry());
        e.beginBatch();
        Message a = msg(e, "shop", "Shop", "79031234567");
        Message b = msg(e, "shop", "Shop", "79161234567");
        assertThat(e.submit(shop, a)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(shop, b)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.operatorQueue("opA").size()).as("nothing leaves before the batch is journaled").isZero();
        e.endBatch();
        assertThat(e.operatorQueue("opA").poll()).isEqualTo(a);
        assertThat(e.operatorQueue("opB").poll()).isEqualTo(b);

        e.beginBatch();
        e.onSubmitted(a, "opA", "u-a");
        e.endBatch();
        journals.remove(0).close();

        Engine after = newEngine(new ClientRegistry());
        Engine.RecoveryReport report = after.recover(Duration.ofHours(1));
        assertThat(report.events()).isEqualTo(3);
        assertThat(report.requeued()).isEqualTo(1);
        assertThat(report.awaitingReceipt()).isEqualTo(1);
        assertThat(after.operatorQueue("opB").poll().id()).isEqualTo(b.id());
    }

    @Test
    void shouldDeliverReceiptsOfABatchOnlyAfterItIsJournaled() {
        ClientRegistry clients = new ClientRegistry();
        RecordingSession session = new RecordingSession();
        clients.register(session, 4);
        Engine e = newEngine(clients);
        Message m = msg(e, "shop", "Shop", "79031234567");
        e.submit(shop, m);
        e.onSubmitted(e.operatorQueue("opA").poll(), "opA", "u1");
        e.beginBatch();
        e.onOperatorReceipt("opA", "u1", DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        assertThat(session.receipts).isEmpty();
        e.endBatch();
        assertThat(session.receipts).hasSize(1);
    }
}
