package io.smsrouter.core.journal;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;

/**
 * The write-ahead log of every state change of a message. An event is appended before its effect
 * becomes visible outside (a {@code submit_sm_resp}, a receipt to a client), so that what is in
 * memory can always be rebuilt by {@link #replay}.
 */
public interface Journal extends AutoCloseable {

    void accepted(Message message, String operatorId);

    void submitted(long messageId, String operatorId, String upstreamId);

    /** The operator refused the message for good, or it could not be routed after acceptance. */
    void failed(long messageId, int errorCode);

    void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs);

    void receiptForwarded(long messageId);

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

    /** Reads every event from the start, in order, on the calling thread. */
    void replay(JournalListener listener);

    @Override
    void close();

    /** Receives replayed events. */
    interface JournalListener {
        void accepted(Message message, String operatorId);

        void submitted(long messageId, String operatorId, String upstreamId);

        void failed(long messageId, int errorCode);

        void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs);

        void receiptForwarded(long messageId);
    }
}
