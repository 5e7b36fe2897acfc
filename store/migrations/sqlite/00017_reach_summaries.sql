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
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_key    TEXT NOT NULL,
    user_id       INTEGER,
    guest_name    TEXT NOT NULL,
    first_in      TIMESTAMP,
    last_in       TIMESTAMP,
    calls         INTEGER NOT NULL,
    jurisdiction  TEXT NOT NULL,
    sector        TEXT NOT NULL,
    registrations INTEGER NOT NULL,
    came          INTEGER NOT NULL,
    reg_jurisdiction TEXT NOT NULL,
    reg_sector    TEXT NOT NULL,
    PRIMARY KEY (community_id, person_key)
) WITHOUT ROWID;

CREATE TABLE reach_season_people (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season_id     INTEGER NOT NULL,
    person_key    TEXT NOT NULL,
    user_id       INTEGER,
    guest_name    TEXT NOT NULL,
    first_in      TIMESTAMP,
    last_in       TIMESTAMP,
    calls         INTEGER NOT NULL,
    jurisdiction  TEXT NOT NULL,
    sector        TEXT NOT NULL,
    first_time    INTEGER NOT NULL,
    registrations INTEGER NOT NULL,
    came          INTEGER NOT NULL,
    reg_jurisdiction TEXT NOT NULL,
    reg_sector    TEXT NOT NULL,
    PRIMARY KEY (community_id, season_id, person_key)
) WITHOUT ROWID;
CREATE INDEX reach_season_people_person ON reach_season_people (community_id, person_key);

CREATE INDEX reach_people_user ON reach_people (user_id);

-- What a report shows, per season (-1: all time), kept up to date by each refresh from the rows it
-- replaces and the rows it writes: attendees by the jurisdiction and sector their attendance
-- recorded, with first-timers and those of them who came back; registered members by their
-- profile's, with their registrations and how many they came to; and how many people's first call
-- of the season was at each moment.
CREATE TABLE reach_cells (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season_id     INTEGER NOT NULL,
    jurisdiction  TEXT NOT NULL,
    sector        TEXT NOT NULL,
    attended      INTEGER NOT NULL,
    first_time    INTEGER NOT NULL,
    retained      INTEGER NOT NULL,
    registered    INTEGER NOT NULL,
    registrations INTEGER NOT NULL,
    came          INTEGER NOT NULL,
    PRIMARY KEY (community_id, season_id, jurisdiction, sector)
) WITHOUT ROWID;

CREATE TABLE reach_firsts (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season_id    INTEGER NOT NULL,
    first_in     TIMESTAMP NOT NULL,
    people       INTEGER NOT NULL,
    PRIMARY KEY (community_id, season_id, first_in)
) WITHOUT ROWID;

-- Each call's registrations kept and attendance records, counted as they are written.
CREATE TABLE reach_calls (
    call_id    INTEGER PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    registered INTEGER NOT NULL DEFAULT 0,
    attended   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE reach_stale (
    community_id INTEGER NOT NULL,
    person_key   TEXT NOT NULL,
    user_id      INTEGER
);
-- Covering, so a refresh claims the first people in index order without sorting every mark.
CREATE INDEX reach_stale_person ON reach_stale (community_id, person_key, user_id);

CREATE TABLE reach_refresh (
    community_id INTEGER NOT NULL,
    person_key   TEXT NOT NULL,
    user_id      INTEGER,
    PRIMARY KEY (community_id, person_key)
) WITHOUT ROWID;

-- +goose StatementBegin
CREATE TRIGGER reach_attendance_insert AFTER INSERT ON attendance BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) VALUES (NEW.community_id, NEW.person_key, NEW.user_id);
    INSERT INTO reach_calls (call_id, attended) VALUES (NEW.call_id, 1)
        ON CONFLICT (call_id) DO UPDATE SET attended = attended + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_attendance_delete AFTER DELETE ON attendance BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id) VALUES (OLD.community_id, OLD.person_key, OLD.user_id);
    UPDATE reach_calls SET attended = attended - 1 WHERE call_id = OLD.call_id;
