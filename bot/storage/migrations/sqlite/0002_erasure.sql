-- Erasure that is real: a data key per session (deleted by /forget), the input mark a deleted
-- session leaves (replay protection), and an index for deleting sessions idle too long.
CREATE TABLE IF NOT EXISTS session_keys (
    "key" TEXT NOT NULL,
    data_key BLOB NOT NULL,
    PRIMARY KEY ("key")
);
CREATE TABLE IF NOT EXISTS input_marks (
    "key" TEXT NOT NULL,
    last_input TEXT NOT NULL,
    PRIMARY KEY ("key")
);
CREATE INDEX IF NOT EXISTS ix_sessions_updated_at ON sessions (updated_at);
