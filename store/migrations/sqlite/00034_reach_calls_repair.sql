-- +goose Up
-- Migration 00017 was edited after it first landed (reach_calls, its triggers, a covering index):
-- a database migrated before those edits never got them, since goose runs a version once. This
-- brings any database to what 00017 says now, and does nothing harmful to one that has it all.
CREATE TABLE IF NOT EXISTS reach_calls (
    call_id    INTEGER PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    registered INTEGER NOT NULL DEFAULT 0,
    attended   INTEGER NOT NULL DEFAULT 0
);
DROP INDEX IF EXISTS reach_stale_person;
CREATE INDEX reach_stale_person ON reach_stale (community_id, person_key, user_id);
DROP TRIGGER IF EXISTS reach_attendance_insert;
-- +goose StatementBegin
CREATE TRIGGER reach_attendance_insert AFTER INSERT ON attendance BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) VALUES (NEW.community_id, NEW.person_key, NEW.user_id);
    INSERT INTO reach_calls (call_id, attended) VALUES (NEW.call_id, 1)
        ON CONFLICT (call_id) DO UPDATE SET attended = attended + 1;
END;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS reach_attendance_delete;
-- +goose StatementBegin
CREATE TRIGGER reach_attendance_delete AFTER DELETE ON attendance BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) VALUES (OLD.community_id, OLD.person_key, OLD.user_id);
    UPDATE reach_calls SET attended = attended - 1 WHERE call_id = OLD.call_id;
END;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS reach_attendance_update;
-- +goose StatementBegin
CREATE TRIGGER reach_attendance_update AFTER UPDATE OF community_id, call_id, person_key, user_id, guest_name, jurisdiction, sector ON attendance
WHEN OLD.community_id IS NOT NEW.community_id OR OLD.call_id IS NOT NEW.call_id OR OLD.person_key IS NOT NEW.person_key
    OR OLD.user_id IS NOT NEW.user_id OR OLD.guest_name IS NOT NEW.guest_name OR OLD.jurisdiction IS NOT NEW.jurisdiction
    OR OLD.sector IS NOT NEW.sector BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) VALUES (OLD.community_id, OLD.person_key, OLD.user_id),
        (NEW.community_id, NEW.person_key, NEW.user_id);
    UPDATE reach_calls SET attended = attended - 1 WHERE call_id = OLD.call_id AND OLD.call_id <> NEW.call_id;
    INSERT INTO reach_calls (call_id, attended) SELECT NEW.call_id, 1 WHERE OLD.call_id <> NEW.call_id
        ON CONFLICT (call_id) DO UPDATE SET attended = attended + 1;
END;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS reach_calls_registration_insert;
-- +goose StatementBegin
CREATE TRIGGER reach_calls_registration_insert AFTER INSERT ON registrations WHEN NEW.status = 'registered' BEGIN
    INSERT INTO reach_calls (call_id, registered) VALUES (NEW.call_id, 1)
        ON CONFLICT (call_id) DO UPDATE SET registered = registered + 1;
END;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS reach_calls_registration_delete;
-- +goose StatementBegin
CREATE TRIGGER reach_calls_registration_delete AFTER DELETE ON registrations WHEN OLD.status = 'registered' BEGIN
    UPDATE reach_calls SET registered = registered - 1 WHERE call_id = OLD.call_id;
END;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS reach_calls_registration_update;
-- +goose StatementBegin
CREATE TRIGGER reach_calls_registration_update AFTER UPDATE OF call_id, status ON registrations
WHEN OLD.call_id IS NOT NEW.call_id OR OLD.status IS NOT NEW.status BEGIN
    UPDATE reach_calls SET registered = registered - 1 WHERE call_id = OLD.call_id AND OLD.status = 'registered';
    INSERT INTO reach_calls (call_id, registered) SELECT NEW.call_id, 1 WHERE NEW.status = 'registered'
        ON CONFLICT (call_id) DO UPDATE SET registered = registered + 1;
END;
-- +goose StatementEnd
DELETE FROM reach_calls;
INSERT INTO reach_calls (call_id, registered, attended)
    SELECT c.id, (SELECT COUNT(*) FROM registrations r WHERE r.call_id = c.id AND r.status = 'registered'),
        (SELECT COUNT(*) FROM attendance a WHERE a.call_id = c.id)
    FROM calls c WHERE true;

-- +goose Down
SELECT 1;
