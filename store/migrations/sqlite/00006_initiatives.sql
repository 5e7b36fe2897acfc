-- +goose Up
CREATE TABLE initiatives (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    jurisdiction TEXT NOT NULL DEFAULT '',
    sector       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('idea', 'forming', 'active', 'paused', 'done', 'stopped')),
    links        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    deleted_at   TIMESTAMP
);
CREATE INDEX initiatives_community ON initiatives (community_id, status, name);

CREATE TABLE initiative_leads (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (initiative_id, user_id)
);
CREATE INDEX initiative_leads_user ON initiative_leads (user_id);

CREATE TABLE initiative_updates (
    id            INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body          TEXT NOT NULL,
    call_id       INTEGER REFERENCES calls (id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX initiative_updates_initiative ON initiative_updates (initiative_id, created_at);
CREATE INDEX initiative_updates_call ON initiative_updates (call_id);

CREATE TABLE initiative_asks (
    id            INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('volunteers', 'feedback', 'expertise', 'connections', 'troubleshooting')),
    body          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    closed_at     TIMESTAMP
);
CREATE INDEX initiative_asks_initiative ON initiative_asks (initiative_id, created_at);

CREATE TABLE ask_offers (
    id         INTEGER PRIMARY KEY,
    ask_id     INTEGER NOT NULL REFERENCES initiative_asks (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    message    TEXT NOT NULL,
    taken      INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ask_offers_ask ON ask_offers (ask_id, created_at);

-- +goose Down
DROP TABLE ask_offers;
DROP TABLE initiative_asks;
DROP TABLE initiative_updates;
DROP TABLE initiative_leads;
DROP TABLE initiatives;
