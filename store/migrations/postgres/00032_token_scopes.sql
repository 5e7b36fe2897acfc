-- +goose Up
-- What a token may do, chosen when it is made: "read", "register" (act as a member), "organize".
-- Tokens made before could do everything through the API, so they keep every scope.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read register organize';

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN scopes;
