-- +goose Up
CREATE TABLE topics (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    series_id        INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    call_id          INTEGER REFERENCES calls (id) ON DELETE SET NULL,
    proposer_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    kind             TEXT NOT NULL,
    presenter_name   TEXT NOT NULL DEFAULT '',
    initiative_id    INTEGER REFERENCES initiatives (id) ON DELETE SET NULL,
    minutes          INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined')),
    decline_reason   TEXT NOT NULL DEFAULT '',
    accepted_call_id INTEGER REFERENCES calls (id) ON DELETE SET NULL,
    agenda_item_id   INTEGER REFERENCES agenda_items (id) ON DELETE SET NULL,
    created_at       TIMESTAMP NOT NULL,
    decided_at       TIMESTAMP
);
CREATE INDEX topics_series ON topics (series_id, status, created_at);

CREATE TABLE topic_votes (
    topic_id   INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (topic_id, user_id)
);

-- +goose Down
DROP TABLE topic_votes;
DROP TABLE topics;
