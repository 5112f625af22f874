-- The agency's tables (policy-change notices, unanswered questions), folded into the store's schema.
-- Keys are keyed hashes (HMAC, as the sessions' are); what a notice needs to reach the chat (its id),
-- the facts, results and the notice text are sealed (AES-GCM) under a data key of the subscriber's own,
-- kept wrapped in its row: /forget deletes the row and the key with it. The tables of the agency's
-- earlier self-made schema (agency_*, plain ids) are adopted by bot.agency.sqldb on first use.
CREATE TABLE IF NOT EXISTS policy_subscriptions (
    user_key TEXT NOT NULL,
    data_key BYTEA NOT NULL,
    chat TEXT NOT NULL,
    lang TEXT NOT NULL,
    facts TEXT NOT NULL,
    as_of TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    kb_version TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_key)
);
CREATE TABLE IF NOT EXISTS policy_notices (
    user_key TEXT NOT NULL,
    kb_version TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_key, kb_version)
);
CREATE INDEX IF NOT EXISTS ix_policy_notices_version ON policy_notices (kb_version, status);
CREATE TABLE IF NOT EXISTS unanswered_questions (
    day TEXT NOT NULL,
    user_key TEXT NOT NULL,
    lang TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_unanswered_questions_day ON unanswered_questions (day);
CREATE INDEX IF NOT EXISTS ix_unanswered_questions_user_key ON unanswered_questions (user_key);
