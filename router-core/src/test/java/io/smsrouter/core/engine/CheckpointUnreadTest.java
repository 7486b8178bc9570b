package io.smsrouter.core.engine;

import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checkpoint's fold passes over the messages that begin and end within one catch-up unread
 * ({@code Checkpoint.Finished}). That must change nothing: a fold that follows a journal in many
 * catch-ups writes the same checkpoint, record for record, as one built from a whole replay, which
 * decodes every event. The journal is random traffic, interleaved and batched: messages delivered
 * and forwarded (the ones passed over), some with charges and refunds, with intermediate receipts,
 * or with their events split across catch-ups, among messages held and moderated, failed,
 * re-queued, accepted again, noted after their end, with receipts not forwarded yet, repeated
 * receipts, subscriber messages, orphan receipts and opt-outs.
 */
class CheckpointUnreadTest {
    @TempDir
    Path dir;

    private ChronicleJournal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private static final Checkpoint.Live NOTHING_LIVE = new Checkpoint.Live() {
        @Override
        public void statuses(long sinceMs, Consumer<MessageStatus> out) {
        }

        @Override
        public void dedup(Checkpoint.DedupSink out) {
        }
    };

    private static Message message(long id, int registeredDelivery, long now) {
        return new Message(id, id % 3 == 0 ? "bank" : "shop", "", 5, 0, "Shop", 1, 1, "7916" + (1_000_000 + id),
                0, 0, 0, "", "", registeredDelivery, 0, ("code " + id).getBytes(StandardCharsets.US_ASCII), null, now);
    }

    /** The events of one message, in its order; the journal interleaves several messages' events. */
    private static List<Consumer<Journal>> fate(long id, Random r, long now) {
        List<Consumer<Journal>> e = new ArrayList<>();
        Message m = message(id, r.nextInt(10) == 0 ? 0 : 1, now);
        String account = m.accountId();
        int f = r.nextInt(100);
        if (f < 55) {
            // the common case: accepted, sent, delivered, the receipt forwarded
            e.add(j -> j.accepted(m, "opA"));
            if (r.nextBoolean()) {
                e.add(j -> j.ledger(Journal.LEDGER_CHARGE, account, 220, id, now));
            }
            e.add(j -> j.submitted(id, "opA", "U" + id));
            if (r.nextInt(5) == 0) {
                e.add(j -> j.receipt(id, DeliveryState.ENROUTE, 0, now));
            }
            boolean delivered = r.nextInt(4) > 0;
            e.add(j -> j.receipt(id, delivered ? DeliveryState.DELIVERED : DeliveryState.UNDELIVERABLE,
                    delivered ? 0 : 11, now));
            if (!delivered && r.nextBoolean()) {
                e.add(j -> j.ledger(Journal.LEDGER_REFUND, account, 220, id, now));
            }
            if (m.registeredDelivery() != 0) {
                e.add(j -> j.receiptForwarded(id));
            }
            int after = r.nextInt(40);
            if (after == 0) {
                e.add(j -> j.noted(id, "click", "after its end"));
            } else if (after == 1) {
                e.add(j -> j.receipt(id, DeliveryState.DELIVERED, 0, now)); // a repeated receipt
            } else if (after == 2) {
                e.add(j -> j.receiptForwarded(id));
            }
        } else if (f < 62) {
            e.add(j -> j.accepted(m, "opA")); // still queued
        } else if (f < 69) {
            e.add(j -> j.accepted(m, "opA"));
            e.add(j -> j.submitted(id, "opA", "U" + id)); // waiting for its receipt
        } else if (f < 74) {
            e.add(j -> j.accepted(m, "opA"));
            e.add(j -> j.submitted(id, "opA", "U" + id));
            e.add(j -> j.receipt(id, DeliveryState.DELIVERED, 0, now)); // its receipt owed to the client
        } else if (f < 80) {
            e.add(j -> j.held(m, "opA"));
            boolean approve = r.nextBoolean();
            e.add(j -> j.moderated(id, approve ? 0 : 1, now, "alice", "why"));
            if (approve && r.nextBoolean()) {
                e.add(j -> j.submitted(id, "opA", "U" + id));
                e.add(j -> j.receipt(id, DeliveryState.DELIVERED, 0, now));
                e.add(j -> j.receiptForwarded(id));
            }
        } else if (f < 85) {
            e.add(j -> j.accepted(m, "opA"));
            e.add(j -> j.failed(id, 0x45));
            if (r.nextBoolean()) {
                e.add(j -> j.receipt(id, DeliveryState.UNDELIVERABLE, 0x45, now));
                e.add(j -> j.receiptForwarded(id));
            }
        } else if (f < 90) {
            e.add(j -> j.accepted(m, "opA"));
            e.add(j -> j.noted(id, "http", "callback"));
            e.add(j -> j.submitted(id, "opA", "U" + id));
            e.add(j -> j.receipt(id, DeliveryState.DELIVERED, 0, now));
            e.add(j -> j.receiptForwarded(id));
        } else if (f < 94) {
            e.add(j -> j.accepted(m, "opA"));
            e.add(j -> j.requeued(id, "opB"));
            e.add(j -> j.submitted(id, "opB", "U" + id));
            e.add(j -> j.receipt(id, DeliveryState.DELIVERED, 0, now));
            e.add(j -> j.receiptForwarded(id));
        } else if (f < 97) {
            // a copy accepted again after the operator's answer, then both finished
            e.add(j -> j.accepted(m, "opA"));
            e.add(j -> j.submitted(id, "opA", "U" + id));
            e.add(j -> j.accepted(m, "opA"));
            e.add(j -> j.submitted(id, "opA", "V" + id));
            e.add(j -> j.receipt(id, DeliveryState.DELIVERED, 0, now));
            e.add(j -> j.receiptForwarded(id));
        } else if (f < 98) {
            e.add(j -> j.mobileOriginated(Receipt.mo(id, "shop", "7916" + id, "Shop", 0, 0,
                    "STOP".getBytes(StandardCharsets.US_ASCII), new byte[0], now), "opA"));
            if (r.nextBoolean()) {
                e.add(j -> j.receiptForwarded(id));
            }
        } else if (f < 99) {
            e.add(j -> j.orphanReceipt("opA", "X" + id, DeliveryState.DELIVERED, 0, now));
        } else {
            e.add(j -> j.optOut(true, "shop", null, "7916" + id, now, "sms"));
        }
        return e;
    }

