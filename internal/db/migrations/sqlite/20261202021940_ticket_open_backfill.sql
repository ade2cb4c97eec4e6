-- Hand-written: fills the columns added by ticket_open_sla_next_check and recreates the
-- full-text triggers of tickets, which that migration's table rebuild dropped (see
-- search_fts). open mirrors the status (ent/schema Ticket hook); every open ticket with a
-- contract and a running SLA measure is checked by the evaluator once, which then stores its
-- real next moment.
-- +goose Up
UPDATE tickets SET open = false WHERE status IN ('RESOLVED', 'CLOSED', 'DUPLICATE', 'REJECTED', 'DECLINED');
UPDATE tickets SET sla_next_check_at = received_at
  WHERE open AND contract_id IS NOT NULL AND (sla_first_response_met IS NULL OR sla_resolution_met IS NULL);
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
UPDATE tickets SET sla_next_check_at = NULL;
