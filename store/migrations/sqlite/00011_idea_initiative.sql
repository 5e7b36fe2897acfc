-- +goose Up
ALTER TABLE ideas ADD COLUMN initiative_id INTEGER REFERENCES initiatives (id) ON DELETE SET NULL;
CREATE INDEX ideas_initiative ON ideas (initiative_id);

-- +goose Down
DROP INDEX ideas_initiative;
ALTER TABLE ideas DROP COLUMN initiative_id;
