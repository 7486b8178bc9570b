package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.Correlation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.correlation.ReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receipt that overtakes its submit_sm_resp (it comes on another bind) is neither lost in the
 * race between the two binds nor by a crash before the two meet: found by the black-box kill -9
 * rounds, where one acknowledged message never got its receipt.
 */
class EarlyReceiptTest {
    @TempDir
    Path dir;

    private final List<ChronicleJournal> journals = new ArrayList<>();
    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());

    @AfterEach
    void close() {
        journals.forEach(ChronicleJournal::close);
    }

    private ChronicleJournal journal() {
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        journals.add(j);
        return j;
    }

    private Engine engine(ChronicleJournal j, ReceiptCorrelator correlator, ClientRegistry clients) {
        return new Engine(new AccountRegistry(List.of(shop)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))),
                List.of("opA"), j, correlator, clients, 1000);
    }

    private static Message msg(Engine e) {
        return new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79160000001", 0, 0, 0, "", "", 1, 0,
                "hello".getBytes(StandardCharsets.US_ASCII), null, System.currentTimeMillis());
    }

    /** A receiver bind of the account that takes every receipt. */
    private static final class Receiver implements ClientSession {
        final List<Receipt> got = new ArrayList<>();

        @Override
        public String accountId() {
            return "shop";
        }

        @Override
        public boolean receivesReceipts() {
            return true;
        }

        @Override
        public synchronized boolean deliver(Receipt r) {
            got.add(r);
            return true;
        }
    }

    @Test
    void aReceiptWhoseResponseIsHandledBetweenItsLookupAndItsParkingIsStillApplied() {
        LocalReceiptCorrelator real = new LocalReceiptCorrelator(Duration.ofHours(1), 1000);
        Engine[] engine = new Engine[1];
        Message[] m = new Message[1];
        boolean[] raced = new boolean[1];
        // the receipt's bind looks "U1" up and finds nothing; just then, the response's bind handles
        // the submit_sm_resp (and finds no early receipt yet); only then the receipt is parked
        ReceiptCorrelator racing = new ReceiptCorrelator() {
            @Override
            public void put(String operatorId, String upstreamId, Correlation c) {
                real.put(operatorId, upstreamId, c);
            }

            @Override
            public Correlation get(String operatorId, String upstreamId) {
                Correlation c = real.get(operatorId, upstreamId);
                if (c == null && !raced[0]) {
                    raced[0] = true;
                    engine[0].onSubmitted(m[0], "opA", "U1");
                }
                return c;
            }

            @Override
            public void remove(String operatorId, String upstreamId) {
                real.remove(operatorId, upstreamId);
            }

            @Override
            public long size() {
                return real.size();
            }
        };
        ClientRegistry clients = new ClientRegistry();
        Receiver receiver = new Receiver();
        clients.register(receiver, 0);
        Engine e = engine(journal(), racing, clients);
        engine[0] = e;
        m[0] = msg(e);
        e.submit(shop, m[0]);
        assertThat(e.operatorQueue("opA").poll()).isEqualTo(m[0]);

        e.onOperatorReceipt("opA", "U1", DeliveryState.DELIVERED, 0, System.currentTimeMillis());

        assertThat(raced[0]).isTrue();
        assertThat(receiver.got).extracting(Receipt::messageId).containsExactly(m[0].id());
        assertThat(e.status(m[0].id()).state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void anEarlyReceiptAcknowledgedToTheOperatorSurvivesACrashBeforeItsResponseIsMatched() {
        ChronicleJournal j = journal();
        Engine e = engine(j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry());
        Message m = msg(e);
        e.submit(shop, m);
        e.operatorQueue("opA").poll();
        // the receipt comes first (on another bind) and is acknowledged at the end of its batch
        e.beginBatch();
        e.onOperatorReceipt("opA", "U7", DeliveryState.DELIVERED, 0, System.currentTimeMillis());
        e.endBatch();
        // the response is journaled, then the router dies before the receipt is matched to it: here
        // the submitted event goes straight to the journal, as the batch of a dying bind would leave it
        j.submitted(m.id(), "opA", "U7");
        journals.remove(0).close();

        ClientRegistry clients = new ClientRegistry();
        Receiver receiver = new Receiver();
        clients.register(receiver, 0);
        Engine recovered = engine(journal(), new LocalReceiptCorrelator(Duration.ofHours(1), 1000), clients);
        recovered.recover(Duration.ofHours(72));
        assertThat(receiver.got).extracting(Receipt::messageId).containsExactly(m.id());
        assertThat(recovered.status(m.id()).state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void anEarlyReceiptWhoseResponseNeverCameBeforeTheCrashWaitsForIt() {
        ChronicleJournal j = journal();
        Engine e = engine(j, new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry());
        Message m = msg(e);
        e.submit(shop, m);
        e.operatorQueue("opA").poll();
        e.beginBatch();
        e.onOperatorReceipt("opA", "U8", DeliveryState.UNDELIVERABLE, 0x0B, System.currentTimeMillis());
        e.endBatch();
        journals.remove(0).close();

        ClientRegistry clients = new ClientRegistry();
        Receiver receiver = new Receiver();
        clients.register(receiver, 0);
        Engine recovered = engine(journal(), new LocalReceiptCorrelator(Duration.ofHours(1), 1000), clients);
        recovered.recover(Duration.ofHours(72));
        assertThat(receiver.got).isEmpty();
        // the message is sent again; if the operator answers with the id it gave before, the receipt applies
        Message again = recovered.operatorQueue("opA").poll();
        assertThat(again.id()).isEqualTo(m.id());
        recovered.onSubmitted(again, "opA", "U8");
        assertThat(receiver.got).extracting(Receipt::messageId).containsExactly(m.id());
        assertThat(recovered.status(m.id()).state()).isEqualTo(DeliveryState.UNDELIVERABLE);
    }
}
