package io.smsrouter.core.engine;

/**
 * What the engine decided about a submitted message. Adapters map each to their own protocol's
 * answer (an SMPP command_status, an HTTP status); only ACCEPTED is a promise to deliver.
 */
public enum SubmitOutcome {
    ACCEPTED,
    /** over the account's tps */
    THROTTLED,
    /** the router holds as many undelivered messages as it may: back off */
    OVERLOADED,
    SENDER_NOT_ALLOWED,
    INVALID_DESTINATION,
    NO_ROUTE,
    /** schedule_delivery_time (or the HTTP scheduleAt) cannot be read */
    INVALID_SCHEDULE,
    /** the recipient opted out of messages from this sender or account */
    OPTED_OUT,
    /**
     * a {@code promo} message of an account with {@code requireConsent} to a number with no consent
     * to advertising in force for the account or the sender
     */
    NO_CONSENT,
    /** the account's prepaid balance does not cover the message's price */
    NO_BALANCE,
    /** the account is billed, but no price applies to this destination through the chosen operator */
    NO_PRICE,
    /** the journal could not take the message */
    SYSTEM_ERROR,
    /**
     * cluster mode with {@code cluster.postgres}: the message needs the shared state in PostgreSQL
     * (it must be held for a moderator) and PostgreSQL does not answer now; nothing was kept, try again
     */
    CLUSTER_UNAVAILABLE
}
