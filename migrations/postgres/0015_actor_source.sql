-- Who made a change, beyond the member: the timeline and the audit log record how it was
-- made (`manual` in the app, `api`, `automation`, `campaign` or `system`), as stage history does.
ALTER TABLE activities ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE audit_log ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';
