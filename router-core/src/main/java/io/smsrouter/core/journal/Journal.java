package io.smsrouter.core.journal;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;

/**
 * The write-ahead log of every state change of a message. An event is appended before its effect
 * becomes visible outside (a {@code submit_sm_resp}, a receipt to a client), so that what is in
 * memory can always be rebuilt by {@link #replay}.
 */
public interface Journal extends AutoCloseable {

    /** {@link #ledger} kind: the price of message {@code messageId} reserved from the account at acceptance. */
    int LEDGER_CHARGE = 1;
    /** {@link #ledger} kind: a reservation returned to the account (the message was not billed). */
    int LEDGER_REFUND = 2;
    /** {@link #ledger} kind: money added to the account. */
    int LEDGER_TOP_UP = 3;
    /**
     * Replay only: the charges less refunds of journal files that retention removed, all spent by
     * now. Never written by {@link #ledger}.
     */
    int LEDGER_EARLIER = 4;

    void accepted(Message message, String operatorId);

    /**
     * The message was accepted and waits for a moderator; {@code operatorId} is the operator its
     * route chose. Written again, under the same id, when a held message is replaced.
     */
    void held(Message message, String operatorId);

    /**
     * A held message's wait ended. An approved one is then routed as if just accepted; a rejected
     * or expired one gets its final {@link #receipt}.
     */
    void moderated(long messageId, int verdict, long atMs, String moderator, String reason);

    void submitted(long messageId, String operatorId, String upstreamId);

    /** The operator refused the message for good, or it could not be routed after acceptance. */
    void failed(long messageId, int errorCode);

