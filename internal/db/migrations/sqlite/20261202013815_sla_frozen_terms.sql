-- +goose Up
-- add column "sla_first_response_target" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_first_response_target` integer NULL;
-- add column "sla_resolution_target" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_resolution_target` integer NULL;
-- add column "sla_first_response_stopped_at" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_first_response_stopped_at` datetime NULL;
-- add column "sla_resolution_stopped_at" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `sla_resolution_stopped_at` datetime NULL;

-- +goose Down
-- reverse: add column "sla_resolution_stopped_at" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_resolution_stopped_at`;
-- reverse: add column "sla_first_response_stopped_at" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_first_response_stopped_at`;
-- reverse: add column "sla_resolution_target" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_resolution_target`;
-- reverse: add column "sla_first_response_target" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `sla_first_response_target`;
