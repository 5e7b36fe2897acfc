-- +goose Up
-- Reach analytics group a range's attendance by person, with each person's jurisdiction and
-- sector: read in person order from a covering index, the grouping streams instead of sorting a
-- million rows. Registrations are read call by call with the member, and each member's
-- jurisdiction and sector by id: covering indexes keep those reads inside the indexes.
CREATE INDEX attendance_reach ON attendance (community_id, person_key, call_id, jurisdiction, sector);
CREATE INDEX registrations_reach ON registrations (call_id, status, user_id);
CREATE INDEX users_reach ON users (id, jurisdiction, sector);

-- +goose Down
DROP INDEX users_reach;
DROP INDEX registrations_reach;
DROP INDEX attendance_reach;
