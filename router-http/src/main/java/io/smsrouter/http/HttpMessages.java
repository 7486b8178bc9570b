package io.smsrouter.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.moderation.Verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the HTTP API keeps about the messages it accepted: which ids are the parts of one text,
 * the callback URL, the history and the receipts of the parts. Rebuilt after a restart from the
 * {@code http} notes in the journal (the history then starts at the restart).
 *
 * <p>Bounded: the parts of the newest texts, at most {@value #MAX_PARTS} (a text takes about
 * 600 bytes of heap), for {@value #KEEP_HOURS} hours. A receipt for a
 * text no longer kept goes the SMPP way (to a receiver bind of the account, or waits for one).
 */
final class HttpMessages implements Engine.MessageObserver {
    static final String NOTE = "http";
    static final int MAX_PARTS = 500_000;
    static final int KEEP_HOURS = 72;

    /** Part id → its text's record (every part of a text maps to the same record). */
    private final Cache<Long, Text> byPart = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(MAX_PARTS).expireAfterWrite(Duration.ofHours(KEEP_HOURS)).build();

    /** One text sent through the API to one recipient: its parts, callback and history. */
    static final class Text {
        final long firstId;
        final int parts;
        final String callbackUrl;
        /** The account that sent it; null for a text known again from the journal after a restart. */
        final String accountId;
        final DeliveryState[] partStates;
        final int[] partErrors;
        final Receipt[] receipts;
        final boolean[] submitted;
        final List<Event> history = new ArrayList<>();
        final List<Event> callbackAttempts = new ArrayList<>();
        long doneAtMs;
        /** The callback was made (or given up): the parts' receipts are journaled as forwarded. */
        boolean callbackDone;

        Text(long firstId, int parts, String callbackUrl, String accountId) {
            this.accountId = accountId;
            this.firstId = firstId;
            this.parts = parts;
            this.callbackUrl = callbackUrl;
            this.partStates = new DeliveryState[parts];
            this.partErrors = new int[parts];
            this.receipts = new Receipt[parts];
            this.submitted = new boolean[parts];
        }

        synchronized void event(String what, String detail) {
            history.add(new Event(System.currentTimeMillis(), what, detail));
        }

        synchronized List<Event> history() {
            return List.copyOf(history);
        }

        synchronized List<Event> callbackAttempts() {
            return List.copyOf(callbackAttempts);
        }

        synchronized boolean allSubmitted() {
            for (boolean s : submitted) {
                if (!s) {
                    return false;
                }
            }
            return true;
        }

        synchronized boolean anySubmitted() {
            for (boolean s : submitted) {
                if (s) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Records a part's final receipt; returns true when this completes the text (every part
         * final), which happens once.
         */
        synchronized boolean partDone(Receipt r) {
            int i = (int) (r.messageId() - firstId);
            if (i < 0 || i >= parts) {
                return false;
            }
            boolean wasComplete = complete();
            partStates[i] = r.state();
            partErrors[i] = r.errorCode();
            receipts[i] = r;
            if (!wasComplete && complete()) {
                doneAtMs = r.doneTimeMs() > 0 ? r.doneTimeMs() : System.currentTimeMillis();
                return true;
            }
            return false;
        }

        synchronized boolean complete() {
            for (DeliveryState s : partStates) {
                if (s == null) {
                    return false;
                }
            }
            return true;
        }

        /** The text's final state: delivered when every part is, else the first part's that is not. */
        synchronized DeliveryState finalState() {
            for (DeliveryState s : partStates) {
                if (s != DeliveryState.DELIVERED) {
                    return s;
                }
            }
            return DeliveryState.DELIVERED;
        }

        synchronized int finalError() {
            for (int i = 0; i < parts; i++) {
                if (partStates[i] != DeliveryState.DELIVERED) {
                    return partErrors[i];
                }
            }
            return 0;
        }

        synchronized List<Receipt> receipts() {
            List<Receipt> l = new ArrayList<>(parts);
            for (Receipt r : receipts) {
                if (r != null) {
                    l.add(r);
                }
            }
            return l;
        }
    }

    record Event(long atMs, String event, String detail) {
    }

    /** The note journaled with each part: first id, part count and callback URL (may be empty). */
    static String note(long firstId, int parts, String callbackUrl) {
        return firstId + " " + parts + " " + (callbackUrl == null ? "" : callbackUrl);
    }

    /** Registers a text accepted just now (before its parts are submitted to the engine). */
    Text register(long firstId, int parts, String callbackUrl, String accountId) {
        Text t = new Text(firstId, parts, callbackUrl == null ? "" : callbackUrl, accountId);
        for (int i = 0; i < parts; i++) {
            byPart.put(firstId + i, t);
        }
        return t;
    }

    /** Forgets a text the engine refused. */
    void forget(Text t) {
        for (int i = 0; i < t.parts; i++) {
            byPart.invalidate(t.firstId + i);
        }
    }

    Text get(long id) {
        return byPart.getIfPresent(id);
    }

    /** Every part id of the text {@code id} belongs to; just {@code id} when the API does not know it. */
    long[] partsOf(long id) {
        Text t = byPart.getIfPresent(id);
        if (t == null) {
            return new long[]{id};
        }
        long[] ids = new long[t.parts];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = t.firstId + i;
        }
        return ids;
    }

    long size() {
        return byPart.estimatedSize();
    }

    @Override
    public void noted(long messageId, String key, String value) {
        if (!NOTE.equals(key) || byPart.getIfPresent(messageId) != null) {
            return; // live notes: the text is registered already
        }
        // replayed after a restart
        String[] f = value.split(" ", 3);
        try {
            long first = Long.parseLong(f[0]);
            int parts = Integer.parseInt(f[1]);
            Text t = byPart.getIfPresent(first);
            if (t == null) {
                t = new Text(first, parts, f.length > 2 ? f[2] : "", null);
                t.event("recovered", "known again after a restart");
            }
            byPart.put(messageId, t);
        } catch (RuntimeException malformed) {
            // a note from another version: the message goes the SMPP way
        }
    }

    @Override
    public void submitted(long messageId, String operatorId, String upstreamId) {
        if (byPart.asMap().isEmpty()) {
            return; // SMPP traffic only: no lookup per message (a miss was 1.3% of the CPU at max rate)
        }
        Text t = byPart.getIfPresent(messageId);
        if (t != null) {
            synchronized (t) {
                t.submitted[(int) (messageId - t.firstId)] = true;
            }
            t.event("submitted", "operator " + operatorId + (t.parts > 1
                    ? ", part " + (messageId - t.firstId + 1) + "/" + t.parts : "") + ", operator id " + upstreamId);
        }
    }

    @Override
    public void moderated(long messageId, Verdict verdict, String moderator, String reason) {
        Text t = byPart.getIfPresent(messageId);
        if (t != null && messageId == t.firstId) {
            t.event(verdict.name().toLowerCase(java.util.Locale.ROOT),
                    "by " + moderator + (reason.isEmpty() ? "" : ": " + reason));
        }
    }
}
