-- +goose Up
-- When an initiative was marked done or stopped: the timeline's "finished" moment, kept apart from
-- updated_at so a later edit does not move it.
ALTER TABLE initiatives ADD COLUMN finished_at TIMESTAMPTZ;
UPDATE initiatives SET finished_at = updated_at WHERE status IN ('done', 'stopped');
CREATE INDEX initiatives_started ON initiatives (community_id, created_at);
CREATE INDEX initiatives_finished ON initiatives (community_id, finished_at) WHERE finished_at IS NOT NULL;
-- The news feed reads the newest updates, asks and minutes of a community.
CREATE INDEX initiative_updates_created ON initiative_updates (created_at);
CREATE INDEX initiative_asks_created ON initiative_asks (created_at);
CREATE INDEX minutes_updated ON minutes (updated_at);

-- +goose Down
DROP INDEX minutes_updated;
DROP INDEX initiative_asks_created;
DROP INDEX initiative_updates_created;
DROP INDEX initiatives_finished;
DROP INDEX initiatives_started;
ALTER TABLE initiatives DROP COLUMN finished_at;
