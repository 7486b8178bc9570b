package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.ScheduleTime;
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

/** Messages with a schedule_delivery_time wait in the router, through restarts, and can be cancelled. */
class EngineScheduleTest {
    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private Engine newEngine() {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        return new Engine(new AccountRegistry(List.of(shop)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))),
                List.of("opA"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(), 1000);
    }

    private static Message msg(Engine e, String schedule) {
        return new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79161234567", 0, 0, 0, schedule, "", 1, 0,
                "hello".getBytes(StandardCharsets.US_ASCII), null, System.currentTimeMillis());
    }

    @Test
    void aMessageForLaterWaitsUntilDueAndGoesWithoutItsScheduleTime() {
        Engine e = newEngine();
        long due = System.currentTimeMillis() + 60_000;
        Message m = msg(e, ScheduleTime.absolute(due));
        assertThat(e.submit(shop, m)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.operatorQueue("opA").size()).isZero();
        assertThat(e.scheduledFor(m.id())).isBetween(due - 100, due);

        assertThat(e.releaseDue(due - 1000)).isZero();
        assertThat(e.releaseDue(due + 1)).isEqualTo(1);
        Message sent = e.operatorQueue("opA").poll();
        assertThat(sent.id()).isEqualTo(m.id());
        assertThat(sent.scheduleDeliveryTime()).isEmpty();
        assertThat(e.scheduledFor(m.id())).isZero();
    }

    @Test
    void aTimeInThePastOrAnUnreadableOneIsHandledAtOnce() {
        Engine e = newEngine();
        Message past = msg(e, ScheduleTime.absolute(System.currentTimeMillis() - 60_000));
        assertThat(e.submit(shop, past)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.operatorQueue("opA").poll().scheduleDeliveryTime()).isEmpty();
        assertThat(e.submit(shop, msg(e, "not a time"))).isEqualTo(SubmitOutcome.INVALID_SCHEDULE);
        assertThat(e.submit(shop, msg(e, "991332250000000+"))).isEqualTo(SubmitOutcome.INVALID_SCHEDULE);
    }

    @Test
    void aRelativeTimeCountsFromAcceptance() {
        Engine e = newEngine();
        Message m = msg(e, "000000000130000R"); // 1 min 30 s
        assertThat(e.submit(shop, m)).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.scheduledFor(m.id()) - m.acceptedAtMs()).isEqualTo(90_000);
    }

    @Test
    void aScheduledMessageSurvivesARestartAndCanBeCancelled() {
        Engine first = newEngine();
        long due = System.currentTimeMillis() + 60_000;
        Message keep = msg(first, ScheduleTime.absolute(due));
        Message drop = msg(first, ScheduleTime.absolute(due));
        first.submit(shop, keep);
        first.submit(shop, drop);
        journals.remove(0).close();

        Engine second = newEngine();
        second.recover(Duration.ofHours(72));
        assertThat(second.scheduledFor(keep.id())).isPositive();
        assertThat(second.operatorQueue("opA").size()).isZero();
        assertThat(second.cancel("other", drop.id())).isFalse();
        assertThat(second.cancel("shop", drop.id())).isTrue();
        assertThat(second.status(drop.id()).state()).isEqualTo(DeliveryState.DELETED);
        journals.remove(0).close();

        Engine third = newEngine();
        third.recover(Duration.ofHours(72));
        assertThat(third.scheduledFor(drop.id())).as("cancelled before the restart").isZero();
        assertThat(third.scheduledFor(keep.id())).isPositive();
        assertThat(third.releaseDue(due + 1)).isEqualTo(1);
        assertThat(third.operatorQueue("opA").poll().id()).isEqualTo(keep.id());
        assertThat(third.operatorQueue("opA").size()).isZero();
    }

    @Test
    void partsAreJournaledWithTheirNoteAndTheObserverSeesNotesAgainAtRecovery() {
        Engine e = newEngine();
        List<String> seen = new ArrayList<>();
        e.observe((id, key, value) -> seen.add(id + " " + key + "=" + value));
        long first = e.nextIds(2);
        List<Message> parts = List.of(withId(msg(e, ""), first), withId(msg(e, ""), first + 1));
        assertThat(e.submitParts(shop, parts, parts.get(0), "http", "note")).isEqualTo(SubmitOutcome.ACCEPTED);
        assertThat(e.operatorQueue("opA").size()).isEqualTo(2);
        assertThat(seen).containsExactly(first + " http=note", (first + 1) + " http=note");
        journals.remove(0).close();

        Engine again = newEngine();
        List<String> replayed = new ArrayList<>();
        again.observe((id, key, value) -> replayed.add(id + " " + key + "=" + value));
        again.recover(Duration.ofHours(72));
        assertThat(replayed).containsExactlyElementsOf(seen);
        assertThat(again.nextId()).isGreaterThan(first + 1);
    }

    @Test
    void refusedPartsLeaveNothingInTheJournal() {
        Engine e = newEngine();
        List<Message> parts = List.of(msg(e, "bad"), msg(e, "bad"));
        assertThat(e.submitParts(shop, parts, parts.get(0), "http", "x")).isEqualTo(SubmitOutcome.INVALID_SCHEDULE);
        int[] events = new int[1];
        journals.get(0).replay(new Journal.JournalListener() {
            @Override
            public void accepted(Message message, String operatorId) {
                events[0]++;
            }

            @Override
            public void submitted(long messageId, String operatorId, String upstreamId) {
            }

            @Override
            public void failed(long messageId, int errorCode) {
            }

            @Override
            public void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs) {
            }

            @Override
            public void receiptForwarded(long messageId) {
            }

            @Override
            public void noted(long messageId, String key, String value) {
                events[0]++;
            }
        });
        assertThat(events[0]).isZero();
    }

    private static Message withId(Message m, long id) {
        return new Message(id, m.accountId(), m.serviceType(), m.sourceTon(), m.sourceNpi(), m.source(), m.destTon(),
                m.destNpi(), m.destination(), m.esmClass(), m.protocolId(), m.priority(), m.scheduleDeliveryTime(),
                m.validityPeriod(), m.registeredDelivery(), m.dataCoding(), m.shortMessage(), m.optionalParameters(),
                m.acceptedAtMs());
    }
}
