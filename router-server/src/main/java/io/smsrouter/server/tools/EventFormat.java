package io.smsrouter.server.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.moderation.MessageText;
import io.smsrouter.core.moderation.Verdict;

import java.time.Instant;

/**
 * How the journal tool prints an event: one line of {@code type id key=value ...}, or one JSON
 * object. Values with spaces, quotes, {@code =} or control characters are quoted with backslash
 * escapes, so an event is always one line; the text of a message is always quoted and cut at
 * {@value #TEXT_CHARS} chars (marked with {@code …}) in lines, whole in JSON. Times are ISO-8601
 * UTC.
 */
final class EventFormat {
    static final int TEXT_CHARS = 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventFormat() {
    }

    static String line(JournalEvent e) {
        StringBuilder sb = new StringBuilder(160).append(e.type()).append(' ').append(e.id());
        if (e instanceof JournalEvent.Accepted a) {
            Message m = a.message();
            field(sb, "account", m.accountId());
            field(sb, "from", m.source());
            field(sb, "to", m.destination());
            field(sb, "operator", a.operatorId());
            sb.append(" data_coding=").append(m.dataCoding());
            sb.append(" registered_delivery=").append(m.registeredDelivery());
            sb.append(" text=");
            quote(sb, truncate(text(m)));
            sb.append(" acceptedAt=").append(time(m.acceptedAtMs()));
        } else if (e instanceof JournalEvent.Moderated d) {
            sb.append(" verdict=").append(Verdict.fromCode(d.verdict()));
            sb.append(" at=").append(time(d.atMs()));
            field(sb, "moderator", d.moderator());
            field(sb, "reason", d.reason());
        } else if (e instanceof JournalEvent.Submitted s) {
            field(sb, "operator", s.operatorId());
            field(sb, "upstream_id", s.upstreamId());
        } else if (e instanceof JournalEvent.Failed f) {
            sb.append(" error=").append(hex(f.errorCode()));
        } else if (e instanceof JournalEvent.Requeued q) {
            field(sb, "operator", q.operatorId());
        } else if (e instanceof JournalEvent.Noted n) {
            field(sb, n.key(), n.value());
        } else if (e instanceof JournalEvent.OptOutChanged o) {
            field(sb, "msisdn", o.msisdn());
            field(sb, "account", o.accountId());
            field(sb, "sender", o.sender());
            field(sb, "source", o.source());
            sb.append(" at=").append(time(o.atMs()));
        } else if (e instanceof JournalEvent.ConsentChanged cc) {
            io.smsrouter.core.policy.Consent c = cc.consent();
            field(sb, "msisdn", c.msisdn());
            field(sb, "account", c.accountId());
            field(sb, "sender", c.sender());
            field(sb, "source", c.source());
            sb.append(" evidence=");
            quote(sb, truncate(c.evidence()));
            sb.append(" givenAt=").append(time(c.givenAtMs()));
            sb.append(" recordedAt=").append(time(c.recordedAtMs()));
            field(sb, "by", c.recordedBy());
            sb.append(" entry=").append(c.id());
        } else if (e instanceof JournalEvent.Ledger l) {
            field(sb, "account", l.accountId());
            sb.append(" amount=").append(io.smsrouter.core.billing.Amounts.format(l.amount()));
            if (l.atMs() > 0) {
                sb.append(" at=").append(time(l.atMs()));
            }
        } else if (e instanceof JournalEvent.Receipt r) {
            sb.append(" state=").append(r.state());
            sb.append(" error=").append(r.errorCode());
            sb.append(" doneAt=").append(time(r.doneTimeMs()));
        } else if (e instanceof JournalEvent.EarlyReceipt r) {
            field(sb, "operator", r.operatorId());
            field(sb, "upstream_id", r.upstreamId());
            sb.append(" state=").append(r.state());
            sb.append(" error=").append(r.errorCode());
            sb.append(" doneAt=").append(time(r.doneTimeMs()));
        } else if (e instanceof JournalEvent.MobileOriginated mo) {
            field(sb, "account", mo.mo().accountId());
            field(sb, "operator", mo.operatorId());
            field(sb, "from", mo.mo().source());
            field(sb, "to", mo.mo().destination());
            sb.append(" at=").append(time(mo.mo().doneTimeMs()));
        }
        return sb.toString();
    }

