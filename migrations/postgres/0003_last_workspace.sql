-- The workspace a user last switched to; sign-in opens there.
ALTER TABLE users ADD COLUMN last_workspace_id BIGINT REFERENCES workspaces (id) ON DELETE SET NULL;
