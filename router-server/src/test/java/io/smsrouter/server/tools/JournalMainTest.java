package io.smsrouter.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JournalMainTest {
    private static final long T0 = Instant.parse("2026-11-26T10:00:00.123Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path dir;
    private final List<ChronicleJournal> journals = new ArrayList<>();

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private ChronicleJournal journal() {
        return journal("HOURLY");
    }

    private ChronicleJournal journal(String rollCycle) {
        dir = tmp.resolve("journal");
        ChronicleJournal j = new ChronicleJournal(dir, rollCycle, false);
        journals.add(j);
        return j;
    }

    private static Message msg(long id, String account, String from, String to, int registeredDelivery, String text) {
        return new Message(id, account, "", 5, 0, from, 1, 1, to, 0, 0, 0, "", "", registeredDelivery, 0,
                text.getBytes(StandardCharsets.ISO_8859_1), null, T0);
    }

    private static Message msg(long id, int registeredDelivery) {
        return msg(id, "shop", "Shop", "79161234567", registeredDelivery, "hello");
    }

    record Run(int rc, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new JournalMain(print(out), print(err)).run(args);
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    /** The journal directory, as --dir takes it. */
    private String d() {
        return dir.toString();
    }

    @Test
    void dumpPrintsEveryEventTypeOneLineEachInOrder() {
        ChronicleJournal j = journal();
        j.accepted(msg(101, "shop", "Shop", "79161234567", 1, "hello world"), "opA");
        j.held(msg(102, "bulk", "Casino", "79031234567", 0, "casino \"bonus\"\nnow"), "opB");
        j.moderated(102, Verdict.REJECTED.ordinal(), T0 + 1000, "alice", "stop word");
        j.submitted(101, "opA", "a1b2");
        j.failed(103, 0x45);
        j.receipt(101, DeliveryState.DELIVERED, 0, T0 + 2000);
        j.receiptForwarded(101);
        j.requeued(103, "opB");

        Run r = run("dump", "--dir", d());

        assertThat(r.rc()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.lines()).containsExactly(
                "accepted 101 account=shop from=Shop to=79161234567 operator=opA data_coding=0 registered_delivery=1"
                        + " text=\"hello world\" acceptedAt=2026-11-26T10:00:00.123Z",
                "held 102 account=bulk from=Casino to=79031234567 operator=opB data_coding=0 registered_delivery=0"
                        + " text=\"casino \\\"bonus\\\"\\nnow\" acceptedAt=2026-11-26T10:00:00.123Z",
                "moderated 102 verdict=REJECTED at=2026-11-26T10:00:01.123Z moderator=alice reason=\"stop word\"",
                "submitted 101 operator=opA upstream_id=a1b2",
                "failed 103 error=0x45",
                "receipt 101 state=DELIVERED error=0 doneAt=2026-11-26T10:00:02.123Z",
                "receipt_forwarded 101",
                "requeued 103 operator=opB");
        assertThat(run("dump", "--dir", d(), "--type", "requeued").lines()).containsExactly("requeued 103 operator=opB");
    }

    @Test
    void dumpPrintsConsentsAndWithdrawalsAsLinesAndJson() throws Exception {
        ChronicleJournal j = journal();
        j.consent(new io.smsrouter.core.policy.Consent(1, true, "ads", null, "+79161234567", "paper",
                "contract 12/7, page 3", T0 - 86_400_000L, T0, "api"));
        j.consent(new io.smsrouter.core.policy.Consent(2, false, "ads", "Shop", "79161234567", "call", "", T0 + 1000,
                T0 + 1000, "admin"));

        assertThat(run("dump", "--dir", d()).lines()).containsExactly(
                "consent 0 msisdn=79161234567 account=ads sender=null source=paper evidence=\"contract 12/7, page 3\""
                        + " givenAt=2026-11-25T10:00:00.123Z recordedAt=2026-11-26T10:00:00.123Z by=api entry=1",
                "consent_withdrawn 0 msisdn=79161234567 account=ads sender=shop source=call evidence=\"\""
                        + " givenAt=2026-11-26T10:00:01.123Z recordedAt=2026-11-26T10:00:01.123Z by=admin entry=2");
        assertThat(run("dump", "--dir", d(), "--type", "consent_withdrawn").lines()).hasSize(1);
        JsonNode first = JSON.readTree(run("dump", "--dir", d(), "--json").lines().get(0));
        assertThat(first.get("event").asText()).isEqualTo("consent");
        assertThat(first.get("entry").asLong()).isEqualTo(1);
        assertThat(first.get("sender").isNull()).isTrue();
        assertThat(first.get("evidence").asText()).isEqualTo("contract 12/7, page 3");
        assertThat(first.get("givenAt").asText()).isEqualTo("2026-11-25T10:00:00.123Z");
    }

    @Test
    void dumpPrintsEarlyReceiptsAndSubscribersMessages() throws Exception {
        ChronicleJournal j = journal();
        j.orphanReceipt("opA", "up-9", DeliveryState.DELIVERED, 0, T0);
        j.mobileOriginated(io.smsrouter.core.message.Receipt.mo(42, "shop", "79161234567", "Shop", 0, 0,
                "STOP".getBytes(StandardCharsets.ISO_8859_1), null, T0), "opA");

        assertThat(run("dump", "--dir", d()).lines()).containsExactly(
                "early_receipt 0 operator=opA upstream_id=up-9 state=DELIVERED error=0 doneAt=2026-11-26T10:00:00.123Z",
                "mo 42 account=shop operator=opA from=79161234567 to=Shop at=2026-11-26T10:00:00.123Z");
        List<String> json = run("dump", "--dir", d(), "--json").lines();
        assertThat(JSON.readTree(json.get(0)).get("upstream_id").asText()).isEqualTo("up-9");
        assertThat(JSON.readTree(json.get(1)).get("event").asText()).isEqualTo("mo");
    }

    @Test
    void dumpCutsLongTextsAndDecodesUcs2() {
        ChronicleJournal j = journal();
        j.accepted(msg(1, "shop", "Shop", "7916", 0, "x".repeat(100)), "opA");
        byte[] ucs2 = "Привет, мир".getBytes(StandardCharsets.UTF_16BE);
        j.accepted(new Message(2, "shop", "", 5, 0, "Shop", 1, 1, "7916", 0, 0, 0, "", "", 0, 8, ucs2, null, T0), "opA");
        j.accepted(msg(3, "shop", "", "7916", 0, ""), "opA");

        List<String> lines = run("dump", "--dir", d()).lines();

        assertThat(lines.get(0)).contains(" text=\"" + "x".repeat(60) + "…\" acceptedAt=");
        assertThat(lines.get(1)).contains(" data_coding=8 ").contains(" text=\"Привет, мир\" ");
        assertThat(lines.get(2)).contains(" from=\"\" ").contains(" text=\"\" ");
    }

    @Test
    void dumpJsonPrintsOneObjectPerEventWithTheWholeText() throws Exception {
        ChronicleJournal j = journal();
        j.accepted(msg(7, "shop", "Shop", "79161234567", 1, "y".repeat(100)), "opA");
        j.moderated(7, Verdict.APPROVED.ordinal(), T0, "bob", "");
        j.submitted(7, "opA", "up-7");
        j.failed(8, 0x0B);
        j.receipt(7, DeliveryState.UNDELIVERABLE, 34, T0);
        j.receiptForwarded(7);

        Run r = run("--dir", d(), "dump", "--json");

        assertThat(r.rc()).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.lines()) {
            events.add(JSON.readTree(line));
        }
        assertThat(events).extracting(e -> e.get("event").asText())
                .containsExactly("accepted", "moderated", "submitted", "failed", "receipt", "receipt_forwarded");
        JsonNode a = events.get(0);
        assertThat(a.get("id").asLong()).isEqualTo(7);
        assertThat(a.get("account").asText()).isEqualTo("shop");
        assertThat(a.get("from").asText()).isEqualTo("Shop");
        assertThat(a.get("to").asText()).isEqualTo("79161234567");
        assertThat(a.get("operator").asText()).isEqualTo("opA");
        assertThat(a.get("data_coding").asInt()).isZero();
        assertThat(a.get("registered_delivery").asInt()).isEqualTo(1);
        assertThat(a.get("text").asText()).isEqualTo("y".repeat(100));
        assertThat(a.get("acceptedAt").asText()).isEqualTo("2026-11-26T10:00:00.123Z");
        assertThat(events.get(1).get("verdict").asText()).isEqualTo("APPROVED");
        assertThat(events.get(1).get("moderator").asText()).isEqualTo("bob");
        assertThat(events.get(2).get("upstream_id").asText()).isEqualTo("up-7");
        assertThat(events.get(3).get("error").asInt()).isEqualTo(0x0B);
        assertThat(events.get(4).get("state").asText()).isEqualTo("UNDELIVERABLE");
        assertThat(events.get(4).get("error").asInt()).isEqualTo(34);
        assertThat(events.get(5).get("id").asLong()).isEqualTo(7);
    }

    @Test
    void dumpFromIdAndLimit() {
        ChronicleJournal j = journal();
        for (long id = 1; id <= 5; id++) {
            j.accepted(msg(id, 1), "opA");
            j.submitted(id, "opA", "u" + id);
        }

        assertThat(run("dump", "--dir", d(), "--from-id", "4").lines())
                .extracting(l -> l.substring(0, l.indexOf(' ', l.indexOf(' ') + 1)))
                .containsExactly("accepted 4", "submitted 4", "accepted 5", "submitted 5");
        assertThat(run("dump", "--dir", d(), "--limit", "3").lines()).hasSize(3)
                .last().asString().startsWith("accepted 2 ");
        assertThat(run("dump", "--dir", d(), "--from-id", "2", "--limit", "1").lines())
                .singleElement().asString().startsWith("accepted 2 ");
        assertThat(run("dump", "--dir", d(), "--limit", "0").lines()).isEmpty();
    }

    @Test
    void dumpReadsEveryEventOfABatchExcerpt() {
        ChronicleJournal j = journal();
        j.beginBatch();
        j.accepted(msg(1, 1), "opA");
        j.accepted(msg(2, 1), "opA");
        j.receiptForwarded(0);
        j.endBatch();
        j.submitted(1, "opA", "x");

        assertThat(run("dump", "--dir", d()).lines()).extracting(l -> l.split(" ")[0] + " " + l.split(" ")[1])
                .containsExactly("accepted 1", "accepted 2", "receipt_forwarded 0", "submitted 1");
    }

    @Test
    void readsAJournalWrittenWithAnotherRollCycleAfterTheWriterClosed() {
        ChronicleJournal j = journal("MINUTELY");
        j.accepted(msg(1, 1), "opA");
        j.close();
        journals.remove(j);

        Run r = run("dump", "--dir", d());

        assertThat(r.rc()).isZero();
        assertThat(r.lines()).singleElement().asString().startsWith("accepted 1 ");
    }

    @Test
    void findByOurIdPrintsTheHistoryInOrderAndTheState() {
        ChronicleJournal j = journal();
        j.accepted(msg(10, 1), "opA");
        j.accepted(msg(11, 1), "opA");
        j.submitted(10, "opA", "op-10");
        j.submitted(11, "opA", "op-11");
        j.receipt(10, DeliveryState.DELIVERED, 0, T0 + 5000);
        j.receiptForwarded(10);

        Run r = run("find", "--dir", d(), "10");

        assertThat(r.rc()).isZero();
        assertThat(r.lines()).hasSize(5);
        assertThat(r.lines().subList(0, 4)).extracting(l -> l.split(" ")[0] + " " + l.split(" ")[1])
                .containsExactly("accepted 10", "submitted 10", "receipt 10", "receipt_forwarded 10");
        assertThat(r.lines().get(4)).isEqualTo("state=DELIVERED id=10 account=shop from=Shop to=79161234567"
                + " operator=opA upstream_id=op-10 events=4 client_receipt=forwarded");
    }

    @Test
    void findByOperatorIdNamesTheOperatorAndShowsOurMessage() {
        ChronicleJournal j = journal();
        j.accepted(msg(20, 1), "opA");
        j.accepted(msg(21, 2), "opB");
        j.submitted(20, "opA", "ABC-1");
        j.submitted(21, "opB", "ABC-2");
        j.failed(22, 0);
        j.receipt(21, DeliveryState.ENROUTE, 0, T0);

        Run r = run("find", "--dir", d(), "ABC-2");

        assertThat(r.rc()).isZero();
        assertThat(r.lines()).containsExactly(
                "match 21 operator=opB upstream_id=ABC-2",
                "accepted 21 account=shop from=Shop to=79161234567 operator=opB data_coding=0 registered_delivery=2"
                        + " text=\"hello\" acceptedAt=2026-11-26T10:00:00.123Z",
                "submitted 21 operator=opB upstream_id=ABC-2",
                "receipt 21 state=ENROUTE error=0 doneAt=2026-11-26T10:00:00.123Z",
                "state=SUBMITTED id=21 account=shop from=Shop to=79161234567 operator=opB upstream_id=ABC-2 events=3");
    }

    @Test
    void findADigitsIdShowsBothOurMessageAndTheOneAnOperatorGaveThatId() throws Exception {
        ChronicleJournal j = journal();
        j.accepted(msg(5, 1), "opA");
        j.accepted(msg(6, 0), "opA");
        j.submitted(6, "opA", "5");
        j.receipt(6, DeliveryState.UNDELIVERABLE, 1, T0);

        Run r = run("find", "--dir", d(), "5");

        assertThat(r.lines()).extracting(l -> l.split(" ")[0] + " " + l.split(" ")[1]).containsExactly(
                "accepted 5", "state=QUEUED id=5",
                "match 6", "accepted 6", "submitted 6", "receipt 6", "state=UNDELIVERABLE id=6");
        assertThat(r.lines().get(r.lines().size() - 1)).endsWith(" client_receipt=not_requested");

        Run json = run("find", "--dir", d(), "--json", "6");
        JsonNode summary = JSON.readTree(json.lines().get(json.lines().size() - 1));
        assertThat(summary.get("event").asText()).isEqualTo("summary");
        assertThat(summary.get("state").asText()).isEqualTo("UNDELIVERABLE");
        assertThat(summary.get("upstream_id").asText()).isEqualTo("5");
    }

    @Test
    void findSaysWhenAReceiptIsStillOwedToTheClient() {
        ChronicleJournal j = journal();
        j.held(msg(30, 1), "opA");
        j.moderated(30, Verdict.REJECTED.ordinal(), T0, "alice", "spam");
        j.receipt(30, DeliveryState.REJECTED, 0, T0);

        assertThat(run("find", "--dir", d(), "30").lines()).last().asString()
                .isEqualTo("state=REJECTED id=30 account=shop from=Shop to=79161234567 operator=opA events=3"
                        + " client_receipt=pending");
    }

    @Test
    void findOfAnUnknownIdExitsOne() {
        ChronicleJournal j = journal();
        j.accepted(msg(1, 1), "opA");

        Run byNumber = run("find", "--dir", d(), "999");
        Run byText = run("find", "--dir", d(), "no-such-id");

        assertThat(byNumber.rc()).isEqualTo(1);
        assertThat(byNumber.out()).isEmpty();
        assertThat(byNumber.err()).isEqualTo("journal: no message 999 in " + d()
                + ": neither our message id nor an operator's\n");
        assertThat(byText.rc()).isEqualTo(1);
        assertThat(byText.err()).contains("no message no-such-id in " + d());
    }

    @Test
    void countDerivesEachMessagesStateFromItsLatestEvents() throws Exception {
        ChronicleJournal j = journal();
        j.accepted(msg(1, 1), "opA");                       // QUEUED
        j.held(msg(2, 1), "opA");                           // HELD
        j.held(msg(3, 1), "opA");                           // approved: QUEUED again
        j.moderated(3, Verdict.APPROVED.ordinal(), T0, "a", "");
        j.accepted(msg(4, 1), "opA");                       // SUBMITTED
        j.submitted(4, "opA", "u4");
        j.accepted(msg(5, 1), "opA");                       // SUBMITTED after an intermediate receipt
        j.submitted(5, "opA", "u5");
        j.receipt(5, DeliveryState.ACCEPTED, 0, T0);
        j.accepted(msg(6, 1), "opA");                       // DELIVERED, forwarded
        j.submitted(6, "opA", "u6");
        j.receipt(6, DeliveryState.DELIVERED, 0, T0);
        j.receiptForwarded(6);
        j.accepted(msg(7, 1), "opA");                       // DELIVERED, receipt owed
        j.submitted(7, "opA", "u7");
        j.receipt(7, DeliveryState.DELIVERED, 0, T0);
        j.receipt(7, DeliveryState.DELIVERED, 0, T0);       // a repeated receipt is not owed twice
        j.accepted(msg(8, 0), "opA");                       // UNDELIVERABLE: refused upstream, no receipt asked
        j.failed(8, 0x45);
        j.receipt(8, DeliveryState.UNDELIVERABLE, 0x45, T0);
        j.held(msg(9, 1), "opA");                           // EXPIRED in moderation
        j.moderated(9, Verdict.EXPIRED.ordinal(), T0, "system", "timeout");
        j.receipt(9, DeliveryState.EXPIRED, 0, T0);
        j.receiptForwarded(9);
        j.held(msg(10, 1), "opA");                          // REJECTED
        j.moderated(10, Verdict.REJECTED.ordinal(), T0, "a", "");
        j.receipt(10, DeliveryState.REJECTED, 0, T0);
        j.receiptForwarded(10);
        j.accepted(msg(11, 1), "opA");                      // DELETED (cancel_sm)
        j.failed(11, 0);
        j.receipt(11, DeliveryState.DELETED, 0, T0);
        j.receiptForwarded(11);
        j.accepted(msg(12, 1), "opA");                      // FAILED: no receipt journaled after it
        j.failed(12, 0x45);
        j.accepted(msg(13, 2), "opA");                      // delivered, receipt only asked on failure
        j.submitted(13, "opA", "u13");
        j.receipt(13, DeliveryState.DELIVERED, 0, T0);
        j.receipt(13, DeliveryState.ENROUTE, 0, T0);        // an intermediate one after the final does not undo it
        j.requeued(1, "opA");                               // queued again after a restart: still QUEUED

        Run r = run("count", "--dir", d());

        assertThat(r.rc()).isZero();
        assertThat(r.lines()).containsExactly(
                "QUEUED                  2",
                "HELD                    1",
                "SUBMITTED               2",
                "DELIVERED               3",
                "UNDELIVERABLE           1",
                "EXPIRED                 1",
                "REJECTED                1",
                "DELETED                 1",
                "UNKNOWN                 0",
                "FAILED                  1",
                "messages               13",
                "events                 39",
                "receipts_owed           1",
                "requeued                1");

        JsonNode json = JSON.readTree(run("count", "--dir", d(), "--json").out());
        assertThat(json.get("states").get("DELIVERED").asLong()).isEqualTo(3);
        assertThat(json.get("states").has("INCOMPLETE")).isFalse();
        assertThat(json.get("messages").asLong()).isEqualTo(13);
        assertThat(json.get("events").asLong()).isEqualTo(39);
        assertThat(json.get("requeued_after_restart").asLong()).isEqualTo(1);
        assertThat(json.get("receipts_owed").asLong()).isEqualTo(1);
    }

    @Test
    void countShowsMessagesWhoseAcceptedEventIsMissing() {
        ChronicleJournal j = journal();
        j.submitted(1, "opA", "u1");
        j.receiptForwarded(2);

        List<String> lines = run("count", "--dir", d()).lines();

        assertThat(lines).contains("SUBMITTED               1", "INCOMPLETE              1", "messages                2");
    }

    @Test
    void countOfAJournalWithNoEventsIsAllZero() {
        journal(); // the router creates the queue at start, before any message
        Run r = run("count", "--dir", d());

        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.lines()).contains("messages                0", "events                  0");
    }

    @Test
    void aMissingDirectoryIsRefusedAndNotCreated() {
        Path missing = tmp.resolve("nope");
        for (String cmd : List.of("dump", "count", "tail")) {
            Run r = run(cmd, "--dir", missing.toString());
            assertThat(r.rc()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("journal: " + missing + " does not exist\n");
        }
        Run find = run("find", "1", "--dir", missing.toString());
        assertThat(find.rc()).isEqualTo(2);
        assertThat(Files.exists(missing)).isFalse();
    }

    @Test
    void aRelativeMissingDirectoryIsNamedWithWhereItWasLookedFor() {
        Run r = run("dump", "--dir", "no/such/journal-dir");

        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).startsWith("journal: no/such/journal-dir does not exist (relative to ")
                .hasLineCount(1);
        assertThat(Path.of("no")).doesNotExist();
    }

    @Test
    void anEmptyDirectoryOrOneWithoutQueueFilesIsRefused() throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Path other = Files.createDirectory(tmp.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "hello");
        Path file = Files.writeString(tmp.resolve("file"), "x");

        Run r1 = run("count", "--dir", empty.toString());
        Run r2 = run("count", "--dir", other.toString());
        Run r3 = run("count", "--dir", file.toString());

        assertThat(r1.rc()).isEqualTo(2);
        assertThat(r1.err()).isEqualTo("journal: " + empty + " is empty: no journal there\n");
        assertThat(r2.rc()).isEqualTo(2);
        assertThat(r2.err()).isEqualTo("journal: " + other + " is not a journal: no Chronicle Queue files (*.cq4, *.cq4t)\n");
        assertThat(r3.rc()).isEqualTo(2);
        assertThat(r3.err()).isEqualTo("journal: " + file + " is not a directory\n");
        try (var files = Files.list(empty)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aCorruptQueueFileGivesOneLineNotAStackTrace() throws Exception {
        Path bad = Files.createDirectory(tmp.resolve("bad"));
        Files.write(bad.resolve("20261126-10.cq4"), "this is not a queue file at all".getBytes(StandardCharsets.US_ASCII));

        Run r = run("dump", "--dir", bad.toString());

        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).startsWith("journal: ").contains(bad.toString()).hasLineCount(1);
    }

    @Test
    void noCommandOrABadOptionIsAUsageError() {
        assertThat(run().rc()).isEqualTo(2);
        assertThat(run().err()).contains("dump, tail, find or count");
        assertThat(run("dump", "--limit", "-1", "--dir", tmp.toString()).rc()).isEqualTo(2);
        assertThat(run("dump", "--bogus").rc()).isEqualTo(2);
        assertThat(run("find").rc()).isEqualTo(2);
        Run help = run("--help");
        assertThat(help.rc()).isZero();
        assertThat(help.out()).contains("dump", "tail", "find", "count", "--dir");
    }

    @Test
    void tailPrintsEventsAppendedAfterItStartedUntilStopped() throws Exception {
        ChronicleJournal j = journal();
        j.accepted(msg(1, 1), "opA"); // before the tail: not printed

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        JournalMain tool = new JournalMain(print(out), print(err));
        AtomicInteger rc = new AtomicInteger(-1);
        Thread t = new Thread(() -> rc.set(tool.run("tail", "--dir", d())), "tail");
        t.start();
        try {
            // the tailer may start at the end only once it runs; append until the line shows up
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                j.submitted(1, "opA", "up-1");
                return out.toString(StandardCharsets.UTF_8).contains("submitted 1 operator=opA upstream_id=up-1\n");
            });
            j.receipt(1, DeliveryState.DELIVERED, 0, T0);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    out.toString(StandardCharsets.UTF_8).contains("receipt 1 state=DELIVERED"));
        } finally {
            tool.stop();
            t.join(5000);
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(rc.get()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("accepted 1");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void tailFromStartPrintsTheExistingEventsFirstAsJson() throws Exception {
        ChronicleJournal j = journal();
        j.accepted(msg(1, 1), "opA");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JournalMain tool = new JournalMain(print(out), print(new ByteArrayOutputStream()));
        Thread t = new Thread(() -> tool.run("tail", "--from-start", "--json", "--dir", d()), "tail");
        t.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    out.toString(StandardCharsets.UTF_8).contains("\"event\":\"accepted\""));
            j.failed(1, 0x45);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    out.toString(StandardCharsets.UTF_8).lines().count() == 2);
        } finally {
            tool.stop();
            t.join(5000);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(JSON.readTree(lines.get(0)).get("id").asLong()).isEqualTo(1);
        assertThat(JSON.readTree(lines.get(1)).get("event").asText()).isEqualTo("failed");
    }
}
