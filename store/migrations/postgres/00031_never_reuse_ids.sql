-- +goose Up
-- PostgreSQL's identity sequences never hand out an id twice; on SQLite this version rebuilds the
-- tables whose ids leave the database with AUTOINCREMENT (store/reuse.go).
SELECT 1;

-- +goose Down
SELECT 1;
