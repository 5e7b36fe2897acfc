-- +goose Up
-- Search (issue 18). search_documents holds one row per thing that can be found, with its text as
-- Go made it into terms (package search: folded, stemmed in English and French); the engine
-- matches the terms. Triggers on the tables searched mark what changed in search_dirty, whatever
-- wrote it (any instance, the command line, a job); the job worker, and a search before it runs,
-- bring those documents up to date. Everything that exists is marked once here. A profile is one
-- document per community its person belongs to, found by members only when the person shows it to
-- members only (audience), and never when they show it to nobody. (SQLite's triggers
-- test for a mark rather than ignore a conflict: an outer upsert's policy would override theirs.)
CREATE TABLE search_documents (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    ref_id       INTEGER NOT NULL,
    link         TEXT NOT NULL,
    title        TEXT NOT NULL,
    titles       TEXT NOT NULL DEFAULT '{}',
    body         TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    jurisdiction TEXT NOT NULL DEFAULT '',
    sector       TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL DEFAULT 'public' CHECK (audience IN ('public', 'members')),
    terms        TEXT NOT NULL,
    UNIQUE (kind, ref_id, community_id)
);
CREATE INDEX search_documents_community ON search_documents (community_id, kind, at);

CREATE TABLE search_dirty (
    kind   TEXT NOT NULL,
    ref_id INTEGER NOT NULL,
    PRIMARY KEY (kind, ref_id)
);

CREATE VIRTUAL TABLE search_fts USING fts5 (terms, content = 'search_documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2');
-- +goose StatementBegin
CREATE TRIGGER search_documents_insert AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts (rowid, terms) VALUES (NEW.id, NEW.terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, terms) VALUES ('delete', OLD.id, OLD.terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_documents_update AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, terms) VALUES ('delete', OLD.id, OLD.terms);
    INSERT INTO search_fts (rowid, terms) VALUES (NEW.id, NEW.terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_calls_insert AFTER INSERT ON calls BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'call', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'call' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_calls_update AFTER UPDATE ON calls BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'call', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'call' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_calls_delete AFTER DELETE ON calls BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'call', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'call' AND ref_id = OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_agenda_items_insert AFTER INSERT ON agenda_items BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'call', NEW.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'call' AND ref_id = NEW.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_agenda_items_update AFTER UPDATE ON agenda_items BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'call', NEW.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'call' AND ref_id = NEW.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_agenda_items_delete AFTER DELETE ON agenda_items BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'call', OLD.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'call' AND ref_id = OLD.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_minutes_insert AFTER INSERT ON minutes BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'minutes', NEW.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'minutes' AND ref_id = NEW.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_minutes_update AFTER UPDATE ON minutes BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'minutes', NEW.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'minutes' AND ref_id = NEW.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_minutes_delete AFTER DELETE ON minutes BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'minutes', OLD.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'minutes' AND ref_id = OLD.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_minutes_notes_insert AFTER INSERT ON minutes_notes BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'minutes', NEW.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'minutes' AND ref_id = NEW.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_minutes_notes_update AFTER UPDATE ON minutes_notes BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'minutes', NEW.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'minutes' AND ref_id = NEW.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_minutes_notes_delete AFTER DELETE ON minutes_notes BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'minutes', OLD.call_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'minutes' AND ref_id = OLD.call_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiatives_insert AFTER INSERT ON initiatives BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'initiative', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'initiative' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiatives_update AFTER UPDATE ON initiatives BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'initiative', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'initiative' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiatives_delete AFTER DELETE ON initiatives BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'initiative', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'initiative' AND ref_id = OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiative_updates_insert AFTER INSERT ON initiative_updates BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'update', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'update' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiative_updates_update AFTER UPDATE ON initiative_updates BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'update', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'update' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiative_updates_delete AFTER DELETE ON initiative_updates BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'update', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'update' AND ref_id = OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiative_asks_insert AFTER INSERT ON initiative_asks BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'ask', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'ask' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiative_asks_update AFTER UPDATE ON initiative_asks BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'ask', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'ask' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_initiative_asks_delete AFTER DELETE ON initiative_asks BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'ask', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'ask' AND ref_id = OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_ideas_insert AFTER INSERT ON ideas BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'idea', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'idea' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_ideas_update AFTER UPDATE ON ideas BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'idea', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'idea' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_ideas_delete AFTER DELETE ON ideas BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'idea', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'idea' AND ref_id = OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_events_insert AFTER INSERT ON events BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'event', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'event' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_events_update AFTER UPDATE ON events BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'event', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'event' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_events_delete AFTER DELETE ON events BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'event', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'event' AND ref_id = OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_comments_insert AFTER INSERT ON comments BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'comment', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'comment' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_comments_update AFTER UPDATE ON comments BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'comment', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'comment' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_comments_delete AFTER DELETE ON comments BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'comment', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'comment' AND ref_id = OLD.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER search_mark_users_insert AFTER INSERT ON users BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_users_update AFTER UPDATE ON users BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_users_delete AFTER DELETE ON users BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_memberships_insert AFTER INSERT ON memberships BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', NEW.user_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_memberships_update AFTER UPDATE ON memberships BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', NEW.user_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_memberships_delete AFTER DELETE ON memberships BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', OLD.user_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = OLD.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_user_interests_insert AFTER INSERT ON user_interests BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', NEW.user_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_user_interests_update AFTER UPDATE ON user_interests BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', NEW.user_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_mark_user_interests_delete AFTER DELETE ON user_interests BEGIN
    INSERT INTO search_dirty (kind, ref_id) SELECT 'profile', OLD.user_id
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = 'profile' AND ref_id = OLD.user_id);
END;
-- +goose StatementEnd

INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'call', id FROM calls;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'minutes', call_id FROM minutes;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'initiative', id FROM initiatives;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'update', id FROM initiative_updates;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'ask', id FROM initiative_asks;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'idea', id FROM ideas;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'event', id FROM events;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'comment', id FROM comments;
INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'profile', id FROM users;

-- +goose Down
DROP TRIGGER search_mark_users_insert;
DROP TRIGGER search_mark_users_update;
DROP TRIGGER search_mark_users_delete;
DROP TRIGGER search_mark_memberships_insert;
DROP TRIGGER search_mark_memberships_update;
DROP TRIGGER search_mark_memberships_delete;
DROP TRIGGER search_mark_user_interests_insert;
DROP TRIGGER search_mark_user_interests_update;
DROP TRIGGER search_mark_user_interests_delete;
DROP TRIGGER search_mark_calls_insert;
DROP TRIGGER search_mark_calls_update;
DROP TRIGGER search_mark_calls_delete;
DROP TRIGGER search_mark_agenda_items_insert;
DROP TRIGGER search_mark_agenda_items_update;
DROP TRIGGER search_mark_agenda_items_delete;
DROP TRIGGER search_mark_minutes_insert;
DROP TRIGGER search_mark_minutes_update;
DROP TRIGGER search_mark_minutes_delete;
DROP TRIGGER search_mark_minutes_notes_insert;
DROP TRIGGER search_mark_minutes_notes_update;
DROP TRIGGER search_mark_minutes_notes_delete;
DROP TRIGGER search_mark_initiatives_insert;
DROP TRIGGER search_mark_initiatives_update;
DROP TRIGGER search_mark_initiatives_delete;
DROP TRIGGER search_mark_initiative_updates_insert;
DROP TRIGGER search_mark_initiative_updates_update;
DROP TRIGGER search_mark_initiative_updates_delete;
DROP TRIGGER search_mark_initiative_asks_insert;
DROP TRIGGER search_mark_initiative_asks_update;
DROP TRIGGER search_mark_initiative_asks_delete;
DROP TRIGGER search_mark_ideas_insert;
DROP TRIGGER search_mark_ideas_update;
DROP TRIGGER search_mark_ideas_delete;
DROP TRIGGER search_mark_events_insert;
DROP TRIGGER search_mark_events_update;
DROP TRIGGER search_mark_events_delete;
DROP TRIGGER search_mark_comments_insert;
DROP TRIGGER search_mark_comments_update;
DROP TRIGGER search_mark_comments_delete;
DROP TRIGGER search_documents_insert;
DROP TRIGGER search_documents_delete;
DROP TRIGGER search_documents_update;
DROP TABLE search_fts;
DROP TABLE search_dirty;
DROP TABLE search_documents;
