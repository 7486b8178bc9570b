package io.smsrouter.server.tools;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.Message;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * {@code scripts/journal}: reads the router's journal (Chronicle Queue, see
 * {@link ChronicleJournal}) without changing it, also while the router runs: {@code dump} every
 * event, {@code tail} the new ones, {@code find} one message's history, {@code count} messages by
 * state. Events print as one line each ({@link EventFormat}), or with {@code --json} as one JSON
 * object a line.
 *
 * <p>Exit status: 0 done; 1 {@code find} found nothing; 2 the journal directory is missing,
 * empty, not a journal or unreadable (one line on stderr naming it), or the command line is wrong.
 */
@Command(name = "journal", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads the router's journal without changing it (also while the router runs).",
                "Exit status: 0 done, 1 find found nothing, 2 no readable journal or bad options."})
public final class JournalMain implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "the journal directory, the router's journal.dir; relative to the working "
                    + "directory, which is the repository root under scripts/journal (default ${DEFAULT-VALUE})")
    Path dir = Path.of("data/journal");

    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean stopping;

    public JournalMain() {
        this(System.out, System.err);
    }

    /** Prints results to {@code out}, problems to {@code err}. */
    public JournalMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs one command line and returns its exit status. */
    public int run(String... args) {
        CommandLine cl = new CommandLine(this);
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("journal: " + dir + ": " + describe(e));
            return 2;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
        }
    }

    /** Ends a running command at the next event (how {@code tail} ends: Ctrl-C, or a test). */
    public void stop() {
        stopping = true;
    }

    @Override
    public Integer call() {
        err.println("journal: name a command: dump, tail, find or count (journal --help)");
        return 2;
    }

    @Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Every event, oldest first, one a line: type, our message id, key=value fields.")
    int dump(@Option(names = "--from-id", paramLabel = "N",
                     description = "only events of messages whose id is N or above (ids grow with time)") Long fromId,
             @Option(names = "--limit", paramLabel = "N", description = "stop after N events") Long limit,
             @Option(names = "--type", paramLabel = "TYPE",
                     description = "only events of this type (accepted, held, moderated, submitted, failed, "
                             + "receipt, receipt_forwarded, requeued: the possible duplicates after a restart, "
                             + "opt_out, opt_in, consent, consent_withdrawn, charge, refund, top_up)")
             String type,
             @Option(names = "--json", description = "one JSON object a line") boolean json) {
        if (limit != null && limit < 0) {
            err.println("journal: --limit must be 0 or more, was " + limit);
            return 2;
        }
        long min = fromId == null ? Long.MIN_VALUE : fromId;
        long max = limit == null ? Long.MAX_VALUE : limit;
        return withJournal(j -> {
            if (max == 0) {
                return 0;
            }
            long[] printed = {0};
            j.replay(JournalEvent.listener(e -> {
                if (stopping) {
                    throw Stop.INSTANCE;
                }
                if (e.id() < min || (type != null && !type.equals(e.type()))) {
                    return;
                }
                print(e, json);
                long n = ++printed[0];
                if (n >= max || (n & 1023) == 0 && out.checkError()) {
                    throw Stop.INSTANCE; // enough, or nobody reads any more (dump | head)
                }
            }));
            return 0;
        });
    }

    @Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Prints events as they are appended, until Ctrl-C.")
    int tail(@Option(names = "--from-start", description = "print the events already there first") boolean fromStart,
             @Option(names = "--json", description = "one JSON object a line") boolean json) {
        return withJournal(j -> {
            j.follow(JournalEvent.listener(e -> {
                print(e, json);
                out.flush();
            }), !fromStart, () -> !stopping && !Thread.currentThread().isInterrupted() && !out.checkError());
            return 0;
        });
    }

    @Command(name = "find", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"One message's history, one event a line, then a summary line state=...",
                    "ID is our message id, or an operator's message id (from submitted events); "
                            + "every message it names is shown. Exit status 1 when none."})
    int find(@Parameters(paramLabel = "ID", description = "our message id, or an operator's message id") String id,
             @Option(names = "--json", description = "one JSON object a line") boolean json) {
        Long ours = parseId(id);
        return withJournal(j -> {
            Map<Long, List<JournalEvent>> histories = new LinkedHashMap<>();
            List<JournalEvent.Submitted> matches = new ArrayList<>();
            j.replay(JournalEvent.listener(e -> {
                if (stopping) {
                    throw Stop.INSTANCE;
                }
                if (ours != null && e.id() == ours) {
                    histories.computeIfAbsent(ours, k -> new ArrayList<>()).add(e);
                }
                if (e instanceof JournalEvent.Submitted s && id.equals(s.upstreamId())
                        && matches.stream().noneMatch(m -> m.id() == s.id() && m.operatorId().equals(s.operatorId()))) {
                    matches.add(s);
                }
            }));
            List<Long> more = matches.stream().map(JournalEvent.Submitted::id).distinct()
                    .filter(k -> !histories.containsKey(k)).toList();
            if (!more.isEmpty()) {
                more.forEach(k -> histories.put(k, new ArrayList<>()));
                j.replay(JournalEvent.listener(e -> {
                    if (stopping) {
                        throw Stop.INSTANCE;
                    }
                    List<JournalEvent> h = more.contains(e.id()) ? histories.get(e.id()) : null;
                    if (h != null) {
                        h.add(e);
                    }
                }));
            }
            if (histories.isEmpty()) {
                err.println("journal: no message " + id + " in " + dir
                        + (ours != null ? ": neither our message id nor an operator's" : ": no operator gave that id"));
                return 1;
            }
            for (Map.Entry<Long, List<JournalEvent>> h : histories.entrySet()) {
                for (JournalEvent.Submitted m : matches) {
                    if (m.id() == h.getKey()) {
                        printMatch(m, json);
                    }
                }
                h.getValue().forEach(e -> print(e, json));
                printSummary(h.getKey(), h.getValue(), json);
            }
            return 0;
        });
    }

    @Command(name = "count", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Messages in each state now, from each message's events; then messages, events, "
                    + "and receipts owed to clients (final receipts wanted and not yet forwarded).",
                    "Keeps one byte per message (a primitive map): millions of messages are fine."})
    int count(@Option(names = "--json", description = "one JSON object") boolean json) {
        return withJournal(j -> {
            StateTable table = new StateTable();
            j.replay(table);
            long[] n = table.tally();
            MessageState[] states = MessageState.values();
            if (json) {
                ObjectNode o = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
                ObjectNode byState = o.putObject("states");
                for (MessageState s : states) {
                    if (s != MessageState.INCOMPLETE || n[s.ordinal()] > 0) {
                        byState.put(s.name(), n[s.ordinal()]);
                    }
                }
                o.put("messages", table.messages());
                o.put("events", table.events());
                o.put("receipts_owed", n[n.length - 1]);
                o.put("requeued_after_restart", table.requeued());
                out.println(EventFormat.toJson(o));
            } else {
                for (MessageState s : states) {
                    if (s != MessageState.INCOMPLETE || n[s.ordinal()] > 0) {
                        out.printf("%-14s %10d%n", s.name(), n[s.ordinal()]);
                    }
                }
                out.printf("%-14s %10d%n", "messages", table.messages());
                out.printf("%-14s %10d%n", "events", table.events());
                out.printf("%-14s %10d%n", "receipts_owed", n[n.length - 1]);
                // possible duplicates: accepted, no operator response journaled, sent again after a restart
                out.printf("%-14s %10d%n", "requeued", table.requeued());
            }
            return 0;
        });
    }

    private void print(JournalEvent e, boolean json) {
        out.println(json ? EventFormat.toJson(EventFormat.json(e)) : EventFormat.line(e));
    }

    private void printMatch(JournalEvent.Submitted m, boolean json) {
        if (json) {
            ObjectNode o = EventFormat.json(m);
            o.put("event", "match");
            out.println(EventFormat.toJson(o));
        } else {
            StringBuilder sb = new StringBuilder("match ").append(m.id());
            EventFormat.field(sb, "operator", m.operatorId());
            EventFormat.field(sb, "upstream_id", m.upstreamId());
            out.println(sb);
        }
    }

    /** {@code state=... id=...}: where the message stands after its events (rules in {@link MessageState}). */
    private void printSummary(long id, List<JournalEvent> history, boolean json) {
        int packed = -1;
        Message message = null;
        String operator = null;
        String upstreamId = null;
        for (JournalEvent e : history) {
            packed = MessageState.apply(packed, e);
            if (e instanceof JournalEvent.Accepted a) {
                message = a.message();
                operator = a.operatorId();
            } else if (e instanceof JournalEvent.Submitted s) {
                operator = s.operatorId();
                upstreamId = s.upstreamId();
            }
        }
        MessageState state = MessageState.of(packed);
        String clientReceipt = !MessageState.hadFinalReceipt(packed) ? null
                : MessageState.receiptOwed(packed) ? "pending"
                : wanted(packed, history) ? "forwarded" : "not_requested";
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("state", state.name());
        f.put("id", id);
        if (message != null) {
            f.put("account", message.accountId());
            f.put("from", message.source());
            f.put("to", message.destination());
        }
        f.put("operator", operator);
        if (upstreamId != null) {
            f.put("upstream_id", upstreamId);
        }
        f.put("events", history.size());
        if (clientReceipt != null) {
            f.put("client_receipt", clientReceipt);
        }
        if (json) {
            ObjectNode o = EventFormat.json(new JournalEvent.ReceiptForwarded(id));
            o.put("event", "summary");
            f.forEach((k, v) -> {
                if (v == null) {
                    o.putNull(k);
                } else if (v instanceof Number num) {
                    o.put(k, num.longValue());
                } else {
                    o.put(k, v.toString());
                }
            });
            out.println(EventFormat.toJson(o));
        } else {
            StringBuilder sb = new StringBuilder();
            f.forEach((k, v) -> {
                if (v instanceof Number) {
                    sb.append(' ').append(k).append('=').append(v);
                } else {
                    EventFormat.field(sb, k, v == null ? null : v.toString());
                }
            });
            out.println(sb.substring(1));
        }
    }

    /** Whether the client asked for a receipt in the state of the message's first final receipt. */
    private static boolean wanted(int packed, List<JournalEvent> history) {
        for (JournalEvent e : history) {
            if (e instanceof JournalEvent.Receipt r && r.state().isFinal()) {
                return Message.wantsReceipt(MessageState.registeredDelivery(packed), r.state());
            }
        }
        return false;
    }

    private static Long parseId(String s) {
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Opens the journal read-only, runs {@code task}, closes it; a journal that cannot be read gives 2. */
    private int withJournal(ToIntFunction<ChronicleJournal> task) {
        ChronicleJournal j;
        try {
            j = ChronicleJournal.openReadOnly(dir);
        } catch (IllegalArgumentException e) {
            err.println("journal: " + e.getMessage() + where());
            return 2;
        } catch (Exception | LinkageError e) { // Chronicle also throws checked exceptions unchecked
            err.println("journal: " + dir + " cannot be opened as a journal: " + describe(e) + where());
            return 2;
        }
        try {
            return task.applyAsInt(j);
        } catch (Stop s) {
            return 0;
        } catch (Exception | LinkageError e) {
            out.flush();
            err.println("journal: reading " + dir + " failed: " + describe(e));
            return 2;
        } finally {
            j.close();
            out.flush();
        }
    }

    private String where() {
        return dir.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath()
                + "; --dir names the router's journal.dir)";
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** Ends a replay early: a listener cannot return "stop", so it throws this (no stack trace). */
    private static final class Stop extends RuntimeException {
        static final Stop INSTANCE = new Stop();

        private Stop() {
            super(null, null, false, false);
        }
    }

    /** Chronicle's and everyone's log lines go to stderr, warnings only: stdout is the tool's output. */
    private static void logToStderr() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("journal: %level %logger{24} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        // a read-only open always warns that it takes the roll cycle from the queue's metadata
        ctx.getLogger("net.openhft").setLevel(Level.ERROR);
    }

    public static void main(String[] args) {
        logToStderr();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        JournalMain tool = new JournalMain(out, err);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tool.stop(); // Ctrl-C: let the reader end and close the queue before the JVM goes
            try {
                done.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.flush();
        }, "journal-stop"));
        int rc = tool.run(args);
        out.flush();
        done.countDown();
        System.exit(rc);
    }
}
