-- Shared balances (issue 12): the balance of record of each billed account, and the slices of it
-- that nodes leased. For every account: unleased + sum(credit_leases.leased) = initial + top_ups.
-- Amounts are in the router's units (millionths, io.smsrouter.core.billing.Amounts).
CREATE TABLE balances (
    account_id text PRIMARY KEY,
    initial    bigint NOT NULL,
    top_ups    bigint NOT NULL DEFAULT 0,
    unleased   bigint NOT NULL CHECK (unleased >= 0)
);

-- What each node holds: leased = taken minus given back (moved here in the same transaction as the
-- balance's update); spent and reserved = the node's own figures of its last report (about every
-- second), overwritten each time.
CREATE TABLE credit_leases (
    node_id     text   NOT NULL,
    account_id  text   NOT NULL REFERENCES balances (account_id),
    leased      bigint NOT NULL DEFAULT 0,
    spent       bigint NOT NULL DEFAULT 0,
    reserved    bigint NOT NULL DEFAULT 0,
    takes       bigint NOT NULL DEFAULT 0,
    reported_at timestamptz,
    PRIMARY KEY (node_id, account_id)
);
