-- V2: opt-outs and consents shared by every node (issue 12 item 3; io.smsrouter.cluster.policy.SharedPolicyStore).
-- PostgreSQL is the truth; every change is also published to the compacted Kafka topic <prefix>.optouts, which
-- each node folds into its in-memory registries. "published" is false from the change until a node has put the
-- row's state on that topic (under the row's lock, so the topic's last record of a key is its latest state); a
-- row left unpublished (a node died in between) is published by any node's repair loop.

-- One row per opt-out key. '' stands for "none": account '' is a global opt-out (no account may send to the
-- number), sender '' is every sender of the account (neither can be blank in an opt-out). A withdrawn opt-out
-- keeps its row with active = false, so its withdrawal reaches every node too.
CREATE TABLE optouts (
    account_id text        NOT NULL,
    sender     text        NOT NULL,
    msisdn     text        NOT NULL,
    active     boolean     NOT NULL,
    at_ms      bigint      NOT NULL,
    source     text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    published  boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (account_id, sender, msisdn)
);
CREATE INDEX optouts_unpublished ON optouts (changed_at) WHERE NOT published;

-- The consent history: entries are never changed or removed; ids come from the sequence, one order for all nodes.
CREATE SEQUENCE consents_id_seq;
CREATE TABLE consents (
    id             bigint  PRIMARY KEY DEFAULT nextval('consents_id_seq'),
    granted        boolean NOT NULL,
    account_id     text    NOT NULL,
    sender         text,
    msisdn         text    NOT NULL,
    source         text    NOT NULL,
    evidence       text    NOT NULL,
    given_at_ms    bigint  NOT NULL,
    recorded_at_ms bigint  NOT NULL,
    recorded_by    text    NOT NULL,
    published      boolean NOT NULL DEFAULT false
);
ALTER SEQUENCE consents_id_seq OWNED BY consents.id;
CREATE INDEX consents_unpublished ON consents (id) WHERE NOT published;
-- an entry carried over from a node's own history (before PostgreSQL) is imported once
CREATE UNIQUE INDEX consents_natural ON consents (account_id, msisdn, coalesce(sender, ''), granted, given_at_ms,
    recorded_at_ms);
