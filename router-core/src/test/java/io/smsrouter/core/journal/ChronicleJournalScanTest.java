package io.smsrouter.core.journal;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.policy.Consent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The journal's cheap first look ({@code scanAfter}: the kind and message of each event) and the
 * reading that passes over a message's events ({@code skipMessage}) both move past every event
 * layout exactly: each event of every kind, with strings of several lengths (one over 127 bytes,
 * whose length takes two bytes), nulls and non-ASCII text, sits in one excerpt between others,
 * and every event after it is still found and decoded whole.
 */
class ChronicleJournalScanTest {
    @TempDir
    Path dir;

    private ChronicleJournal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private static final String LONG = "x".repeat(300);

    private static Message message(long id, String text) {
        return new Message(id, "shop", "CMT", 5, 0, "Shöp", 1, 1, "79161234567", 0, 0, 1, "", LONG, 1, 8,
                text.getBytes(StandardCharsets.UTF_8), new byte[]{0x14, 0x24, 0, 1, 7}, 1_700_000_000_000L);
    }

    /** One excerpt holding every kind of event: message 10's events between those of 11 and others. */
    private long writeEveryKind() {
        journal = new ChronicleJournal(dir, "HOURLY", false);
        journal.beginBatch();
        journal.accepted(message(10, "hello"), "opA");
        journal.accepted(message(11, "привет " + LONG), "opB");
        journal.held(message(12, "held"), "opA");
        journal.moderated(12, 1, 1_700_000_000_001L, "alice", LONG);
        journal.submitted(10, "opA", "U-10");
        journal.submitted(11, "opB", null);
        journal.failed(12, 0x45);
        journal.receipt(10, DeliveryState.ENROUTE, 0, 1_700_000_000_002L);
        journal.receipt(10, DeliveryState.DELIVERED, 0, 1_700_000_000_003L);
        journal.orphanReceipt("opA", "U-99", DeliveryState.UNDELIVERABLE, 11, 1_700_000_000_004L);
        journal.ledger(Journal.LEDGER_CHARGE, "shop", 220, 10, 1_700_000_000_005L);
        journal.receiptForwarded(10);
        journal.requeued(11, "opC");
        journal.noted(10, "http", LONG);
        journal.optOut(true, "shop", null, "79161234567", 1_700_000_000_006L, "sms");
        journal.consent(new Consent(7, true, "shop", "Shop", "79161234567", "web", LONG, 1L, 2L, "api"));
        journal.mobileOriginated(Receipt.mo(13, "shop", "79161234567", "Shop", 0, 0,
                "STOP".getBytes(StandardCharsets.US_ASCII), new byte[0], 1_700_000_000_007L), "opA");
        journal.ledger(Journal.LEDGER_TOP_UP, "shop", 1000, 0, 1_700_000_000_008L);
        journal.receiptForwarded(11);
        journal.endBatch();
        journal.probe();
        journal.receiptForwarded(12);
        return journal.lastIndex();
    }

    @Test
    void shouldReportTheKindAndMessageOfEveryEventInOrder() {
        long last = writeEveryKind();
        List<String> seen = new ArrayList<>();
        assertThat(journal.scanAfter(-1, last, (kind, id) -> seen.add(kind + " " + id))).isTrue();
        assertThat(seen).containsExactly(
                "ACCEPTED 10", "ACCEPTED 11", "HELD 12", "MODERATED 12", "SUBMITTED 10", "SUBMITTED 11",
                "FAILED 12", "RECEIPT 10", "FINAL_RECEIPT 10", "OTHER 0", "LEDGER 10", "RECEIPT_FORWARDED 10",
                "REQUEUED 11", "NOTED 10", "OTHER 0", "OTHER 0", "MOBILE_ORIGINATED 13", "LEDGER 0",
                "RECEIPT_FORWARDED 11", "OTHER 0", "RECEIPT_FORWARDED 12");
    }

    @Test
    void shouldScanOnlyTheRangeAskedFor() {
        long last = writeEveryKind();
        List<String> seen = new ArrayList<>();
        long first = journal.lastIndex() - 2; // the batch's excerpt
        assertThat(journal.scanAfter(first, last - 1, (kind, id) -> seen.add(kind + " " + id))).isTrue();
        assertThat(seen).containsExactly("OTHER 0");
    }

