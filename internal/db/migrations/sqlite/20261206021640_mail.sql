-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_organizations" table
CREATE TABLE `new_organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `ticket_prefix` text NOT NULL DEFAULT ('SD'), `escalation_rules` json NULL, `country` text NULL, `language` text NOT NULL DEFAULT ('en'), `time_zone` text NOT NULL DEFAULT ('UTC'), `active` bool NOT NULL DEFAULT (true), `support_address` text NULL, `parent_id` integer NULL, `default_calendar_id` integer NULL, `phone_hours_calendar_id` integer NULL, CONSTRAINT `organizations_organizations_children` FOREIGN KEY (`parent_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL, CONSTRAINT `organizations_calendars_default_calendar` FOREIGN KEY (`default_calendar_id`) REFERENCES `calendars` (`id`) ON DELETE SET NULL, CONSTRAINT `organizations_calendars_phone_hours_calendar` FOREIGN KEY (`phone_hours_calendar_id`) REFERENCES `calendars` (`id`) ON DELETE SET NULL);
-- set sequence for "new_organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_organizations", 25769803776);
-- copy rows from old table "organizations" to new temporary table "new_organizations"
INSERT INTO `new_organizations` (`id`, `created_at`, `updated_at`, `name`, `kind`, `ticket_prefix`, `escalation_rules`, `country`, `language`, `time_zone`, `active`, `parent_id`, `default_calendar_id`, `phone_hours_calendar_id`) SELECT `id`, `created_at`, `updated_at`, `name`, `kind`, `ticket_prefix`, `escalation_rules`, `country`, `language`, `time_zone`, `active`, `parent_id`, `default_calendar_id`, `phone_hours_calendar_id` FROM `organizations`;
-- drop "organizations" table after copying rows
DROP TABLE `organizations`;
-- rename temporary table "new_organizations" to "organizations"
ALTER TABLE `new_organizations` RENAME TO `organizations`;
-- create index "organizations_support_address_key" to table: "organizations"
CREATE UNIQUE INDEX `organizations_support_address_key` ON `organizations` (`support_address`);
-- create "inbound_mails" table
CREATE TABLE `inbound_mails` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `organization_id` integer NOT NULL, `status` text NOT NULL, `reason` text NOT NULL DEFAULT (''), `message_id` text NOT NULL DEFAULT (''), `from_address` text NOT NULL DEFAULT (''), `from_name` text NOT NULL DEFAULT (''), `to_address` text NOT NULL, `subject` text NOT NULL DEFAULT (''), `body` text NOT NULL DEFAULT (''), `attachments` json NULL, `parse_error` text NOT NULL DEFAULT (''), `raw` blob NULL, `raw_size` integer NOT NULL DEFAULT (0), `raw_truncated` bool NOT NULL DEFAULT (false), `received_at` datetime NOT NULL, `comment_id` integer NULL, `handled_by_id` integer NULL, `handled_at` datetime NULL, `ticket_id` integer NULL, CONSTRAINT `inbound_mails_tickets_ticket` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE SET NULL);
-- set sequence for "inbound_mails" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("inbound_mails", 115964116992);
-- create index "inboundmail_organization_id_status_received_at" to table: "inbound_mails"
CREATE INDEX `inboundmail_organization_id_status_received_at` ON `inbound_mails` (`organization_id`, `status`, `received_at`);
-- create index "inboundmail_message_id" to table: "inbound_mails"
CREATE INDEX `inboundmail_message_id` ON `inbound_mails` (`message_id`);
-- create "outbound_mails" table
CREATE TABLE `outbound_mails` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `kind` text NOT NULL, `organization_id` integer NOT NULL, `recipient_id` integer NULL, `to_address` text NOT NULL, `from_address` text NOT NULL DEFAULT (''), `subject` text NOT NULL, `text_body` text NOT NULL, `html_body` text NOT NULL, `message_id` text NOT NULL, `thread` text NOT NULL DEFAULT (''), `ticket_id` integer NULL, `dedup_key` text NULL, `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NULL, `claimed_until` datetime NULL, `last_error` text NOT NULL DEFAULT (''), `sent_at` datetime NULL);
-- set sequence for "outbound_mails" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("outbound_mails", 120259084288);
-- create index "outbound_mails_message_id_key" to table: "outbound_mails"
CREATE UNIQUE INDEX `outbound_mails_message_id_key` ON `outbound_mails` (`message_id`);
-- create index "outbound_mails_dedup_key_key" to table: "outbound_mails"
CREATE UNIQUE INDEX `outbound_mails_dedup_key_key` ON `outbound_mails` (`dedup_key`);
-- create index "outboundmail_status_next_attempt_at" to table: "outbound_mails"
CREATE INDEX `outboundmail_status_next_attempt_at` ON `outbound_mails` (`status`, `next_attempt_at`);
-- create index "outboundmail_ticket_id" to table: "outbound_mails"
CREATE INDEX `outboundmail_ticket_id` ON `outbound_mails` (`ticket_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "outboundmail_ticket_id" to table: "outbound_mails"
DROP INDEX `outboundmail_ticket_id`;
-- reverse: create index "outboundmail_status_next_attempt_at" to table: "outbound_mails"
DROP INDEX `outboundmail_status_next_attempt_at`;
-- reverse: create index "outbound_mails_dedup_key_key" to table: "outbound_mails"
DROP INDEX `outbound_mails_dedup_key_key`;
-- reverse: create index "outbound_mails_message_id_key" to table: "outbound_mails"
DROP INDEX `outbound_mails_message_id_key`;
-- reverse: set sequence for "outbound_mails" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "outbound_mails";
-- reverse: create "outbound_mails" table
DROP TABLE `outbound_mails`;
-- reverse: create index "inboundmail_message_id" to table: "inbound_mails"
DROP INDEX `inboundmail_message_id`;
-- reverse: create index "inboundmail_organization_id_status_received_at" to table: "inbound_mails"
DROP INDEX `inboundmail_organization_id_status_received_at`;
-- reverse: set sequence for "inbound_mails" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "inbound_mails";
-- reverse: create "inbound_mails" table
DROP TABLE `inbound_mails`;
-- reverse: create index "organizations_support_address_key" to table: "organizations"
DROP INDEX `organizations_support_address_key`;
-- reverse: set sequence for "new_organizations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_organizations";
-- reverse: create "new_organizations" table
DROP TABLE `new_organizations`;
