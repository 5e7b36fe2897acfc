-- +goose Up
-- Who took part in a held call. A person is a member (user_id) or a guest without an account
-- (guest_name); person_key names either one without personal data ("u:<id>", or "g:" and a hash of
-- the guest's address or name), so importing the same report twice adds nothing. Jurisdiction and
-- sector are the person's at the time, so reach analytics need no join with users and history does
-- not move when a profile changes. When a member deletes their account the row stays, without them.
CREATE TABLE attendance (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    call_id      INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    person_key   TEXT NOT NULL,
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    guest_name   TEXT NOT NULL DEFAULT '',
    jurisdiction TEXT NOT NULL DEFAULT '',
    sector       TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL CHECK (source IN ('report', 'checkin', 'self')),
    minutes      INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (call_id, person_key)
);
CREATE INDEX attendance_community_call ON attendance (community_id, call_id);
CREATE INDEX attendance_person ON attendance (community_id, person_key, call_id);
CREATE INDEX attendance_user ON attendance (user_id);

-- An uploaded participant report waiting for the organizer to confirm its matches: nothing is in
-- attendance until then. Kept a day at most.
CREATE TABLE attendance_uploads (
    id           INTEGER PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    call_id      INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    uploaded_by  INTEGER REFERENCES users (id) ON DELETE CASCADE,
    report       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX attendance_uploads_created ON attendance_uploads (created_at);

-- Whether a community shows its reach (aggregates only, small counts suppressed) to everyone.
ALTER TABLE communities ADD COLUMN public_reach INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE communities DROP COLUMN public_reach;
DROP TABLE attendance_uploads;
DROP TABLE attendance;