    @Test
    void shouldPassOverTheEventsOfSkippedMessagesButTheirLedgerAndReadTheRestWhole() {
        long last = writeEveryKind();
        List<String> read = new ArrayList<>();
        Set<Long> skipped = Set.of(10L, 12L);
        journal.replayAfter(-1, last, new Journal.JournalListener() {
            @Override
            public boolean skipMessage(long messageId) {
                return skipped.contains(messageId);
            }

            @Override
            public void accepted(Message m, String operatorId) {
                read.add("accepted " + m.id() + " " + operatorId + " " + m.source() + " "
                        + new String(m.shortMessage(), StandardCharsets.UTF_8).length() + " "
                        + m.validityPeriod().length() + " " + m.optionalParameters().length + " " + m.acceptedAtMs());
            }

            @Override
            public void held(Message m, String operatorId) {
                read.add("held " + m.id());
            }

            @Override
            public void moderated(long id, int verdict, long atMs, String who, String reason) {
                read.add("moderated " + id);
            }

            @Override
            public void submitted(long id, String operatorId, String upstreamId) {
                read.add("submitted " + id + " " + operatorId + " " + upstreamId);
            }

            @Override
            public void failed(long id, int errorCode) {
                read.add("failed " + id);
            }

            @Override
            public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
                read.add("receipt " + id + " " + state);
            }

            @Override
            public void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                                      long doneTimeMs) {
                read.add("orphan " + upstreamId + " " + state + " " + errorCode + " " + doneTimeMs);
            }

            @Override
            public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
                read.add("ledger " + kind + " " + accountId + " " + amount + " " + messageId + " " + atMs);
            }

            @Override
            public void receiptForwarded(long id) {
                read.add("forwarded " + id);
            }

            @Override
            public void requeued(long id, String operatorId) {
                read.add("requeued " + id + " " + operatorId);
            }

            @Override
            public void noted(long id, String key, String value) {
                read.add("noted " + id);
            }

            @Override
            public void optOut(boolean added, String accountId, String sender, String msisdn, long atMs,
                               String source) {
                read.add("optOut " + msisdn + " " + atMs + " " + source);
            }

            @Override
            public void consent(Consent c) {
                read.add("consent " + c.id() + " " + c.evidence().length() + " " + c.recordedBy());
            }

            @Override
            public void mobileOriginated(Receipt mo, String operatorId) {
                read.add("mo " + mo.messageId() + " " + operatorId + " " + mo.doneTimeMs());
            }
        });
        assertThat(read).containsExactly(
                "accepted 11 opB Shöp 307 300 5 1700000000000",
                "submitted 11 opB null",
                "orphan U-99 UNDELIVERABLE 11 1700000000004",
                "ledger 1 shop 220 10 1700000000005",
                "requeued 11 opC",
                "optOut 79161234567 1700000000006 sms",
                "consent 7 300 api",
                "mo 13 opA 1700000000007",
                "ledger 3 shop 1000 0 1700000000008",
                "forwarded 11");
    }

    @Test
    void shouldAppendABatchLargerThanTheBufferWasAtFirstWhole() {
        journal = new ChronicleJournal(dir, "HOURLY", false);
        journal.beginBatch();
        for (long id = 1; id <= 500; id++) {
            journal.accepted(message(id, "text " + id + " " + LONG), "opA"); // ~700 bytes each, 350 KB
        }
        journal.endBatch();
        journal.receiptForwarded(501);
        List<Long> ids = new ArrayList<>();
        List<Long> excerpts = new ArrayList<>();
        journal.replay(new Journal.JournalListener() {
            @Override
            public void accepted(Message m, String operatorId) {
                assertThat(new String(m.shortMessage(), StandardCharsets.UTF_8)).isEqualTo("text " + m.id() + " " + LONG);
                ids.add(m.id());
            }

            @Override
            public void receiptForwarded(long id) {
                ids.add(id);
            }

            @Override
            public void excerpt(long index) {
                excerpts.add(index);
            }
        });
        assertThat(excerpts).hasSize(2);
        assertThat(ids).hasSize(501).startsWith(1L, 2L).endsWith(500L, 501L);
    }

    @Test
    void shouldDropAnEventWhoseEncodingFailedHalfWayAndKeepTheRest() {
        // a receipt without a state fails after its type and message id are written
        journal = new ChronicleJournal(dir, "HOURLY", false);
        journal.beginBatch();
        journal.accepted(message(1, "one"), "opA");
        assertThatThrownBy(() -> journal.receipt(99, null, 0, 1L)).isInstanceOf(NullPointerException.class);
        journal.accepted(message(2, "two"), "opA");
        journal.endBatch();
        assertThatThrownBy(() -> journal.receipt(99, null, 0, 1L)).isInstanceOf(NullPointerException.class);
        journal.receiptForwarded(3);
        journal.beginBatch();
        journal.accepted(message(4, "four"), "opA");
        assertThatThrownBy(() -> journal.receipt(99, null, 0, 1L)).isInstanceOf(NullPointerException.class);
        journal.endBatch(); // the failed one last in its batch
        List<String> read = new ArrayList<>();
        journal.replay(new Journal.JournalListener() {
            @Override
            public void accepted(Message m, String operatorId) {
                read.add("accepted " + m.id() + " " + new String(m.shortMessage(), StandardCharsets.UTF_8));
            }

            @Override
            public void receiptForwarded(long id) {
                read.add("forwarded " + id);
            }

            @Override
            public void mobileOriginated(Receipt mo, String operatorId) {
                read.add("mo " + mo.messageId());
            }

            @Override
            public void excerpt(long index) {
                read.add("excerpt");
            }
        });
        assertThat(read).containsExactly("excerpt", "accepted 1 one", "accepted 2 two", "excerpt", "forwarded 3",
                "excerpt", "accepted 4 four");
    }
}
