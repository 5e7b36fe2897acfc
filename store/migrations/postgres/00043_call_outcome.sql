-- +goose Up
-- Whether a call that has ended took place, as its organizers record it: '' until they say (or
-- its attendance or minutes show it), 'held', or 'not_held' when it did not happen.
ALTER TABLE calls ADD COLUMN outcome TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE calls DROP COLUMN outcome;
