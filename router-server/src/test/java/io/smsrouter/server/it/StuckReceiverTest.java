package io.smsrouter.server.it;

import com.cloudhopper.smpp.SmppBindType;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.server.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9: a client that binds as a receiver and then stops reading while 100,000 receipts are
 * produced for its account costs bounded memory (at most {@code smpp.receiptsInMemory} receipts on
 * the heap, the rest on disk, nothing piling up in its connection), another account's client keeps
 * sending and getting its receipts meanwhile, and every receipt arrives once the stuck client reads
 * again. The stuck client is a raw socket; the senders are cloudhopper-smpp.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StuckReceiverTest {
    private static final int MESSAGES = 100_000;
    private static final int IN_MEMORY = 1_000;
    private static final int OTHER = 5_000;

    @TempDir
    Path journal;
    private Router router;
    private ChClient client;
    private RawSmpp stuck;

    @AfterEach
    void tearDown() throws Exception {
        if (stuck != null) {
            stuck.close();
        }
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
    }

    @Test
    void shouldKeepTheHeapBoundedForAClientThatStopsReadingAndDeliverEverythingWhenItReadsAgain() throws Exception {
        router = new Router(ItConfig.journal(journal).withSimulator().account("other", "pw2", 4)
                .receiptsInMemory(IN_MEMORY).build()).start();
        ClientRegistry clients = router.engine().clients();

        stuck = new RawSmpp(router.smppAddress());
        RawSmpp.Pdu bound = stuck.bind(RawSmpp.BIND_RECEIVER, ItConfig.ACCOUNT, ItConfig.PASSWORD, 1);
        assertThat(bound.status()).isZero();
        // from here on the stuck client reads nothing

        client = new ChClient();
        ChSession producer = client.bind(router.smppAddress(), SmppBindType.TRANSMITTER, ItConfig.ACCOUNT,
                ItConfig.PASSWORD, 200);
        ChSession other = client.bind(router.smppAddress(), SmppBindType.TRANSCEIVER, "other", "pw2", 100);

        long heapBefore = usedHeapAfterGc();
        AtomicInteger maxInMemory = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxInMemory.accumulateAndGet(clients.pendingInMemory(ItConfig.ACCOUNT), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();

        Thread produce = new Thread(() -> {
            try {
                producer.submitAsync(MESSAGES, 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        produce.start();

        // while the backlog of the stuck account grows, another account sends and gets its receipts
        await().atMost(Duration.ofMinutes(2)).until(() -> clients.pendingOnDisk(ItConfig.ACCOUNT) > 0);
        long otherStart = System.nanoTime();
        other.submitAsync(OTHER, 1);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(other.deliverSmCount()).as("receipts of the other account").isGreaterThanOrEqualTo(OTHER));
        double otherSeconds = (System.nanoTime() - otherStart) / 1e9;
        long backlogWhileOther = clients.pendingCount(ItConfig.ACCOUNT);
        assertThat(other.okCount()).isEqualTo(OTHER);
        Receipts.assertOneReceiptPerId(other.deliverSms(), other.okIds());

        produce.join(TimeUnit.MINUTES.toMillis(4));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(producer.answeredCount()).isEqualTo(MESSAGES));
        assertThat(producer.okCount()).isEqualTo(MESSAGES);
        // every receipt of the stuck account has come back from the operator and waits in the router
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(router.engine().receiptsInCount()).isGreaterThanOrEqualTo(MESSAGES + OTHER));
        sampling.set(false);
        sampler.join();

        long waiting = clients.pendingCount(ItConfig.ACCOUNT);
        long onDisk = clients.pendingOnDisk(ItConfig.ACCOUNT);
        long heapWithBacklog = usedHeapAfterGc();
        System.out.printf("stuck receiver: %d receipts waiting (%d on disk), at most %d on the heap; heap after GC "
                        + "%d MB before, %d MB with the backlog; other account: %d messages and receipts in %.1f s "
                        + "(%.0f msg/s) while %d waited%n",
                waiting, onDisk, maxInMemory.get(), heapBefore >> 20, heapWithBacklog >> 20, OTHER, otherSeconds,
                OTHER / otherSeconds, backlogWhileOther);
        // the window (1000 deliver_sm unanswered) and the socket buffers hold some; the rest waits here
        assertThat(waiting).isGreaterThan(MESSAGES - 5_000);
        assertThat(maxInMemory.get()).as("receipts on the heap at any time").isLessThanOrEqualTo(IN_MEMORY + 1);
        assertThat(onDisk).isGreaterThan(MESSAGES - 5_000 - IN_MEMORY - 1);
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + router.httpAddress().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("router_receipts_waiting{account=\"shop\",store=\"disk\"} " + onDisk + ".0")
                .contains("router_receipts_waiting{account=\"shop\",store=\"heap\"} ");

        // the client reads again: every receipt arrives (some twice: those it had not answered in time)
        Set<String> ids = new HashSet<>();
        int deliverSms = 0;
        while (ids.size() < MESSAGES) {
            RawSmpp.Pdu p;
            try {
                p = stuck.read();
            } catch (SocketTimeoutException e) {
                break;
            }
            if (p == null) {
                break;
            }
            if (p.commandId() == RawSmpp.DELIVER_SM) {
                deliverSms++;
                ids.add(receiptedId(p.body()));
                stuck.send(RawSmpp.header(0x80000005, 0, p.sequence(), new byte[]{0}));
            } else if (p.commandId() == RawSmpp.ENQUIRE_LINK) {
                stuck.send(RawSmpp.header(RawSmpp.ENQUIRE_LINK_RESP, 0, p.sequence(), new byte[0]));
            }
        }
        System.out.printf("stuck receiver read again: %d distinct receipts in %d deliver_sm (%d repeats)%n",
                ids.size(), deliverSms, deliverSms - ids.size());
        assertThat(ids).isEqualTo(producer.okIds());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(clients.pendingCount(ItConfig.ACCOUNT)).isZero());
    }

    /** The {@code id:} of a receipt's text. */
    private static String receiptedId(byte[] body) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        int i = s.indexOf("id:");
        int end = s.indexOf(' ', i);
        return s.substring(i + 3, end);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
