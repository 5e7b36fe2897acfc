-- +goose Up
ALTER TABLE users ADD COLUMN organization TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN municipality TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN sector TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN languages TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN visibility TEXT NOT NULL DEFAULT 'members';
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1;
CREATE INDEX users_directory ON users (jurisdiction, sector);

CREATE TABLE user_interests (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (user_id, tag)
);
CREATE INDEX user_interests_tag ON user_interests (tag, user_id);
CREATE INDEX memberships_user ON memberships (user_id);

ALTER TABLE sign_in_attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'password';

CREATE TABLE auth_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('signin', 'signup', 'register')),
    email      TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX auth_tokens_expiry ON auth_tokens (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    sent_at         TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

ALTER TABLE series ADD COLUMN join_visibility TEXT NOT NULL DEFAULT 'everyone';
ALTER TABLE series ADD COLUMN reveal_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN join_visibility TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;

CREATE TABLE subscriptions (
    series_id  INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (series_id, user_id)
);
CREATE INDEX subscriptions_user ON subscriptions (user_id);

CREATE TABLE registrations (
    id         INTEGER PRIMARY KEY,
    call_id    INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status     TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled')),
    answers    TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (call_id, user_id)
);
CREATE INDEX registrations_call ON registrations (call_id, status, created_at);
CREATE INDEX registrations_user ON registrations (user_id);

CREATE TABLE registration_questions (
    id        INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('text', 'choice')),
    label     TEXT NOT NULL,
    choices   TEXT NOT NULL DEFAULT '',
    required  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX registration_questions_series ON registration_questions (series_id, position);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE registration_questions;
DROP TABLE registrations;
DROP TABLE subscriptions;
DROP TABLE outbox;
DROP TABLE api_tokens;
DROP TABLE auth_tokens;
DROP TABLE user_interests;
DROP INDEX memberships_user;
DROP INDEX users_directory;
