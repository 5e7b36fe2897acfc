-- +goose Up
CREATE TABLE minutes (
    call_id       INTEGER PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    summary       TEXT NOT NULL DEFAULT '',
    note_taker_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE minutes_notes (
    agenda_item_id INTEGER PRIMARY KEY REFERENCES agenda_items (id) ON DELETE CASCADE,
    call_id        INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    body           TEXT NOT NULL
);
CREATE INDEX minutes_notes_call ON minutes_notes (call_id);

CREATE TABLE action_items (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    call_id      INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    what         TEXT NOT NULL,
    owner_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    owner_name   TEXT NOT NULL DEFAULT '',
    due_on       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('open', 'done')),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX action_items_community ON action_items (community_id, status);
CREATE INDEX action_items_call ON action_items (call_id);

-- +goose Down
DROP TABLE action_items;
DROP TABLE minutes_notes;
DROP TABLE minutes;
