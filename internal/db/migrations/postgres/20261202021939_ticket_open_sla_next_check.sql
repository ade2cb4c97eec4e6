-- +goose Up
-- drop index "ticket_assignee_id" from table: "tickets"
DROP INDEX "ticket_assignee_id";
-- modify "tickets" table
ALTER TABLE "tickets" ADD COLUMN "open" boolean NOT NULL DEFAULT true, ADD COLUMN "sla_next_check_at" timestamptz NULL;
-- create index "ticket_assignee_id_open_priority_received_at" to table: "tickets"
CREATE INDEX "ticket_assignee_id_open_priority_received_at" ON "tickets" ("assignee_id", "open", "priority", "received_at");
-- create index "ticket_customer_id_open_priority_received_at" to table: "tickets"
CREATE INDEX "ticket_customer_id_open_priority_received_at" ON "tickets" ("customer_id", "open", "priority", "received_at");
-- create index "ticket_open_priority_received_at" to table: "tickets"
CREATE INDEX "ticket_open_priority_received_at" ON "tickets" ("open", "priority", "received_at");
-- create index "ticket_sla_next_check_at" to table: "tickets"
CREATE INDEX "ticket_sla_next_check_at" ON "tickets" ("sla_next_check_at");

-- +goose Down
-- reverse: create index "ticket_sla_next_check_at" to table: "tickets"
DROP INDEX "ticket_sla_next_check_at";
-- reverse: create index "ticket_open_priority_received_at" to table: "tickets"
DROP INDEX "ticket_open_priority_received_at";
-- reverse: create index "ticket_customer_id_open_priority_received_at" to table: "tickets"
DROP INDEX "ticket_customer_id_open_priority_received_at";
-- reverse: create index "ticket_assignee_id_open_priority_received_at" to table: "tickets"
DROP INDEX "ticket_assignee_id_open_priority_received_at";
-- reverse: modify "tickets" table
ALTER TABLE "tickets" DROP COLUMN "sla_next_check_at", DROP COLUMN "open";
-- reverse: drop index "ticket_assignee_id" from table: "tickets"
CREATE INDEX "ticket_assignee_id" ON "tickets" ("assignee_id");
