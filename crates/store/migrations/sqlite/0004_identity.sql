-- The platform's identity (shared/spec/platform.md, Identity): organisations, users, API tokens,
-- browser sessions, login throttling, and small platform settings.
-- Times are whole seconds since the Unix epoch (UTC), so that expiry compares as numbers.
-- Tokens, sessions and CSRF tokens are stored only as the hashes the caller computed.
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,           -- 'org-' and 12 hex digits, assigned by the store
    name TEXT NOT NULL,
    country TEXT,                  -- ISO 3166-1 alpha-2; NULL for the secretariat
    kind TEXT NOT NULL             -- competent_authority, customs, police, forensic_lab, health, secretariat
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,           -- 'usr-' and 12 hex digits
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL,           -- as given
    email_key TEXT NOT NULL UNIQUE,-- lower-cased: one account per address, whatever its case
    role TEXT NOT NULL,            -- viewer, analyst, officer, admin
    password_hash TEXT,            -- Argon2id PHC string; NULL: token-only user
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_organisation ON users(organisation_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,           -- 'tok-' and 12 hex digits; shown in lists, not a secret
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE sessions (
    session_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,          -- 'ip:192.0.2.1', 'user:someone@example.org'
    window_start INTEGER NOT NULL, -- first failure of the current window
    failures INTEGER NOT NULL,     -- failures since window_start
    locked_until INTEGER           -- no login for this key before then
);

CREATE TABLE platform_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
