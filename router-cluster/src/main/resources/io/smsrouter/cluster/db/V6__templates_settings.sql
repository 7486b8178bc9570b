-- Templates and accounts' API-made settings (issue 12 item 8): visible on every node. Each change
-- takes the next value of settings_version; nodes poll for rows changed since what they saw
-- (and, for commits that overtook one another, for rows changed in the last seconds). A deleted
-- template stays as a row with deleted = true so that the other nodes see it go.
CREATE SEQUENCE settings_version;

CREATE TABLE templates (
    account_id text        NOT NULL,
    name       text        NOT NULL,
    source     text        NOT NULL,
    deleted    boolean     NOT NULL DEFAULT false,
    version    bigint      NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (account_id, name)
);
CREATE INDEX templates_version ON templates (version);
CREATE INDEX templates_changed ON templates (changed_at);

CREATE TABLE account_settings (
    account_id text        PRIMARY KEY,
    moderation text,
    version    bigint      NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
