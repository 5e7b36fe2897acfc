-- +goose Up
CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('call', 'initiative', 'ask', 'idea')),
    target_id    INTEGER NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    hidden       INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX comments_target ON comments (community_id, target_kind, target_id, created_at);
CREATE INDEX comments_author ON comments (author_id, created_at);

CREATE TABLE comment_reports (
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (comment_id, reporter_id)
);

-- +goose Down
DROP TABLE comment_reports;
DROP TABLE comments;
