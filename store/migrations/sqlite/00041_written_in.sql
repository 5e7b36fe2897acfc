-- +goose Up
-- Minutes and survey answers keep the language their author wrote them in ('' for those written
-- before), like comments, updates, asks and topics (00039).
ALTER TABLE minutes ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_responses ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE minutes DROP COLUMN lang;
ALTER TABLE survey_responses DROP COLUMN lang;
