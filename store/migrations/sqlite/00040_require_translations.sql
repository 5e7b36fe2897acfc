-- +goose Up
-- A community may require every text of a call in each of its languages before the call is
-- announced.
ALTER TABLE communities ADD COLUMN require_translations INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE communities DROP COLUMN require_translations;
