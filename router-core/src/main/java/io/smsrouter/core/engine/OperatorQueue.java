package io.smsrouter.core.engine;

import io.smsrouter.core.message.Message;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Messages waiting for one operator. The operator's binds pull from it when they have room in
 * their window; a message taken back from a failed bind goes to the front, so retries are not
 * starved by new traffic. Listeners (the binds) are told when work arrives.
 */
public final class OperatorQueue {
    private final String operatorId;
    private final ConcurrentLinkedDeque<Message> queue = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public OperatorQueue(String operatorId) {
        this.operatorId = operatorId;
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
        queue.offerLast(m);
        size.incrementAndGet();
    }

    /** Puts back a message that a bind could not deliver; it goes out before newer ones. */
    public void retry(Message m) {
        queue.offerFirst(m);
        size.incrementAndGet();
        signal();
    }

    /** The next message, or null. */
    public Message poll() {
        Message m = queue.pollFirst();
        if (m != null) {
            size.decrementAndGet();
        }
        return m;
    }

    /**
     * Takes a still-queued message out (for cancel and replace). Null when it is not queued any
     * more: a bind took it, or it was never here. O(queue length): fine for these rare requests.
     */
    public Message remove(long messageId) {
        for (Message m : queue) {
            if (m.id() == messageId) {
                if (queue.removeFirstOccurrence(m)) {
                    size.decrementAndGet();
                    return m;
                }
                return null;
            }
        }
        return null;
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
