package io.smsrouter.core.engine;

import io.smsrouter.core.billing.Segments;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.MessageText;
import io.smsrouter.core.moderation.Verdict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SMS log: every message with its account, who sent it (the SMPP bind and its address, or
 * the API key's fingerprint), sender, recipient, segments, price, state and times, read from the
 * journal itself, so it can never disagree with what the router did. A query reads the journal
 * from the file that holds its start time to the end (its cost grows with the traffic since
 * then, so ask for the period you need); retention bounds how far back it can go.
 */
public final class SmsLog {
    private SmsLog() {
    }

    /**
     * Which messages: accepted in [{@code fromMs}, {@code toMs}], of the account (null: every
     * account), to the number (its digits; null: any), from the sender name (ignoring case; null:
     * any); the first {@code limit} of them in acceptance order.
     */
    public record Query(String accountId, long fromMs, long toMs, String msisdn, String sender, int limit) {
    }

    /** One message. {@code price} is -1 when the account is not billed; times are epoch ms, 0 when unknown. */
    public static final class Row {
        public final long id;
        public final String accountId;
        public final String origin;
        public String sender;
        public final String recipient;
        public int segments;
        public String text;
        public final long acceptedAtMs;
        public long price = -1;
        public boolean refunded;
        public String state;
        public int error;
        public String operatorId;
        public String upstreamId;
        public long doneAtMs;

        /** A row of a store that is not the journal (a cluster's shared log); the other fields are set after. */
        public Row(long id, String accountId, String origin, String sender, String recipient, int segments,
                   String text, long acceptedAtMs) {
            this.id = id;
            this.accountId = accountId;
            this.origin = origin == null ? "" : origin;
            this.sender = sender;
            this.recipient = recipient;
            this.segments = segments;
            this.text = text;
            this.acceptedAtMs = acceptedAtMs;
        }

        Row(Message m, String operatorId, String origin, String state) {
            this.id = m.id();
            this.accountId = m.accountId();
            this.origin = origin == null ? "" : origin;
            this.sender = m.source();
            this.recipient = m.destination();
            this.segments = Segments.of(m);
            this.text = text(m);
            this.acceptedAtMs = m.acceptedAtMs();
            this.operatorId = operatorId;
            this.state = state;
        }
    }

    /** Reads the rows the query asks for (see the class comment for the cost). */
    public static List<Row> read(Journal journal, Query q) {
        Map<Long, Row> rows = new LinkedHashMap<>();
        String wantedDigits = q.msisdn() == null ? null : digits(q.msisdn());
        String[] origin = new String[1];
        journal.replayFrom(q.fromMs(), new Journal.JournalListener() {
            @Override
            public void excerpt(long index) {
                origin[0] = null; // an origin covers the messages of its own excerpt only
            }

            @Override
            public void noted(long id, String key, String value) {
                if (id == 0 && Engine.ORIGIN_NOTE.equals(key)) {
                    origin[0] = value;
                }
            }

            @Override
            public void accepted(Message m, String operatorId) {
                add(m, operatorId, acceptedState(m));
            }

            @Override
            public void held(Message m, String operatorId) {
                add(m, operatorId, "HELD");
            }

            private void add(Message m, String operatorId, String state) {
                Row r = rows.get(m.id());
                if (r != null) {
                    // written again: a replace (new text), or carried forward by retention (the same)
                    r.sender = m.source();
                    r.segments = Segments.of(m);
                    r.text = text(m);
                    return;
                }
                if (m.acceptedAtMs() < q.fromMs() || m.acceptedAtMs() > q.toMs() || rows.size() >= q.limit()
                        || q.accountId() != null && !q.accountId().equals(m.accountId())
                        || wantedDigits != null && !wantedDigits.equals(digits(m.destination()))
                        || q.sender() != null && !q.sender().equalsIgnoreCase(m.source())) {
                    return;
                }
                rows.put(m.id(), new Row(m, operatorId, origin[0], state));
            }

            @Override
            public void moderated(long id, int verdict, long atMs, String moderator, String reason) {
                Row r = rows.get(id);
                if (r != null) {
                    r.state = moderatedState(verdict);
                    if (Verdict.fromCode(verdict) != Verdict.APPROVED) {
                        r.doneAtMs = atMs;
                    }
                }
            }

            @Override
            public void submitted(long id, String operatorId, String upstreamId) {
                Row r = rows.get(id);
                if (r != null) {
                    r.state = "SUBMITTED";
                    r.operatorId = operatorId;
                    r.upstreamId = upstreamId;
                }
            }

            @Override
            public void failed(long id, int errorCode) {
                Row r = rows.get(id);
                if (r != null) {
                    r.error = errorCode;
                    r.state = failedState(errorCode);
                }
            }

            @Override
            public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
                Row r = rows.get(id);
                if (r == null || !state.isFinal()) {
                    return;
                }
                r.error = errorCode;
                r.doneAtMs = doneTimeMs;
                r.state = finalState(state, errorCode, r.upstreamId != null);
            }

            @Override
            public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
                Row r = rows.get(messageId);
                if (r == null) {
                    return;
                }
                if (kind == Journal.LEDGER_CHARGE) {
                    r.price = amount;
                } else if (kind == Journal.LEDGER_REFUND) {
                    r.refunded = true;
                }
            }
        }, () -> true);
        return new ArrayList<>(rows.values());
    }

    /** The text of a message as the log shows it. */
    public static String text(Message m) {
        return MessageText.toString(m.dataCoding(), m.esmClass(), m.shortMessage(), m.optionalParameters());
    }

    /** The state of a message just accepted: SCHEDULED when it waits for a later time, else ACCEPTED. */
    public static String acceptedState(Message m) {
        return later(m) ? "SCHEDULED" : "ACCEPTED";
    }

    /** The state after a moderator's (or the expiry's) decision, {@code verdict} a {@link Verdict} code. */
    public static String moderatedState(int verdict) {
        Verdict v = Verdict.fromCode(verdict);
        return v == Verdict.APPROVED ? "ACCEPTED" : v == Verdict.REJECTED ? "REJECTED" : "EXPIRED";
    }

    /** The state of a message the operator refused for good (or that could not be routed). */
    public static String failedState(int errorCode) {
        return errorCode == Engine.DUPLICATE_ERROR ? "DUPLICATE" : "FAILED";
    }

    /** The state a final receipt gives; {@code sent}: an operator took the message (it has an upstream id). */
    public static String finalState(DeliveryState state, int errorCode, boolean sent) {
        return switch (state) {
            case DELIVERED -> "DELIVERED";
            case EXPIRED -> "EXPIRED";
            case DELETED -> "CANCELLED";
            case REJECTED -> errorCode == Engine.DUPLICATE_ERROR ? "DUPLICATE" : "REJECTED";
            default -> sent ? "UNDELIVERABLE" : "FAILED";
        };
    }

    /** Whether the message was to wait for a time after its acceptance. */
    private static boolean later(Message m) {
        if (m.scheduleDeliveryTime().isEmpty()) {
            return false;
        }
        try {
            return io.smsrouter.core.message.ScheduleTime.toEpochMillis(m.scheduleDeliveryTime(), m.acceptedAtMs())
                    > m.acceptedAtMs();
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    /** The digits of a number, as the log's {@code msisdn} filter compares them. */
    public static String digits(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The state names used here, for documentation and clients. */
    public static List<String> states() {
        return List.of("ACCEPTED", "HELD", "SCHEDULED", "SUBMITTED", "DELIVERED", "UNDELIVERABLE", "EXPIRED",
                "REJECTED", "CANCELLED", "FAILED", "DUPLICATE").stream().map(s -> s.toUpperCase(Locale.ROOT))
                .toList();
    }
}
