package io.smsrouter.core.engine;

import io.smsrouter.core.message.DeliveryState;

/**
 * What the engine and its adapters report for monitoring, per account and per operator (the HTTP
 * module turns it into Prometheus metrics). Called on the hot path from event-loop threads: an
 * implementation must be quick, thread-safe and must not allocate per call. Every method does
 * nothing by default.
 */
public interface EngineMetrics {
    EngineMetrics NONE = new EngineMetrics() {
    };

    /** {@code n} messages of the account got this answer (ACCEPTED or a refusal). */
    default void submitted(String accountId, SubmitOutcome outcome, int n) {
    }

    /** A message of the account reached a final state (its receipt, or its end in the router). */
    default void finished(String accountId, DeliveryState state) {
    }

    /** The operator accepted a message that the router accepted at {@code acceptedAtMs}. */
    default void toOperator(String operatorId, long acceptedAtMs) {
    }

    /** The operator refused a message for good ({@code errorCode}: its command_status). */
    default void operatorRefused(String operatorId, int errorCode) {
    }

    /** The operator asked to slow down (ESME_RTHROTTLED or ESME_RMSGQFUL); the message is retried. */
    default void operatorThrottled(String operatorId) {
    }

    /** The operator answered a submit_sm after {@code nanos}. */
    default void operatorResponse(String operatorId, long nanos) {
    }

    /** A receipt from the operator for a message the router accepted at {@code acceptedAtMs}. */
    default void operatorReceipt(String operatorId, DeliveryState state, long acceptedAtMs) {
    }

    /** {@code n} of the account's requests were answered {@code nanos} after they were read. */
    default void clientResponse(String accountId, long nanos, int n) {
    }
}
