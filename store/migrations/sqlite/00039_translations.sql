-- +goose Up
-- What organizers write for the public gets versions in the community's other languages: one
-- JSON object per row, language tag → field → text. The row's own columns keep the original, in
-- the community's primary language, so every existing text is already that version.
ALTER TABLE communities ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE series ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE seasons ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE calls ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE agenda_items ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE events ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE ideas ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE initiatives ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
-- What members write keeps the language its author wrote it in ('' for texts written before).
ALTER TABLE comments ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE initiative_updates ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE initiative_asks ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE topics ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE communities DROP COLUMN translations;
ALTER TABLE series DROP COLUMN translations;
ALTER TABLE seasons DROP COLUMN translations;
ALTER TABLE calls DROP COLUMN translations;
ALTER TABLE agenda_items DROP COLUMN translations;
ALTER TABLE events DROP COLUMN translations;
ALTER TABLE ideas DROP COLUMN translations;
ALTER TABLE initiatives DROP COLUMN translations;
ALTER TABLE comments DROP COLUMN lang;
ALTER TABLE initiative_updates DROP COLUMN lang;
ALTER TABLE initiative_asks DROP COLUMN lang;
ALTER TABLE topics DROP COLUMN lang;
