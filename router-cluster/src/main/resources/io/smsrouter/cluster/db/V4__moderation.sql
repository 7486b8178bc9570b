-- The cluster's one moderation queue (README "Cluster mode", PgModerationQueue). A row per message
-- held for a moderator; it stays after the decision (verdict set) as the recent-decisions list and
-- as a tombstone, so that the accepting node's journal cannot hold a decided message again.
CREATE TABLE moderation_held (
    message_id      bigint PRIMARY KEY,
    account_id      text   NOT NULL,
    operator_id     text   NOT NULL,
    -- MANUAL | STOP_WORD | PART (io.smsrouter.core.moderation.HoldReason)
    reason          text   NOT NULL,
    held_at_ms      bigint NOT NULL,
    -- the node that accepted it
    node_id         text   NOT NULL,
    -- the message as the cluster's Kafka records carry it (Codec.MESSAGE); null once decided long ago
    message         bytea,
    -- null while held; APPROVED | REJECTED | EXPIRED | CANCELLED (by its client's cancel_sm)
    verdict         text,
    moderator       text,
    decision_reason text,
    decided_at_ms   bigint,
    -- the node that took the decision
    decided_by      text
);

-- the queue, oldest first
CREATE INDEX moderation_held_waiting ON moderation_held (held_at_ms, message_id) WHERE verdict IS NULL;
-- the recent decisions, newest first
CREATE INDEX moderation_held_decided ON moderation_held (decided_at_ms DESC) WHERE verdict IS NOT NULL;
