package io.smsrouter.core.engine;

import io.smsrouter.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parts of one long message leave on one bind: the bind that takes the first part gets the
 * rest, even when another bind pulls them from the queue; when that bind goes, its parts go back
 * to the queue for the others. Lanes keep their priority.
 */
class OperatorQueuePinningTest {
    private final AtomicInteger ids = new AtomicInteger();

    /** Part {@code seq} of {@code total} of a UDH-concatenated message with reference {@code ref}. */
    private Message part(String to, int ref, int total, int seq, int priority) {
        byte[] sm = {5, 0, 3, (byte) ref, (byte) total, (byte) seq, 'x'};
        return new Message(ids.incrementAndGet(), "shop", "", 5, 0, "Shop", 1, 1, to, 0x40, 0, priority, "", "", 0, 0,
                sm, new byte[0], 0);
    }

    private Message single(String to, int priority) {
        return new Message(ids.incrementAndGet(), "shop", "", 5, 0, "Shop", 1, 1, to, 0, 0, priority, "", "", 0, 0,
                new byte[]{'x'}, new byte[0], 0);
    }

    private static final class Bind implements Runnable {
        final AtomicInteger woken = new AtomicInteger();

        @Override
        public void run() {
            woken.incrementAndGet();
        }
    }

    @Test
    void shouldGiveEveryPartOfALongMessageToTheBindThatTookTheFirst() {
        OperatorQueue q = new OperatorQueue("opA");
        Bind a = new Bind();
        Bind b = new Bind();
        q.addListener(a);
        q.addListener(b);
        Message p1 = part("79160000001", 7, 3, 1, 0);
        Message p2 = part("79160000001", 7, 3, 2, 0);
        Message s1 = single("79160000002", 0);
        Message p3 = part("79160000001", 7, 3, 3, 0);
        Message other = part("79160000009", 7, 3, 1, 0); // same reference, another number: another message
        for (Message m : List.of(p1, p2, s1, p3, other)) {
            q.offer(m);
        }
        assertThat(q.poll(a)).isSameAs(p1);
        int wokenBefore = a.woken.get();
        // b pulls p2: it belongs to a, which is woken; b gets the next message that is free
        assertThat(q.poll(b)).isSameAs(s1);
        assertThat(a.woken.get()).isGreaterThan(wokenBefore);
        assertThat(q.size()).isEqualTo(3);
        // b pulls p3 (handed to a) and then the other message's first part, which is b's
        assertThat(q.poll(b)).isSameAs(other);
        assertThat(q.poll(b)).isNull();
        assertThat(q.poll(a)).isSameAs(p2);
        assertThat(q.poll(a)).isSameAs(p3);
        assertThat(q.poll(a)).isNull();
        assertThat(q.size()).isZero();
    }

    @Test
    void shouldReturnAGoneBindsPartsToTheQueueForTheOthers() {
        OperatorQueue q = new OperatorQueue("opA");
        Bind a = new Bind();
        Bind b = new Bind();
        q.addListener(a);
        q.addListener(b);
        Message p1 = part("79160000001", 1, 3, 1, 0);
        Message p2 = part("79160000001", 1, 3, 2, 0);
        Message p3 = part("79160000001", 1, 3, 3, 0);
        q.offer(p1);
        q.offer(p2);
        q.offer(p3);
        assertThat(q.poll(a)).isSameAs(p1);
        assertThat(q.poll(b)).isNull(); // p2 and p3 handed to a
        List<Long> seen = new ArrayList<>();
        q.forEach(m -> seen.add(m.id()));
        assertThat(seen).containsExactly(p2.id(), p3.id());
        assertThat(q.laneSize(0)).isEqualTo(2);

        // a's connection drops (p1 would be retried by it): its parts go back, in order, and b takes them all
        q.removeListener(a);
        q.retry(p1);
        assertThat(q.poll(b)).isSameAs(p1);
        assertThat(q.poll(b)).isSameAs(p2);
        assertThat(q.poll(b)).isSameAs(p3);
        assertThat(q.size()).isZero();
    }

    @Test
    void shouldLetCancelAndExpiryFindPartsHandedToABind() {
        OperatorQueue q = new OperatorQueue("opA");
        Bind a = new Bind();
        Bind b = new Bind();
        q.addListener(a);
        q.addListener(b);
        Message p1 = part("79160000001", 2, 3, 1, 0);
        Message p2 = part("79160000001", 2, 3, 2, 0);
        Message p3 = part("79160000001", 2, 3, 3, 0);
        q.offer(p1);
        q.offer(p2);
        q.offer(p3);
        q.poll(a);
        assertThat(q.poll(b)).isNull();
        assertThat(q.remove(p2.id())).isSameAs(p2);
        List<Message> expired = new ArrayList<>();
        assertThat(q.removeIf(m -> m.id() == p3.id(), expired::add)).isEqualTo(1);
        assertThat(expired).containsExactly(p3);
        assertThat(q.size()).isZero();
        assertThat(q.poll(a)).isNull();
    }

    @Test
    void shouldServeAnEarlierLaneBeforeAPartHandedToTheBind() {
        // lanes by priority_flag: 3 (otp) first
        OperatorQueue q = new OperatorQueue("opA", 2, m -> m.priority() == 3 ? 0 : 1);
        Bind a = new Bind();
        Bind b = new Bind();
        q.addListener(a);
        q.addListener(b);
        Message p1 = part("79160000001", 3, 2, 1, 0);
        Message p2 = part("79160000001", 3, 2, 2, 0);
        q.offer(p1);
        q.offer(p2);
        assertThat(q.poll(a)).isSameAs(p1);
        assertThat(q.poll(b)).isNull(); // p2 handed to a
        Message otp = single("79160000003", 3);
        q.offer(otp);
        assertThat(q.poll(a)).as("the OTP code first").isSameAs(otp);
        assertThat(q.poll(a)).isSameAs(p2);
    }
}
