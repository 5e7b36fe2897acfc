-- +goose Up
-- Reach reports read a summary per person rather than a million attendance records: for each
-- person who came to or registered for a held call of a community, per season (reach_season_people;
-- season 0 holds calls outside any season) and over all time (reach_people): their first and last
-- call, how many they came to, their jurisdiction and sector as recorded (the greatest, should their
-- profile have changed), whether the season holds their first call ever, and how many registrations
-- they kept and came to (and under which jurisdiction and sector their profile counts those).
-- Triggers mark a person stale (reach_stale) whenever anything their summary is made of changes,
-- whichever code path changes it; a report first recomputes the stale people's rows (reach_refresh
-- holds them while it does) and the figures they count in, so nothing is out of date when read.
CREATE TABLE reach_people (
    community_id  BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_key    TEXT NOT NULL,
    user_id       BIGINT,
    guest_name    TEXT NOT NULL,
    first_in      TIMESTAMPTZ,
    last_in       TIMESTAMPTZ,
    calls         INTEGER NOT NULL,
    jurisdiction  TEXT NOT NULL,
    sector        TEXT NOT NULL,
    registrations INTEGER NOT NULL,
    came          INTEGER NOT NULL,
    reg_jurisdiction TEXT NOT NULL,
    reg_sector    TEXT NOT NULL,
    PRIMARY KEY (community_id, person_key)
);

CREATE TABLE reach_season_people (
    community_id  BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season_id     BIGINT NOT NULL,
    person_key    TEXT NOT NULL,
    user_id       BIGINT,
    guest_name    TEXT NOT NULL,
    first_in      TIMESTAMPTZ,
    last_in       TIMESTAMPTZ,
    calls         INTEGER NOT NULL,
    jurisdiction  TEXT NOT NULL,
    sector        TEXT NOT NULL,
    first_time    INTEGER NOT NULL,
    registrations INTEGER NOT NULL,
    came          INTEGER NOT NULL,
    reg_jurisdiction TEXT NOT NULL,
    reg_sector    TEXT NOT NULL,
    PRIMARY KEY (community_id, season_id, person_key)
);
CREATE INDEX reach_season_people_person ON reach_season_people (community_id, person_key);

CREATE INDEX reach_people_user ON reach_people (user_id);

-- What a report shows, per season (-1: all time), kept up to date by each refresh from the rows it
-- replaces and the rows it writes: attendees by the jurisdiction and sector their attendance
-- recorded, with first-timers and those of them who came back; registered members by their
-- profile's, with their registrations and how many they came to; and how many people's first call
-- of the season was at each moment.
CREATE TABLE reach_cells (
    community_id  BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season_id     BIGINT NOT NULL,
    jurisdiction  TEXT NOT NULL,
    sector        TEXT NOT NULL,
    attended      INTEGER NOT NULL,
    first_time    INTEGER NOT NULL,
    retained      INTEGER NOT NULL,
    registered    INTEGER NOT NULL,
    registrations INTEGER NOT NULL,
    came          INTEGER NOT NULL,
    PRIMARY KEY (community_id, season_id, jurisdiction, sector)
);

CREATE TABLE reach_firsts (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season_id    BIGINT NOT NULL,
    first_in     TIMESTAMPTZ NOT NULL,
    people       INTEGER NOT NULL,
    PRIMARY KEY (community_id, season_id, first_in)
);

-- Each call's registrations kept and attendance records, counted as they are written.
CREATE TABLE reach_calls (
    call_id    BIGINT PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    registered INTEGER NOT NULL DEFAULT 0,
    attended   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE reach_stale (
    community_id BIGINT NOT NULL,
    person_key   TEXT NOT NULL,
    user_id      BIGINT
);
-- Covering, so a refresh claims the first people in index order without sorting every mark.
CREATE INDEX reach_stale_person ON reach_stale (community_id, person_key, user_id);

CREATE TABLE reach_refresh (
    community_id BIGINT NOT NULL,
    person_key   TEXT NOT NULL,
    user_id      BIGINT,
    PRIMARY KEY (community_id, person_key)
);

-- Inserts and deletes mark once per statement (a report's import is one statement per batch);
-- updates mark row by row, only when something a summary is made of changed.
-- +goose StatementBegin
CREATE FUNCTION reach_mark_new_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) SELECT DISTINCT community_id, person_key, user_id FROM new_rows;
    INSERT INTO reach_calls (call_id, attended) SELECT call_id, COUNT(*) FROM new_rows GROUP BY call_id
        ON CONFLICT (call_id) DO UPDATE SET attended = reach_calls.attended + excluded.attended;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION reach_mark_old_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) SELECT DISTINCT community_id, person_key, user_id FROM old_rows;
    UPDATE reach_calls k SET attended = k.attended - d.n FROM (SELECT call_id, COUNT(*) AS n FROM old_rows GROUP BY call_id) d
        WHERE k.call_id = d.call_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION reach_mark_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER reach_attendance_insert AFTER INSERT ON attendance REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_new_attendance();
CREATE TRIGGER reach_attendance_delete AFTER DELETE ON attendance REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_old_attendance();
CREATE TRIGGER reach_attendance_update AFTER UPDATE ON attendance FOR EACH ROW
    WHEN ((OLD.community_id, OLD.call_id, OLD.person_key, OLD.user_id, OLD.guest_name, OLD.jurisdiction, OLD.sector)
        IS DISTINCT FROM (NEW.community_id, NEW.call_id, NEW.person_key, NEW.user_id, NEW.guest_name, NEW.jurisdiction, NEW.sector))
    EXECUTE FUNCTION reach_mark_attendance();

