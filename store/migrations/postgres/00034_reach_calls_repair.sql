-- +goose Up
-- Migration 00017 was edited after it first landed (reach_calls, its triggers, a covering index):
-- a database migrated before those edits never got them, since goose runs a version once. This
-- brings any database to what 00017 says now, and does nothing harmful to one that has it all.
CREATE TABLE IF NOT EXISTS reach_calls (
    call_id    BIGINT PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    registered INTEGER NOT NULL DEFAULT 0,
    attended   INTEGER NOT NULL DEFAULT 0
);
DROP INDEX IF EXISTS reach_stale_person;
CREATE INDEX reach_stale_person ON reach_stale (community_id, person_key, user_id);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reach_mark_new_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) SELECT DISTINCT community_id, person_key, user_id FROM new_rows;
    INSERT INTO reach_calls (call_id, attended) SELECT call_id, COUNT(*) FROM new_rows GROUP BY call_id
        ON CONFLICT (call_id) DO UPDATE SET attended = reach_calls.attended + excluded.attended;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reach_mark_old_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) SELECT DISTINCT community_id, person_key, user_id FROM old_rows;
    UPDATE reach_calls k SET attended = k.attended - d.n FROM (SELECT call_id, COUNT(*) AS n FROM old_rows GROUP BY call_id) d
        WHERE k.call_id = d.call_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reach_mark_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) VALUES (OLD.community_id, OLD.person_key, OLD.user_id),
        (NEW.community_id, NEW.person_key, NEW.user_id);
    IF OLD.call_id <> NEW.call_id THEN
        UPDATE reach_calls SET attended = attended - 1 WHERE call_id = OLD.call_id;
        INSERT INTO reach_calls (call_id, attended) VALUES (NEW.call_id, 1)
            ON CONFLICT (call_id) DO UPDATE SET attended = reach_calls.attended + 1;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reach_mark_new_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT DISTINCT c.community_id, 'u:' || r.user_id, r.user_id FROM new_rows r JOIN calls c ON c.id = r.call_id
        WHERE r.user_id IS NOT NULL;
    INSERT INTO reach_calls (call_id, registered) SELECT call_id, COUNT(*) FROM new_rows WHERE status = 'registered' GROUP BY call_id
        ON CONFLICT (call_id) DO UPDATE SET registered = reach_calls.registered + excluded.registered;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reach_mark_old_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT DISTINCT c.community_id, 'u:' || r.user_id, r.user_id FROM old_rows r JOIN calls c ON c.id = r.call_id
        WHERE r.user_id IS NOT NULL;
    UPDATE reach_calls k SET registered = k.registered - d.n
        FROM (SELECT call_id, COUNT(*) AS n FROM old_rows WHERE status = 'registered' GROUP BY call_id) d WHERE k.call_id = d.call_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reach_mark_registration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, 'u:' || OLD.user_id, OLD.user_id FROM calls WHERE id = OLD.call_id AND OLD.user_id IS NOT NULL
        UNION ALL
        SELECT community_id, 'u:' || NEW.user_id, NEW.user_id FROM calls WHERE id = NEW.call_id AND NEW.user_id IS NOT NULL;
    IF (OLD.call_id, OLD.status) IS DISTINCT FROM (NEW.call_id, NEW.status) THEN
        UPDATE reach_calls SET registered = registered - 1 WHERE call_id = OLD.call_id AND OLD.status = 'registered';
        IF NEW.status = 'registered' THEN
            INSERT INTO reach_calls (call_id, registered) VALUES (NEW.call_id, 1)
                ON CONFLICT (call_id) DO UPDATE SET registered = reach_calls.registered + 1;
        END IF;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
DELETE FROM reach_calls;
INSERT INTO reach_calls (call_id, registered, attended)
    SELECT c.id, (SELECT COUNT(*) FROM registrations r WHERE r.call_id = c.id AND r.status = 'registered'),
        (SELECT COUNT(*) FROM attendance a WHERE a.call_id = c.id)
    FROM calls c;

-- +goose Down
SELECT 1;
