package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.HoldReason;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.StopWordList;
import io.smsrouter.core.moderation.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Held messages through the engine and the journal: decisions, receipts, cancel, replace, recovery. */
class EngineModerationTest {
    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account auto = Account.of("shop", "pw", null, Moderation.AUTO, 0, 4, List.of());
    private final Account manual = Account.of("new", "pw", null, Moderation.MANUAL, 0, 4, List.of());

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private Engine newEngine(ClientRegistry clients, int maxHeld) throws Exception {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        Moderator moderator = new Moderator(StopWordAutomaton.build(
                StopWordList.parse("test", "# category: casino\nказино\n")));
        return new Engine(new AccountRegistry(List.of(auto, manual)),
                new io.smsrouter.core.route.RouteTable(List.of(new io.smsrouter.core.route.Route(null, null, null,
                        List.of("opA")))),
                List.of("opA"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), clients, 1000,
                moderator, new LocalModerationQueue(), maxHeld);
    }

    private static Message msg(Engine e, String account, String text) {
        return new Message(e.nextId(), account, "", 5, 0, "Shop", 1, 1, "79161234567", 0, 0, 0, "", "", 1, 8,
                text.getBytes(StandardCharsets.UTF_16BE), null, System.currentTimeMillis());
    }

    private static final class Receiver implements ClientSession {
        final String account;
        final List<io.smsrouter.core.message.Receipt> receipts = new ArrayList<>();

        Receiver(String account) {
            this.account = account;
        }

        @Override
        public String accountId() {
            return account;
        }

        @Override
        public boolean receivesReceipts() {
            return true;
        }

        @Override
        public boolean deliver(io.smsrouter.core.message.Receipt r) {
            receipts.add(r);
            return true;
        }
    }

    private static Receiver receiver(ClientRegistry clients, String account) {
        Receiver s = new Receiver(account);
        clients.register(s, 4);
        return s;
    }

    @Test
    void shouldHoldOnAStopWordAndReleaseOnlyWhenApproved() throws Exception {
        Engine e = newEngine(new ClientRegistry(), 100);
        Message casino = msg(e, "shop", "Лучшее КАЗИНО города");
        Message clean = msg(e, "shop", "Ваш заказ доставлен");
        assertThat(e.submit(auto, casino)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(auto, clean)).isEqualTo(SubmitOutcome.ACCEPTED);

        assertThat(e.operatorQueue("opA").poll()).isEqualTo(clean);
        assertThat(e.operatorQueue("opA").poll()).isNull();
        assertThat(e.moderationQueue().size()).isEqualTo(1);
        assertThat(e.moderationQueue().get(casino.id()).reason()).isEqualTo(HoldReason.STOP_WORD);
        assertThat(e.moderationQueue().get(casino.id()).text()).isEqualTo("Лучшее КАЗИНО города");
        assertThat(e.moderationQueue().get(casino.id()).textMatches()).hasSize(1);
        assertThat(e.status(casino.id()).state()).isEqualTo(DeliveryState.ENROUTE);

        assertThat(e.approve(casino.id(), "alice", "")).isTrue();
        assertThat(e.approve(casino.id(), "bob", "")).as("a second decision").isFalse();
        assertThat(e.operatorQueue("opA").poll()).isEqualTo(casino);
        assertThat(e.moderationQueue().size()).isZero();
        assertThat(e.decidedCount(Verdict.APPROVED)).isEqualTo(1);
        assertThat(e.moderationQueue().recentDecisions(5).get(0).moderator()).isEqualTo("alice");
    }

