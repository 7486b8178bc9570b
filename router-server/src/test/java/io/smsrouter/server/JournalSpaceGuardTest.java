package io.smsrouter.server;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class JournalSpaceGuardTest {
    @TempDir
    Path dir;

    private final Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());

    private Message msg(Engine e) {
        return new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79161234567", 0, 0, 0, "", "", 1, 0,
                "hello".getBytes(StandardCharsets.US_ASCII), null, System.currentTimeMillis());
    }

    @Test
    void shouldStopAcceptingWhileTheDiskIsShortOfSpaceAndResumeWhenThereIsRoom() {
        try (ChronicleJournal journal = new ChronicleJournal(dir, "HOURLY", false)) {
            Engine e = new Engine(new AccountRegistry(List.of(shop)),
                    new RouteTable(List.of(new Route(null, null, null, List.of("opA")))), List.of("opA"), journal,
                    new LocalReceiptCorrelator(Duration.ofHours(1), 100), new ClientRegistry(), 1000);
            AtomicLong free = new AtomicLong(500L << 20);
            JournalSpaceGuard guard = new JournalSpaceGuard(e, dir, 100, free::get);

            guard.check();
            assertThat(e.journalProblem()).isNull();
            assertThat(e.submit(shop, msg(e))).isEqualTo(SubmitOutcome.ACCEPTED);

            free.set(40L << 20);
            guard.check();
            assertThat(e.journalProblem()).contains("has 40 MB free, under journal.minFreeMb 100");
            assertThat(e.submit(shop, msg(e))).isEqualTo(SubmitOutcome.OVERLOADED);
            assertThat(e.operatorQueue("opA").size()).as("what was accepted before stays queued").isEqualTo(1);

            free.set(-1);
            guard.check();
            assertThat(e.journalProblem()).startsWith("cannot read the free space");

            free.set(300L << 20);
            guard.check();
            assertThat(e.journalProblem()).isNull();
            assertThat(e.submit(shop, msg(e))).isEqualTo(SubmitOutcome.ACCEPTED);
        }
    }

    @Test
    void shouldRefuseAfterAFailedWriteUntilAProbeWriteSucceeds() {
        ChronicleJournal journal = new ChronicleJournal(dir, "HOURLY", false);
        Engine e = new Engine(new AccountRegistry(List.of(shop)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))), List.of("opA"), journal,
                new LocalReceiptCorrelator(Duration.ofHours(1), 100), new ClientRegistry(), 1000);
        JournalSpaceGuard guard = new JournalSpaceGuard(e, dir, 100, () -> 500L << 20);
        journal.close(); // every append now fails, as on a disk that went away
        assertThat(e.submit(shop, msg(e))).isEqualTo(SubmitOutcome.OVERLOADED);
        assertThat(e.journalProblem()).startsWith("journal write failed");
        guard.check();
        assertThat(e.journalProblem()).as("the probe fails too").startsWith("journal write failed");
        assertThat(e.submit(shop, msg(e))).isEqualTo(SubmitOutcome.OVERLOADED);
    }
}
