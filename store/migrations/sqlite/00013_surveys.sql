-- +goose Up
CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    call_id      INTEGER REFERENCES calls (id) ON DELETE SET NULL,
    season_id    INTEGER REFERENCES seasons (id) ON DELETE SET NULL,
    title_en     TEXT NOT NULL DEFAULT '',
    title_fr     TEXT NOT NULL DEFAULT '',
    intro_en     TEXT NOT NULL DEFAULT '',
    intro_fr     TEXT NOT NULL DEFAULT '',
    anonymous    INTEGER NOT NULL DEFAULT 0,
    token        TEXT UNIQUE,
    closes_at    TIMESTAMP,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CHECK (call_id IS NULL OR season_id IS NULL)
);
CREATE INDEX surveys_community ON surveys (community_id, created_at);

CREATE TABLE survey_questions (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('rating', 'single', 'multiple', 'yesno', 'text')),
    required  INTEGER NOT NULL DEFAULT 0,
    text_en   TEXT NOT NULL DEFAULT '',
    text_fr   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_questions_survey ON survey_questions (survey_id, position);

CREATE TABLE survey_choices (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label_en    TEXT NOT NULL DEFAULT '',
    label_fr    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_choices_question ON survey_choices (question_id, position);

-- An anonymous response keeps no person (person_id NULL), no address and no exact time.
CREATE TABLE survey_responses (
    id         INTEGER PRIMARY KEY,
    survey_id  INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    person_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (survey_id, person_id)
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, created_at);

-- One row per picked choice, rating (value 1–5), yes/no (value 1/0) or text.
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice_id   INTEGER REFERENCES survey_choices (id) ON DELETE CASCADE,
    value       INTEGER,
    text        TEXT
);
CREATE INDEX survey_answers_response ON survey_answers (response_id);
CREATE INDEX survey_answers_question ON survey_answers (question_id, choice_id, value);

-- +goose Down
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_choices;
DROP TABLE survey_questions;
DROP TABLE surveys;
