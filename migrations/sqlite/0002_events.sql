-- Domain events: written in the same transaction as the change they describe, numbered per
-- workspace without gaps (workspaces.event_seq), streamed over /ws and replayed on resume.

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    workspace_id   BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    seq            BIGINT NOT NULL,
    type           TEXT   NOT NULL,
    -- JSON object
    data           TEXT   NOT NULL,
    actor_user_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL,
    CONSTRAINT events_workspace_seq_key UNIQUE (workspace_id, seq)
);
