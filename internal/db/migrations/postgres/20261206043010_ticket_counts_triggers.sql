-- Hand-written: Ent and Atlas do not model triggers. The open-ticket counters of the queue's
-- totalCount (ent/schema TicketCount): every insert, delete, or change of an open ticket's
-- counted columns appends delta rows (-1 for the old combination, +1 for the new), so writers
-- never wait on a shared counter row; internal/opencount folds them. Fires on COPY too.
-- The counters start from the open tickets already there.
-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION ticket_counts_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.open THEN
    INSERT INTO ticket_counts (customer_id, priority, level, status, type, assigned, vendor_involved, n)
    VALUES (OLD.customer_id, OLD.priority, OLD.level, OLD.status, OLD.type, OLD.assignee_id IS NOT NULL, OLD.vendor_involved, -1);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.open THEN
    INSERT INTO ticket_counts (customer_id, priority, level, status, type, assigned, vendor_involved, n)
    VALUES (NEW.customer_id, NEW.priority, NEW.level, NEW.status, NEW.type, NEW.assignee_id IS NOT NULL, NEW.vendor_involved, 1);
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets FOR EACH ROW WHEN (NEW.open) EXECUTE FUNCTION ticket_counts_delta();
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets FOR EACH ROW WHEN (OLD.open) EXECUTE FUNCTION ticket_counts_delta();
CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets FOR EACH ROW
  WHEN ((OLD.open OR NEW.open) AND (OLD.open, OLD.customer_id, OLD.priority, OLD.level, OLD.status, OLD.type, OLD.assignee_id IS NULL, OLD.vendor_involved)
    IS DISTINCT FROM (NEW.open, NEW.customer_id, NEW.priority, NEW.level, NEW.status, NEW.type, NEW.assignee_id IS NULL, NEW.vendor_involved))
  EXECUTE FUNCTION ticket_counts_delta();
INSERT INTO ticket_counts (customer_id, priority, level, status, type, assigned, vendor_involved, n, delta)
SELECT customer_id, priority, level, status, type, assignee_id IS NOT NULL, vendor_involved, count(*), false
FROM tickets WHERE open GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- +goose Down
DROP TRIGGER ticket_counts_update ON tickets;
DROP TRIGGER ticket_counts_delete ON tickets;
DROP TRIGGER ticket_counts_insert ON tickets;
DROP FUNCTION ticket_counts_delta();
DELETE FROM ticket_counts;
