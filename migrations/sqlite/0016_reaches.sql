-- Writing first: one row per person looked up (by username or phone) to write to. The daily
-- cap per account counts these rows; the member who asked waits for the row's outcome while the
-- lookup runs on the instance holding the account's connection (the `messaging.reach` job).
CREATE TABLE reaches (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    account_id       BIGINT NOT NULL REFERENCES channel_accounts (id) ON DELETE CASCADE,
    user_id          BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The lookup, as JSON: {"username": "…"} or {"phone": "+…"}.
    query            TEXT   NOT NULL,
    -- 'pending' | 'found' | 'not_found' | 'failed'
    state            TEXT   NOT NULL DEFAULT 'pending',
    conversation_id  BIGINT REFERENCES conversations (id) ON DELETE SET NULL,
    error            TEXT   NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX reaches_account_created ON reaches (account_id, created_at);
