-- +goose Up
-- Background work (invitations, updates, reminders, announcements) as rows: claimed with a lease,
-- retried with backoff, made idempotent by an optional unique key.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    unique_key   TEXT UNIQUE,
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 12,
    locked_until TIMESTAMP,
    done_at      TIMESTAMP,
    failed_at    TIMESTAMP,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs (done_at, failed_at, run_at);

-- The last SEQUENCE mailed to a person for a call, so each mail to them is newer than the last.
ALTER TABLE registrations ADD COLUMN ical_sequence INTEGER NOT NULL DEFAULT -1;
-- Minutes before each call that reminders go out, comma-separated; empty for none.
ALTER TABLE series ADD COLUMN reminders TEXT NOT NULL DEFAULT '1440,60';
ALTER TABLE users ADD COLUMN reminders_off INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN reminders_off;
ALTER TABLE series DROP COLUMN reminders;
ALTER TABLE registrations DROP COLUMN ical_sequence;
DROP TABLE jobs;