-- +goose StatementBegin
CREATE FUNCTION reach_mark_new_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE FUNCTION reach_mark_old_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE FUNCTION reach_mark_registration() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER reach_registration_insert AFTER INSERT ON registrations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_new_registrations();
CREATE TRIGGER reach_registration_delete AFTER DELETE ON registrations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_old_registrations();
CREATE TRIGGER reach_registration_update AFTER UPDATE ON registrations FOR EACH ROW
    WHEN ((OLD.call_id, OLD.user_id, OLD.status) IS DISTINCT FROM (NEW.call_id, NEW.user_id, NEW.status))
    EXECUTE FUNCTION reach_mark_registration();

-- A call that moves, changes season, is cancelled or deleted, and a season deleted, mark everyone
-- who came to or registered for its calls.
-- +goose StatementBegin
CREATE FUNCTION reach_mark_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, person_key, user_id FROM attendance WHERE call_id = OLD.id
        UNION ALL
        SELECT c.community_id, 'u:' || r.user_id, r.user_id FROM registrations r
            CROSS JOIN (SELECT OLD.community_id UNION SELECT NEW.community_id) c (community_id)
        WHERE r.call_id = OLD.id AND r.user_id IS NOT NULL AND c.community_id IS NOT NULL;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER reach_call_update AFTER UPDATE ON calls FOR EACH ROW
    WHEN ((OLD.community_id, OLD.season_id, OLD.starts_at, OLD.status)
        IS DISTINCT FROM (NEW.community_id, NEW.season_id, NEW.starts_at, NEW.status))
    EXECUTE FUNCTION reach_mark_call();
CREATE TRIGGER reach_call_delete BEFORE DELETE ON calls FOR EACH ROW EXECUTE FUNCTION reach_mark_call();
-- +goose StatementBegin
CREATE FUNCTION reach_mark_season() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT a.community_id, a.person_key, a.user_id FROM calls c JOIN attendance a ON a.call_id = c.id WHERE c.season_id = OLD.id
        UNION ALL
        SELECT c.community_id, 'u:' || r.user_id, r.user_id FROM calls c JOIN registrations r ON r.call_id = c.id
        WHERE c.season_id = OLD.id AND r.user_id IS NOT NULL;
    RETURN OLD;
END $$;
-- +goose StatementEnd
CREATE TRIGGER reach_season_delete BEFORE DELETE ON seasons FOR EACH ROW EXECUTE FUNCTION reach_mark_season();

-- A member's registrations count under their profile's jurisdiction and sector.
-- +goose StatementBegin
CREATE FUNCTION reach_mark_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, person_key, user_id FROM reach_people WHERE user_id = NEW.id AND registrations > 0;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER reach_user_update AFTER UPDATE ON users FOR EACH ROW
    WHEN ((OLD.jurisdiction, OLD.sector) IS DISTINCT FROM (NEW.jurisdiction, NEW.sector))
    EXECUTE FUNCTION reach_mark_user();

-- Everyone already recorded is summarized by the first report; calls are counted now.
INSERT INTO reach_calls (call_id, registered, attended)
    SELECT c.id, (SELECT COUNT(*) FROM registrations r WHERE r.call_id = c.id AND r.status = 'registered'),
        (SELECT COUNT(*) FROM attendance a WHERE a.call_id = c.id)
    FROM calls c;
INSERT INTO reach_stale (community_id, person_key, user_id)
    SELECT community_id, person_key, MAX(user_id) FROM attendance GROUP BY community_id, person_key;
INSERT INTO reach_stale (community_id, person_key, user_id)
    SELECT DISTINCT c.community_id, 'u:' || r.user_id, r.user_id FROM registrations r JOIN calls c ON c.id = r.call_id
    WHERE r.user_id IS NOT NULL;

-- Whether a record was its person's first call is now read from the summaries, which every change
-- keeps right; the mark on each record is no longer kept.
DROP INDEX attendance_range;
ALTER TABLE attendance DROP COLUMN first_time;
CREATE INDEX attendance_range ON attendance (community_id, call_id, person_key, jurisdiction, sector);

-- +goose Down
DROP INDEX attendance_range;
ALTER TABLE attendance ADD COLUMN first_time INTEGER NOT NULL DEFAULT 0;
UPDATE attendance SET first_time = 1 WHERE id IN (
    SELECT id FROM (
        SELECT a.id, ROW_NUMBER() OVER (PARTITION BY a.community_id, a.person_key ORDER BY c.starts_at, a.call_id) AS n
        FROM attendance a JOIN calls c ON c.id = a.call_id) ranked
    WHERE n = 1);
CREATE INDEX attendance_range ON attendance (community_id, call_id, person_key, jurisdiction, sector, first_time);
DROP TRIGGER reach_user_update ON users;
DROP TRIGGER reach_season_delete ON seasons;
DROP TRIGGER reach_call_delete ON calls;
DROP TRIGGER reach_call_update ON calls;
DROP TRIGGER reach_registration_update ON registrations;
DROP TRIGGER reach_registration_delete ON registrations;
DROP TRIGGER reach_registration_insert ON registrations;
DROP TRIGGER reach_attendance_update ON attendance;
DROP TRIGGER reach_attendance_delete ON attendance;
DROP TRIGGER reach_attendance_insert ON attendance;
DROP FUNCTION reach_mark_user, reach_mark_season, reach_mark_call, reach_mark_registration, reach_mark_old_registrations,
    reach_mark_new_registrations, reach_mark_attendance, reach_mark_old_attendance, reach_mark_new_attendance;
DROP TABLE reach_refresh;
DROP TABLE reach_stale;
DROP TABLE reach_calls;
DROP TABLE reach_firsts;
DROP TABLE reach_cells;
DROP TABLE reach_season_people;
DROP TABLE reach_people;
