-- Messaging: channel accounts (a Telegram bot today, Telegram user accounts next), their
-- conversations and messages, custom folders, content-addressed media, and the durable job
-- table that sends messages (and, later, email and campaign steps).

CREATE TABLE channel_accounts (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- 'telegram_bot' | 'telegram_user'
    kind             TEXT   NOT NULL,
    -- The id on the network (a bot's user id); one network account serves one workspace.
    external_id      TEXT   NOT NULL,
    name             TEXT   NOT NULL,
    username         TEXT   NOT NULL DEFAULT '',
    owner_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    time_zone        TEXT   NOT NULL DEFAULT 'UTC',
    -- JSON: {"days":[1,2,3,4,5],"start":"09:00","end":"18:00"}; '' means always.
    working_hours    TEXT   NOT NULL DEFAULT '',
    daily_send_cap   BIGINT,
    -- The token or session, encrypted (see server/secrets.rs); never stored in clear.
    secret           TEXT   NOT NULL,
    -- Checked against X-Telegram-Bot-Api-Secret-Token when updates come by webhook.
    webhook_secret   TEXT   NOT NULL DEFAULT '',
    -- 'polling' | 'webhook'
    receive_mode     TEXT   NOT NULL DEFAULT 'polling',
    -- The next getUpdates offset: updates below it were stored.
    poll_offset      BIGINT NOT NULL DEFAULT 0,
    -- 'connected' | 'reconnecting' | 'needs_relogin' | 'flood_wait' | 'disconnected'
    status           TEXT   NOT NULL DEFAULT 'connected',
    flood_wait_until BIGINT,
    last_error       TEXT   NOT NULL DEFAULT '',
    last_sync_at     BIGINT,
    -- Which instance's worker receives for this account, and until when (a lease).
    lease_owner      TEXT,
    lease_until      BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CONSTRAINT channel_accounts_network_key UNIQUE (kind, external_id)
);
CREATE INDEX channel_accounts_workspace_idx ON channel_accounts (workspace_id);

CREATE TABLE media (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Hex SHA-256 of the bytes: the file's name in the store.
    sha256        TEXT   NOT NULL,
    size          BIGINT NOT NULL,
    mime_type     TEXT   NOT NULL DEFAULT 'application/octet-stream',
    file_name     TEXT   NOT NULL DEFAULT '',
    -- 'photo' | 'document'
    kind          TEXT   NOT NULL DEFAULT 'document',
    created_at    BIGINT NOT NULL
);
CREATE INDEX media_workspace_idx ON media (workspace_id, sha256);

CREATE TABLE conversations (
    id                 INTEGER PRIMARY KEY,
    workspace_id       BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    account_id         BIGINT NOT NULL REFERENCES channel_accounts (id) ON DELETE CASCADE,
    -- The chat id on the network.
    peer_id            TEXT   NOT NULL,
    -- 'private' | 'group' | 'channel'
    kind               TEXT   NOT NULL DEFAULT 'private',
    title              TEXT   NOT NULL DEFAULT '',
    username           TEXT   NOT NULL DEFAULT '',
    contact_id         BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    deal_id            BIGINT REFERENCES deals (id) ON DELETE SET NULL,
    assignee_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- Inbound messages nobody has read yet, kept by the server.
    unread_count       BIGINT NOT NULL DEFAULT 0,
    last_message_id    BIGINT,
    last_message_at    BIGINT,
    last_message_text  TEXT   NOT NULL DEFAULT '',
    pinned             BIGINT NOT NULL DEFAULT 0,
    -- Lower-cased title and username, for the chat list's search.
    search_text        TEXT   NOT NULL DEFAULT '',
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    CONSTRAINT conversations_peer_key UNIQUE (account_id, peer_id)
);
-- The chat list: pinned first, then by the last message.
CREATE INDEX conversations_list_idx ON conversations (workspace_id, pinned, last_message_at);
CREATE INDEX conversations_contact_idx ON conversations (contact_id);

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id  BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- 'in' | 'out'
    direction        TEXT   NOT NULL,
    sender_name      TEXT   NOT NULL DEFAULT '',
    -- The member who wrote an outbound message.
    author_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    text             TEXT   NOT NULL DEFAULT '',
    media_id         BIGINT REFERENCES media (id) ON DELETE SET NULL,
    reply_to_id      BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    -- 'pending' | 'sent' | 'delivered' | 'read' | 'failed'
    state            TEXT   NOT NULL,
    error            TEXT   NOT NULL DEFAULT '',
    -- The message id on the network; a message is stored once per conversation.
    external_id      TEXT,
    -- When it was sent or received (network time for inbound messages).
    sent_at          BIGINT NOT NULL,
    edited_at        BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CONSTRAINT messages_external_key UNIQUE (conversation_id, external_id)
);
-- A conversation's history, newest first, paged by id.
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);

CREATE TABLE folders (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          TEXT   NOT NULL,
    position      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX folders_workspace_idx ON folders (workspace_id, position);

CREATE TABLE conversation_folders (
    folder_id        BIGINT NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    conversation_id  BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (folder_id, conversation_id)
);
CREATE INDEX conversation_folders_conversation_idx ON conversation_folders (conversation_id);

-- Durable background work. A job is claimed by setting a lease (locked_by, locked_until); a
-- worker that dies loses its lease and another takes the job over. Finished jobs are kept
-- briefly for inspection.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT REFERENCES workspaces (id) ON DELETE CASCADE,
    kind          TEXT   NOT NULL,
    -- JSON
    payload       TEXT   NOT NULL,
    -- 'queued' | 'done' | 'failed'
    state         TEXT   NOT NULL DEFAULT 'queued',
    run_at        BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    max_attempts  BIGINT NOT NULL DEFAULT 8,
    locked_by     TEXT,
    locked_until  BIGINT,
    -- 1 while a handler's irreversible step (a call to Telegram) is under way: a job taken
    -- over with this set may already have had its effect.
    in_flight     BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT   NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (state, run_at);

-- Message search (trigram: any three characters, as the CRM search).
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='trigram');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
