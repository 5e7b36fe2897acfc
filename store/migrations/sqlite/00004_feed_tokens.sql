-- +goose Up
-- A personal calendar feed's secret, stored hashed; empty when the person has none.
ALTER TABLE users ADD COLUMN feed_token_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX users_feed_token ON users (feed_token_hash);

-- +goose Down
DROP INDEX users_feed_token;
ALTER TABLE users DROP COLUMN feed_token_hash;
