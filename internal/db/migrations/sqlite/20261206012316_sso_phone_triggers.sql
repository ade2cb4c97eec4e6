-- Hand-written: recreates the full-text triggers of tickets, which the table rebuild of
-- sso_phone (the column outside_phone_hours) dropped (see search_fts).
-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS tickets_fts_ai AFTER INSERT ON tickets BEGIN
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'T', new.title, coalesce(new.description, '') || ' ' || coalesce(new.findings, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS tickets_fts_au AFTER UPDATE OF title, description, findings ON tickets BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
  INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, 'T', new.title, coalesce(new.description, '') || ' ' || coalesce(new.findings, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS tickets_fts_ad AFTER DELETE ON tickets BEGIN
  DELETE FROM search_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
SELECT 1;
