-- Hand-written: fills the columns added by ticket_open_sla_next_check. open mirrors the status
-- (ent/schema Ticket hook); every open ticket with a contract and a running SLA measure is
-- checked by the evaluator once, which then stores its real next moment.
-- +goose Up
UPDATE tickets SET open = false WHERE status IN ('RESOLVED', 'CLOSED', 'DUPLICATE', 'REJECTED', 'DECLINED');
UPDATE tickets SET sla_next_check_at = received_at
  WHERE open AND contract_id IS NOT NULL AND (sla_first_response_met IS NULL OR sla_resolution_met IS NULL);

-- +goose Down
UPDATE tickets SET sla_next_check_at = NULL;
