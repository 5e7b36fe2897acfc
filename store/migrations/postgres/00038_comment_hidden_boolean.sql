-- +goose Up
-- comments.hidden was the one flag stored as INTEGER on PostgreSQL; every other flag is BOOLEAN.
ALTER TABLE comments ALTER COLUMN hidden DROP DEFAULT;
ALTER TABLE comments ALTER COLUMN hidden TYPE BOOLEAN USING hidden <> 0;
ALTER TABLE comments ALTER COLUMN hidden SET DEFAULT FALSE;

-- +goose Down
ALTER TABLE comments ALTER COLUMN hidden DROP DEFAULT;
ALTER TABLE comments ALTER COLUMN hidden TYPE INTEGER USING CASE WHEN hidden THEN 1 ELSE 0 END;
ALTER TABLE comments ALTER COLUMN hidden SET DEFAULT 0;
