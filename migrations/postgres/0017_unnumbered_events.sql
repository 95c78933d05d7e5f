-- Events are committed with the write that caused them but without a number: one sequencer
-- numbers the committed ones in batches (see app/src/realtime/server/sequencer.rs), so a
-- workspace's writes no longer wait for each other on the workspace row. Until it has run,
-- an event's seq is NULL; nothing reads an event without one.

ALTER TABLE events ALTER COLUMN seq DROP NOT NULL;

CREATE INDEX events_unnumbered ON events (id) WHERE seq IS NULL;
