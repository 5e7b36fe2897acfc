-- +goose Up
-- What members write may get versions in the community's other languages, added by its author or
-- an organizer (language tag → field → text, as 00039 does for what organizers write); offers of
-- help keep the language their author wrote them in, like the asks they answer.
ALTER TABLE comments ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE initiative_updates ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE initiative_asks ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE topics ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE ask_offers ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE comments DROP COLUMN translations;
ALTER TABLE initiative_updates DROP COLUMN translations;
ALTER TABLE initiative_asks DROP COLUMN translations;
ALTER TABLE topics DROP COLUMN translations;
ALTER TABLE ask_offers DROP COLUMN lang;
