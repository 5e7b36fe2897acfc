-- +goose Up
-- Federation over ActivityPub. Each community is a Group actor with its own key pair (the private
-- key never leaves this table); remote accounts follow it; what its outbox said of each call is
-- kept, so a change is published once as an Update and a removal as a Delete; organizers follow
-- remote communities, whose public events are kept as they last said them.
ALTER TABLE communities ADD COLUMN federation INTEGER NOT NULL DEFAULT 1;
-- Minutes and initiative updates go out as Notes to followers only when a community opts in.
ALTER TABLE communities ADD COLUMN federate_notes INTEGER NOT NULL DEFAULT 0;

CREATE TABLE ap_keys (
    community_id INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    public_pem   TEXT NOT NULL,
    private_pem  TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE ap_followers (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    actor        TEXT NOT NULL,
    inbox        TEXT NOT NULL,
    shared_inbox TEXT NOT NULL DEFAULT '',
    follow_id    TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (community_id, actor)
);

CREATE TABLE ap_published (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'event', 'minutes', 'update')),
    ref_id       INTEGER NOT NULL,
    activity     TEXT NOT NULL CHECK (activity IN ('Create', 'Update', 'Delete')),
    activity_id  TEXT NOT NULL,
    body         TEXT NOT NULL,
    source_at    TIMESTAMP NOT NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX ap_published_outbox ON ap_published (community_id, published_at);

CREATE TABLE ap_actors (
    uri          TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    handle       TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    inbox        TEXT NOT NULL,
    shared_inbox TEXT NOT NULL DEFAULT '',
    key_id       TEXT NOT NULL DEFAULT '',
    public_pem   TEXT NOT NULL DEFAULT '',
    fetched_at   TIMESTAMP NOT NULL
);

CREATE TABLE ap_following (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    actor        TEXT NOT NULL,
    follow_id    TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, actor)
);

CREATE TABLE ap_remote_events (
    uri        TEXT PRIMARY KEY,
    actor      TEXT NOT NULL,
    name       TEXT NOT NULL,
    content    TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP,
    time_zone  TEXT NOT NULL DEFAULT '',
    location   TEXT NOT NULL DEFAULT '',
    cancelled  INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ap_remote_events_actor ON ap_remote_events (actor, starts_at);

CREATE TABLE ap_seen (
    digest  TEXT PRIMARY KEY,
    seen_at TIMESTAMP NOT NULL
);
CREATE INDEX ap_seen_at ON ap_seen (seen_at);

CREATE TABLE ap_blocked_domains (
    domain     TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE ap_blocked_domains;
DROP TABLE ap_seen;
DROP TABLE ap_remote_events;
DROP TABLE ap_following;
DROP TABLE ap_actors;
DROP TABLE ap_published;
DROP TABLE ap_followers;
DROP TABLE ap_keys;
ALTER TABLE communities DROP COLUMN federate_notes;
ALTER TABLE communities DROP COLUMN federation;
