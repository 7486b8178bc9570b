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
import io.smsrouter.core.moderation.ModerationDecision;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.Verdict;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Recovery from a checkpoint reads the checkpoint and only the journal after it, and ends in the
 * same state as a replay of the whole journal: the same messages queued again, held, waiting for
 * receipts, receipts to forward, balances, statuses, decisions and ids. A checkpoint that was
 * not finished (a crash before its rename) or is damaged never costs a message.
 */
class CheckpointTest {
    private static final int HISTORY = 3000;

    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());
    private final Account mod = Account.of("mod", "pw", null, Moderation.MANUAL, 0, 4, List.of());
    private final PriceTable prices = PriceTable.of(List.of(new PriceTable.Price(null, null, "", Amounts.parse("0.01"))));

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private Path checkpointFile() {
        return dir.resolve("journal").resolve("recovery.checkpoint");
    }

    private Engine engine(boolean checkpoints) {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        Engine e = new Engine(new AccountRegistry(List.of(shop, mod)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))),
                List.of("opA"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 100_000), new ClientRegistry(),
                100_000, new Moderator(StopWordAutomaton.EMPTY), new LocalModerationQueue(), 100);
        e.billing(new Billing(prices, Map.of("shop", Amounts.parse("1000.00"), "mod", Amounts.parse("10.00")), false));
        e.dedup(new io.smsrouter.core.policy.DuplicateFilter(Map.of("shop", Duration.ofHours(1)), 100_000));
        e.observe((id, key, value) -> notes.add(id + " " + key + "=" + value));
        if (checkpoints) {
            e.checkpoints(checkpointFile());
        }
        return e;
    }

    private void closeJournals() {
        journals.forEach(ChronicleJournal::close);
        journals.clear();
    }

    private static Message msg(Engine e, Account a, String to, int registeredDelivery) {
        return new Message(e.nextId(), a.id(), "", 5, 0, "Shop", 1, 1, to, 0, 0, 0, "", "", registeredDelivery, 0,
                "hello".getBytes(StandardCharsets.US_ASCII), null, System.currentTimeMillis());
    }

    /** What a start found: what recovery reported, and the state it left. */
    private record Found(Engine.RecoveryReport report, Set<Long> queued, List<Long> held, int receiptsOwed,
                         Billing.Balance shop, List<ModerationDecision> decisions, List<String> notes) {
    }

    private Found recover(boolean checkpoints) {
        return recover(checkpoints, e -> {
        });
    }

    /** A start; {@code probe} looks at the engine before its journal is closed. */
    private Found recover(boolean checkpoints, java.util.function.Consumer<Engine> probe) {
        Engine e = engine(checkpoints);
        notes.clear();
        Engine.RecoveryReport r = e.recover(Duration.ofHours(72));
        Set<Long> queued = new HashSet<>();
        for (Message m = e.operatorQueue("opA").poll(); m != null; m = e.operatorQueue("opA").poll()) {
            queued.add(m.id());
        }
        Found f = new Found(r, queued, e.moderationQueue().list().stream().map(h -> h.message().id()).toList(),
                e.clients().pendingCount("shop"), e.billing().balance("shop"), e.moderationQueue().recentDecisions(10),
                List.copyOf(notes));
        lastEngine = e;
        probe.accept(e);
        closeJournals();
        return f;
    }

    private Engine lastEngine;
    /** Notes the last engines' observers saw (live and replayed). */
    private final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A long finished history, then a few messages in every state that a restart must keep. */
    private record Written(Set<Long> inFlightQueued, long heldId, long deliveredId, Engine.CheckpointReport checkpoint,
                           long afterCheckpoint, long firstFinished) {
    }

    private Written history(Engine e) throws IOException {
        long firstFinished = 0;
        for (int i = 0; i < HISTORY; i++) {
            Message m = msg(e, shop, "7916" + (1_000_000 + i), 0);
            assertThat(e.submit(shop, m)).isEqualTo(SubmitOutcome.ACCEPTED);
            firstFinished = firstFinished == 0 ? m.id() : firstFinished;
            assertThat(e.operatorQueue("opA").poll()).isEqualTo(m);
            e.onSubmitted(m, "opA", "U" + m.id());
            e.onOperatorReceipt("opA", "U" + m.id(), DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        }
        e.note(firstFinished, "http", "of a message that ended");
        // opt-outs: the router writes their snapshot before a checkpoint is put in place (not here);
        // the last ones are in the checkpoint too, for one journaled just before it and not yet applied
        e.optOut(io.smsrouter.core.policy.OptOut.sender("shop", "Shop", "79990000001", System.currentTimeMillis(),
                "api"));
        Set<Long> queued = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Message m = msg(e, shop, "7926000000" + i, 1);
            e.submit(shop, m);
            e.note(m.id(), "http", "part " + i);
            queued.add(m.id());
        }
        // held, and held then approved (queued again after the approval)
        Message held = msg(e, mod, "79360000001", 1);
        Message approved = msg(e, mod, "79360000002", 1);
        e.submit(mod, held);
        e.submit(mod, approved);
        assertThat(e.approve(approved.id(), "alice", "fine")).isTrue();
        queued.add(approved.id());
        // two sent and waiting for their receipts, one delivered with its receipt owed to the client
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message m = msg(e, shop, "7946000000" + i, 1);
            e.submit(shop, m);
            sent.add(m);
        }
        for (Message m : sent) {
            assertThat(e.operatorQueue("opA").remove(m.id())).isEqualTo(m);
            e.onSubmitted(m, "opA", "S" + m.id());
        }
        e.onOperatorReceipt("opA", "S" + sent.get(2).id(), DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        long deliveredId = sent.get(2).id();

        Engine.CheckpointReport cp = e.checkpoint(() -> {
        });
        assertThat(cp).isNotNull();
        assertThat(cp.inFlight()).as("messages in flight in the checkpoint").isEqualTo(5 + 2 + 3);

        // after the checkpoint: one more message, and a receipt for one that waited
        Message later = msg(e, shop, "79560000001", 1);
        e.submit(shop, later);
        queued.add(later.id());
        e.onOperatorReceipt("opA", "S" + sent.get(0).id(), DeliveryState.UNDELIVERABLE, 5, System.currentTimeMillis());
        return new Written(queued, held.id(), deliveredId, cp, later.id(), firstFinished);
    }

    @Test
    void shouldRecoverFromTheCheckpointAndOnlyTheJournalAfterItToWhatAWholeReplayFinds() throws Exception {
        Engine first = engine(true);
        first.recover(Duration.ofHours(72));
        Written w = history(first);
        closeJournals(); // a crash: no stop, no checkpoint at stop

        Found whole = recover(false);
        long[] duplicates = new long[2];
        boolean[] optedOut = new boolean[1];
        Found fromCheckpoint = recover(true, e -> {
            optedOut[0] = e.optOuts().isOptedOut("shop", "Shop", "79990000001");
            // the duplicate filter's window goes on: the same text to a number of the history is one
            duplicates[0] = e.duplicateCount();
            e.submit(shop, msg(e, shop, "7916" + 1_000_000, 0));
            duplicates[1] = e.duplicateCount();
        });
        Engine withCheckpoint = lastEngine;

        Engine.RecoveryReport r = fromCheckpoint.report();
        assertThat(r.checkpointRecords()).as("records read from the checkpoint").isPositive();
        assertThat(r.excerpts()).as("journal excerpts replayed after the checkpoint").isBetween(1L, 10L);
        assertThat(whole.report().excerpts()).as("a whole replay reads the history too").isGreaterThan(HISTORY);
        assertThat(whole.report().checkpointRecords()).isEqualTo(-1);

        assertThat(fromCheckpoint.queued()).as("queued again").isEqualTo(w.inFlightQueued())
                .isEqualTo(whole.queued());
        assertThat(r.requeued()).isEqualTo(w.inFlightQueued().size()).isEqualTo(whole.report().requeued());
        assertThat(fromCheckpoint.held()).containsExactly(w.heldId()).isEqualTo(whole.held());
        assertThat(r.awaitingReceipt()).isEqualTo(1).isEqualTo(whole.report().awaitingReceipt());
        assertThat(r.receiptsToForward()).as("the receipt owed before, and the one after the checkpoint")
                .isEqualTo(2).isEqualTo(whole.report().receiptsToForward());
        assertThat(fromCheckpoint.receiptsOwed()).isEqualTo(2).isEqualTo(whole.receiptsOwed());
        assertThat(r.highestId()).isEqualTo(w.afterCheckpoint()).isEqualTo(whole.report().highestId());
        assertThat(fromCheckpoint.shop()).as("balance").isEqualTo(whole.shop());
        assertThat(fromCheckpoint.shop().spent()).isEqualTo(Amounts.parse("0.01") * (HISTORY + 3));
        assertThat(fromCheckpoint.decisions()).extracting(ModerationDecision::verdict)
                .containsExactly(Verdict.APPROVED);
        assertThat(whole.decisions()).extracting(ModerationDecision::verdict).containsExactly(Verdict.APPROVED);
        // query_sm of a message that finished long before the checkpoint, and of the receipt owed
        assertThat(withCheckpoint.status(w.firstFinished())).isNotNull()
                .extracting(MessageStatus::state).isEqualTo(DeliveryState.DELIVERED);
        assertThat(withCheckpoint.status(w.deliveredId()).state()).isEqualTo(DeliveryState.DELIVERED);
        // notes of messages in flight come back, and those of messages that ended in the last minutes
        // (a campaign's progress log may have lost its last lines in the crash)
        assertThat(fromCheckpoint.notes()).filteredOn(n -> n.contains("http=part")).hasSize(5);
        assertThat(whole.notes()).filteredOn(n -> n.contains("http=part")).hasSize(5);
        assertThat(fromCheckpoint.notes()).containsOnlyOnce(w.firstFinished() + " http=of a message that ended");
        assertThat(duplicates).as("a repeat of a message sent before the checkpoint").containsExactly(0, 1);
        assertThat(optedOut[0]).as("an opt-out of the last events before the checkpoint").isTrue();
    }

    @Test
    void shouldKeepThePreviousCheckpointWhenACrashComesBeforeTheNewOneIsInPlace() throws Exception {
        Engine first = engine(true);
        first.recover(Duration.ofHours(72));
        Written w = history(first);
        long before = Files.size(checkpointFile());
        // the next checkpoint is written whole but the process dies before its rename
        assertThatThrownBy(() -> first.checkpoint(() -> {
            throw new UncheckedIOException(new IOException("killed before the rename"));
        })).isInstanceOf(UncheckedIOException.class);
        Path tmp = checkpointFile().resolveSibling("recovery.checkpoint.tmp");
        assertThat(tmp).as("a checkpoint not put in place is not left behind").doesNotExist();
        // and a kill -9 while one was being written: half of it on disk, under the temporary name
        first.submit(shop, msg(first, shop, "79660000001", 1));
        Files.write(tmp, java.util.Arrays.copyOf(Files.readAllBytes(checkpointFile()), (int) before / 2));
        assertThat(Files.size(checkpointFile())).isEqualTo(before);
        closeJournals();

        Found f = recover(true);
        assertThat(f.report().checkpointRecords()).as("the previous checkpoint").isEqualTo(w.checkpoint().records());
        assertThat(f.queued()).containsAll(w.inFlightQueued()).hasSize(w.inFlightQueued().size() + 1);
        assertThat(f.held()).containsExactly(w.heldId());
        assertThat(f.receiptsOwed()).isEqualTo(2);
    }

    @Test
    void shouldReplayTheWholeJournalWhenTheCheckpointIsDamaged() throws Exception {
        Engine first = engine(true);
        first.recover(Duration.ofHours(72));
        Written w = history(first);
        closeJournals();
        byte[] bytes = Files.readAllBytes(checkpointFile());
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(checkpointFile(), bytes);

        Found f = recover(true);
        assertThat(f.report().checkpointRecords()).as("no checkpoint used").isEqualTo(-1);
        assertThat(f.report().excerpts()).isGreaterThan(HISTORY);
        assertThat(f.queued()).isEqualTo(w.inFlightQueued());
        assertThat(f.held()).containsExactly(w.heldId());
        assertThat(f.receiptsOwed()).isEqualTo(2);
    }

    @Test
    void shouldFollowTheJournalFromOneCheckpointToTheNext() throws Exception {
        Engine first = engine(true);
        first.recover(Duration.ofHours(72));
        Written w = history(first);
        closeJournals();
        // a start from the checkpoint, then a checkpoint of that start's own (its fold went on from the first)
        Engine second = engine(true);
        second.recover(Duration.ofHours(72));
        for (Message m = second.operatorQueue("opA").poll(); m != null; m = second.operatorQueue("opA").poll()) {
            second.onSubmitted(m, "opA", "T" + m.id());
            second.onOperatorReceipt("opA", "T" + m.id(), DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        }
        assertThat(second.checkpointCatchUp()).as("excerpts followed").isPositive();
        Engine.CheckpointReport cp = second.checkpoint(() -> {
        });
        assertThat(cp.inFlight()).as("held 1, waiting for a receipt 1, receipts owed 2 + 7 delivered now")
                .isEqualTo(1 + 1 + 2 + w.inFlightQueued().size());
        closeJournals();

        Found f = recover(true);
        Found whole = recover(false);
        assertThat(f.report().excerpts()).as("nothing written after the second checkpoint").isZero();
        assertThat(f.queued()).isEmpty();
        assertThat(f.held()).containsExactly(w.heldId()).isEqualTo(whole.held());
        assertThat(f.report().receiptsToForward()).isEqualTo(2 + w.inFlightQueued().size())
                .isEqualTo(whole.report().receiptsToForward());
        assertThat(f.receiptsOwed()).as("of the shop account (one is the moderated account's)")
                .isEqualTo(1 + w.inFlightQueued().size()).isEqualTo(whole.receiptsOwed());
        assertThat(f.shop()).isEqualTo(whole.shop());
        assertThat(f.shop().spent()).isEqualTo(Amounts.parse("0.01") * (HISTORY + 3 + w.inFlightQueued().size() - 1));
    }
}
