package io.smsrouter.core.moderation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ModerationQueue} in this process's memory. Message ids grow with time, so ordering by id
 * is ordering by age.
 */
public final class LocalModerationQueue implements ModerationQueue {
    private static final int DECISIONS_KEPT = 500;

    private final ConcurrentSkipListMap<Long, HeldMessage> held = new ConcurrentSkipListMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ArrayDeque<ModerationDecision> decisions = new ArrayDeque<>();

    @Override
    public void add(HeldMessage m) {
        if (held.put(m.id(), m) == null) {
            size.incrementAndGet();
        }
    }

    @Override
    public HeldMessage take(long messageId) {
        HeldMessage m = held.remove(messageId);
        if (m != null) {
            size.decrementAndGet();
        }
        return m;
    }

    @Override
    public HeldMessage get(long messageId) {
        return held.get(messageId);
    }

    @Override
    public List<HeldMessage> list() {
        return new ArrayList<>(held.values());
    }

    @Override
    public HeldMessage oldest() {
        Map.Entry<Long, HeldMessage> e = held.firstEntry();
        return e == null ? null : e.getValue();
    }

    @Override
    public int size() {
        return size.get();
    }

    @Override
    public void recordDecision(ModerationDecision d) {
        synchronized (decisions) {
            decisions.addFirst(d);
            if (decisions.size() > DECISIONS_KEPT) {
                decisions.removeLast();
            }
        }
    }

    @Override
    public List<ModerationDecision> recentDecisions(int max) {
        synchronized (decisions) {
            List<ModerationDecision> out = new ArrayList<>(Math.min(max, decisions.size()));
            Iterator<ModerationDecision> it = decisions.iterator();
            while (it.hasNext() && out.size() < max) {
                out.add(it.next());
            }
            return out;
        }
    }
}
