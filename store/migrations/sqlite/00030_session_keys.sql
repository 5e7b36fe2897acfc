-- +goose Up
-- Each account carries a random key that its sessions must present; changing it ends them all, and
-- a new account never inherits a deleted one's sessions. Everyone signs in again once.
ALTER TABLE users ADD COLUMN session_key TEXT NOT NULL DEFAULT '';
UPDATE users SET session_key = lower(hex(randomblob(16)));

-- +goose Down
ALTER TABLE users DROP COLUMN session_key;
