package io.smsrouter.server.tools;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.Verdict;

/**
 * A message's state as the journal tool derives it from the message's events, and the rules for
 * that, on a packed byte so that millions of messages fit in a {@link LongByteMap}:
 * bits 0-3 the state's ordinal, bits 4-5 the message's {@code registered_delivery & 3}, bit 6
 * "a final receipt was journaled", bit 7 "that receipt is owed to the client" (wanted, not yet
 * forwarded).
 *
 * <p>The rules follow the engine: the latest event decides, except that once a message is in a
 * final state ({@link #isFinal}) only a later final receipt changes it. {@code failed} is
 * normally followed by a receipt (UNDELIVERABLE, or DELETED for a cancel) that then wins; a
 * rejected or expired moderation is likewise followed by its REJECTED or EXPIRED receipt. An
 * intermediate receipt (ENROUTE, ACCEPTD) leaves a message SUBMITTED. Only the first final
 * receipt of a message is sent to the client; later ones (operators repeat receipts) are not.
 */
enum MessageState {
    /** accepted, not yet taken by an operator (or approved by a moderator and waiting again) */
    QUEUED,
    /** waiting for a moderator */
    HELD,
    /** the operator accepted it; waiting for its final receipt */
    SUBMITTED,
    DELIVERED,
    UNDELIVERABLE,
    EXPIRED,
    REJECTED,
    DELETED,
    /** an operator's receipt said UNKNOWN */
    UNKNOWN,
    /** the operator refused it, or it was cancelled, and no receipt was journaled after that */
    FAILED,
    /** it has events but no accepted or held one (a journal whose first files were removed) */
    INCOMPLETE;

    private static final MessageState[] ALL = values();
    private static final int STATE_MASK = 0x0F;
    private static final int RD_SHIFT = 4;
    private static final int FINAL_RECEIPT = 0x40;
    private static final int OWED = 0x80;

    /** The packed value of a message first seen by an event other than accepted or held. */
    static final int INITIAL = INCOMPLETE.ordinal();

    boolean isFinal() {
        return this != QUEUED && this != HELD && this != SUBMITTED && this != FAILED && this != INCOMPLETE;
    }

    static MessageState of(int packed) {
        return ALL[packed & STATE_MASK];
    }

    static int registeredDelivery(int packed) {
        return (packed >>> RD_SHIFT) & 0x03;
    }

    static boolean hadFinalReceipt(int packed) {
        return (packed & FINAL_RECEIPT) != 0;
    }

    static boolean receiptOwed(int packed) {
        return (packed & OWED) != 0;
    }

    /** {@code packed} is the current packed state, or -1 for a message not seen before. */
    static int accepted(int packed, int registeredDelivery, boolean held) {
        int p = packed < 0 ? INITIAL : packed;
        if (of(p).isFinal()) {
            return p;
        }
        p = (p & ~(0x03 << RD_SHIFT)) | (registeredDelivery & 0x03) << RD_SHIFT;
        return to(p, held ? HELD : QUEUED);
    }

    static int moderated(int packed, int verdict) {
        return unlessFinal(packed, switch (Verdict.fromCode(verdict)) {
            case APPROVED -> QUEUED;
            case REJECTED -> REJECTED;
            case EXPIRED -> EXPIRED;
        });
    }

    static int submitted(int packed) {
        return unlessFinal(packed, SUBMITTED);
    }

    static int failed(int packed) {
        return unlessFinal(packed, FAILED);
    }

    static int receipt(int packed, DeliveryState state) {
        if (!state.isFinal()) {
            return unlessFinal(packed, SUBMITTED);
        }
        int p = to(packed < 0 ? INITIAL : packed, switch (state) {
            case DELIVERED -> DELIVERED;
            case EXPIRED -> EXPIRED;
            case DELETED -> DELETED;
            case UNDELIVERABLE -> UNDELIVERABLE;
            case REJECTED -> REJECTED;
            default -> UNKNOWN;
        });
        if ((p & FINAL_RECEIPT) == 0) {
            p |= FINAL_RECEIPT;
            if (Message.wantsReceipt(registeredDelivery(p), state)) {
                p |= OWED;
            }
        }
        return p;
    }

    static int receiptForwarded(int packed) {
        return (packed < 0 ? INITIAL : packed) & ~OWED;
    }

    /** The rules above for one event of the message. */
    static int apply(int packed, JournalEvent e) {
        if (e instanceof JournalEvent.Accepted a) {
            return accepted(packed, a.message().registeredDelivery(), a.held());
        } else if (e instanceof JournalEvent.Moderated d) {
            return moderated(packed, d.verdict());
        } else if (e instanceof JournalEvent.Submitted) {
            return submitted(packed);
        } else if (e instanceof JournalEvent.Failed) {
            return failed(packed);
        } else if (e instanceof JournalEvent.Receipt r) {
            return receipt(packed, r.state());
        } else if (e instanceof JournalEvent.Requeued) {
            return packed < 0 ? INITIAL : packed; // still queued: no change of state
        } else {
            return receiptForwarded(packed);
        }
    }

    private static int unlessFinal(int packed, MessageState s) {
        int p = packed < 0 ? INITIAL : packed;
        return of(p).isFinal() ? p : to(p, s);
    }

    private static int to(int packed, MessageState s) {
        return (packed & ~STATE_MASK) | s.ordinal();
    }
}
