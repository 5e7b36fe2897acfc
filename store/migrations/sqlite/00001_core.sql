-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL,
    languages   TEXT NOT NULL DEFAULT 'en,fr',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'organizer', 'member')),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, user_id)
);

CREATE TABLE series (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    rrule            TEXT NOT NULL,
    starts_on        TEXT NOT NULL,
    start_time       TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX series_community ON series (community_id);

CREATE TABLE seasons (
    id         INTEGER PRIMARY KEY,
    series_id  INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    paused_at  TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX seasons_series ON seasons (series_id, starts_on);

CREATE TABLE calls (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    series_id        INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    season_id        INTEGER REFERENCES seasons (id) ON DELETE SET NULL,
    original_start   TIMESTAMP,
    starts_at        TIMESTAMP NOT NULL,
    duration_minutes INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    title            TEXT NOT NULL DEFAULT '',
    theme            TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    sequence         INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (series_id, original_start)
);
CREATE INDEX calls_community_start ON calls (community_id, starts_at);
CREATE INDEX calls_series_start ON calls (series_id, starts_at);

CREATE TABLE agenda_items (
    id             INTEGER PRIMARY KEY,
    call_id        INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('update', 'ask', 'discussion', 'announcement')),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    presenter_name TEXT NOT NULL DEFAULT '',
    presenter_org  TEXT NOT NULL DEFAULT '',
    minutes        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agenda_items_call ON agenda_items (call_id, position);

CREATE TABLE join_kits (
    id                INTEGER PRIMARY KEY,
    series_id         INTEGER UNIQUE REFERENCES series (id) ON DELETE CASCADE,
    call_id           INTEGER UNIQUE REFERENCES calls (id) ON DELETE CASCADE,
    provider          TEXT NOT NULL,
    join_url          TEXT NOT NULL DEFAULT '',
    meeting_id        TEXT NOT NULL DEFAULT '',
    passcode          TEXT NOT NULL DEFAULT '',
    phone_passcode    INTEGER NOT NULL DEFAULT 0,
    dial_ins          TEXT NOT NULL DEFAULT '[]',
    local_numbers_url TEXT NOT NULL DEFAULT '',
    sip               TEXT NOT NULL DEFAULT '',
    updated_at        TIMESTAMP NOT NULL,
    CHECK ((series_id IS NULL) <> (call_id IS NULL))
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE sign_in_attempts (
    id        INTEGER PRIMARY KEY,
    email     TEXT NOT NULL,
    ip        TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    at        TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts (ip, at);

-- +goose Down
DROP TABLE sign_in_attempts;
DROP TABLE sessions;
DROP TABLE join_kits;
DROP TABLE agenda_items;
DROP TABLE calls;
DROP TABLE seasons;
DROP TABLE series;
DROP TABLE memberships;
DROP TABLE communities;
DROP TABLE users;
