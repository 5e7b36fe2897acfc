-- +goose Up
-- Pictures a community shows: its logo and cover, its presenters' photos. Convene stores them
-- itself, resized and re-encoded without the camera's metadata, under the hash of their bytes so
-- their address never changes while they do not; a picture no longer shown is deleted with the
-- change that stopped showing it.
CREATE TABLE images (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    hash         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (community_id, hash)
);
-- A logo or cover shows only with words for people who cannot see it, in each of the community's
-- languages (the other languages' versions live in translations, as 00039 keeps them).
ALTER TABLE communities ADD COLUMN logo_image_id INTEGER REFERENCES images (id) ON DELETE SET NULL;
ALTER TABLE communities ADD COLUMN logo_alt TEXT NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN cover_image_id INTEGER REFERENCES images (id) ON DELETE SET NULL;
ALTER TABLE communities ADD COLUMN cover_alt TEXT NOT NULL DEFAULT '';
-- A presenter's photo sits beside their name, which says who it is.
ALTER TABLE agenda_items ADD COLUMN presenter_photo_id INTEGER REFERENCES images (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE agenda_items DROP COLUMN presenter_photo_id;
ALTER TABLE communities DROP COLUMN cover_alt;
ALTER TABLE communities DROP COLUMN cover_image_id;
ALTER TABLE communities DROP COLUMN logo_alt;
ALTER TABLE communities DROP COLUMN logo_image_id;
DROP TABLE images;