    @Test
    void shouldSendARejectedReceiptAndNeverQueueARejectedMessage() throws Exception {
        ClientRegistry clients = new ClientRegistry();
        Receiver rx = receiver(clients, "new");
        Engine e = newEngine(clients, 100);
        Message m = msg(e, "new", "hello");
        assertThat(e.submit(manual, m)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.moderationQueue().get(m.id()).reason()).isEqualTo(HoldReason.MANUAL);

        assertThat(e.reject(m.id(), "bob", "spam")).isTrue();
        assertThat(e.operatorQueue("opA").poll()).isNull();
        assertThat(rx.receipts).hasSize(1);
        assertThat(rx.receipts.get(0).messageId()).isEqualTo(m.id());
        assertThat(rx.receipts.get(0).state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(e.status(m.id()).state()).isEqualTo(DeliveryState.REJECTED);
    }

    @Test
    void shouldExpireMessagesThatWaitedTooLong() throws Exception {
        ClientRegistry clients = new ClientRegistry();
        Receiver rx = receiver(clients, "new");
        Engine e = newEngine(clients, 100);
        Message old = msg(e, "new", "old");
        e.submit(manual, old);
        Thread.sleep(30);
        Message fresh = msg(e, "new", "fresh");
        e.submit(manual, fresh);

        assertThat(e.expireHeld(20)).isEqualTo(1);
        assertThat(rx.receipts).extracting(r -> r.state()).containsExactly(DeliveryState.EXPIRED);
        assertThat(e.moderationQueue().list()).extracting(h -> h.id()).containsExactly(fresh.id());
    }

    @Test
    void shouldRefuseWhatWouldBeHeldWhenTheQueueIsFull() throws Exception {
        Engine e = newEngine(new ClientRegistry(), 2);
        assertThat(e.submit(manual, msg(e, "new", "1"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(manual, msg(e, "new", "2"))).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.submit(manual, msg(e, "new", "3"))).isEqualTo(SubmitOutcome.OVERLOADED);
        assertThat(e.submit(auto, msg(e, "shop", "clean"))).as("what is not held still goes")
                .isEqualTo(SubmitOutcome.ACCEPTED);
    }

    @Test
    void shouldCancelAndReplaceHeldMessages() throws Exception {
        ClientRegistry clients = new ClientRegistry();
        Receiver rx = receiver(clients, "new");
        Engine e = newEngine(clients, 100);
        Message a = msg(e, "new", "a");
        Message b = msg(e, "new", "b");
        e.submit(manual, a);
        e.submit(manual, b);

        assertThat(e.cancel("shop", a.id())).as("another account's message").isFalse();
        assertThat(e.cancel("new", a.id())).isTrue();
        assertThat(rx.receipts).extracting(r -> r.state()).containsExactly(DeliveryState.DELETED);
        assertThat(e.replace("new", b.id(), m -> new Message(m.id(), m.accountId(), m.serviceType(), m.sourceTon(),
                m.sourceNpi(), m.source(), m.destTon(), m.destNpi(), m.destination(), m.esmClass(), m.protocolId(),
                m.priority(), m.scheduleDeliveryTime(), m.validityPeriod(), m.registeredDelivery(), 8,
                "казино".getBytes(StandardCharsets.UTF_16BE), m.optionalParameters(), m.acceptedAtMs()))).isTrue();
        assertThat(e.moderationQueue().get(b.id()).text()).isEqualTo("казино");
        assertThat(e.moderationQueue().get(b.id()).textMatches()).hasSize(1);
        assertThat(e.moderationQueue().size()).isEqualTo(1);
    }

    /** One part of a concatenated message: UDH with IE 0x00 (8-bit reference), UCS-2 text. */
    private static Message part(Engine e, int ref, int total, int seq, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_16BE);
        byte[] sm = new byte[6 + body.length];
        sm[0] = 5;
        sm[1] = 0;
        sm[2] = 3;
        sm[3] = (byte) ref;
        sm[4] = (byte) total;
        sm[5] = (byte) seq;
        System.arraycopy(body, 0, sm, 6, body.length);
        return new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79161234567", 0x40, 0, 0, "", "", 1, 8,
                sm, null, System.currentTimeMillis());
    }

