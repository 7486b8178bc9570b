package io.smsrouter.core.moderation;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.Moderation;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smsrouter.core.message.Message;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a message waits for a moderator, from its account's mode and the current
 * stop-word automaton. The automaton is replaced whole (hot reload) and read through a volatile
 * field, so a reload never stops traffic and a scan sees one list from start to end.
 *
 * <p>The check is on every message's path: it decodes the text into a per-thread buffer and scans
 * it without allocating. Only a held message pays for {@link #describe} (the matches with their
 * offsets, for the moderator).
 *
 * <p>Parts of a concatenated message ({@link MessagePart}) of an {@code auto} account are scanned
 * with their neighbours too: a stop word split across two parts is found, and once a part is held
 * the later parts of that message are held with it ({@link HoldReason#PART}), so the moderator
 * sees them together and the recipient does not get half a message. Parts already sent before
 * the one that is held cannot be called back.
 */
public final class Moderator {
    /** Long enough for the longest SMPP text (message_payload up to 64 KB of UCS-2). */
    private static final int MAX_TEXT = 65_536;
    private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[MAX_TEXT]);

    private volatile StopWordAutomaton automaton;
    private final Map<String, Moderation> modes = new ConcurrentHashMap<>();
    /** Recent parts of concatenated messages of auto accounts: by account, sender, recipient, reference. */
    private final Cache<String, Parts> parts = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(10)).build();

    /** What was seen of one concatenated message: its parts' texts, and whether one was held. */
    private static final class Parts {
        final Map<Integer, String> texts = new HashMap<>();
        boolean held;
    }

    /** Chars of each side of a boundary between parts scanned together: the longest entry is 64. */
    private static final int JOIN = 64;

    public Moderator(StopWordAutomaton automaton) {
        this.automaton = automaton;
    }

    /** Holds what {@code manual} accounts send, and nothing else. */
    public static Moderator withoutStopWords() {
        return new Moderator(StopWordAutomaton.EMPTY);
    }

    public StopWordAutomaton automaton() {
        return automaton;
    }

    /** Swaps the stop-word list; scans already running finish on the old one. */
    public void use(StopWordAutomaton next) {
        this.automaton = next;
    }

    /** The account's mode: the one set through the admin API, else the configured one. */
    public Moderation mode(Account account) {
        if (!modes.isEmpty()) {
            Moderation m = modes.get(account.id());
            if (m != null) {
                return m;
            }
        }
        return account.moderation() == null ? Moderation.NONE : account.moderation();
    }

    /** Changes an account's mode until the next start (the config file keeps its own). */
    public void setMode(String accountId, Moderation mode) {
        modes.put(accountId, mode);
    }

    /** Where modes set through the admin API are shared (cluster mode with PostgreSQL). */
    @FunctionalInterface
    public interface ModeStore {
        /**
         * Records the change for every node before it takes effect here.
         *
         * @throws io.smsrouter.core.cluster.ClusterUnavailableException when it cannot now
         */
        void save(String accountId, Moderation mode);
    }

    private volatile ModeStore modeStore;

    /** Shares the modes changed through {@link #change} (null: this node alone, as without a cluster). */
    public void modeStore(ModeStore store) {
        this.modeStore = store;
    }

    /** Whether changes through {@link #change} go to a shared store first (they may wait for it). */
    public boolean sharesModes() {
        return modeStore != null;
    }

    /**
     * A change through the admin API: recorded in the {@link #modeStore} first when there is one
     * (nothing changes when that fails), then in force here as {@link #setMode}.
     */
    public void change(String accountId, Moderation mode) {
        ModeStore s = modeStore;
        if (s != null) {
            s.save(accountId, mode);
        }
        setMode(accountId, mode);
    }

    /** Null when the message may go on; otherwise why it is held. */
    public HoldReason check(Account account, Message m) {
        switch (mode(account)) {
            case NONE:
                return null;
            case MANUAL:
                return HoldReason.MANUAL;
            default:
                break;
        }
        StopWordAutomaton a = automaton;
        if (a.size() == 0) {
            return null;
        }
        HoldReason alone = null;
        if (!m.source().isEmpty() && a.matches(m.source())) {
            alone = HoldReason.STOP_WORD;
        }
        char[] buf = SCRATCH.get();
        int n = MessageText.decode(m.dataCoding(), m.esmClass(), m.shortMessage(), m.optionalParameters(), buf);
        if (alone == null && a.matches(buf, 0, n)) {
            alone = HoldReason.STOP_WORD;
        }
        MessagePart part = MessagePart.of(m);
        return part == null ? alone : checkPart(a, m, part, new String(buf, 0, n), alone);
    }

    private HoldReason checkPart(StopWordAutomaton a, Message m, MessagePart part, String text, HoldReason alone) {
        String key = m.accountId() + '\u0000' + m.source() + '\u0000' + m.destination() + '\u0000' + part.ref()
                + '/' + part.total();
        Parts p = parts.get(key, k -> new Parts());
        synchronized (p) {
            HoldReason r = alone;
            if (r == null && p.held) {
                r = HoldReason.PART;
            }
            String before = p.texts.get(part.seq() - 1);
            String after = p.texts.get(part.seq() + 1);
            if (r == null && before != null && a.matches(tail(before) + head(text))) {
                r = HoldReason.PART;
            }
            if (r == null && after != null && a.matches(tail(text) + head(after))) {
                r = HoldReason.PART;
            }
            p.texts.put(part.seq(), text);
            if (r != null) {
                p.held = true;
            }
            return r;
        }
    }

    /** The end of a part, cut at a space so that the cut does not make a word start. */
    private static String tail(String s) {
        if (s.length() <= JOIN) {
            return s;
        }
        int from = s.length() - JOIN;
        for (int i = from; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return s.substring(i);
            }
        }
        return s.substring(from);
    }

    /** The start of a part, cut at a space so that the cut does not make a word end. */
    private static String head(String s) {
        if (s.length() <= JOIN) {
            return s;
        }
        for (int i = JOIN; i > 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return s.substring(0, i);
            }
        }
        return s.substring(0, JOIN);
    }

    /** The held message as a moderator sees it: decoded text and the stop words found, with offsets. */
    public HeldMessage describe(Message m, String operatorId, HoldReason reason, long heldAtMs) {
        String text = MessageText.toString(m.dataCoding(), m.esmClass(), m.shortMessage(), m.optionalParameters());
        StopWordAutomaton a = automaton;
        List<Match> inText = a.findAll(text);
        List<Match> inSender = m.source().isEmpty() ? List.of() : a.findAll(m.source());
        return new HeldMessage(m, operatorId, reason, text, inText, inSender, heldAtMs);
    }
}