    @Test
    void shouldWriteTheSameCheckpointAsAFoldThatReadsEveryEvent() throws Exception {
        journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        long validity = 3_600_000L;
        Checkpoint following = new Checkpoint(dir.resolve("following.checkpoint"), journal, validity);
        following.started();
        Random r = new Random(20261127);
        long now = System.currentTimeMillis();
        List<ArrayDeque<Consumer<Journal>>> active = new ArrayList<>();
        long nextId = 1;
        int events = 0;
        int catchUps = 0;
        while (nextId <= 20_000 || !active.isEmpty()) {
            // a batch of a few events of the messages in flight, new ones starting as old ones end
            journal.beginBatch();
            for (int n = r.nextInt(12) + 1; n > 0; n--) {
                while (nextId <= 20_000 && active.size() < 40) {
                    active.add(new ArrayDeque<>(fate(nextId++, r, now)));
                }
                if (active.isEmpty()) {
                    break;
                }
                int pick = r.nextInt(active.size());
                ArrayDeque<Consumer<Journal>> q = active.get(pick);
                q.poll().accept(journal);
                events++;
                if (q.isEmpty()) {
                    active.set(pick, active.get(active.size() - 1));
                    active.remove(active.size() - 1);
                }
            }
            journal.endBatch();
            if (r.nextInt(300) == 0) {
                following.catchUp();
                catchUps++;
            }
        }
        Checkpoint.Written a = following.write(NOTHING_LIVE, () -> {
        });

        Checkpoint whole = new Checkpoint(dir.resolve("whole.checkpoint"), journal, validity);
        journal.replay(whole.fold());
        whole.started();
        Checkpoint.Written b = whole.write(NOTHING_LIVE, () -> {
        });

        assertThat(catchUps).as("catch-ups along the way").isGreaterThan(20);
        assertThat(events).isGreaterThan(60_000);
        assertThat(following.unreadMessages()).as("messages passed over unread")
                .isGreaterThan(5_000).isLessThan(20_000);
        assertThat(whole.unreadMessages()).isZero();
        assertThat(a.index()).isEqualTo(b.index()).isEqualTo(journal.lastIndex());
        assertThat(a.messages()).as("messages in flight").isEqualTo(b.messages()).isGreaterThan(1_000);
        assertThat(a.records()).isEqualTo(b.records());
        Checkpoint.Loaded la = Checkpoint.validate(dir.resolve("following.checkpoint"));
        Checkpoint.Loaded lb = Checkpoint.validate(dir.resolve("whole.checkpoint"));
        assertThat(la.highestId()).isEqualTo(lb.highestId()).isEqualTo(20_000);
        byte[] fa = Files.readAllBytes(dir.resolve("following.checkpoint"));
        byte[] fb = Files.readAllBytes(dir.resolve("whole.checkpoint"));
        // everything but the header's time written and the checksum over it
        assertThat(Arrays.copyOfRange(fa, 32, fa.length - 8)).as("the records, byte for byte")
                .isEqualTo(Arrays.copyOfRange(fb, 32, fb.length - 8));
    }

    @Test
    void shouldReadAMessageWhoseEventBeforeItsAcceptanceComesFirstInTheRange() throws Exception {
        journal = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        Checkpoint following = new Checkpoint(dir.resolve("following.checkpoint"), journal, 3_600_000L);
        following.started();
        long now = System.currentTimeMillis();
        journal.accepted(message(1, 1, now), "opA");
        following.catchUp();
        // the range starts with a note of message 2 (a link clicked, journaled before its acceptance
        // by another thread), then message 2 goes the common way, as message 3 does
        journal.noted(2, "click", "early");
        for (long id = 2; id <= 3; id++) {
            journal.accepted(message(id, 1, now), "opA");
            journal.submitted(id, "opA", "U" + id);
            journal.receipt(id, DeliveryState.DELIVERED, 0, now);
            journal.receiptForwarded(id);
        }
        following.write(NOTHING_LIVE, () -> {
        });
        assertThat(following.unreadMessages()).as("message 3 only").isEqualTo(1);

        Checkpoint whole = new Checkpoint(dir.resolve("whole.checkpoint"), journal, 3_600_000L);
        journal.replay(whole.fold());
        whole.started();
        whole.write(NOTHING_LIVE, () -> {
        });
        byte[] fa = Files.readAllBytes(dir.resolve("following.checkpoint"));
        byte[] fb = Files.readAllBytes(dir.resolve("whole.checkpoint"));
        assertThat(Arrays.copyOfRange(fa, 32, fa.length - 8)).as("the note of message 2 is kept")
                .isEqualTo(Arrays.copyOfRange(fb, 32, fb.length - 8));
    }
}
