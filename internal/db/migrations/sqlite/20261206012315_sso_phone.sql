-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_organizations" table
CREATE TABLE `new_organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `ticket_prefix` text NOT NULL DEFAULT ('SD'), `escalation_rules` json NULL, `country` text NULL, `language` text NOT NULL DEFAULT ('en'), `time_zone` text NOT NULL DEFAULT ('UTC'), `active` bool NOT NULL DEFAULT (true), `parent_id` integer NULL, `default_calendar_id` integer NULL, `phone_hours_calendar_id` integer NULL, CONSTRAINT `organizations_organizations_children` FOREIGN KEY (`parent_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL, CONSTRAINT `organizations_calendars_default_calendar` FOREIGN KEY (`default_calendar_id`) REFERENCES `calendars` (`id`) ON DELETE SET NULL, CONSTRAINT `organizations_calendars_phone_hours_calendar` FOREIGN KEY (`phone_hours_calendar_id`) REFERENCES `calendars` (`id`) ON DELETE SET NULL);
-- set sequence for "new_organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_organizations", 25769803776);
-- copy rows from old table "organizations" to new temporary table "new_organizations"
INSERT INTO `new_organizations` (`id`, `created_at`, `updated_at`, `name`, `kind`, `ticket_prefix`, `escalation_rules`, `country`, `language`, `time_zone`, `active`, `parent_id`, `default_calendar_id`) SELECT `id`, `created_at`, `updated_at`, `name`, `kind`, `ticket_prefix`, `escalation_rules`, `country`, `language`, `time_zone`, `active`, `parent_id`, `default_calendar_id` FROM `organizations`;
-- drop "organizations" table after copying rows
DROP TABLE `organizations`;
-- rename temporary table "new_organizations" to "organizations"
ALTER TABLE `new_organizations` RENAME TO `organizations`;
-- create "new_tickets" table
CREATE TABLE `new_tickets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `outside_phone_hours` bool NOT NULL DEFAULT (false), `number` text NOT NULL, `title` text NOT NULL, `description` text NOT NULL DEFAULT (''), `type` text NOT NULL, `priority` text NOT NULL, `channel` text NOT NULL, `level` text NOT NULL, `status` text NOT NULL DEFAULT ('NEW'), `module` text NULL, `software_version` text NULL, `environment` text NULL, `impact` text NULL, `steps` text NULL, `first_occurred_at` datetime NULL, `reproduction` text NULL, `reproducible` bool NOT NULL DEFAULT (false), `findings` text NULL, `vendor_case_ref` text NULL, `fixed_in_version` text NULL, `resolution` text NULL, `vendor_involved` bool NOT NULL DEFAULT (false), `billable_reclassified` bool NOT NULL DEFAULT (false), `received_at` datetime NOT NULL, `first_response_at` datetime NULL, `resolved_at` datetime NULL, `closed_at` datetime NULL, `situation` text NULL, `context` text NULL, `actions_taken` text NULL, `estimate` json NULL, `estimate_price_cents` integer NULL, `estimate_kind` text NULL, `estimate_credit_cents` integer NULL, `approved_at` datetime NULL, `delivery_status` text NULL, `delivery_notes` text NULL, `delivered_version` text NULL, `delivered_at` datetime NULL, `reproduced_in_environment` text NULL, `waiting_periods` json NULL, `sla_first_response_due` datetime NULL, `sla_resolution_due` datetime NULL, `sla_first_response_minutes` integer NULL, `sla_resolution_minutes` integer NULL, `sla_first_response_met` bool NULL, `sla_resolution_met` bool NULL, `sla_first_response_target` integer NULL, `sla_resolution_target` integer NULL, `sla_first_response_stopped_at` datetime NULL, `sla_resolution_stopped_at` datetime NULL, `open` bool NOT NULL DEFAULT (true), `sla_next_check_at` datetime NULL, `customer_id` integer NOT NULL, `contract_id` integer NULL, `duplicate_of_id` integer NULL, `split_from_id` integer NULL, `approved_by_id` integer NULL, `reporter_id` integer NOT NULL, `assignee_id` integer NULL, CONSTRAINT `tickets_organizations_customer` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `tickets_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE SET NULL, CONSTRAINT `tickets_tickets_duplicates` FOREIGN KEY (`duplicate_of_id`) REFERENCES `tickets` (`id`) ON DELETE SET NULL, CONSTRAINT `tickets_tickets_split_tickets` FOREIGN KEY (`split_from_id`) REFERENCES `tickets` (`id`) ON DELETE SET NULL, CONSTRAINT `tickets_users_approved_by` FOREIGN KEY (`approved_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `tickets_users_reported_tickets` FOREIGN KEY (`reporter_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `tickets_users_assigned_tickets` FOREIGN KEY (`assignee_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "new_tickets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_tickets", 47244640256);
-- copy rows from old table "tickets" to new temporary table "new_tickets"
INSERT INTO `new_tickets` (`id`, `created_at`, `updated_at`, `number`, `title`, `description`, `type`, `priority`, `channel`, `level`, `status`, `module`, `software_version`, `environment`, `impact`, `steps`, `first_occurred_at`, `reproduction`, `reproducible`, `findings`, `vendor_case_ref`, `fixed_in_version`, `resolution`, `vendor_involved`, `billable_reclassified`, `received_at`, `first_response_at`, `resolved_at`, `closed_at`, `situation`, `context`, `actions_taken`, `estimate`, `estimate_price_cents`, `estimate_kind`, `estimate_credit_cents`, `approved_at`, `delivery_status`, `delivery_notes`, `delivered_version`, `delivered_at`, `reproduced_in_environment`, `waiting_periods`, `sla_first_response_due`, `sla_resolution_due`, `sla_first_response_minutes`, `sla_resolution_minutes`, `sla_first_response_met`, `sla_resolution_met`, `sla_first_response_target`, `sla_resolution_target`, `sla_first_response_stopped_at`, `sla_resolution_stopped_at`, `open`, `sla_next_check_at`, `customer_id`, `contract_id`, `duplicate_of_id`, `split_from_id`, `approved_by_id`, `reporter_id`, `assignee_id`) SELECT `id`, `created_at`, `updated_at`, `number`, `title`, `description`, `type`, `priority`, `channel`, `level`, `status`, `module`, `software_version`, `environment`, `impact`, `steps`, `first_occurred_at`, `reproduction`, `reproducible`, `findings`, `vendor_case_ref`, `fixed_in_version`, `resolution`, `vendor_involved`, `billable_reclassified`, `received_at`, `first_response_at`, `resolved_at`, `closed_at`, `situation`, `context`, `actions_taken`, `estimate`, `estimate_price_cents`, `estimate_kind`, `estimate_credit_cents`, `approved_at`, `delivery_status`, `delivery_notes`, `delivered_version`, `delivered_at`, `reproduced_in_environment`, `waiting_periods`, `sla_first_response_due`, `sla_resolution_due`, `sla_first_response_minutes`, `sla_resolution_minutes`, `sla_first_response_met`, `sla_resolution_met`, `sla_first_response_target`, `sla_resolution_target`, `sla_first_response_stopped_at`, `sla_resolution_stopped_at`, `open`, `sla_next_check_at`, `customer_id`, `contract_id`, `duplicate_of_id`, `split_from_id`, `approved_by_id`, `reporter_id`, `assignee_id` FROM `tickets`;
-- drop "tickets" table after copying rows
DROP TABLE `tickets`;
-- rename temporary table "new_tickets" to "tickets"
ALTER TABLE `new_tickets` RENAME TO `tickets`;
-- create index "tickets_number_key" to table: "tickets"
CREATE UNIQUE INDEX `tickets_number_key` ON `tickets` (`number`);
-- create index "ticket_customer_id_status" to table: "tickets"
CREATE INDEX `ticket_customer_id_status` ON `tickets` (`customer_id`, `status`);
-- create index "ticket_status_priority_received_at" to table: "tickets"
CREATE INDEX `ticket_status_priority_received_at` ON `tickets` (`status`, `priority`, `received_at`);
-- create index "ticket_open_priority_received_at" to table: "tickets"
CREATE INDEX `ticket_open_priority_received_at` ON `tickets` (`open`, `priority`, `received_at`);
-- create index "ticket_customer_id_open_priority_received_at" to table: "tickets"
CREATE INDEX `ticket_customer_id_open_priority_received_at` ON `tickets` (`customer_id`, `open`, `priority`, `received_at`);
-- create index "ticket_assignee_id_open_priority_received_at" to table: "tickets"
CREATE INDEX `ticket_assignee_id_open_priority_received_at` ON `tickets` (`assignee_id`, `open`, `priority`, `received_at`);
-- create index "ticket_reporter_id" to table: "tickets"
CREATE INDEX `ticket_reporter_id` ON `tickets` (`reporter_id`);
-- create index "ticket_sla_next_check_at" to table: "tickets"
CREATE INDEX `ticket_sla_next_check_at` ON `tickets` (`sla_next_check_at`);
-- create index "ticket_contract_id" to table: "tickets"
CREATE INDEX `ticket_contract_id` ON `tickets` (`contract_id`);
-- create index "ticket_received_at" to table: "tickets"
CREATE INDEX `ticket_received_at` ON `tickets` (`received_at`);
-- create "user_identities" table
CREATE TABLE `user_identities` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `issuer` text NOT NULL, `subject` text NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `user_identities_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "user_identities" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("user_identities", 111669149696);
-- create index "useridentity_issuer_subject" to table: "user_identities"
CREATE UNIQUE INDEX `useridentity_issuer_subject` ON `user_identities` (`issuer`, `subject`);
-- create index "useridentity_user_id" to table: "user_identities"
CREATE INDEX `useridentity_user_id` ON `user_identities` (`user_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "useridentity_user_id" to table: "user_identities"
DROP INDEX `useridentity_user_id`;
-- reverse: create index "useridentity_issuer_subject" to table: "user_identities"
DROP INDEX `useridentity_issuer_subject`;
-- reverse: set sequence for "user_identities" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "user_identities";
-- reverse: create "user_identities" table
DROP TABLE `user_identities`;
-- reverse: create index "ticket_received_at" to table: "tickets"
DROP INDEX `ticket_received_at`;
-- reverse: create index "ticket_contract_id" to table: "tickets"
DROP INDEX `ticket_contract_id`;
-- reverse: create index "ticket_sla_next_check_at" to table: "tickets"
DROP INDEX `ticket_sla_next_check_at`;
-- reverse: create index "ticket_reporter_id" to table: "tickets"
DROP INDEX `ticket_reporter_id`;
-- reverse: create index "ticket_assignee_id_open_priority_received_at" to table: "tickets"
DROP INDEX `ticket_assignee_id_open_priority_received_at`;
-- reverse: create index "ticket_customer_id_open_priority_received_at" to table: "tickets"
DROP INDEX `ticket_customer_id_open_priority_received_at`;
-- reverse: create index "ticket_open_priority_received_at" to table: "tickets"
DROP INDEX `ticket_open_priority_received_at`;
-- reverse: create index "ticket_status_priority_received_at" to table: "tickets"
DROP INDEX `ticket_status_priority_received_at`;
-- reverse: create index "ticket_customer_id_status" to table: "tickets"
DROP INDEX `ticket_customer_id_status`;
-- reverse: create index "tickets_number_key" to table: "tickets"
DROP INDEX `tickets_number_key`;
-- reverse: set sequence for "new_tickets" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_tickets";
-- reverse: create "new_tickets" table
DROP TABLE `new_tickets`;
-- reverse: set sequence for "new_organizations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_organizations";
-- reverse: create "new_organizations" table
DROP TABLE `new_organizations`;
