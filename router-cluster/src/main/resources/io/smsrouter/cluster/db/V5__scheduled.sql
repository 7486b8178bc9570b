-- Scheduled messages and promo messages waiting for their sending window (issue 12 item 5): stored
-- with their due time by the node that accepted them, claimed when due by exactly one live node
-- (SELECT ... FOR UPDATE SKIP LOCKED), handed to Kafka, then deleted in the same transaction.
CREATE TABLE scheduled (
    id          bigint PRIMARY KEY,
    account_id  text   NOT NULL,
    operator_id text   NOT NULL,
    due_ms      bigint NOT NULL,
    node_id     text   NOT NULL,
    message     bytea  NOT NULL
);
CREATE INDEX scheduled_due ON scheduled (due_ms);
