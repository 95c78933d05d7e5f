-- Workspaces, users, memberships and sessions.
-- Times are epoch milliseconds (UTC); ids are 64-bit integers; the PostgreSQL folder holds
-- the same schema in its own dialect.

CREATE TABLE workspaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    slug        TEXT    NOT NULL,
    time_zone   TEXT    NOT NULL DEFAULT 'UTC',
    -- The last event sequence number handed out in this workspace (see events).
    event_seq   BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    CONSTRAINT workspaces_slug_key UNIQUE (slug)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    -- Stored lower-cased, so uniqueness is case-insensitive.
    email          TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    name           TEXT    NOT NULL DEFAULT '',
    locale         TEXT    NOT NULL DEFAULT 'en',
    time_zone      TEXT    NOT NULL DEFAULT 'UTC',
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE memberships (
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role          TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (workspace_id, user_id),
    CONSTRAINT memberships_role_check
        CHECK (role IN ('owner', 'admin', 'supervisor', 'rep', 'viewer'))
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Server-side sessions. Only the SHA-256 of the token is stored, so a copy of the database
-- cannot be used to sign in. The same token works as a cookie and as a Bearer token.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT   NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    -- The absolute expiry; idle expiry is last_seen_at + the configured idle time.
    expires_at    BIGINT NOT NULL,
    ip            TEXT   NOT NULL DEFAULT '',
    user_agent    TEXT   NOT NULL DEFAULT '',
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
