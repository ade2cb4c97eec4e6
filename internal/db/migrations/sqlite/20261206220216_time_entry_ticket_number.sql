-- +goose Up
-- Edited by hand: the copied entries get their ticket's number.
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_time_entries" table
CREATE TABLE `new_time_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `level` text NOT NULL, `work_date` datetime NOT NULL, `raw_minutes` integer NOT NULL, `minutes` integer NOT NULL, `billable_minutes` integer NOT NULL DEFAULT (0), `description` text NOT NULL DEFAULT (''), `billable` bool NOT NULL DEFAULT (true), `estimate` bool NOT NULL DEFAULT (false), `fix_delivery` bool NOT NULL DEFAULT (false), `rate_cents` integer NOT NULL DEFAULT (0), `currency` text NOT NULL DEFAULT ('EUR'), `idempotency_key` text NULL, `ticket_number` text NOT NULL DEFAULT (''), `ticket_id` integer NOT NULL, `user_id` integer NOT NULL, `contract_id` integer NULL, `customer_id` integer NOT NULL, CONSTRAINT `time_entries_tickets_time_entries` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE NO ACTION, CONSTRAINT `time_entries_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `time_entries_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE SET NULL, CONSTRAINT `time_entries_organizations_customer` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_time_entries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_time_entries", 55834574848);
-- copy rows from old table "time_entries" to new temporary table "new_time_entries"
INSERT INTO `new_time_entries` (`id`, `created_at`, `updated_at`, `level`, `work_date`, `raw_minutes`, `minutes`, `billable_minutes`, `description`, `billable`, `estimate`, `fix_delivery`, `rate_cents`, `currency`, `idempotency_key`, `ticket_id`, `user_id`, `contract_id`, `customer_id`, `ticket_number`) SELECT `id`, `created_at`, `updated_at`, `level`, `work_date`, `raw_minutes`, `minutes`, `billable_minutes`, `description`, `billable`, `estimate`, `fix_delivery`, `rate_cents`, `currency`, `idempotency_key`, `ticket_id`, `user_id`, `contract_id`, `customer_id`, (SELECT t.`number` FROM `tickets` t WHERE t.`id` = `time_entries`.`ticket_id`) FROM `time_entries`;
-- drop "time_entries" table after copying rows
DROP TABLE `time_entries`;
-- rename temporary table "new_time_entries" to "time_entries"
ALTER TABLE `new_time_entries` RENAME TO `time_entries`;
-- create index "time_entries_idempotency_key_key" to table: "time_entries"
CREATE UNIQUE INDEX `time_entries_idempotency_key_key` ON `time_entries` (`idempotency_key`);
-- create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
CREATE INDEX `timeentry_contract_id_work_date_statement` ON `time_entries` (`contract_id`, `work_date`);
-- create index "timeentry_ticket_id" to table: "time_entries"
CREATE INDEX `timeentry_ticket_id` ON `time_entries` (`ticket_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "timeentry_ticket_id" to table: "time_entries"
DROP INDEX `timeentry_ticket_id`;
-- reverse: create index "timeentry_contract_id_work_date_statement" to table: "time_entries"
DROP INDEX `timeentry_contract_id_work_date_statement`;
-- reverse: create index "time_entries_idempotency_key_key" to table: "time_entries"
DROP INDEX `time_entries_idempotency_key_key`;
-- reverse: set sequence for "new_time_entries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_time_entries";
-- reverse: create "new_time_entries" table
DROP TABLE `new_time_entries`;
