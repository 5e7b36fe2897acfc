-- +goose Up
-- An event's street address, apart from the name of its place, for maps, calendars and search engines.
ALTER TABLE events ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE events DROP COLUMN address;
