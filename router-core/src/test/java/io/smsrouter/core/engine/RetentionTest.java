package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.core.policy.OptOutSnapshot;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deleting old journal files loses nothing still needed: messages still waiting are journaled
 * again first, opt-outs go to their snapshot, and recovery from what is left finds them all.
 */
class RetentionTest {
    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());
    private final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-11-20T10:00:05Z").toEpochMilli()
            * 1_000_000L);

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private long now() {
        return clock.currentTimeMillis();
    }

    private ChronicleJournal journal() {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "MINUTELY", false, clock);
        journals.add(j);
        return j;
    }

    private Engine engine(ChronicleJournal j) {
        return new Engine(new AccountRegistry(List.of(shop)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))),
                List.of("opA"), j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(), 1000);
    }

    private Message msg(Engine e, String to) {
        return new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, to, 0, 0, 0, "", "", 1, 0,
                "hello".getBytes(StandardCharsets.US_ASCII), null, now());
    }

    private long queueFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("journal"))) {
            return s.filter(p -> p.toString().endsWith(".cq4")).count();
        }
    }

    @Test
    void oldFilesGoButWaitingMessagesAndOptOutsStay() throws Exception {
        ChronicleJournal j = journal();
        Engine e = engine(j);
        Message waiting = msg(e, "79160000001");
        Message done = msg(e, "79160000002");
        e.submit(shop, waiting);
        e.submit(shop, done);
        // the operator takes and delivers one; the other is still queued
        assertThat(e.operatorQueue("opA").remove(done.id())).isEqualTo(done);
        e.onSubmitted(done, "opA", "U1");
        e.onOperatorReceipt("opA", "U1", DeliveryState.DELIVERED, 0, now());
        e.optOut(OptOut.sender("shop", "Shop", "79160000009", now(), "api"));

        clock.advanceMillis(TimeUnit.MINUTES.toMillis(5));
        Message recent = msg(e, "79160000003");
        e.submit(shop, recent);
        assertThat(queueFiles()).isEqualTo(2);

        // what Router.applyRetention does, with a retention of two minutes
        long boundary = (now() - TimeUnit.MINUTES.toMillis(2)) / j.cycleMillis() * j.cycleMillis();
        assertThat(j.hasCyclesEndingBefore(boundary)).isTrue();
        assertThat(e.carryForward(boundary + 60_000)).as("waiting messages written again").isEqualTo(1);
        OptOutSnapshot.write(e.optOuts(), dir.resolve("journal").resolve("optouts.snapshot"));
        assertThat(j.deleteCyclesEndingBefore(boundary)).isEqualTo(1);
        assertThat(queueFiles()).isEqualTo(1);
        assertThat(j.hasCyclesEndingBefore(boundary)).isFalse();
        journals.remove(0).close();

        ChronicleJournal again = journal();
        Engine recovered = engine(again);
        OptOutSnapshot.load(dir.resolve("journal").resolve("optouts.snapshot"), recovered.optOuts());
        Engine.RecoveryReport r = recovered.recover(Duration.ofHours(72));
        List<Long> queued = new ArrayList<>();
        for (Message m = recovered.operatorQueue("opA").poll(); m != null; m = recovered.operatorQueue("opA").poll()) {
            queued.add(m.id());
        }
        assertThat(queued).containsExactlyInAnyOrder(waiting.id(), recent.id());
        assertThat(recovered.optOuts().isOptedOut("shop", "Shop", "79160000009")).isTrue();
        assertThat(r.highestId()).isGreaterThanOrEqualTo(recent.id());
    }

    @Test
    void consentHistoriesOutliveTheFilesThatRecordedThem() throws Exception {
        ChronicleJournal j = journal();
        Engine e = engine(j);
        e.giveConsent("shop", null, "79160000005", "paper", "form 1", System.currentTimeMillis() - 1000, "api");
        clock.advanceMillis(TimeUnit.MINUTES.toMillis(5));
        e.withdrawConsent("shop", "Sale", "79160000005", "sms", "", "api");
        Path snapshot = dir.resolve("journal").resolve("consents.snapshot");

        // what Router.applyRetention does, with a retention of two minutes
        long boundary = (now() - TimeUnit.MINUTES.toMillis(2)) / j.cycleMillis() * j.cycleMillis();
        io.smsrouter.core.policy.ConsentSnapshot.write(e.consents(), snapshot);
        OptOutSnapshot.write(e.optOuts(), dir.resolve("journal").resolve("optouts.snapshot"));
        assertThat(j.deleteCyclesEndingBefore(boundary)).as("the file with the consent").isEqualTo(1);
        journals.remove(0).close();

        Engine recovered = engine(journal());
        io.smsrouter.core.policy.ConsentSnapshot.load(snapshot, recovered.consents());
        OptOutSnapshot.load(dir.resolve("journal").resolve("optouts.snapshot"), recovered.optOuts());
        recovered.recover(Duration.ofHours(72));
        // the withdrawal is both in the snapshot and in the file kept: once in the history
        assertThat(recovered.consents().history("shop", "79160000005"))
                .extracting(io.smsrouter.core.policy.Consent::granted).containsExactly(true, false);
        assertThat(recovered.consents().inForce("shop", "Shop", "79160000005")).isTrue();
        assertThat(recovered.consents().inForce("shop", "Sale", "79160000005")).isFalse();
        assertThat(recovered.optOuts().isOptedOut("shop", "Sale", "79160000005")).isTrue();
        assertThat(recovered.giveConsent("shop", "Sale", "79160000005", "web", "", System.currentTimeMillis(), "api")
                .entry().id()).isEqualTo(3);
    }

    @Test
    void aMessageABindSentButTheOperatorHasNotAnsweredIsWrittenAgainToo() throws Exception {
        ChronicleJournal j = journal();
        Engine e = engine(j);
        Message sentLongAgo = msg(e, "79160000011");
        Message movingToABind = msg(e, "79160000012");
        e.submit(shop, sentLongAgo);
        e.submit(shop, movingToABind);
        // a bind has taken the first and sent it; the operator has not answered
        assertThat(e.operatorQueue("opA").remove(sentLongAgo.id())).isEqualTo(sentLongAgo);

        clock.advanceMillis(TimeUnit.MINUTES.toMillis(5));
        e.submit(shop, msg(e, "79160000013"));
        long boundary = (now() - TimeUnit.MINUTES.toMillis(2)) / j.cycleMillis() * j.cycleMillis();
        // the binds are asked before and after the queues: the second message leaves the queue for a
        // bind while the queues are read, so only the second answer has it
        int[] asked = new int[1];
        int carried = e.carryForward(boundary + 60_000, () -> {
            asked[0]++;
            if (asked[0] == 1) {
                return List.of(new Engine.InFlight("opA", sentLongAgo));
            }
            return List.of(new Engine.InFlight("opA", sentLongAgo), new Engine.InFlight("opA", movingToABind));
        });
        assertThat(asked[0]).isEqualTo(2);
        assertThat(carried).as("each written once").isEqualTo(2);
        assertThat(j.deleteCyclesEndingBefore(boundary)).isEqualTo(1);
        journals.remove(0).close();

        Engine recovered = engine(journal());
        recovered.recover(Duration.ofHours(72));
        List<Long> queued = new ArrayList<>();
        for (Message m = recovered.operatorQueue("opA").poll(); m != null; m = recovered.operatorQueue("opA").poll()) {
            queued.add(m.id());
        }
        assertThat(queued).contains(sentLongAgo.id(), movingToABind.id()).hasSize(3);
    }

    @Test
    void aCheckpointWhoseFileRetentionDeletedIsIgnoredAndTheNextOneIsRead() throws Exception {
        Path checkpoint = dir.resolve("journal").resolve("recovery.checkpoint");
        ChronicleJournal j = journal();
        Engine e = engine(j);
        e.checkpoints(checkpoint);
        e.recover(Duration.ofHours(72));
        Message waiting = msg(e, "79160000021");
        e.submit(shop, waiting);
        assertThat(e.checkpoint(() -> {
        }).inFlight()).isEqualTo(1);

        clock.advanceMillis(TimeUnit.MINUTES.toMillis(5));
        Message recent = msg(e, "79160000022");
        e.submit(shop, recent);
        // retention deletes the file that holds the checkpoint's excerpt (the checkpoint is older
        // than the retention: checkpoints stopped, say, on a full disk)
        long boundary = (now() - TimeUnit.MINUTES.toMillis(2)) / j.cycleMillis() * j.cycleMillis();
        assertThat(e.carryForward(boundary + 60_000)).isEqualTo(1);
        assertThat(j.deleteCyclesEndingBefore(boundary)).isEqualTo(1);
        journals.remove(0).close();

        ChronicleJournal again = journal();
        Engine recovered = engine(again);
        recovered.checkpoints(checkpoint);
        Engine.RecoveryReport r = recovered.recover(Duration.ofHours(72));
        assertThat(r.checkpointRecords()).as("the checkpoint's excerpt is gone: the whole journal kept").isEqualTo(-1);
        List<Long> queued = new ArrayList<>();
        for (Message m = recovered.operatorQueue("opA").poll(); m != null; m = recovered.operatorQueue("opA").poll()) {
            queued.add(m.id());
        }
        assertThat(queued).containsExactlyInAnyOrder(waiting.id(), recent.id());

        // the next checkpoint follows the journal that is left, and the start after it reads it
        assertThat(recovered.checkpoint(() -> {
        }).inFlight()).isEqualTo(2);
        journals.remove(0).close();
        Engine third = engine(journal());
        third.checkpoints(checkpoint);
        Engine.RecoveryReport r3 = third.recover(Duration.ofHours(72));
        assertThat(r3.checkpointRecords()).isPositive();
        assertThat(r3.excerpts()).isZero();
        assertThat(r3.requeued()).isEqualTo(2);
    }
}
