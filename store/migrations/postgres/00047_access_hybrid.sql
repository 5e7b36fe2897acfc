-- +goose Up
-- Accessibility per series (a call may say otherwise), hybrid calls with a venue and places in the
-- room, and how each registrant and attendee takes part. JSON columns hold the accessibility offer
-- and the venue; a call's accessibility is NULL while it follows its series'.
ALTER TABLE series ADD COLUMN accessibility TEXT NOT NULL DEFAULT '{}';
ALTER TABLE calls ADD COLUMN accessibility TEXT;
ALTER TABLE calls ADD COLUMN attendance_mode TEXT NOT NULL DEFAULT 'online' CHECK (attendance_mode IN ('online', 'in_person', 'hybrid'));
ALTER TABLE calls ADD COLUMN venue TEXT;
ALTER TABLE calls ADD COLUMN in_person_capacity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN mode TEXT NOT NULL DEFAULT 'online' CHECK (mode IN ('online', 'in_person'));
ALTER TABLE registrations ADD COLUMN accommodation TEXT NOT NULL DEFAULT '';
ALTER TABLE attendance ADD COLUMN mode TEXT NOT NULL DEFAULT 'online' CHECK (mode IN ('online', 'in_person'));
CREATE INDEX registrations_accommodation ON registrations (call_id) WHERE accommodation <> '';

-- +goose Down
DROP INDEX registrations_accommodation;
ALTER TABLE attendance DROP COLUMN mode;
ALTER TABLE registrations DROP COLUMN accommodation;
ALTER TABLE registrations DROP COLUMN mode;
ALTER TABLE calls DROP COLUMN in_person_capacity;
ALTER TABLE calls DROP COLUMN venue;
ALTER TABLE calls DROP COLUMN attendance_mode;
ALTER TABLE calls DROP COLUMN accessibility;
ALTER TABLE series DROP COLUMN accessibility;
