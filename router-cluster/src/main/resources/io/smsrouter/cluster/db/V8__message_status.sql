-- The latest status of each message, written by every node for what it did to the message
-- (accepted, sent, matched a receipt, ended it), so that query_sm and the status API answer on every
-- node. A state never goes back: rank 0 ENROUTE, 1 other states in between, 2 final states.
CREATE TABLE message_status (
    id          bigint   PRIMARY KEY,
    account_id  text     NOT NULL,
    state       smallint NOT NULL,
    rank        smallint NOT NULL,
    error       integer  NOT NULL,
    operator_id text,
    accepted_ms bigint   NOT NULL,
    final_ms    bigint   NOT NULL,
    updated_ms  bigint   NOT NULL
);
CREATE INDEX message_status_updated ON message_status (updated_ms);
