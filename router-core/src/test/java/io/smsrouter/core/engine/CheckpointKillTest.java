package io.smsrouter.core.engine;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 while a checkpoint is being written loses nothing: a child JVM keeps 30,000 messages in
 * flight and writes checkpoints one after another (each takes a while), adding a message between
 * two; it is SIGKILLed while a temporary checkpoint file is being written, three times, each start
 * recovering from what the last one left. Every message the child saw accepted is queued again at
 * the end, and the starts after the first read a checkpoint.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CheckpointKillTest {
    private static final int IN_FLIGHT = 30_000;
    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    private static Engine engine(ChronicleJournal j, Path dir) {
        Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());
        Engine e = new Engine(new AccountRegistry(List.of(shop)),
                new RouteTable(List.of(new Route(null, null, null, List.of("opA")))), List.of("opA"), j,
                new LocalReceiptCorrelator(Duration.ofHours(1), 1000), new ClientRegistry(), 1_000_000);
        e.checkpoints(dir.resolve("journal").resolve("recovery.checkpoint"));
        return e;
    }

    /** The child: recovers, tops the messages in flight up, then checkpoints and accepts in turn until killed. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        Account shop = Account.of("shop", "pw", null, Moderation.NONE, 0, 4, List.of());
        ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false);
        Engine e = engine(j, dir);
        Engine.RecoveryReport r = e.recover(Duration.ofHours(72));
        out.println("RECOVERED " + r.requeued() + " " + r.checkpointRecords());
        for (int i = r.requeued(); i < IN_FLIGHT; i++) {
            Message m = new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "7916" + (1_000_000 + i), 0, 0, 0,
                    "", "", 1, 0, ("in flight " + i).getBytes(StandardCharsets.US_ASCII), null,
                    System.currentTimeMillis());
            e.submit(shop, m);
            out.println("ACK " + m.id());
        }
        while (true) {
            Message m = new Message(e.nextId(), "shop", "", 5, 0, "Shop", 1, 1, "79260000000", 0, 0, 0, "", "", 1, 0,
                    "between checkpoints".getBytes(StandardCharsets.US_ASCII), null, System.currentTimeMillis());
            e.submit(shop, m);
            out.println("ACK " + m.id());
            e.checkpoint(() -> out.println("PUBLISHING"));
        }
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (java.io.IOException gone) {
            return -1;
        }
    }

    @Test
    void shouldLoseNothingWhenKilledWhileACheckpointIsWritten() throws Exception {
        Set<Long> acked = new HashSet<>();
        Path tmp = dir.resolve("journal").resolve("recovery.checkpoint.tmp");
        List<String> recoveries = new ArrayList<>();
        int killedWhileWriting = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) {
                    cmd.add(a);
                }
            }
            cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), CheckpointKillTest.class.getName(),
                    dir.toString()));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int published = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.substring(4)));
                } else if (line.startsWith("RECOVERED ")) {
                    recoveries.add(line);
                } else if (line.equals("PUBLISHING")) {
                    published++;
                }
                // after the second checkpoint is in place, kill while the next one is being written
                if (published >= 2 && sizeOf(tmp) > 0) {
                    // SIGKILL (not destroyForcibly, which would close the pipe before its last lines are read)
                    new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
                    killedWhileWriting++;
                    break;
                }
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child %d ended", round).isTrue();
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.substring(4)));
                }
            }
        }
        assertThat(killedWhileWriting).isEqualTo(ROUNDS);
        assertThat(recoveries).as("the first start finds no checkpoint, the others read one").hasSize(ROUNDS);
        assertThat(recoveries.get(0)).endsWith(" -1");
        assertThat(recoveries.subList(1, ROUNDS)).noneMatch(l -> l.endsWith(" -1"));

        try (ChronicleJournal j = new ChronicleJournal(dir.resolve("journal"), "HOURLY", false)) {
            Engine e = engine(j, dir);
            Engine.RecoveryReport r = e.recover(Duration.ofHours(72));
            assertThat(r.checkpointRecords()).as("the last checkpoint put in place").isPositive();
            Set<Long> queued = new HashSet<>();
            for (Message m = e.operatorQueue("opA").poll(); m != null; m = e.operatorQueue("opA").poll()) {
                queued.add(m.id());
            }
            assertThat(queued).as("every message the child saw accepted").containsAll(acked);
            assertThat(acked).hasSizeGreaterThan(IN_FLIGHT);
        }
    }
}
