-- +goose Up
-- Whether a record is the person's first attended call in the community (the earliest call, ties
-- by call id): kept as attendance is recorded and removed, so reach reports tell first-timers from
-- returning people without looking back through each person's history.
ALTER TABLE attendance ADD COLUMN first_time INTEGER NOT NULL DEFAULT 0;
UPDATE attendance SET first_time = 1 WHERE id IN (
    SELECT id FROM (
        SELECT a.id, ROW_NUMBER() OVER (PARTITION BY a.community_id, a.person_key ORDER BY c.starts_at, a.call_id) AS n
        FROM attendance a JOIN calls c ON c.id = a.call_id) ranked
    WHERE n = 1);
-- A range's attendance read call by call, with all a report needs, from the index alone.
CREATE INDEX attendance_range ON attendance (community_id, call_id, person_key, jurisdiction, sector, first_time);

-- +goose Down
DROP INDEX attendance_range;
ALTER TABLE attendance DROP COLUMN first_time;
