-- The SMS log of the whole cluster (GET /api/v1/log on every node). Each node follows its own
-- journal and writes what it did to each message (accepted, held, decided, sent, ended, charged,
-- refunded) in batches; the rows of one message, written by several nodes, meet here. Partitioned
-- by day: the day is that of the message id's clock part (the time of acceptance), which every
-- node knows from the id alone, so a receipt matched on a node that never saw the message still
-- finds its row's partition. Partitions are created by the writers (a day ahead) and dropped after
-- journal.retentionHours.
CREATE TABLE sms_log (
    id          bigint   NOT NULL,
    day         date     NOT NULL,
    account_id  text,
    origin      text,
    sender      text,
    recipient   text,
    msisdn      text,
    segments    integer,
    body        text,
    accepted_ms bigint,
    price       bigint,
    refunded    boolean  NOT NULL DEFAULT false,
    state       text,
    rank        smallint NOT NULL DEFAULT -1,
    error       integer  NOT NULL DEFAULT 0,
    operator_id text,
    upstream_id text,
    done_ms     bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (id, day)
) PARTITION BY RANGE (day);
CREATE INDEX sms_log_accepted ON sms_log (accepted_ms);
CREATE INDEX sms_log_account ON sms_log (account_id, accepted_ms);

-- How far each node's journal is in the log: the index of the last journal excerpt written,
-- updated in the transaction of the rows it covers.
CREATE TABLE sms_log_nodes (
    node_id       text   PRIMARY KEY,
    journal_index bigint NOT NULL,
    updated_ms    bigint NOT NULL
);
