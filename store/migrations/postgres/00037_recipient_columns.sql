-- +goose Up
-- Who a mail is to and whom a job is about, as columns: a person's mail and pending work are found
-- (for their data export, or to erase them) by an indexed equality, not by searching JSON text.
ALTER TABLE outbox ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
UPDATE outbox SET recipient = lower(COALESCE(message::jsonb ->> 'to', ''));
CREATE INDEX outbox_recipient ON outbox (recipient);
ALTER TABLE jobs ADD COLUMN user_id BIGINT;
UPDATE jobs SET user_id = (payload::jsonb ->> 'user_id')::bigint
    WHERE payload::jsonb ? 'user_id' AND (payload::jsonb ->> 'user_id')::bigint > 0;
CREATE INDEX jobs_user ON jobs (user_id) WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX jobs_user;
ALTER TABLE jobs DROP COLUMN user_id;
DROP INDEX outbox_recipient;
ALTER TABLE outbox DROP COLUMN recipient;
