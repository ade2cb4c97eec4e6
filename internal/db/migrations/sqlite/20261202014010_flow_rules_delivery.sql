-- +goose Up
-- add column "escalation_rules" to table: "organizations"
ALTER TABLE `organizations` ADD COLUMN `escalation_rules` json NULL;
-- add column "delivered_version" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `delivered_version` text NULL;
-- add column "delivered_at" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `delivered_at` datetime NULL;
-- add column "reproduced_in_environment" to table: "tickets"
ALTER TABLE `tickets` ADD COLUMN `reproduced_in_environment` text NULL;

-- +goose Down
-- reverse: add column "reproduced_in_environment" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `reproduced_in_environment`;
-- reverse: add column "delivered_at" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `delivered_at`;
-- reverse: add column "delivered_version" to table: "tickets"
ALTER TABLE `tickets` DROP COLUMN `delivered_version`;
-- reverse: add column "escalation_rules" to table: "organizations"
ALTER TABLE `organizations` DROP COLUMN `escalation_rules`;