    void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs);

    /**
     * A receipt from an operator for an id it gave that no message has yet (its submit_sm_resp is
     * still on its way, on another bind), written before the operator is told the receipt arrived,
     * so that a crash before the match does not lose it.
     */
    default void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                               long doneTimeMs) {
    }

    void receiptForwarded(long messageId);

    /**
     * Recovery queued the message again after a restart: it had been accepted, but no operator's
     * response to it was journaled, so the operator may already have it (a possible duplicate).
     */
    default void requeued(long messageId, String operatorId) {
    }

    /**
     * A fact about a message that its adapter needs after a restart (an HTTP message's callback
     * URL and its place among the parts of one text). Written in the same batch as the message's
     * {@link #accepted} or {@link #held} event.
     */
    default void noted(long messageId, String key, String value) {
    }

    /**
     * A subscriber's opt-out was recorded ({@code added}) or withdrawn. {@code accountId} null is
     * a global one, {@code sender} null every sender of the account.
     */
    default void optOut(boolean added, String accountId, String sender, String msisdn, long atMs, String source) {
    }

    /**
     * A consent to advertising given or withdrawn (an entry of the number's history, never
     * changed). Retention must not lose these: the caller writes them to a snapshot before old
     * files go.
     */
    default void consent(io.smsrouter.core.policy.Consent consent) {
    }

    /**
     * Money moved on a billed account ({@code kind} one of the {@code LEDGER_} constants; {@code
     * amount} in millionths, never negative; {@code messageId} 0 for a top-up). A charge is written
     * in the same batch as its message's {@link #accepted} or {@link #held} event, a refund before
     * the event that ends the message. Retention must not lose these: a journal that deletes old
     * files keeps their sums (replayed as {@link #LEDGER_TOP_UP} and {@link #LEDGER_EARLIER}).
     */
    default void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
    }

    /**
     * A subscriber's message ({@link Receipt#isMo}) for an account, before it is handed to the
     * account's sessions; {@link #receiptForwarded} with its id says the client has it.
     */
    default void mobileOriginated(io.smsrouter.core.message.Receipt mo, String operatorId) {
    }

    /**
     * Starts a batch on the calling thread: its events are kept together and appended at once by
     * {@link #endBatch}. Nothing of a batch is durable before that returns, so the caller must not
     * make its effects visible (responses, hand-offs) until then. Batches nest.
     */
    default void beginBatch() {
    }

    /** Appends the calling thread's batch (when the outermost one ends). */
    default void endBatch() {
    }

    /**
     * Appends an event that replay ignores, to learn whether the journal can be written again
     * after a failure. Throws like any append when it cannot.
     */
    default void probe() {
    }

    /** Reads every event from the start, in order, on the calling thread. */
    void replay(JournalListener listener);

    /**
     * Reads the events from about {@code fromMs} on (a journal may start earlier, at the start of
     * the file that holds that time), in order, until the end or until {@code keepGoing} says
     * stop (asked before each excerpt).
     */
    default void replayFrom(long fromMs, JournalListener listener, java.util.function.BooleanSupplier keepGoing) {
        replay(listener);
    }

    /**
     * The index of the last excerpt written (see {@link JournalListener#excerpt}), or -1 when the
     * journal is empty or has no indexes (then it cannot be checkpointed).
     */
    default long lastIndex() {
        return -1;
    }

    /**
     * Reads the excerpts after {@code afterIndex} (-1: from the start) up to {@code throughIndex}
     * (inclusive), in order, on the calling thread. Unlike {@link #replay}, nothing is added for
     * deleted files: the caller holds the state up to {@code afterIndex} (a checkpoint). Returns
     * false, having read nothing, when the excerpt {@code afterIndex} is no longer in the journal
     * (its file was deleted).
     */
    default boolean replayAfter(long afterIndex, long throughIndex, JournalListener listener) {
        return false;
    }

    /**
     * Like {@link #replayAfter}, but only tells {@code scan} what kind each event is and which
     * message it is about, without decoding the rest: a cheap first look at a range of the
     * journal. False when the excerpt {@code afterIndex} is gone (or this journal cannot scan).
     */
    default boolean scanAfter(long afterIndex, long throughIndex, EventScan scan) {
        return false;
    }

    /** What {@link #scanAfter} reports of an event. */
    enum EventKind {
        ACCEPTED, HELD, MODERATED, SUBMITTED, FAILED,
        /** a receipt whose state is not final (ENROUTE, ACCEPTD) */
        RECEIPT,
        /** a receipt whose state is final */
        FINAL_RECEIPT,
        RECEIPT_FORWARDED, REQUEUED, NOTED, LEDGER, MOBILE_ORIGINATED,
        /** an event of no message (opt-outs, consents, orphan receipts, probes, a newer version's) */
        OTHER
    }

    /** Receives {@link #scanAfter}'s events. */
    interface EventScan {
        /** {@code messageId}: the message the event is about (a ledger event's may be 0), 0 for {@link EventKind#OTHER}. */
        void event(EventKind kind, long messageId);
    }

    @Override
    void close();

    /** Receives replayed events; each kind it does not override is skipped. */
    interface JournalListener {
        default void accepted(Message message, String operatorId) {
        }

        default void held(Message message, String operatorId) {
        }

        /** {@code verdict} is a {@code Verdict} ordinal (moderation package). */
        default void moderated(long messageId, int verdict, long atMs, String moderator, String reason) {
        }

        default void submitted(long messageId, String operatorId, String upstreamId) {
        }

        default void failed(long messageId, int errorCode) {
        }

        default void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                                   long doneTimeMs) {
        }

        default void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs) {
        }

        default void receiptForwarded(long messageId) {
        }

        default void requeued(long messageId, String operatorId) {
        }

        default void noted(long messageId, String key, String value) {
        }

        default void optOut(boolean added, String accountId, String sender, String msisdn, long atMs,
                            String source) {
        }

        default void consent(io.smsrouter.core.policy.Consent consent) {
        }

        default void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
        }

        default void mobileOriginated(io.smsrouter.core.message.Receipt mo, String operatorId) {
        }

        /**
         * True to have the events of this message passed over unread (they are not handed to this
         * listener), except its ledger events: money is always read. Asked once per event that
         * names a message, before it is decoded.
         */
        default boolean skipMessage(long messageId) {
            return false;
        }

        /**
         * A new excerpt (one append: an event, or a whole batch) starts; {@code index} is its place
         * in the journal. Events of one excerpt were written together.
         */
        default void excerpt(long index) {
        }
    }
}
