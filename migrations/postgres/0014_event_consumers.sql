-- Durable consumers of the event log: each one's position in each workspace's events.
CREATE TABLE event_consumers (
    name          TEXT   NOT NULL,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The last sequence number handled (events.seq).
    last_seq      BIGINT NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL,
    CONSTRAINT event_consumers_pkey PRIMARY KEY (name, workspace_id)
);

-- The owner's email about an account that needs a new login was written with the change; it is
-- now a consumer's work. It starts after the events already handled that way.
INSERT INTO event_consumers (name, workspace_id, last_seq, updated_at)
SELECT 'messaging.relogin_email', id, event_seq, 0 FROM workspaces;
