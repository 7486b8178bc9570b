-- Cluster mode's shared PostgreSQL (issue 12), V1: the infrastructure. Each feature adds its own migration:
-- V2 opt-outs and consents, V3 balances, V4 moderation queue, V5 later work. Applied by Flyway at a node's start
-- (io.smsrouter.cluster.pg.PgStore); never edit a migration that was released, add the next one.

-- Every node that ever started against this database, and when.
CREATE TABLE cluster_nodes (
    node_id     text        PRIMARY KEY,
    first_start timestamptz NOT NULL,
    last_start  timestamptz NOT NULL,
    starts      bigint      NOT NULL
);
