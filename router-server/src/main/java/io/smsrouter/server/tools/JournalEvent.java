package io.smsrouter.server.tools;

import io.smsrouter.core.journal.Journal.JournalListener;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;

import java.util.function.Consumer;

/** One journal event as the journal tool prints it: the replay callbacks turned into values. */
sealed interface JournalEvent {

    /** Our message id. */
    long id();

    /** The event's name in the tool's output. */
    String type();

    /** {@code accepted}, or {@code held} for moderation: the whole message and its route's operator. */
    record Accepted(Message message, String operatorId, boolean held) implements JournalEvent {
        @Override
        public long id() {
            return message.id();
        }

        @Override
        public String type() {
            return held ? "held" : "accepted";
        }
    }

    /** {@code verdict} is a {@link io.smsrouter.core.moderation.Verdict} ordinal. */
    record Moderated(long id, int verdict, long atMs, String moderator, String reason) implements JournalEvent {
        @Override
        public String type() {
            return "moderated";
        }
    }

    record Submitted(long id, String operatorId, String upstreamId) implements JournalEvent {
        @Override
        public String type() {
            return "submitted";
        }
    }

    record Failed(long id, int errorCode) implements JournalEvent {
        @Override
        public String type() {
            return "failed";
        }
    }

    record Receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) implements JournalEvent {
        @Override
        public String type() {
            return "receipt";
        }
    }

    /** Queued again by recovery after a restart: a possible duplicate at the operator. */
    record Requeued(long id, String operatorId) implements JournalEvent {
        @Override
        public String type() {
            return "requeued";
        }
    }

    /** A fact an adapter keeps about a message (an HTTP message's callback URL and parts). */
    record Noted(long id, String key, String value) implements JournalEvent {
        @Override
        public String type() {
            return "noted";
        }
    }

    /** An opt-out recorded or withdrawn; not about a message, so its id is 0. */
    record OptOutChanged(boolean added, String accountId, String sender, String msisdn, long atMs, String source)
            implements JournalEvent {
        @Override
        public long id() {
            return 0;
        }

        @Override
        public String type() {
            return added ? "opt_out" : "opt_in";
        }
    }

    /** A consent to advertising given ({@code consent}) or withdrawn ({@code consent_withdrawn}); its id is 0. */
    record ConsentChanged(io.smsrouter.core.policy.Consent consent) implements JournalEvent {
        @Override
        public long id() {
            return 0;
        }

        @Override
        public String type() {
            return consent.granted() ? "consent" : "consent_withdrawn";
        }
    }

    /** Money moved on a billed account: a charge or refund of message {@code id}, or a top-up (id 0). */
    record Ledger(int kind, String accountId, long amount, long id, long atMs) implements JournalEvent {
        @Override
        public String type() {
            return switch (kind) {
                case io.smsrouter.core.journal.Journal.LEDGER_CHARGE -> "charge";
                case io.smsrouter.core.journal.Journal.LEDGER_REFUND -> "refund";
                case io.smsrouter.core.journal.Journal.LEDGER_TOP_UP -> "top_up";
                case io.smsrouter.core.journal.Journal.LEDGER_EARLIER -> "spent_in_deleted_files";
                default -> "ledger_" + kind;
            };
        }
    }

    /**
     * A receipt that came before its operator's submit_sm_resp (on another bind): the operator's id
     * names it, our id is not known yet (0).
     */
    record EarlyReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode, long doneTimeMs)
            implements JournalEvent {
        @Override
        public long id() {
            return 0;
        }

        @Override
        public String type() {
            return "early_receipt";
        }
    }

    /** A subscriber's message (MO) for an account, with the id it is forwarded under. */
    record MobileOriginated(io.smsrouter.core.message.Receipt mo, String operatorId) implements JournalEvent {
        @Override
        public long id() {
            return mo.messageId();
        }

        @Override
        public String type() {
            return "mo";
        }
    }

    record ReceiptForwarded(long id) implements JournalEvent {
        @Override
        public String type() {
            return "receipt_forwarded";
        }
    }

    /** A replay listener that hands each event to {@code sink}, in journal order. */
    static JournalListener listener(Consumer<JournalEvent> sink) {
        return new JournalListener() {
            @Override
            public void accepted(Message message, String operatorId) {
                sink.accept(new Accepted(message, operatorId, false));
            }

            @Override
            public void held(Message message, String operatorId) {
                sink.accept(new Accepted(message, operatorId, true));
            }

            @Override
            public void moderated(long messageId, int verdict, long atMs, String moderator, String reason) {
                sink.accept(new Moderated(messageId, verdict, atMs, moderator, reason));
            }

            @Override
            public void submitted(long messageId, String operatorId, String upstreamId) {
                sink.accept(new Submitted(messageId, operatorId, upstreamId));
            }

            @Override
            public void failed(long messageId, int errorCode) {
                sink.accept(new Failed(messageId, errorCode));
            }

            @Override
            public void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs) {
                sink.accept(new Receipt(messageId, state, errorCode, doneTimeMs));
            }

            @Override
            public void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                                      long doneTimeMs) {
                sink.accept(new EarlyReceipt(operatorId, upstreamId, state, errorCode, doneTimeMs));
            }

            @Override
            public void mobileOriginated(io.smsrouter.core.message.Receipt mo, String operatorId) {
                sink.accept(new MobileOriginated(mo, operatorId));
            }

            @Override
            public void receiptForwarded(long messageId) {
                sink.accept(new ReceiptForwarded(messageId));
            }

            @Override
            public void requeued(long messageId, String operatorId) {
                sink.accept(new Requeued(messageId, operatorId));
            }

            @Override
            public void noted(long messageId, String key, String value) {
                sink.accept(new Noted(messageId, key, value));
            }

            @Override
            public void optOut(boolean added, String accountId, String sender, String msisdn, long atMs,
                               String source) {
                sink.accept(new OptOutChanged(added, accountId, sender, msisdn, atMs, source));
            }

            @Override
            public void consent(io.smsrouter.core.policy.Consent consent) {
                sink.accept(new ConsentChanged(consent));
            }

            @Override
            public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
                sink.accept(new Ledger(kind, accountId, amount, messageId, atMs));
            }
        };
    }
}
