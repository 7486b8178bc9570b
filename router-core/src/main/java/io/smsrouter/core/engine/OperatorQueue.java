package io.smsrouter.core.engine;

import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.MessagePart;

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
 * Listeners (the binds) are told when work arrives. The parts of one long message go out on one
 * bind ({@link #poll(Runnable)}), since some operators reassemble per bind.
 */
public final class OperatorQueue {
    private final String operatorId;
    private final ConcurrentLinkedDeque<Message>[] lanes;
    private final ToIntFunction<Message> laneOf;
    private final AtomicInteger size = new AtomicInteger();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Per bind, the parts of long messages handed to it; by bind, the long messages pinned to one. */
    private final java.util.Map<Runnable, Pinned> pinned = new java.util.concurrent.ConcurrentHashMap<>();
    private final com.github.benmanes.caffeine.cache.Cache<PartGroup, Runnable> pins =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().executor(Runnable::run)
                    .expireAfterAccess(java.time.Duration.ofMinutes(10)).maximumSize(1_000_000).build();

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
        return lanes[laneIndex(m)];
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

    /** The next message, or null (any consumer's: for moving a whole queue elsewhere, and tests). */
    public Message poll() {
        if (size.get() == 0) {
            return null;
        }
        Message m = pollShared(lanes.length);
        if (m != null) {
            return m;
        }
        for (Pinned p : pinned.values()) {
            m = p.poll();
            if (m != null) {
                size.decrementAndGet();
                return m;
            }
        }
        return null;
    }

    /**
     * The next message for {@code consumer} (a bind, named by the listener it registered): the
     * parts of one long message go to one bind. The first part a bind takes pins the rest of that
     * message (same account, sender, number and concatenation reference) to it; a part another
     * bind takes from the shared lanes meanwhile is handed over to the pinned bind instead. Lane
     * order holds: a pinned part goes first only when no shared lane before its own has a message.
     */
    public Message poll(Runnable consumer) {
        if (size.get() == 0) {
            return null;
        }
        Pinned mine = pinned.get(consumer);
        while (true) {
            Message head = mine == null ? null : mine.peek();
            Message m = pollShared(head == null ? lanes.length : laneIndex(head));
            if (m == null) {
                if (head == null) {
                    return null;
                }
                m = mine.poll();
                if (m == null) {
                    continue; // released meanwhile
                }
                size.decrementAndGet();
                return m;
            }
            MessagePart part = MessagePart.of(m);
            if (part == null) {
                return m;
            }
            PartGroup g = new PartGroup(m.accountId(), m.source(), m.destination(), part.ref(), part.total());
            Runnable owner = pins.asMap().compute(g, (k, old) -> old != null && pinned.containsKey(old) ? old : consumer);
            if (owner == consumer) {
                return m;
            }
            Pinned theirs = pinned.get(owner);
            if (theirs != null && theirs.offer(m)) {
                size.incrementAndGet();
                owner.run();
                continue;
            }
            pins.asMap().put(g, consumer); // its bind went away meanwhile: this one takes the message
            return m;
        }
    }

    /** From the shared lanes before {@code laneLimit}, the first message, or null. */
    private Message pollShared(int laneLimit) {
        for (int i = 0; i < laneLimit && i < lanes.length; i++) {
            Message m = lanes[i].pollFirst();
            if (m != null) {
                size.decrementAndGet();
                return m;
            }
        }
        return null;
    }

    private int laneIndex(Message m) {
        int i = laneOf.applyAsInt(m);
        return i < 0 || i >= lanes.length ? lanes.length - 1 : i;
    }

    /** Messages waiting in one lane (O(lane length)), those handed to a bind for its long messages included. */
    public int laneSize(int lane) {
        int n = lanes[lane].size();
        if (!pinned.isEmpty()) {
            for (Pinned p : pinned.values()) {
                n += p.count(m -> laneIndex(m) == lane);
            }
        }
        return n;
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
        for (Pinned p : pinned.values()) {
            Message m = p.remove(x -> x.id() == messageId);
            if (m != null) {
                size.decrementAndGet();
                return m;
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
        for (Pinned p : pinned.values()) {
            Message m;
            while ((m = p.remove(expired)) != null) {
                size.decrementAndGet();
                taken.accept(m);
                n++;
            }
        }
        return n;
    }

    /** Every queued message, lane by lane (weakly consistent: messages may come and go meanwhile). */
    public void forEach(java.util.function.Consumer<Message> action) {
        for (ConcurrentLinkedDeque<Message> lane : lanes) {
            lane.forEach(action);
        }
        for (Pinned p : pinned.values()) {
            p.forEach(action);
        }
    }

    public int size() {
        return size.get();
    }

    /** A bind that takes messages: it is told when work arrives, and may have long messages pinned to it. */
    public void addListener(Runnable onWork) {
        pinned.put(onWork, new Pinned());
        listeners.add(onWork);
    }

    /** The bind is gone: the parts handed to it go back to the front of their lanes, for any bind. */
    public void removeListener(Runnable onWork) {
        listeners.remove(onWork);
        Pinned p = pinned.remove(onWork);
        if (p != null) {
            List<Message> back = p.close();
            for (int i = back.size() - 1; i >= 0; i--) {
                lane(back.get(i)).offerFirst(back.get(i));
            }
            if (!back.isEmpty()) {
                signal();
            }
        }
    }

    /** A long message's parts: one account, sender, number and concatenation reference. */
    private record PartGroup(String account, String source, String destination, int ref, int total) {
    }

    /** Parts handed to one bind, in arrival order; closed when the bind goes. */
    private static final class Pinned {
        private final java.util.ArrayDeque<Message> q = new java.util.ArrayDeque<>();
        private boolean closed;

        synchronized boolean offer(Message m) {
            if (closed) {
                return false;
            }
            q.addLast(m);
            return true;
        }

        synchronized Message peek() {
            return q.peekFirst();
        }

        synchronized Message poll() {
            return q.pollFirst();
        }

        synchronized Message remove(java.util.function.Predicate<Message> which) {
            for (java.util.Iterator<Message> it = q.iterator(); it.hasNext(); ) {
                Message m = it.next();
                if (which.test(m)) {
                    it.remove();
                    return m;
                }
            }
            return null;
        }

        synchronized int count(java.util.function.Predicate<Message> which) {
            int n = 0;
            for (Message m : q) {
                if (which.test(m)) {
                    n++;
                }
            }
            return n;
        }

        synchronized void forEach(java.util.function.Consumer<Message> action) {
            q.forEach(action);
        }

        synchronized List<Message> close() {
            closed = true;
            List<Message> all = new java.util.ArrayList<>(q);
            q.clear();
            return all;
        }
    }

    void signal() {
        for (Runnable r : listeners) {
            r.run();
        }
    }
}
