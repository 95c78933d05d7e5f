-- A job that must run on the instance holding a channel account's lease names the account:
-- other instances do not claim it while that lease is held elsewhere.
ALTER TABLE jobs ADD COLUMN affinity BIGINT;
