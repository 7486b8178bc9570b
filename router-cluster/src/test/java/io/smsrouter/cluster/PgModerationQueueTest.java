package io.smsrouter.cluster;

import io.smsrouter.cluster.pg.PgStore;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.MessageIdGenerator;
import io.smsrouter.core.moderation.HeldMessage;
import io.smsrouter.core.moderation.HoldReason;
import io.smsrouter.core.moderation.ModerationDecision;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link PgModerationQueue} on a real PostgreSQL, as two nodes ("n1", "n2", two pools) see it: one
 * queue, a message taken by one of two racing takers only, decided rows never held again by a
 * restarted node's journal, and a PostgreSQL crash (kill -9) refusing holds until it is back, with
 * a decision whose commit failed written when it is.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PgModerationQueueTest {
    static PgTestServer pg;
    static PgStore store1;
    static PgStore store2;
    static PgModerationQueue n1;
    static PgModerationQueue n2;
    static final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1000);

    @BeforeAll
    static void start() throws Exception {
        pg = PgTestServer.start();
        store1 = PgStore.open(pg.config(), "n1");
        store2 = PgStore.open(pg.config(), "n2");
        n1 = new PgModerationQueue(store1.dataSource(), "n1", 1, Moderator.withoutStopWords());
        n2 = new PgModerationQueue(store2.dataSource(), "n2", 2, Moderator.withoutStopWords());
        n1.live();
        n2.live();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{n1, n2, store1, store2, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A message node {@code slot} accepted. */
    static HeldMessage held(int slot, String text) {
        long id = MessageIdGenerator.clusterBase(slot) + seq.incrementAndGet();
        Message m = new Message(id, "shop", "", 5, 0, "Shop", 1, 1, "79160000001", 0, 0, 0, "", "", 1, 0,
                text.getBytes(StandardCharsets.ISO_8859_1), null, System.currentTimeMillis());
        return Moderator.withoutStopWords().describe(m, "opA", HoldReason.MANUAL, m.acceptedAtMs());
    }

    static ModerationDecision decision(HeldMessage h, Verdict v, String who) {
        return new ModerationDecision(h.id(), "shop", v, who, "", System.currentTimeMillis());
    }

    @Test
    void aMessageHeldOnOneNodeIsListedAndCountedOnBoth() {
        HeldMessage a = held(1, "one queue a");
        HeldMessage b = held(1, "one queue b");
        n1.addAll(List.of(a, b));
        assertThat(n2.get(a.id())).isNotNull();
        assertThat(n2.get(a.id()).text()).isEqualTo("one queue a");
        assertThat(n2.get(a.id()).message().shortMessage()).isEqualTo(a.message().shortMessage());
        assertThat(n2.list()).extracting(HeldMessage::id).contains(a.id(), b.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> n2.size() >= 2 && n2.oldestHeldAtMs() > 0);
        assertThat(n2.get(MessageIdGenerator.clusterBase(2) + 5)).as("n2's own id it never held").isNull();
        assertThat(n1.take(a.id())).isNotNull();
        n1.recordDecision(decision(a, Verdict.APPROVED, "alice"));
        assertThat(n2.get(a.id())).isNull();
        assertThat(n2.recentDecisions(10)).extracting(ModerationDecision::messageId).contains(a.id());
        assertThat(n2.recentDecisions(10).get(0).moderator()).isEqualTo("alice");
    }

    @Test
    void twoNodesTakingTheSameMessageAtOnceOnlyOneGetsIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            HeldMessage h = held(1, "race " + round);
            n1.add(h);
            CyclicBarrier together = new CyclicBarrier(2);
            List<Object> won = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> ts = new ArrayList<>();
            for (PgModerationQueue q : List.of(n1, n2)) {
                Thread t = new Thread(() -> {
                    try {
                        together.await();
                        HeldMessage taken = q.take(h.id());
                        if (taken != null) {
                            Thread.sleep(20); // the journal write of the winner
                            q.recordDecision(decision(taken, Verdict.APPROVED, q == n1 ? "n1" : "n2"));
                            won.add(q);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.start();
                ts.add(t);
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(won).as("round " + round).hasSize(1);
            assertThat(n1.take(h.id())).isNull();
            assertThat(n2.take(h.id())).isNull();
        }
    }

    @Test
    void aDecidedMessageIsNotHeldAgainWhenItsNodeRecoversItFromItsJournal() {
        HeldMessage h = held(1, "decided elsewhere");
        n1.add(h);
        assertThat(n2.take(h.id())).isNotNull();
        n2.recordDecision(decision(h, Verdict.REJECTED, "bob"));
        assertThat(n1.remembers(h.id())).isTrue();
        assertThat(n1.pruneNow()).isTrue();
        assertThat(n1.remembers(h.id())).as("decided on n2: forgotten on n1").isFalse();
        n1.addAll(List.of(h)); // n1's restart: its journal still says held
        assertThat(n1.get(h.id())).isNull();
        assertThat(n2.list()).extracting(HeldMessage::id).doesNotContain(h.id());
        // a take given back (the journal write failed) leaves it held
        HeldMessage g = held(1, "given back");
        n1.add(g);
        assertThat(n2.take(g.id())).isNotNull();
        assertThat(n1.take(g.id())).as("locked by n2's claim").isNull();
        n2.add(g);
        assertThat(n1.take(g.id())).isNotNull();
        n1.removed(g.id()); // its client cancelled it
        assertThat(n2.get(g.id())).isNull();
        assertThat(n2.recentDecisions(50)).extracting(ModerationDecision::messageId).doesNotContain(g.id());
    }

    @Test
    void withPostgresqlDownHoldsAreRefusedAndADecisionWhoseCommitFailedIsWrittenWhenItIsBack() throws Exception {
        HeldMessage h = held(1, "crash");
        n1.add(h);
        assertThat(n1.take(h.id())).isNotNull();
        pg.kill9();
        n1.recordDecision(decision(h, Verdict.APPROVED, "carol")); // journaled by the engine; the commit fails
        assertThat(n1.available()).isFalse();
        assertThatThrownBy(() -> n2.addAll(List.of(held(2, "refused")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("moderation: PostgreSQL");
        await().atMost(Duration.ofSeconds(5)).until(() -> !n2.available());
        pg.startAgain();
        await().atMost(Duration.ofSeconds(30)).until(() -> n1.available() && n2.available());
        assertThat(n2.get(h.id())).isNull();
        assertThat(n2.recentDecisions(10)).filteredOn(d -> d.messageId() == h.id())
                .singleElement().extracting(ModerationDecision::moderator).isEqualTo("carol");
        HeldMessage after = held(2, "after");
        n2.add(after);
        assertThat(n1.get(after.id())).isNotNull();
    }
}
