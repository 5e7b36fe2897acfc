-- +goose Up
-- A community may approve who joins; people an organizer removed stay out until the ban is lifted.
ALTER TABLE communities ADD COLUMN approve_members BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE membership_requests (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE TABLE membership_bans (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, user_id)
);

-- +goose Down
DROP TABLE membership_bans;
DROP TABLE membership_requests;
ALTER TABLE communities DROP COLUMN approve_members;
