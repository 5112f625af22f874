-- The schema before versioning: sessions (plain keys, plain JSON) and the usage counters.
CREATE TABLE IF NOT EXISTS sessions (
    key TEXT NOT NULL,
    user_key TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (key)
);
CREATE INDEX IF NOT EXISTS ix_sessions_user_key ON sessions (user_key);
CREATE TABLE IF NOT EXISTS usage_stats (
    day DATE NOT NULL,
    kind VARCHAR(32) NOT NULL,
    item VARCHAR(64) NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, kind, item)
);
