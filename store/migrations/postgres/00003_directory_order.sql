-- +goose Up
-- The directory lists people by name and pages with (name, id) keys.
CREATE INDEX users_name ON users (name, id);

-- +goose Down
DROP INDEX users_name;
