-- +goose Up
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    time_zone    TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    online       INTEGER NOT NULL DEFAULT 0,
    link         TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_community_start ON events (community_id, starts_at);

CREATE TABLE event_calls (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    call_id  INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    relation TEXT NOT NULL CHECK (relation IN ('prepares', 'follows_up')),
    PRIMARY KEY (event_id, call_id)
);
CREATE INDEX event_calls_call ON event_calls (call_id);

CREATE TABLE ideas (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    event_id     INTEGER REFERENCES events (id) ON DELETE SET NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('proposed', 'picked_up', 'abandoned')),
    proposed_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    raised_at    TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX ideas_community ON ideas (community_id, raised_at);
CREATE INDEX ideas_event ON ideas (event_id);

-- +goose Down
DROP TABLE ideas;
DROP TABLE event_calls;
DROP TABLE events;
