-- +goose Up
-- The news feed lists a community's calls by their last change.
CREATE INDEX calls_community_updated ON calls (community_id, updated_at);

-- +goose Down
DROP INDEX calls_community_updated;
