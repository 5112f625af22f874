-- Input marks expire with the sessions: the time each was set (sessions untouched for
-- IPBOT_SESSION_TTL_DAYS are deleted, and so are marks older than that). Marks from before get
-- the time of this migration.
ALTER TABLE input_marks ADD COLUMN marked_at DATETIME;
UPDATE input_marks SET marked_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE marked_at IS NULL;
CREATE INDEX IF NOT EXISTS ix_input_marks_marked_at ON input_marks (marked_at);
