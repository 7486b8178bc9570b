package io.smsrouter.bench.jmh;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.AccountRegistry;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.account.TrafficClass;
import io.smsrouter.core.billing.Amounts;
import io.smsrouter.core.billing.Billing;
import io.smsrouter.core.billing.PriceTable;
import io.smsrouter.core.correlation.LocalReceiptCorrelator;
import io.smsrouter.core.engine.ClientRegistry;
import io.smsrouter.core.engine.ClientSession;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.engine.OperatorQueue;
import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.moderation.LocalModerationQueue;
import io.smsrouter.core.moderation.Moderator;
import io.smsrouter.core.moderation.StopWordAutomaton;
import io.smsrouter.core.moderation.StopWordList;
import io.smsrouter.core.policy.DuplicateFilter;
import io.smsrouter.core.policy.OptOut;
import io.smsrouter.core.policy.QuietHours;
import io.smsrouter.core.policy.SendingWindow;
import io.smsrouter.core.policy.TimeZoneTable;
import io.smsrouter.core.route.Route;
import io.smsrouter.core.route.RouteTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the compliance and billing policies of issue 7 cost on a message's whole in-process path,
 * all of them at once: {@link Engine#submit} → {@link OperatorQueue#poll} → {@link Engine#onSubmitted}
 * → {@link Engine#onOperatorReceipt}, as {@link EnginePathBenchmark#fullPath}, on a real
 * {@link ChronicleJournal} in a temporary directory, each message to a number not used before
 * ({@code 7916} and seven digits from a counter), a 75-character GSM promo text.
 *
 * <p>{@code policies=off}: account {@code shop} with no tps limit, any sender, moderation
 * {@code none}, and the engine with no opt-outs, no dedup, no quiet hours, no billing.
 * {@code policies=on}, everything at once:
 * <ul>
 *   <li>limits: a tps bucket (10^9/s, never empty) and a sender allow-list ({@code Shop});</li>
 *   <li>opt-outs: 1,000,000 entries through {@link Engine#optOut} (5 % global, 15 % account-wide,
 *       80 % for one sender name, of {@code shop} and 999 other accounts) on scattered Russian
 *       mobile numbers outside 7916, so that the path sees the common case, a number with none;</li>
 *   <li>dedup: one SMS per phone, a 10-minute window, 1,000,000 entries at most (as the router),
 *       filled to that bound in setup (messages of the last 5 minutes to other numbers), as a busy
 *       router's is, so each measured message also evicts one;</li>
 *   <li>quiet hours: the account's traffic class is promo (in both modes, so both use the same
 *       lane), {@code conf/timezones.csv}, and a sending window open now in Moscow (from an hour
 *       ago to three hours ahead);</li>
 *   <li>billing: {@code conf/prices.csv} (2.20 a segment to 7916 through opA) and a balance of
 *       10^9;</li>
 *   <li>moderation {@code auto} against the shipped {@code conf/stopwords.txt} (text and sender
 *       scanned; nothing in the text matches).</li>
 * </ul>
 * The setup of {@code on} proves each policy is live before measuring: a number that opted out is
 * refused ({@code OPTED_OUT}), a repeat is counted a duplicate, the price is reserved and then
 * spent, a message to Vladivostok (window closed there) is scheduled, and a stop word holds a
 * message. The tear-down fails the run if any measured message was not simply accepted
 * (duplicate, delayed, held, refused).
 *
 * <p>Read {@code on} minus {@code off}. One policy alone for attribution: {@code -p policies=dedup}
 * (names {@code limits}, {@code optout}, {@code dedup}, {@code quiet}, {@code billing},
 * {@code moderation}, joined with {@code +}). The {@code conf/} files are read from the working
 * directory, the project root under {@code scripts/jmh}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 15, time = 1) // "on" took 8-13 s to settle here, "off" 3-10 s: measured on 2 busy cores
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class PolicyBenchmark {
    private static final String OPERATOR = "opA";
    private static final String ACCOUNT = "shop";
    private static final String SENDER = "Shop";
    static final byte[] PROMO_TEXT = "Weekend sale at Shop: 20% off all shoes until Sunday. Reply STOP to opt out"
            .getBytes(StandardCharsets.US_ASCII);
    static final int OPT_OUTS = 1_000_000;
    /** The router's bound on remembered messages (Router.DEDUP_ENTRIES), full before measuring. */
    static final int DEDUP_ENTRIES = 1_000_000;
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    /** The policies of issue 7 one by one; see the class comment. */
    enum Policy { LIMITS, OPTOUT, DEDUP, QUIET, BILLING, MODERATION }

    @Param({"off", "on"})
    public String policies;

    private Set<Policy> enabled;
    private Account account;
    private Path dir;
    private ChronicleJournal journal;
    private Engine engine;
    private OperatorQueue queue;
    /** The next destination, 7916xxxxxxx. */
    private long destination = 79_160_000_000L;
    private long upstream = 0x10000000L;
    private long refused;
    private long duplicatesAfterSetup;
    private long delayedAfterSetup;
    private long heldAfterSetup;
    public long receiptsDelivered;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        enabled = parse(policies);
        boolean limits = enabled.contains(Policy.LIMITS);
        account = Account.of(ACCOUNT, "pw", null,
                enabled.contains(Policy.MODERATION) ? Moderation.AUTO : Moderation.NONE,
                limits ? 1_000_000_000 : 0, 64, limits ? List.of(SENDER) : List.of(), TrafficClass.PROMO);
        dir = TempDirs.create("jmh-policy");
        journal = new ChronicleJournal(dir, "HOURLY", false);
        Moderator moderator = enabled.contains(Policy.MODERATION)
                ? new Moderator(StopWordAutomaton.build(StopWordList.load(confFile("stopwords.txt"))))
                : Moderator.withoutStopWords();
        // as io.smsrouter.server.Router builds it (but correlations on the heap, as EnginePathBenchmark)
        engine = new Engine(new AccountRegistry(List.of(account)),
                new RouteTable(List.of(new Route(null, null, null, List.of(OPERATOR)))), List.of(OPERATOR), journal,
                new LocalReceiptCorrelator(Duration.ofHours(72), 10_000_000), new ClientRegistry(), 500_000,
                moderator, new LocalModerationQueue(), 100_000);
        engine.clients().register(new NoOpSession(), 0);
        queue = engine.operatorQueue(OPERATOR);
        if (enabled.contains(Policy.OPTOUT)) {
            fillOptOuts();
        }
        if (enabled.contains(Policy.DEDUP)) {
            DuplicateFilter dedup = new DuplicateFilter(Map.of(ACCOUNT, Duration.ofMinutes(10)), DEDUP_ENTRIES);
            fillDedup(dedup);
            engine.dedup(dedup);
        }
        if (enabled.contains(Policy.QUIET)) {
            LocalTime now = ZonedDateTime.now(MOSCOW).toLocalTime();
            SendingWindow open = new SendingWindow(now.minusHours(1).withSecond(0).withNano(0),
                    now.plusHours(3).withSecond(0).withNano(0));
            engine.quietHours(new QuietHours(TimeZoneTable.load(confFile("timezones.csv")), open, Map.of(), Set.of()));
        }
        if (enabled.contains(Policy.BILLING)) {
            engine.billing(new Billing(PriceTable.load(confFile("prices.csv")),
                    Map.of(ACCOUNT, Amounts.parse("1000000000")), false));
        }
        proveEachPolicyIsOn();
        duplicatesAfterSetup = engine.duplicateCount();
        delayedAfterSetup = engine.quietHoursDelayedCount();
        heldAfterSetup = engine.heldCount();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            check(refused == 0, refused + " measured messages were not ACCEPTED");
            check(engine.duplicateCount() == duplicatesAfterSetup, "measured messages counted as duplicates: "
                    + (engine.duplicateCount() - duplicatesAfterSetup) + " (destinations repeated?)");
            check(engine.quietHoursDelayedCount() == delayedAfterSetup, "measured messages delayed by quiet hours: "
                    + (engine.quietHoursDelayedCount() - delayedAfterSetup));
            check(engine.heldCount() == heldAfterSetup, "measured messages held for moderation");
        } finally {
            journal.close();
            TempDirs.delete(dir);
        }
    }

    @Benchmark
    public SubmitOutcome path() {
        long now = System.currentTimeMillis();
        Message m = promo(engine.nextId(), nextDestination(), now);
        SubmitOutcome outcome = engine.submit(account, m);
        if (outcome != SubmitOutcome.ACCEPTED) {
            refused++;
            return outcome;
        }
        Message taken = queue.poll();
        String upstreamId = Long.toHexString(upstream++);
        engine.onSubmitted(taken, OPERATOR, upstreamId);
        engine.onOperatorReceipt(OPERATOR, upstreamId, DeliveryState.DELIVERED, 0, now);
        return outcome;
    }

    static Set<Policy> parse(String s) {
        if (s.equals("off")) {
            return EnumSet.noneOf(Policy.class);
        }
        if (s.equals("on")) {
            return EnumSet.allOf(Policy.class);
        }
        Set<Policy> set = EnumSet.noneOf(Policy.class);
        for (String name : s.split("\\+")) {
            set.add(Policy.valueOf(name.strip().toUpperCase(Locale.ROOT)));
        }
        return set;
    }

    private static Message promo(long id, String destination, long nowMs) {
        return new Message(id, ACCOUNT, "", 5, 0, SENDER, 1, 1, destination, 0, 0, 0, "", "", 1, 0, PROMO_TEXT,
                null, nowMs);
    }

    /** 7916 and the next seven digits: a number this run has not sent to. */
    private String nextDestination() {
        if (++destination > 79_169_999_998L) { // 79169999999 is the setup's
            throw new IllegalStateException("10 million destinations used up: make the measurement shorter");
        }
        return Long.toString(destination);
    }

    /**
     * 1,000,000 opt-outs on numbers 79xxxxxxxxx outside 7916 (the destinations' block), journaled
     * as the admin API adds them. Entry {@code i}'s scope: global every 20th, account-wide 3 of 20,
     * else one sender name; account {@code shop} for 1 in 10, else one of 999 others.
     */
    private void fillOptOuts() {
        SplittableRandom random = new SplittableRandom(7);
        long at = System.currentTimeMillis();
        int added = 0;
        while (added < OPT_OUTS) {
            long number = 79_000_000_000L + random.nextLong(1_000_000_000L);
            if (number / 10_000_000L == 7916) {
                continue;
            }
            String msisdn = Long.toString(number);
            int kind = added % 20;
            String accountId = added % 10 == 0 ? ACCOUNT : "acct-" + (added % 999);
            OptOut o = kind == 0 ? OptOut.global(msisdn, at, "admin")
                    : kind <= 3 ? OptOut.account(accountId, msisdn, at, "api")
                    : OptOut.sender(accountId, accountId.equals(ACCOUNT) ? SENDER : "Brand" + (added % 5), msisdn, at,
                    "mo:STOP");
            if (engine.optOut(o)) {
                added++;
            }
        }
        check(engine.optOuts().size() == OPT_OUTS, "opt-out registry holds " + engine.optOuts().size());
    }

    /**
     * Fills the filter to its bound with messages of the last minutes to other numbers (7903...),
     * as a busy router's is: from then on each new message also evicts the oldest, and the map
     * no longer grows (growing it is a cost only the first million messages pay).
     */
    private void fillDedup(DuplicateFilter dedup) {
        long now = System.currentTimeMillis();
        for (int i = 0; i <= DEDUP_ENTRIES; i++) { // one more than it keeps: evicting from here on
            long acceptedAt = now - (DEDUP_ENTRIES - i) * 300_000L / DEDUP_ENTRIES; // over the last 5 minutes
            dedup.firstOf(promo(engine.nextId(), Long.toString(79_030_000_000L + i), acceptedAt));
        }
        check(dedup.size() >= DEDUP_ENTRIES * 99L / 100, "the dedup filter keeps only " + dedup.size() + " entries");
    }

    private void proveEachPolicyIsOn() {
        long now = System.currentTimeMillis();
        if (enabled.contains(Policy.LIMITS)) {
            Message other = new Message(engine.nextId(), ACCOUNT, "", 5, 0, "Other", 1, 1, "79001234567", 0, 0, 0,
                    "", "", 1, 0, PROMO_TEXT, null, now);
            check(engine.submit(account, other) == SubmitOutcome.SENDER_NOT_ALLOWED, "sender allow-list not applied");
        }
        if (enabled.contains(Policy.OPTOUT)) {
            // an account-wide opt-out of shop and a global one, numbers written two ways
            engine.optOut(OptOut.account(ACCOUNT, "79051112233", now, "api"));
            engine.optOut(OptOut.global("79051112234", now, "admin"));
            check(engine.submit(account, promo(engine.nextId(), "+79051112233", now)) == SubmitOutcome.OPTED_OUT,
                    "an account-wide opt-out did not refuse");
            check(engine.submit(account, promo(engine.nextId(), "79051112234", now)) == SubmitOutcome.OPTED_OUT,
                    "a global opt-out did not refuse");
        }
        if (enabled.contains(Policy.MODERATION)) {
            byte[] stop = "Best casino bonus today".getBytes(StandardCharsets.US_ASCII);
            Message bad = new Message(engine.nextId(), ACCOUNT, "", 5, 0, SENDER, 1, 1, "79001234568", 0, 0, 0, "", "",
                    1, 0, stop, null, now);
            long held = engine.heldCount();
            check(engine.submit(account, bad) == SubmitOutcome.ACCEPTED && engine.heldCount() == held + 1,
                    "a text with a stop word was not held");
        }
        if (enabled.contains(Policy.QUIET)) {
            // 7914 is Vladivostok, seven hours ahead of Moscow: the window is closed there now
            Message far = promo(engine.nextId(), "79141234567", now);
            long delayed = engine.quietHoursDelayedCount();
            check(engine.submit(account, far) == SubmitOutcome.ACCEPTED, "a promo message to Vladivostok refused");
            check(engine.quietHoursDelayedCount() == delayed + 1 && engine.scheduledFor(far.id()) > now,
                    "a promo message outside its window was not scheduled");
        }
        // one ordinary message all the way, twice to the same number when dedup is on
        Message first = promo(engine.nextId(), "79169999999", now);
        Billing bill = engine.billing();
        Billing.Balance before = bill == null ? null : bill.balance(ACCOUNT);
        check(engine.submit(account, first) == SubmitOutcome.ACCEPTED, "the first message was not accepted");
        long price = Amounts.parse("2.20"); // conf/prices.csv: *,opA,7916,2.20
        if (enabled.contains(Policy.BILLING)) {
            check(bill.charge(first.id()) != null && bill.balance(ACCOUNT).reserved() == before.reserved() + price,
                    "no price reserved for the first message: " + bill.balance(ACCOUNT));
        }
        Message taken = queue.poll();
        check(taken != null && taken.id() == first.id(), "the first message is not in the operator queue");
        engine.onSubmitted(taken, OPERATOR, "setup");
        engine.onOperatorReceipt(OPERATOR, "setup", DeliveryState.DELIVERED, 0, now);
        if (enabled.contains(Policy.BILLING)) {
            check(bill.charge(first.id()) == null && bill.balance(ACCOUNT).spent() == before.spent() + price,
                    "the reserved price was not spent: " + bill.balance(ACCOUNT));
        }
        if (enabled.contains(Policy.DEDUP)) {
            long duplicates = engine.duplicateCount();
            engine.submit(account, promo(engine.nextId(), "+79169999999", now));
            check(engine.duplicateCount() == duplicates + 1, "a repeat within the window was not a duplicate");
            check(queue.poll() == null, "a duplicate reached the operator queue");
        }
    }

    private static Path confFile(String name) {
        Path p = Path.of("conf", name);
        if (!Files.isReadable(p)) {
            throw new UncheckedIOException(new IOException("cannot read " + p.toAbsolutePath()
                    + ": run from the project root (scripts/jmh does)"));
        }
        return p;
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException("PolicyBenchmark: " + problem);
        }
    }

    /** A bound transceiver that takes every receipt and drops it. */
    private final class NoOpSession implements ClientSession {
        @Override
        public String accountId() {
            return ACCOUNT;
        }

        @Override
        public boolean receivesReceipts() {
            return true;
        }

        @Override
        public boolean deliver(Receipt receipt) {
            receiptsDelivered++;
            return true;
        }
    }
}
