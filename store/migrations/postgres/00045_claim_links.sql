-- +goose Up
-- Emailed links gain a purpose: inviting a guest to claim their attendance.
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_purpose_check;
ALTER TABLE auth_tokens ADD CONSTRAINT auth_tokens_purpose_check CHECK (purpose IN ('signin', 'signup', 'register', 'claim'));

-- +goose Down
DELETE FROM auth_tokens WHERE purpose = 'claim';
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_purpose_check;
ALTER TABLE auth_tokens ADD CONSTRAINT auth_tokens_purpose_check CHECK (purpose IN ('signin', 'signup', 'register'));
