-- The Kanban board: a stage's history is read from both ends of a move, and the board's
-- column totals group a pipeline's deals by stage and currency.
CREATE INDEX stage_history_from_idx ON stage_history (from_stage_id, id);
CREATE INDEX deals_pipeline_idx ON deals (pipeline_id, stage_id, currency);
