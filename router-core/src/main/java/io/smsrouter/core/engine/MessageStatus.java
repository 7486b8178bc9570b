package io.smsrouter.core.engine;

import io.smsrouter.core.message.DeliveryState;

/** The latest known state of a message, for query_sm and the status API. */
public record MessageStatus(long messageId, String accountId, DeliveryState state, int errorCode,
                            String operatorId, long acceptedAtMs, long finalAtMs) {
}