    static ObjectNode json(JournalEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("event", e.type());
        o.put("id", e.id());
        if (e instanceof JournalEvent.Accepted a) {
            Message m = a.message();
            o.put("account", m.accountId());
            o.put("from", m.source());
            o.put("to", m.destination());
            o.put("operator", a.operatorId());
            o.put("data_coding", m.dataCoding());
            o.put("registered_delivery", m.registeredDelivery());
            o.put("text", text(m));
            o.put("acceptedAt", time(m.acceptedAtMs()));
        } else if (e instanceof JournalEvent.Moderated d) {
            o.put("verdict", Verdict.fromCode(d.verdict()).name());
            o.put("at", time(d.atMs()));
            o.put("moderator", d.moderator());
            o.put("reason", d.reason());
        } else if (e instanceof JournalEvent.Submitted s) {
            o.put("operator", s.operatorId());
            o.put("upstream_id", s.upstreamId());
        } else if (e instanceof JournalEvent.Failed f) {
            o.put("error", f.errorCode());
        } else if (e instanceof JournalEvent.Requeued q) {
            o.put("operator", q.operatorId());
        } else if (e instanceof JournalEvent.Noted n) {
            o.put(n.key(), n.value());
        } else if (e instanceof JournalEvent.OptOutChanged c) {
            o.put("msisdn", c.msisdn());
            o.put("account", c.accountId());
            o.put("sender", c.sender());
            o.put("source", c.source());
            o.put("at", time(c.atMs()));
        } else if (e instanceof JournalEvent.ConsentChanged cc) {
            io.smsrouter.core.policy.Consent c = cc.consent();
            o.put("entry", c.id());
            o.put("msisdn", c.msisdn());
            o.put("account", c.accountId());
            o.put("sender", c.sender());
            o.put("source", c.source());
            o.put("evidence", c.evidence());
            o.put("givenAt", time(c.givenAtMs()));
            o.put("recordedAt", time(c.recordedAtMs()));
            o.put("by", c.recordedBy());
        } else if (e instanceof JournalEvent.Ledger l) {
            o.put("account", l.accountId());
            o.put("amount", io.smsrouter.core.billing.Amounts.format(l.amount()));
            if (l.atMs() > 0) {
                o.put("at", time(l.atMs()));
            }
        } else if (e instanceof JournalEvent.Receipt r) {
            o.put("state", r.state().name());
            o.put("error", r.errorCode());
            o.put("doneAt", time(r.doneTimeMs()));
        } else if (e instanceof JournalEvent.EarlyReceipt r) {
            o.put("operator", r.operatorId());
            o.put("upstream_id", r.upstreamId());
            o.put("state", r.state().name());
            o.put("error", r.errorCode());
            o.put("doneAt", time(r.doneTimeMs()));
        } else if (e instanceof JournalEvent.MobileOriginated mo) {
            o.put("account", mo.mo().accountId());
            o.put("operator", mo.operatorId());
            o.put("from", mo.mo().source());
            o.put("to", mo.mo().destination());
            o.put("at", time(mo.mo().doneTimeMs()));
        }
        return o;
    }

    static String toJson(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of strings and numbers always serializes
        }
    }

    static String text(Message m) {
        return MessageText.toString(m.dataCoding(), m.esmClass(), m.shortMessage(), m.optionalParameters());
    }

    static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    /** SMPP command_status style: {@code 0x45}. */
    static String hex(int code) {
        return "0x" + Integer.toHexString(code).toUpperCase(java.util.Locale.ROOT);
    }

    /** Appends {@code " key=value"}, quoting the value when it needs it. */
    static void field(StringBuilder sb, String key, String value) {
        sb.append(' ').append(key).append('=');
        if (value == null) {
            sb.append("null");
        } else if (needsQuotes(value)) {
            quote(sb, value);
        } else {
            sb.append(value);
        }
    }

    private static boolean needsQuotes(String v) {
        if (v.isEmpty() || v.equals("null")) {
            return true;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= ' ' || c == '"' || c == '\\' || c == '=' || Character.isWhitespace(c)
                    || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    private static String truncate(String text) {
        if (text.length() <= TEXT_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(TEXT_CHARS - 1)) ? TEXT_CHARS - 1 : TEXT_CHARS;
        return text.substring(0, end) + '…';
    }

    static void quote(StringBuilder sb, String v) {
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
