-- +goose Up
-- drop index "timeentry_contract_id_work_date" from table: "time_entries"
DROP INDEX `timeentry_contract_id_work_date`;
-- create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
CREATE INDEX `timeentry_contract_id_work_date_statement` ON `time_entries` (`contract_id`, `work_date`);
-- create index "ticket_id_number" to table: "tickets"
CREATE INDEX `ticket_id_number` ON `tickets` (`id`);

-- +goose Down
-- reverse: create index "ticket_id_number" to table: "tickets"
DROP INDEX `ticket_id_number`;
-- reverse: create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
DROP INDEX `timeentry_contract_id_work_date_statement`;
-- reverse: drop index "timeentry_contract_id_work_date" from table: "time_entries"
CREATE INDEX `timeentry_contract_id_work_date` ON `time_entries` (`contract_id`, `work_date`);
