-- A job that must run on the instance holding a channel account's lease names the account:
-- other instances do not claim it while that lease is held elsewhere.
ALTER TABLE jobs ADD COLUMN affinity BIGINT;

-- Marking a chat read on the network became the inbox's job, for every channel that can; the
-- user accounts' read jobs still queued keep running, on the instance holding their account.
UPDATE jobs SET kind = 'conversation.read', affinity = CAST(payload::json->>'accountId' AS BIGINT)
WHERE kind = 'telegram.read' AND state = 'queued';
