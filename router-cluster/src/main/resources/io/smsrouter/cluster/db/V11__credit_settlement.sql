-- Settling the credit of a node that died for good (issue 12): each node's report carries, besides
-- spent and reserved, the part of reserved that outlives the node (durable: messages the cluster
-- has, still waiting for a receipt or a moderator), and in credit_marks the offsets of each operator
-- partition below which its figures count every record it wrote. A node that has not been seen for
-- cluster.postgres.settleAfterSeconds is settled by another: what it spent is its figures plus the
-- charges of its records at or after those offsets; the rest of its lease goes back to the balance.
ALTER TABLE credit_leases
    ADD COLUMN durable    bigint NOT NULL DEFAULT 0,
    ADD COLUMN settled_at timestamptz;

CREATE TABLE credit_marks (
    node_id     text   NOT NULL,
    topic       text   NOT NULL,
    kpartition  int    NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (node_id, topic, kpartition)
);

-- Written by each node every few seconds while it runs.
ALTER TABLE cluster_nodes ADD COLUMN last_seen timestamptz;
UPDATE cluster_nodes SET last_seen = last_start;
