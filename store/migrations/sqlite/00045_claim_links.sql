-- +goose Up
-- Emailed links gain a purpose: inviting a guest to claim their attendance. SQLite cannot change
-- a CHECK constraint in place, so the table is rebuilt with the new list.
CREATE TABLE auth_tokens_new (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('signin', 'signup', 'register', 'claim')),
    email      TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO auth_tokens_new SELECT token_hash, purpose, email, payload, expires_at, used_at, created_at FROM auth_tokens;
DROP TABLE auth_tokens;
ALTER TABLE auth_tokens_new RENAME TO auth_tokens;
CREATE INDEX auth_tokens_expiry ON auth_tokens (expires_at);

-- +goose Down
DELETE FROM auth_tokens WHERE purpose = 'claim';
CREATE TABLE auth_tokens_old (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('signin', 'signup', 'register')),
    email      TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO auth_tokens_old SELECT token_hash, purpose, email, payload, expires_at, used_at, created_at FROM auth_tokens;
DROP TABLE auth_tokens;
ALTER TABLE auth_tokens_old RENAME TO auth_tokens;
CREATE INDEX auth_tokens_expiry ON auth_tokens (expires_at);
