-- +goose Up
-- Edited by hand: the entries booked before the column existed get their ticket's number
-- before the statement index is built again.
-- drop index "timeentry_contract_id_work_date_statement" from table: "time_entries"
DROP INDEX "timeentry_contract_id_work_date_statement";
-- modify "time_entries" table
ALTER TABLE "time_entries" ADD COLUMN "ticket_number" character varying NOT NULL DEFAULT '';
UPDATE "time_entries" e SET "ticket_number" = t."number" FROM "tickets" t WHERE t."id" = e."ticket_id";
-- create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
CREATE INDEX "timeentry_contract_id_work_date_statement" ON "time_entries" ("contract_id", "work_date") INCLUDE ("ticket_id", "ticket_number", "level", "rate_cents", "minutes", "billable_minutes", "id");

-- +goose Down
-- reverse: create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
DROP INDEX "timeentry_contract_id_work_date_statement";
-- reverse: modify "time_entries" table
ALTER TABLE "time_entries" DROP COLUMN "ticket_number";
-- reverse: drop index "timeentry_contract_id_work_date_statement" from table: "time_entries"
CREATE INDEX "timeentry_contract_id_work_date_statement" ON "time_entries" ("contract_id", "work_date") INCLUDE ("ticket_id", "level", "rate_cents", "minutes", "billable_minutes", "id");
