-- Telegram user accounts (MTProto): the workspace's Telegram application, the chats an account
-- has and which of them are synced, Telegram folders mirrored, deleted messages.

-- From my.telegram.org; the hash is sealed like every secret (see server/secrets.rs).
ALTER TABLE workspaces ADD COLUMN telegram_api_id BIGINT;
ALTER TABLE workspaces ADD COLUMN telegram_api_hash TEXT NOT NULL DEFAULT '';

-- Set when someone asks for a resync; the account's worker reloads chats and folders.
ALTER TABLE channel_accounts ADD COLUMN resync_requested_at BIGINT;
-- The phone number of a user account (shown to the team).
ALTER TABLE channel_accounts ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- Every chat of a user account as its dialog list shows it. Only picked chats become
-- conversations; nothing of the others is stored beyond this line.
CREATE TABLE account_chats (
    account_id       BIGINT NOT NULL REFERENCES channel_accounts (id) ON DELETE CASCADE,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    peer_id          TEXT   NOT NULL,
    -- 'private' | 'group' | 'channel'
    kind             TEXT   NOT NULL DEFAULT 'private',
    title            TEXT   NOT NULL DEFAULT '',
    username         TEXT   NOT NULL DEFAULT '',
    unread           BIGINT NOT NULL DEFAULT 0,
    last_message_at  BIGINT,
    -- JSON array of Telegram folder ids.
    folder_ids       TEXT   NOT NULL DEFAULT '[]',
    picked           BIGINT NOT NULL DEFAULT 0,
    -- The history import: 'none' | 'queued' | 'importing' | 'done' | 'failed'
    history_state    TEXT   NOT NULL DEFAULT 'none',
    history_imported BIGINT NOT NULL DEFAULT 0,
    history_error    TEXT   NOT NULL DEFAULT '',
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (account_id, peer_id)
);
CREATE INDEX account_chats_history_idx ON account_chats (account_id, history_state);

-- Folders mirrored from Telegram carry their account and Telegram's id; CRM-only folders
-- have neither.
ALTER TABLE folders ADD COLUMN account_id BIGINT REFERENCES channel_accounts (id) ON DELETE CASCADE;
ALTER TABLE folders ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX folders_external_key ON folders (account_id, external_id);

-- A message deleted in Telegram stays in the CRM's record, marked.
ALTER TABLE messages ADD COLUMN deleted_at BIGINT;
