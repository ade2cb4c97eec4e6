-- +goose Up
-- create "attachments" table
CREATE TABLE `attachments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `filename` text NOT NULL, `content_type` text NOT NULL, `size` integer NOT NULL, `storage_key` text NOT NULL, `internal` bool NOT NULL DEFAULT (false), `uploader_id` integer NOT NULL, `comment_id` integer NULL, `ticket_id` integer NOT NULL, CONSTRAINT `attachments_users_uploader` FOREIGN KEY (`uploader_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `attachments_comments_attachments` FOREIGN KEY (`comment_id`) REFERENCES `comments` (`id`) ON DELETE SET NULL, CONSTRAINT `attachments_tickets_attachments` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE NO ACTION);
-- create "calendars" table
CREATE TABLE `calendars` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `time_zone` text NOT NULL, `weekly_hours` json NOT NULL, `holiday_country` text NULL, `holiday_region` text NULL, `closed_dates` json NULL, `recurring_closed_days` json NULL, `extra_hours` json NULL, `organization_id` integer NOT NULL, CONSTRAINT `calendars_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "calendars" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("calendars", 4294967296);
-- create "comments" table
CREATE TABLE `comments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `body` text NOT NULL, `internal` bool NOT NULL DEFAULT (false), `author_id` integer NOT NULL, `article_id` integer NULL, `ticket_id` integer NOT NULL, CONSTRAINT `comments_users_author` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `comments_knowledge_articles_article` FOREIGN KEY (`article_id`) REFERENCES `knowledge_articles` (`id`) ON DELETE SET NULL, CONSTRAINT `comments_tickets_comments` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE NO ACTION);
-- set sequence for "comments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("comments", 8589934592);
-- create index "comment_ticket_id_created_at" to table: "comments"
CREATE INDEX `comment_ticket_id_created_at` ON `comments` (`ticket_id`, `created_at`);
-- create "contracts" table
CREATE TABLE `contracts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `agreement_type` text NOT NULL, `intake_model` text NOT NULL DEFAULT ('KEY_USER_GATED'), `channels` json NOT NULL, `valid_from` datetime NOT NULL, `valid_until` datetime NULL, `hypercare_tier` text NOT NULL DEFAULT ('NONE'), `first_training_day` datetime NULL, `key_user_limit` integer NOT NULL DEFAULT (2), `extra_key_users` integer NOT NULL DEFAULT (0), `time_increment_minutes` integer NOT NULL DEFAULT (5), `min_billable_minutes` integer NOT NULL DEFAULT (0), `incidents_billable` bool NOT NULL DEFAULT (false), `refuse_uncovered` bool NOT NULL DEFAULT (false), `currency` text NOT NULL DEFAULT ('EUR'), `warning_threshold_percent` integer NOT NULL DEFAULT (80), `carry_over` bool NOT NULL DEFAULT (false), `carry_over_cap_minutes` integer NOT NULL DEFAULT (0), `level_terms` json NULL, `sla_targets` json NULL, `provider_id` integer NOT NULL, `calendar_id` integer NULL, `service_manager_id` integer NULL, `customer_id` integer NOT NULL, CONSTRAINT `contracts_organizations_provider` FOREIGN KEY (`provider_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `contracts_calendars_calendar` FOREIGN KEY (`calendar_id`) REFERENCES `calendars` (`id`) ON DELETE SET NULL, CONSTRAINT `contracts_users_service_manager` FOREIGN KEY (`service_manager_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `contracts_organizations_contracts` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "contracts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("contracts", 12884901888);
-- create index "contract_customer_id" to table: "contracts"
CREATE INDEX `contract_customer_id` ON `contracts` (`customer_id`);
-- create index "contract_provider_id" to table: "contracts"
CREATE INDEX `contract_provider_id` ON `contracts` (`provider_id`);
-- create "knowledge_articles" table
CREATE TABLE `knowledge_articles` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `body` text NOT NULL DEFAULT (''), `module` text NULL, `language` text NOT NULL DEFAULT ('en'), `visibility` text NOT NULL DEFAULT ('INTERNAL'), `organization_id` integer NOT NULL, `author_id` integer NOT NULL, CONSTRAINT `knowledge_articles_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `knowledge_articles_users_author` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "knowledge_articles" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("knowledge_articles", 17179869184);
-- create "notifications" table
CREATE TABLE `notifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `kind` text NOT NULL, `title` text NOT NULL, `body` text NOT NULL DEFAULT (''), `read_at` datetime NULL, `dedup_key` text NULL, `ticket_id` integer NULL, `recipient_id` integer NOT NULL, CONSTRAINT `notifications_tickets_ticket` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_users_notifications` FOREIGN KEY (`recipient_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "notifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notifications", 21474836480);
-- create index "notifications_dedup_key_key" to table: "notifications"
CREATE UNIQUE INDEX `notifications_dedup_key_key` ON `notifications` (`dedup_key`);
-- create index "notification_recipient_id_created_at" to table: "notifications"
CREATE INDEX `notification_recipient_id_created_at` ON `notifications` (`recipient_id`, `created_at`);
-- create "organizations" table
CREATE TABLE `organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `ticket_prefix` text NOT NULL DEFAULT ('SD'), `parent_id` integer NULL, CONSTRAINT `organizations_organizations_children` FOREIGN KEY (`parent_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL);
-- set sequence for "organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("organizations", 25769803776);
-- create "refresh_tokens" table
CREATE TABLE `refresh_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `token_hash` text NOT NULL, `family` text NOT NULL, `expires_at` datetime NOT NULL, `used_at` datetime NULL, `revoked_at` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `refresh_tokens_users_refresh_tokens` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "refresh_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("refresh_tokens", 30064771072);
-- create index "refresh_tokens_token_hash_key" to table: "refresh_tokens"
CREATE UNIQUE INDEX `refresh_tokens_token_hash_key` ON `refresh_tokens` (`token_hash`);
-- create index "refreshtoken_family" to table: "refresh_tokens"
CREATE INDEX `refreshtoken_family` ON `refresh_tokens` (`family`);
-- create "sequences" table
CREATE TABLE `sequences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `value` integer NOT NULL DEFAULT (0));
-- set sequence for "sequences" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sequences", 34359738368);
-- create index "sequences_name_key" to table: "sequences"
CREATE UNIQUE INDEX `sequences_name_key` ON `sequences` (`name`);
-- create "tasks" table
CREATE TABLE `tasks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `description` text NOT NULL DEFAULT (''), `page_url` text NULL, `findings` json NULL, `recommendations` json NULL, `test_result` text NULL, `reproduced_in` json NULL, `stage` text NOT NULL DEFAULT ('DEV'), `fix_version` text NULL, `released_at` datetime NULL, `organization_id` integer NOT NULL, `assignee_id` integer NULL, CONSTRAINT `tasks_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `tasks_users_assignee` FOREIGN KEY (`assignee_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "tasks" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("tasks", 38654705664);
-- create "task_notes" table
CREATE TABLE `task_notes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `body` text NOT NULL, `task_id` integer NOT NULL, `author_id` integer NOT NULL, CONSTRAINT `task_notes_tasks_notes` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE NO ACTION, CONSTRAINT `task_notes_users_author` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "task_notes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("task_notes", 42949672960);
-- create "tickets" table
CREATE TABLE `tickets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `number` text NOT NULL, `title` text NOT NULL, `description` text NOT NULL DEFAULT (''), `type` text NOT NULL, `priority` text NOT NULL, `channel` text NOT NULL, `level` text NOT NULL, `status` text NOT NULL DEFAULT ('NEW'), `module` text NULL, `software_version` text NULL, `environment` text NULL, `impact` text NULL, `steps` text NULL, `first_occurred_at` datetime NULL, `reproduction` text NULL, `reproducible` bool NOT NULL DEFAULT (false), `findings` text NULL, `vendor_case_ref` text NULL, `fixed_in_version` text NULL, `resolution` text NULL, `vendor_involved` bool NOT NULL DEFAULT (false), `billable_reclassified` bool NOT NULL DEFAULT (false), `received_at` datetime NOT NULL, `first_response_at` datetime NULL, `resolved_at` datetime NULL, `closed_at` datetime NULL, `customer_id` integer NOT NULL, `contract_id` integer NULL, `duplicate_of_id` integer NULL, `split_from_id` integer NULL, `reporter_id` integer NOT NULL, `assignee_id` integer NULL, CONSTRAINT `tickets_organizations_customer` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `tickets_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE SET NULL, CONSTRAINT `tickets_tickets_duplicates` FOREIGN KEY (`duplicate_of_id`) REFERENCES `tickets` (`id`) ON DELETE SET NULL, CONSTRAINT `tickets_tickets_split_tickets` FOREIGN KEY (`split_from_id`) REFERENCES `tickets` (`id`) ON DELETE SET NULL, CONSTRAINT `tickets_users_reported_tickets` FOREIGN KEY (`reporter_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `tickets_users_assigned_tickets` FOREIGN KEY (`assignee_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "tickets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("tickets", 47244640256);
-- create index "tickets_number_key" to table: "tickets"
CREATE UNIQUE INDEX `tickets_number_key` ON `tickets` (`number`);
-- create index "ticket_customer_id_status" to table: "tickets"
CREATE INDEX `ticket_customer_id_status` ON `tickets` (`customer_id`, `status`);
-- create index "ticket_status_priority_received_at" to table: "tickets"
CREATE INDEX `ticket_status_priority_received_at` ON `tickets` (`status`, `priority`, `received_at`);
-- create index "ticket_reporter_id" to table: "tickets"
CREATE INDEX `ticket_reporter_id` ON `tickets` (`reporter_id`);
-- create index "ticket_assignee_id" to table: "tickets"
CREATE INDEX `ticket_assignee_id` ON `tickets` (`assignee_id`);
-- create index "ticket_contract_id" to table: "tickets"
CREATE INDEX `ticket_contract_id` ON `tickets` (`contract_id`);
-- create "ticket_events" table
CREATE TABLE `ticket_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `kind` text NOT NULL, `from_value` text NULL, `to_value` text NULL, `reason` text NULL, `ticket_id` integer NOT NULL, `actor_id` integer NULL, CONSTRAINT `ticket_events_tickets_events` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE NO ACTION, CONSTRAINT `ticket_events_users_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "ticket_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("ticket_events", 51539607552);
-- create index "ticketevent_ticket_id_created_at" to table: "ticket_events"
CREATE INDEX `ticketevent_ticket_id_created_at` ON `ticket_events` (`ticket_id`, `created_at`);
-- create "time_entries" table
CREATE TABLE `time_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `level` text NOT NULL, `work_date` datetime NOT NULL, `raw_minutes` integer NOT NULL, `minutes` integer NOT NULL, `billable_minutes` integer NOT NULL DEFAULT (0), `description` text NOT NULL DEFAULT (''), `billable` bool NOT NULL DEFAULT (true), `rate_cents` integer NOT NULL DEFAULT (0), `currency` text NOT NULL DEFAULT ('EUR'), `idempotency_key` text NULL, `ticket_id` integer NOT NULL, `user_id` integer NOT NULL, `contract_id` integer NULL, `customer_id` integer NOT NULL, CONSTRAINT `time_entries_tickets_time_entries` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE NO ACTION, CONSTRAINT `time_entries_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `time_entries_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE SET NULL, CONSTRAINT `time_entries_organizations_customer` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "time_entries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("time_entries", 55834574848);
-- create index "time_entries_idempotency_key_key" to table: "time_entries"
CREATE UNIQUE INDEX `time_entries_idempotency_key_key` ON `time_entries` (`idempotency_key`);
-- create index "timeentry_contract_id_work_date" to table: "time_entries"
CREATE INDEX `timeentry_contract_id_work_date` ON `time_entries` (`contract_id`, `work_date`);
-- create index "timeentry_ticket_id" to table: "time_entries"
CREATE INDEX `timeentry_ticket_id` ON `time_entries` (`ticket_id`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `name` text NOT NULL, `password_hash` text NULL, `role` text NOT NULL, `levels` json NULL, `can_approve` bool NOT NULL DEFAULT (false), `active` bool NOT NULL DEFAULT (true), `language` text NOT NULL DEFAULT ('en'), `organization_id` integer NOT NULL, CONSTRAINT `users_organizations_users` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("users", 60129542144);
-- create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- create index "user_organization_id_role" to table: "users"
CREATE INDEX `user_organization_id_role` ON `users` (`organization_id`, `role`);
-- create "task_watchers" table
CREATE TABLE `task_watchers` (`task_id` integer NOT NULL, `user_id` integer NOT NULL, PRIMARY KEY (`task_id`, `user_id`), CONSTRAINT `task_watchers_task_id` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE CASCADE, CONSTRAINT `task_watchers_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create "task_tickets" table
CREATE TABLE `task_tickets` (`task_id` integer NOT NULL, `ticket_id` integer NOT NULL, PRIMARY KEY (`task_id`, `ticket_id`), CONSTRAINT `task_tickets_task_id` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE CASCADE, CONSTRAINT `task_tickets_ticket_id` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE CASCADE);
-- create "ticket_related" table
CREATE TABLE `ticket_related` (`ticket_id` integer NOT NULL, `related_id` integer NOT NULL, PRIMARY KEY (`ticket_id`, `related_id`), CONSTRAINT `ticket_related_ticket_id` FOREIGN KEY (`ticket_id`) REFERENCES `tickets` (`id`) ON DELETE CASCADE, CONSTRAINT `ticket_related_related_id` FOREIGN KEY (`related_id`) REFERENCES `tickets` (`id`) ON DELETE CASCADE);

-- +goose Down
-- reverse: create "ticket_related" table
DROP TABLE `ticket_related`;
-- reverse: create "task_tickets" table
DROP TABLE `task_tickets`;
-- reverse: create "task_watchers" table
DROP TABLE `task_watchers`;
-- reverse: create index "user_organization_id_role" to table: "users"
DROP INDEX `user_organization_id_role`;
-- reverse: create index "users_email_key" to table: "users"
DROP INDEX `users_email_key`;
-- reverse: set sequence for "users" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "users";
-- reverse: create "users" table
DROP TABLE `users`;
-- reverse: create index "timeentry_ticket_id" to table: "time_entries"
DROP INDEX `timeentry_ticket_id`;
-- reverse: create index "timeentry_contract_id_work_date" to table: "time_entries"
DROP INDEX `timeentry_contract_id_work_date`;
-- reverse: create index "time_entries_idempotency_key_key" to table: "time_entries"
DROP INDEX `time_entries_idempotency_key_key`;
-- reverse: set sequence for "time_entries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "time_entries";
-- reverse: create "time_entries" table
DROP TABLE `time_entries`;
-- reverse: create index "ticketevent_ticket_id_created_at" to table: "ticket_events"
DROP INDEX `ticketevent_ticket_id_created_at`;
-- reverse: set sequence for "ticket_events" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "ticket_events";
-- reverse: create "ticket_events" table
DROP TABLE `ticket_events`;
-- reverse: create index "ticket_contract_id" to table: "tickets"
DROP INDEX `ticket_contract_id`;
-- reverse: create index "ticket_assignee_id" to table: "tickets"
DROP INDEX `ticket_assignee_id`;
-- reverse: create index "ticket_reporter_id" to table: "tickets"
DROP INDEX `ticket_reporter_id`;
-- reverse: create index "ticket_status_priority_received_at" to table: "tickets"
DROP INDEX `ticket_status_priority_received_at`;
-- reverse: create index "ticket_customer_id_status" to table: "tickets"
DROP INDEX `ticket_customer_id_status`;
-- reverse: create index "tickets_number_key" to table: "tickets"
DROP INDEX `tickets_number_key`;
-- reverse: set sequence for "tickets" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "tickets";
-- reverse: create "tickets" table
DROP TABLE `tickets`;
-- reverse: set sequence for "task_notes" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "task_notes";
-- reverse: create "task_notes" table
DROP TABLE `task_notes`;
-- reverse: set sequence for "tasks" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "tasks";
-- reverse: create "tasks" table
DROP TABLE `tasks`;
-- reverse: create index "sequences_name_key" to table: "sequences"
DROP INDEX `sequences_name_key`;
-- reverse: set sequence for "sequences" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "sequences";
-- reverse: create "sequences" table
DROP TABLE `sequences`;
-- reverse: create index "refreshtoken_family" to table: "refresh_tokens"
DROP INDEX `refreshtoken_family`;
-- reverse: create index "refresh_tokens_token_hash_key" to table: "refresh_tokens"
DROP INDEX `refresh_tokens_token_hash_key`;
-- reverse: set sequence for "refresh_tokens" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "refresh_tokens";
-- reverse: create "refresh_tokens" table
DROP TABLE `refresh_tokens`;
-- reverse: set sequence for "organizations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "organizations";
-- reverse: create "organizations" table
DROP TABLE `organizations`;
-- reverse: create index "notification_recipient_id_created_at" to table: "notifications"
DROP INDEX `notification_recipient_id_created_at`;
-- reverse: create index "notifications_dedup_key_key" to table: "notifications"
DROP INDEX `notifications_dedup_key_key`;
-- reverse: set sequence for "notifications" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "notifications";
-- reverse: create "notifications" table
DROP TABLE `notifications`;
-- reverse: set sequence for "knowledge_articles" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "knowledge_articles";
-- reverse: create "knowledge_articles" table
DROP TABLE `knowledge_articles`;
-- reverse: create index "contract_provider_id" to table: "contracts"
DROP INDEX `contract_provider_id`;
-- reverse: create index "contract_customer_id" to table: "contracts"
DROP INDEX `contract_customer_id`;
-- reverse: set sequence for "contracts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "contracts";
-- reverse: create "contracts" table
DROP TABLE `contracts`;
-- reverse: create index "comment_ticket_id_created_at" to table: "comments"
DROP INDEX `comment_ticket_id_created_at`;
-- reverse: set sequence for "comments" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "comments";
-- reverse: create "comments" table
DROP TABLE `comments`;
-- reverse: set sequence for "calendars" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "calendars";
-- reverse: create "calendars" table
DROP TABLE `calendars`;
-- reverse: create "attachments" table
DROP TABLE `attachments`;
