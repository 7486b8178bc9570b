package io.smsrouter.core.moderation;

import io.smsrouter.core.account.Account;
import io.smsrouter.core.account.Moderation;
import io.smsrouter.core.message.Message;

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
 */
public final class Moderator {
    /** Long enough for the longest SMPP text (message_payload up to 64 KB of UCS-2). */
    private static final int MAX_TEXT = 65_536;
    private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[MAX_TEXT]);

    private volatile StopWordAutomaton automaton;
    private final Map<String, Moderation> modes = new ConcurrentHashMap<>();

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
        if (!m.source().isEmpty() && a.matches(m.source())) {
            return HoldReason.STOP_WORD;
        }
        char[] buf = SCRATCH.get();
        int n = MessageText.decode(m.dataCoding(), m.esmClass(), m.shortMessage(), m.optionalParameters(), buf);
        return a.matches(buf, 0, n) ? HoldReason.STOP_WORD : null;
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
