-- Changing the account's email: a single-use token of purpose 'email_change' that carries the
-- address it moves the account to (new_email), emailed to that address; once done, an
-- 'email_revert' token (new_email = the old address) mailed to the old address undoes it. SQLite cannot alter
-- a CHECK constraint, so the table is rebuilt with the new purpose and column (nothing
-- references auth_tokens, and its rows are kept).
CREATE TABLE auth_tokens_new (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT   NOT NULL,
    purpose     TEXT   NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL,
    -- The address an 'email_change' token confirms; NULL for the other purposes.
    new_email   TEXT,
    CONSTRAINT auth_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT auth_tokens_purpose_check
        CHECK (purpose IN ('reset', 'verify', 'two_factor', 'email_change', 'email_revert'))
);
INSERT INTO auth_tokens_new (id, token_hash, purpose, user_id, expires_at, used_at, created_at)
    SELECT id, token_hash, purpose, user_id, expires_at, used_at, created_at FROM auth_tokens;
DROP TABLE auth_tokens;
ALTER TABLE auth_tokens_new RENAME TO auth_tokens;
CREATE INDEX auth_tokens_user_idx ON auth_tokens (user_id, purpose);
