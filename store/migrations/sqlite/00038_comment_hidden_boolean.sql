-- +goose Up
-- Nothing to do on SQLite: its flags are all INTEGER 0/1. PostgreSQL's comments.hidden becomes
-- BOOLEAN like its other flags.
SELECT 1;

-- +goose Down
SELECT 1;
