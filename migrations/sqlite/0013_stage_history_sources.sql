-- Stage moves made by a campaign or by Parley itself record that source. SQLite cannot alter
-- a CHECK constraint: the table is rebuilt with the same columns, rows and indexes.
CREATE TABLE stage_history_new (
    id             INTEGER PRIMARY KEY,
    workspace_id   BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id        BIGINT  NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    from_stage_id  BIGINT  REFERENCES stages (id) ON DELETE SET NULL,
    to_stage_id    BIGINT  REFERENCES stages (id) ON DELETE SET NULL,
    actor_id       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    reason         TEXT    NOT NULL DEFAULT '',
    source         TEXT    NOT NULL DEFAULT 'manual',
    created_at     BIGINT  NOT NULL,
    CONSTRAINT stage_history_source_check
        CHECK (source IN ('manual', 'automation', 'api', 'campaign', 'system'))
);
INSERT INTO stage_history_new (id, workspace_id, deal_id, from_stage_id, to_stage_id, actor_id, reason, source, created_at)
    SELECT id, workspace_id, deal_id, from_stage_id, to_stage_id, actor_id, reason, source, created_at FROM stage_history;
DROP TABLE stage_history;
ALTER TABLE stage_history_new RENAME TO stage_history;
CREATE INDEX stage_history_deal_idx ON stage_history (deal_id, id);
CREATE INDEX stage_history_to_idx ON stage_history (to_stage_id, id);
CREATE INDEX stage_history_from_idx ON stage_history (from_stage_id, id);