    @Test
    void shouldSeeAStopWordSplitAcrossPartsAndHoldTheRestOfAHeldMessage() throws Exception {
        Engine e = newEngine(new ClientRegistry(), 100);
        Message p1 = part(e, 7, 3, 1, "Приходите в наше каз");
        Message p2 = part(e, 7, 3, 2, "ино сегодня вечером");
        Message p3 = part(e, 7, 3, 3, " и приводите друзей");
        e.submit(auto, p1);
        e.submit(auto, p2);
        e.submit(auto, p3);
        assertThat(e.operatorQueue("opA").poll()).as("the part before the split word already went").isEqualTo(p1);
        assertThat(e.operatorQueue("opA").poll()).isNull();
        assertThat(e.moderationQueue().list()).extracting(h -> h.id()).containsExactly(p2.id(), p3.id());
        assertThat(e.moderationQueue().get(p3.id()).reason()).isEqualTo(HoldReason.PART);

        // another message with the same reference to another recipient, and a clean long message: not held
        Message clean1 = part(e, 8, 2, 1, "Ваш заказ собран и ");
        Message clean2 = part(e, 8, 2, 2, "ждёт вас в пункте выдачи");
        e.submit(auto, clean1);
        e.submit(auto, clean2);
        assertThat(e.operatorQueue("opA").poll()).isEqualTo(clean1);
        assertThat(e.operatorQueue("opA").poll()).isEqualTo(clean2);

        // SAR TLVs instead of a UDH; parts arriving out of order
        byte[] sar2 = {0x02, 0x0C, 0, 2, 0, 9, 0x02, 0x0E, 0, 1, 2, 0x02, 0x0F, 0, 1, 2};
        byte[] sar1 = {0x02, 0x0C, 0, 2, 0, 9, 0x02, 0x0E, 0, 1, 2, 0x02, 0x0F, 0, 1, 1};
        Message s2 = new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79160000000", 0, 0, 0, "", "", 1, 8,
                "зино и бонусы".getBytes(StandardCharsets.UTF_16BE), sar2, System.currentTimeMillis());
        Message s1 = new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79160000000", 0, 0, 0, "", "", 1, 8,
                "Онлайн ка".getBytes(StandardCharsets.UTF_16BE), sar1, System.currentTimeMillis());
        e.submit(auto, s2);
        e.submit(auto, s1);
        assertThat(e.operatorQueue("opA").poll()).isEqualTo(s2);
        assertThat(e.moderationQueue().get(s1.id())).isNotNull();
    }

    @Test
    void shouldRebuildTheQueueAndDecisionsFromTheJournal() throws Exception {
        ClientRegistry clients = new ClientRegistry();
        Engine e = newEngine(clients, 100);
        Message stays = msg(e, "new", "stays held");
        Message approved = msg(e, "new", "approved, not yet sent");
        Message rejected = msg(e, "new", "rejected, receipt owed");
        Message cancelled = msg(e, "new", "cancelled");
        Message replaced = msg(e, "new", "old text");
        for (Message m : List.of(stays, approved, rejected, cancelled, replaced)) {
            e.beginBatch();
            assertThat(e.submit(manual, m)).isEqualTo(SubmitOutcome.ACCEPTED);
            assertThat(e.moderationQueue().get(m.id())).as("visible only after the batch is journaled").isNull();
            e.endBatch();
        }
        e.approve(approved.id(), "alice", "");
        e.reject(rejected.id(), "bob", "no");
        e.cancel("new", cancelled.id());
        e.replace("new", replaced.id(), m -> new Message(m.id(), m.accountId(), m.serviceType(), m.sourceTon(),
                m.sourceNpi(), m.source(), m.destTon(), m.destNpi(), m.destination(), m.esmClass(), m.protocolId(),
                m.priority(), m.scheduleDeliveryTime(), m.validityPeriod(), m.registeredDelivery(), 8,
                "new text".getBytes(StandardCharsets.UTF_16BE), m.optionalParameters(), m.acceptedAtMs()));
        journals.get(0).close();
        journals.clear();

        ClientRegistry after = new ClientRegistry();
        Engine r = newEngine(after, 100);
        Engine.RecoveryReport report = r.recover(Duration.ofHours(1));
        assertThat(report.held()).isEqualTo(2);
        assertThat(r.moderationQueue().list()).extracting(h -> h.id()).containsExactly(stays.id(), replaced.id());
        assertThat(r.moderationQueue().get(replaced.id()).text()).isEqualTo("new text");
        assertThat(r.operatorQueue("opA").poll().id()).isEqualTo(approved.id());
        assertThat(r.operatorQueue("opA").poll()).isNull();
        assertThat(after.pendingCount("new")).as("receipts owed: rejected and cancelled").isEqualTo(2);
        assertThat(r.moderationQueue().recentDecisions(10)).extracting(d -> d.verdict())
                .containsExactly(Verdict.REJECTED, Verdict.APPROVED);
        assertThat(r.nextId()).isGreaterThan(replaced.id());
    }
}
