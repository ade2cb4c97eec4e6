-- +goose Up
-- add column "waiting_periods" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `waiting_periods` json NULL;
-- add column "sla_first_response_due" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_first_response_due` datetime NULL;
-- add column "sla_resolution_due" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_resolution_due` datetime NULL;
-- add column "sla_first_response_minutes" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_first_response_minutes` integer NULL;
-- add column "sla_resolution_minutes" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_resolution_minutes` integer NULL;
-- add column "sla_first_response_met" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_first_response_met` bool NULL;
-- add column "sla_resolution_met" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_resolution_met` bool NULL;
-- create "sla_alerts" table
CREATE TABLE `sla_alerts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `target` text NOT NULL, `kind` text NOT NULL, `due_at` datetime NOT NULL, `ticket_id` integer NOT NULL, CONSTRAINT `sla_alerts_tickets_ticket` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE NO ACTION);
-- set sequence for "sla_alerts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sla_alerts", 64424509440);
-- create index "slaalert_ticket_id_target_kind_due_at" to table: "sla_alerts"
CREATE UNIQUE INDEX `slaalert_ticket_id_target_kind_due_at` ON `sla_alerts` (`ticket_id`, `target`, `kind`, `due_at`);

-- +goose Down
-- reverse: create index "slaalert_ticket_id_target_kind_due_at" to table: "sla_alerts"
DROP INDEX `slaalert_ticket_id_target_kind_due_at`;
-- reverse: set sequence for "sla_alerts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "sla_alerts";
-- reverse: create "sla_alerts" table
DROP TABLE `sla_alerts`;
-- reverse: add column "sla_resolution_met" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_resolution_met`;
-- reverse: add column "sla_first_response_met" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_first_response_met`;
-- reverse: add column "sla_resolution_minutes" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_resolution_minutes`;
-- reverse: add column "sla_first_response_minutes" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_first_response_minutes`;
-- reverse: add column "sla_resolution_due" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_resolution_due`;
-- reverse: add column "sla_first_response_due" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_first_response_due`;
-- reverse: add column "waiting_periods" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `waiting_periods`;