END;
-- +goose StatementEnd
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
-- +goose StatementBegin
CREATE TRIGGER reach_registration_insert AFTER INSERT ON registrations WHEN NEW.user_id IS NOT NULL BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, 'u:' || NEW.user_id, NEW.user_id FROM calls WHERE id = NEW.call_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_registration_delete AFTER DELETE ON registrations WHEN OLD.user_id IS NOT NULL BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, 'u:' || OLD.user_id, OLD.user_id FROM calls WHERE id = OLD.call_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_registration_update AFTER UPDATE OF call_id, user_id, status ON registrations
WHEN OLD.call_id IS NOT NEW.call_id OR OLD.user_id IS NOT NEW.user_id OR OLD.status IS NOT NEW.status BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, 'u:' || OLD.user_id, OLD.user_id FROM calls WHERE id = OLD.call_id AND OLD.user_id IS NOT NULL;
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, 'u:' || NEW.user_id, NEW.user_id FROM calls WHERE id = NEW.call_id AND NEW.user_id IS NOT NULL;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_calls_registration_insert AFTER INSERT ON registrations WHEN NEW.status = 'registered' BEGIN
    INSERT INTO reach_calls (call_id, registered) VALUES (NEW.call_id, 1)
        ON CONFLICT (call_id) DO UPDATE SET registered = registered + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_calls_registration_delete AFTER DELETE ON registrations WHEN OLD.status = 'registered' BEGIN
    UPDATE reach_calls SET registered = registered - 1 WHERE call_id = OLD.call_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_calls_registration_update AFTER UPDATE OF call_id, status ON registrations
WHEN OLD.call_id IS NOT NEW.call_id OR OLD.status IS NOT NEW.status BEGIN
    UPDATE reach_calls SET registered = registered - 1 WHERE call_id = OLD.call_id AND OLD.status = 'registered';
    INSERT INTO reach_calls (call_id, registered) SELECT NEW.call_id, 1 WHERE NEW.status = 'registered'
        ON CONFLICT (call_id) DO UPDATE SET registered = registered + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_call_update AFTER UPDATE OF community_id, season_id, starts_at, status ON calls
WHEN OLD.community_id IS NOT NEW.community_id OR OLD.season_id IS NOT NEW.season_id OR OLD.starts_at IS NOT NEW.starts_at
    OR OLD.status IS NOT NEW.status BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, person_key, user_id FROM attendance WHERE call_id = NEW.id;
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT NEW.community_id, 'u:' || user_id, user_id FROM registrations WHERE call_id = NEW.id AND user_id IS NOT NULL;
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT OLD.community_id, 'u:' || user_id, user_id FROM registrations
        WHERE call_id = NEW.id AND user_id IS NOT NULL AND OLD.community_id IS NOT NEW.community_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_call_delete BEFORE DELETE ON calls BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, person_key, user_id FROM attendance WHERE call_id = OLD.id;
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT OLD.community_id, 'u:' || user_id, user_id FROM registrations WHERE call_id = OLD.id AND user_id IS NOT NULL;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reach_season_delete BEFORE DELETE ON seasons BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT a.community_id, a.person_key, a.user_id FROM calls c JOIN attendance a ON a.call_id = c.id WHERE c.season_id = OLD.id;
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT c.community_id, 'u:' || r.user_id, r.user_id FROM calls c JOIN registrations r ON r.call_id = c.id
        WHERE c.season_id = OLD.id AND r.user_id IS NOT NULL;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER reach_user_update AFTER UPDATE OF jurisdiction, sector ON users
WHEN OLD.jurisdiction IS NOT NEW.jurisdiction OR OLD.sector IS NOT NEW.sector BEGIN
    INSERT INTO reach_stale (community_id, person_key, user_id)
        SELECT community_id, person_key, user_id FROM reach_people WHERE user_id = NEW.id AND registrations > 0;
END;
-- +goose StatementEnd

-- Everyone already recorded is summarized by the first report; calls are counted now.
INSERT INTO reach_calls (call_id, registered, attended)
    SELECT c.id, (SELECT COUNT(*) FROM registrations r WHERE r.call_id = c.id AND r.status = 'registered'),
        (SELECT COUNT(*) FROM attendance a WHERE a.call_id = c.id)
    FROM calls c WHERE true;
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
DROP TRIGGER reach_user_update;
DROP TRIGGER reach_calls_registration_update;
DROP TRIGGER reach_calls_registration_delete;
DROP TRIGGER reach_calls_registration_insert;
DROP TRIGGER reach_season_delete;
DROP TRIGGER reach_call_delete;
DROP TRIGGER reach_call_update;
DROP TRIGGER reach_registration_update;
DROP TRIGGER reach_registration_delete;
DROP TRIGGER reach_registration_insert;
DROP TRIGGER reach_attendance_update;
DROP TRIGGER reach_attendance_delete;
DROP TRIGGER reach_attendance_insert;
DROP TABLE reach_refresh;
DROP TABLE reach_stale;
DROP TABLE reach_calls;
DROP TABLE reach_firsts;
DROP TABLE reach_cells;
DROP TABLE reach_season_people;
DROP TABLE reach_people;
