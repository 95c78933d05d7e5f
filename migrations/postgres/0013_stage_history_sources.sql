-- Stage moves made by a campaign or by Parley itself record that source.
ALTER TABLE stage_history DROP CONSTRAINT stage_history_source_check;
ALTER TABLE stage_history ADD CONSTRAINT stage_history_source_check
    CHECK (source IN ('manual', 'automation', 'api', 'campaign', 'system'));
