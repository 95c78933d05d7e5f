-- Team and security: invites, API tokens, two-factor sign-in, single-use emailed tokens, the
-- audit log, and the workspace's security policy.

ALTER TABLE workspaces ADD COLUMN require_two_factor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

-- An invitation to a workspace: by email (single use, the token only ever in the email) or
-- a link (used up to max_uses times, NULL = unlimited; the token is kept sealed so admins can
-- copy the link again). Only the SHA-256 of the token is looked up.
CREATE TABLE invites (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash    TEXT   NOT NULL,
    sealed_token  TEXT,
    email         TEXT,
    role          TEXT   NOT NULL,
    max_uses      BIGINT,
    uses          BIGINT NOT NULL DEFAULT 0,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    created_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL,
    CONSTRAINT invites_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invites_role_check CHECK (role IN ('admin', 'supervisor', 'rep', 'viewer'))
);
CREATE INDEX invites_workspace_idx ON invites (workspace_id, created_at);

-- Personal API tokens: shown once, stored as SHA-256, acting with the owner's role in the
-- workspace they were created in.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          TEXT   NOT NULL,
    token_hash    TEXT   NOT NULL,
    -- The first characters, to tell tokens apart in the list.
    prefix        TEXT   NOT NULL,
    last_used_at  BIGINT,
    created_at    BIGINT NOT NULL,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, workspace_id);

-- TOTP: the secret sealed with the server key; confirmed_at is NULL while enrolling.
-- last_step is the last accepted 30-second time step: a code is accepted at most once.
CREATE TABLE user_totp (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sealed_secret TEXT   NOT NULL,
    confirmed_at  BIGINT,
    last_step     BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT   NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);

-- Single-use, expiring tokens: password reset, email verification, and the step between a
-- password and a second factor. Only the SHA-256 is stored.
CREATE TABLE auth_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT   NOT NULL,
    purpose     TEXT   NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL,
    CONSTRAINT auth_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT auth_tokens_purpose_check CHECK (purpose IN ('reset', 'verify', 'two_factor'))
);
CREATE INDEX auth_tokens_user_idx ON auth_tokens (user_id, purpose);

-- Security-relevant actions. workspace_id is NULL for what belongs to no workspace (a failed
-- sign-in with an unknown email).
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_id      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action        TEXT   NOT NULL,
    target_type   TEXT   NOT NULL DEFAULT '',
    target_id     TEXT   NOT NULL DEFAULT '',
    -- JSON: what changed (before/after) or other context.
    details       TEXT   NOT NULL DEFAULT '{}',
    ip            TEXT   NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX audit_log_workspace_idx ON audit_log (workspace_id, id);
