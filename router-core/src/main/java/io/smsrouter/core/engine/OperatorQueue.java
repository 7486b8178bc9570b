package io.smsrouter.core.engine;

import io.smsrouter.core.message.Message;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Messages waiting for one operator, in one lane per traffic class. The operator's binds pull
 * from it when they have room in their window, always from the first non-empty lane, so an OTP
 * code queued behind a million promo messages is the next one out. A message taken back from a
 * failed bind goes to the front of its lane, so retries are not starved by new traffic.
 * Listeners (the binds) are told when work arrives.
 */
public final class OperatorQueue {
    private final String operatorId;
    private final ConcurrentLinkedDeque<Message>[] lanes;
    private final ToIntFunction<Message> laneOf;
    private final AtomicInteger size = new AtomicInteger();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** One lane: every message in arrival order. */
    public OperatorQueue(String operatorId) {
        this(operatorId, 1, m -> 0);
    }

    /** {@code laneCount} lanes, served lowest index first; {@code laneOf} says a message's lane. */
    @SuppressWarnings("unchecked")
    public OperatorQueue(String operatorId, int laneCount, ToIntFunction<Message> laneOf) {
        this.operatorId = operatorId;
        this.laneOf = laneOf;
        this.lanes = new ConcurrentLinkedDeque[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new ConcurrentLinkedDeque<>();
        }
    }

    private ConcurrentLinkedDeque<Message> lane(Message m) {
        int i = laneOf.applyAsInt(m);
        return lanes[i < 0 || i >= lanes.length ? lanes.length - 1 : i];
    }

    public String operatorId() {
        return operatorId;
    }

    public void offer(Message m) {
        offerQuietly(m);
        signal();
    }

    /** Queues without telling the binds: the caller calls {@link #signal} once for many. */
    void offerQuietly(Message m) {
        lane(m).offerLast(m);
        size.incrementAndGet();
    }

    /** Puts back a message that a bind could not deliver; it goes out before newer ones. */
    public void retry(Message m) {
        lane(m).offerFirst(m);
        size.incrementAndGet();
        signal();
    }

    /** The next message, or null. */
    public Message poll() {
        if (size.get() == 0) {
            return null;
        }
        for (ConcurrentLinkedDeque<Message> lane : lanes) {
            Message m = lane.pollFirst();
            if (m != null) {
                size.decrementAndGet();
                return m;
            }
        }
        return null;
    }

    /** Messages waiting in one lane (O(lane length)). */
    public int laneSize(int lane) {
        return lanes[lane].size();
    }

    /**
     * Takes a still-queued message out (for cancel and replace). Null when it is not queued any
     * more: a bind took it, or it was never here. O(queue length): fine for these rare requests.
     */
    public Message remove(long messageId) {
        for (ConcurrentLinkedDeque<Message> lane : lanes) {
            for (Message m : lane) {
                if (m.id() == messageId) {
                    if (lane.removeFirstOccurrence(m)) {
                        size.decrementAndGet();
                        return m;
                    }
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Takes out every queued message {@code expired} says yes to and hands it to {@code taken};
     * returns how many. O(queue length), one pass.
     */
    public int removeIf(java.util.function.Predicate<Message> expired, java.util.function.Consumer<Message> taken) {
        int n = 0;
        for (ConcurrentLinkedDeque<Message> lane : lanes) {
            for (java.util.Iterator<Message> it = lane.iterator(); it.hasNext(); ) {
                Message m = it.next();
                if (expired.test(m) && lane.removeFirstOccurrence(m)) {
                    size.decrementAndGet();
                    taken.accept(m);
                    n++;
                }
            }
        }
        return n;
    }

    /** Every queued message, lane by lane (weakly consistent: messages may come and go meanwhile). */
    public void forEach(java.util.function.Consumer<Message> action) {
        for (ConcurrentLinkedDeque<Message> lane : lanes) {
            lane.forEach(action);
        }
    }

    public int size() {
        return size.get();
    }

    public void addListener(Runnable onWork) {
        listeners.add(onWork);
    }

    public void removeListener(Runnable onWork) {
        listeners.remove(onWork);
    }

    void signal() {
        for (Runnable r : listeners) {
            r.run();
        }
    }
}
