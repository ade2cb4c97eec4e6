-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_organizations" table
CREATE TABLE `new_organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `ticket_prefix` text NOT NULL DEFAULT ('SD'), `escalation_rules` json NULL, `country` text NULL, `language` text NOT NULL DEFAULT ('en'), `time_zone` text NOT NULL DEFAULT ('UTC'), `active` bool NOT NULL DEFAULT (true), `parent_id` integer NULL, `default_calendar_id` integer NULL, CONSTRAINT `organizations_organizations_children` FOREIGN KEY (`parent_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL, CONSTRAINT `organizations_calendars_default_calendar` FOREIGN KEY (`default_calendar_id`) REFERENCES `calendars` (`id`) ON DELETE SET NULL);
-- set sequence for "new_organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_organizations", 25769803776);
-- copy rows from old table "organizations" to new temporary table "new_organizations"
INSERT INTO `new_organizations` (`id`, `created_at`, `updated_at`, `name`, `kind`, `ticket_prefix`, `escalation_rules`, `parent_id`) SELECT `id`, `created_at`, `updated_at`, `name`, `kind`, `ticket_prefix`, `escalation_rules`, `parent_id` FROM `organizations`;
-- drop "organizations" table after copying rows
DROP TABLE `organizations`;
-- rename temporary table "new_organizations" to "organizations"
ALTER TABLE `new_organizations` RENAME TO `organizations`;
-- add column "password_reset_hash" to table: "users"
ALTER TABLE `users` ADD COLUMN `password_reset_hash` text NULL;
-- add column "password_reset_expires_at" to table: "users"
ALTER TABLE `users` ADD COLUMN `password_reset_expires_at` datetime NULL;
-- create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `object_type` text NOT NULL, `object_id` integer NOT NULL, `action` text NOT NULL, `before` json NULL, `after` json NULL, `organization_id` integer NOT NULL, `actor_id` integer NULL, CONSTRAINT `audit_events_users_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_events", 81604378624);
-- create index "auditevent_organization_id_created_at" to table: "audit_events"
CREATE INDEX `auditevent_organization_id_created_at` ON `audit_events` (`organization_id`, `created_at`);
-- create index "auditevent_object_type_object_id" to table: "audit_events"
CREATE INDEX `auditevent_object_type_object_id` ON `audit_events` (`object_type`, `object_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "auditevent_object_type_object_id" to table: "audit_events"
DROP INDEX `auditevent_object_type_object_id`;
-- reverse: create index "auditevent_organization_id_created_at" to table: "audit_events"
DROP INDEX `auditevent_organization_id_created_at`;
-- reverse: set sequence for "audit_events" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "audit_events";
-- reverse: create "audit_events" table
DROP TABLE `audit_events`;
-- reverse: add column "password_reset_expires_at" to table: "users"
ALTER TABLE `users` DROP COLUMN `password_reset_expires_at`;
-- reverse: add column "password_reset_hash" to table: "users"
ALTER TABLE `users` DROP COLUMN `password_reset_hash`;
-- reverse: set sequence for "new_organizations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_organizations";
-- reverse: create "new_organizations" table
DROP TABLE `new_organizations`;
