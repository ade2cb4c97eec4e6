-- Full-text index for the similarity search and the knowledge-base search (SQLite FTS5).
-- Hand-written: Ent and Atlas do not model virtual tables or triggers. The rowid is the
-- entity's global id; kind is T (ticket), K (task) or A (article). Triggers keep it in step
-- with every write. An Atlas table rebuild of tickets, tasks or knowledge_articles drops their
-- triggers: TestSearchTriggers fails then, and they must be created again in that migration.
-- +goose Up
CREATE VIRTUAL TABLE search_fts USING fts5(kind UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO search_fts(rowid, kind, title, body) SELECT id, 'T', title, coalesce(description, '') || ' ' || coalesce(findings, '') FROM tickets;
INSERT INTO search_fts(rowid, kind, title, body) SELECT id, 'K', title, coalesce(description, '') || ' ' || coalesce(findings, '') FROM tasks;
INSERT INTO search_fts(rowid, kind, title, body) SELECT id, 'A', title, coalesce(body, '') FROM knowledge_articles;
-- +goose StatementBegin
CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'T', new.title, coalesce(new.description, '') || ' ' || coalesce(new.findings, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_fts_au AFTER UPDATE OF title, description, findings ON tickets BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'T', new.title, coalesce(new.description, '') || ' ' || coalesce(new.findings, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tasks_fts_ai AFTER INSERT ON tasks BEGIN
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'K', new.title, coalesce(new.description, '') || ' ' || coalesce(new.findings, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tasks_fts_au AFTER UPDATE OF title, description, findings ON tasks BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'K', new.title, coalesce(new.description, '') || ' ' || coalesce(new.findings, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tasks_fts_ad AFTER DELETE ON tasks BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER knowledge_articles_fts_ai AFTER INSERT ON knowledge_articles BEGIN
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'A', new.title, coalesce(new.body, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER knowledge_articles_fts_au AFTER UPDATE OF title, body ON knowledge_articles BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'A', new.title, coalesce(new.body, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER knowledge_articles_fts_ad AFTER DELETE ON knowledge_articles BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER knowledge_articles_fts_ad;
DROP TRIGGER knowledge_articles_fts_au;
DROP TRIGGER knowledge_articles_fts_ai;
DROP TRIGGER tasks_fts_ad;
DROP TRIGGER tasks_fts_au;
DROP TRIGGER tasks_fts_ai;
DROP TRIGGER tickets_fts_ad;
DROP TRIGGER tickets_fts_au;
DROP TRIGGER tickets_fts_ai;
DROP TABLE search_fts;
