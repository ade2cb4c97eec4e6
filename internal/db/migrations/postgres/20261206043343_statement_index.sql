-- +goose Up
-- Edited by hand: IF NOT EXISTS, because the two indexes were first created by hand (CREATE INDEX
-- CONCURRENTLY) on the shared bench database supportdesk_bench_l, to measure them there.
-- create index "ticket_id_number" to table: "tickets"
CREATE INDEX IF NOT EXISTS "ticket_id_number" ON "tickets" ("id") INCLUDE ("number");
-- drop index "timeentry_contract_id_work_date" from table: "time_entries"
DROP INDEX "timeentry_contract_id_work_date";
-- create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
CREATE INDEX IF NOT EXISTS "timeentry_contract_id_work_date_statement" ON "time_entries" ("contract_id", "work_date") INCLUDE ("ticket_id", "level", "rate_cents", "minutes", "billable_minutes", "id");

-- +goose Down
-- reverse: create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
DROP INDEX "timeentry_contract_id_work_date_statement";
-- reverse: drop index "timeentry_contract_id_work_date" from table: "time_entries"
CREATE INDEX "timeentry_contract_id_work_date" ON "time_entries" ("contract_id", "work_date");
-- reverse: create index "ticket_id_number" to table: "tickets"
DROP INDEX "ticket_id_number";
