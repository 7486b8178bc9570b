package io.smsrouter.server.tools;

import io.smsrouter.core.journal.Journal.JournalListener;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;

/**
 * {@code journal count}: every message's current state, derived from its events by the rules of
 * {@link MessageState}, kept as one packed byte per message id in a primitive
 * {@link LongByteMap} (13 to 26 bytes a message, no Message objects kept; 10 million messages
 * fit in ~260 MB of heap).
 */
final class StateTable implements JournalListener {
    private final LongByteMap states = new LongByteMap(1 << 16);
    private long events;
    private long requeued;

    long events() {
        return events;
    }

    /** Times messages were queued again by recovery (possible duplicates at the operator). */
    long requeued() {
        return requeued;
    }

    int messages() {
        return states.size();
    }

    /** Messages per state (indexed by ordinal), and at the end the number of receipts owed to clients. */
    long[] tally() {
        long[] n = new long[MessageState.values().length + 1];
        states.forEachValue(p -> {
            n[MessageState.of(p).ordinal()]++;
            if (MessageState.receiptOwed(p)) {
                n[n.length - 1]++;
            }
        });
        return n;
    }

    @Override
    public void accepted(Message m, String operatorId) {
        events++;
        states.put(m.id(), MessageState.accepted(states.get(m.id()), m.registeredDelivery(), false));
    }

    @Override
    public void held(Message m, String operatorId) {
        events++;
        states.put(m.id(), MessageState.accepted(states.get(m.id()), m.registeredDelivery(), true));
    }

    @Override
    public void moderated(long id, int verdict, long atMs, String moderator, String reason) {
        events++;
        states.put(id, MessageState.moderated(states.get(id), verdict));
    }

    @Override
    public void submitted(long id, String operatorId, String upstreamId) {
        events++;
        states.put(id, MessageState.submitted(states.get(id)));
    }

    @Override
    public void failed(long id, int errorCode) {
        events++;
        states.put(id, MessageState.failed(states.get(id)));
    }

    @Override
    public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
        events++;
        states.put(id, MessageState.receipt(states.get(id), state));
    }

    @Override
    public void requeued(long id, String operatorId) {
        events++;
        requeued++;
    }

    @Override
    public void receiptForwarded(long id) {
        events++;
        states.put(id, MessageState.receiptForwarded(states.get(id)));
    }
}
