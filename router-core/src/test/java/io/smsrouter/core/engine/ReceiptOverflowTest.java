package io.smsrouter.core.engine;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Receipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receipts that no session can take stay on the heap up to a bound, then wait in a file, and
 * come back in the order they came, each once, when a session takes receipts again.
 */
class ReceiptOverflowTest {

    @TempDir
    Path dir;

    /** A receiver bind that takes receipts only while open, and only up to its window. */
    private static final class Receiver implements ClientSession {
        final List<Receipt> got = new ArrayList<>();
        volatile boolean open;
        volatile int window;

        Receiver(int window) {
            this.window = window;
        }

        @Override
        public String accountId() {
            return "acc";
        }

        @Override
        public boolean receivesReceipts() {
            return true;
        }

        @Override
        public synchronized boolean deliver(Receipt r) {
            if (!open || got.size() >= window) {
                return false;
            }
            got.add(r);
            return true;
        }
    }

    private static Receipt receipt(long id) {
        return new Receipt(id, "acc", 5, 0, "Shop", 1, 1, "7916" + id, DeliveryState.DELIVERED, 0, 1000L + id,
                2000L + id, ("text of " + id).getBytes());
    }

    @Test
    void shouldRoundTripEveryFieldOfReceiptsAndMobileOriginatedMessages() {
        Receipt r = new Receipt(42, "acc-ü", 1, 2, "Shöp", 3, 4, "79161234567", DeliveryState.UNDELIVERABLE, 0x45,
                123456789L, 987654321L, null, 0x40, 8, null, null);
        Receipt back = ReceiptOverflow.decode(java.nio.ByteBuffer.wrap(ReceiptOverflow.encode(r)));
        assertThat(back).usingRecursiveComparison().isEqualTo(r);

        Receipt mo = Receipt.mo(7, "acc", "79161234567", "Shop", 0x40, 8, new byte[]{1, 2, 3}, new byte[]{0, 5}, 99);
        Receipt moBack = ReceiptOverflow.decode(java.nio.ByteBuffer.wrap(ReceiptOverflow.encode(mo)));
        assertThat(moBack).usingRecursiveComparison().isEqualTo(mo);
        assertThat(moBack.isMo()).isTrue();
    }

    @Test
    void shouldKeepAtMostTheBoundOnTheHeapAndReturnAllInOrderWhenTheClientReadsAgain() throws Exception {
        ReceiptOverflow overflow = new ReceiptOverflow(dir.resolve("waiting"));
        ClientRegistry clients = new ClientRegistry(overflow, 100);
        Receiver stuck = new Receiver(Integer.MAX_VALUE);
        clients.register(stuck, 0);

        int n = 10_000;
        for (long id = 1; id <= n; id++) {
            clients.dispatch(receipt(id));
            assertThat(clients.pendingInMemory("acc")).isLessThanOrEqualTo(101);
        }
        assertThat(clients.pendingCount("acc")).isEqualTo(n);
        assertThat(clients.pendingOnDisk("acc")).isGreaterThanOrEqualTo(n - 101);
        assertThat(overflow.bytes("acc")).isPositive();

        stuck.open = true;
        clients.drain("acc");
        assertThat(stuck.got).extracting(Receipt::messageId)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, n).boxed().toList());
        assertThat(stuck.got.get(n - 1)).usingRecursiveComparison().isEqualTo(receipt(n));
        assertThat(clients.pendingCount("acc")).isZero();
        // the file starts again once read to its end
        assertThat(overflow.bytes("acc")).isZero();
        overflow.close();
    }

    @Test
    void shouldGoOnSpillingAndRefillingWhileTheClientTakesReceiptsAFewAtATime() throws Exception {
        ReceiptOverflow overflow = new ReceiptOverflow(dir.resolve("waiting"));
        ClientRegistry clients = new ClientRegistry(overflow, 10);
        Receiver slow = new Receiver(0);
        clients.register(slow, 0);
        slow.open = true;
        List<Long> expected = new ArrayList<>();
        long id = 1;
        int window = 0;
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 37; i++, id++) {
                clients.dispatch(receipt(id));
                expected.add(id);
            }
            assertThat(clients.pendingInMemory("acc")).isLessThanOrEqualTo(11);
            // the client acknowledges some: it may take 30 more, and asks for them
            window += 30;
            slow.window = window;
            clients.drain("acc");
        }
        slow.window = Integer.MAX_VALUE;
        clients.drain("acc");
        assertThat(slow.got).extracting(Receipt::messageId).containsExactlyElementsOf(expected);
        overflow.close();
    }

    @Test
    void shouldNeitherLoseNorRepeatReceiptsDispatchedFromSeveralThreadsWhileTheClientDrains() throws Exception {
        ReceiptOverflow overflow = new ReceiptOverflow(dir.resolve("waiting"));
        ClientRegistry clients = new ClientRegistry(overflow, 50);
        Receiver r = new Receiver(Integer.MAX_VALUE);
        clients.register(r, 0);
        int threads = 4;
        int each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (long) t * each;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 1; i <= each; i++) {
                    clients.dispatch(receipt(base + i));
                }
                done.incrementAndGet();
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        // the client comes and goes while the receipts are produced
        while (done.get() < threads) {
            r.open = !r.open;
            clients.drain("acc");
            Thread.sleep(1);
        }
        for (Thread th : ts) {
            th.join();
        }
        r.open = true;
        clients.drain("acc");
        assertThat(r.got).hasSize(threads * each);
        assertThat(r.got.stream().map(Receipt::messageId).distinct().count()).isEqualTo(threads * each);
        assertThat(clients.pendingCount("acc")).isZero();
        overflow.close();
    }

    @Test
    void shouldRemoveWhatAPreviousRunLeftSinceTheJournalHasItAnyway() throws Exception {
        Path d = dir.resolve("waiting");
        ReceiptOverflow first = new ReceiptOverflow(d);
        first.push(receipt(1));
        first.close();
        Files.writeString(d.resolve("616363.waiting"), "left over");
        Files.writeString(d.resolve("keep.txt"), "not ours");
        ReceiptOverflow second = new ReceiptOverflow(d);
        assertThat(second.count("acc")).isZero();
        assertThat(Files.exists(d.resolve("616363.waiting"))).isFalse();
        assertThat(Files.exists(d.resolve("keep.txt"))).isTrue();
        second.close();
    }

    @Test
    void shouldKeepReceiptsOnTheHeapWhenTheDirectoryCannotBeWritten() throws Exception {
        Path d = dir.resolve("waiting");
        ReceiptOverflow overflow = new ReceiptOverflow(d);
        ClientRegistry clients = new ClientRegistry(overflow, 5);
        Receiver r = new Receiver(Integer.MAX_VALUE);
        clients.register(r, 0);
        // the directory is gone: files cannot be created in it
        Files.delete(d);
        Files.writeString(d, "a file, not a directory");
        for (long id = 1; id <= 50; id++) {
            clients.dispatch(receipt(id));
        }
        assertThat(clients.pendingCount("acc")).isEqualTo(50);
        assertThat(clients.pendingInMemory("acc")).isEqualTo(50);
        r.open = true;
        clients.drain("acc");
        assertThat(r.got).extracting(Receipt::messageId)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
        overflow.close();
    }
}
