-- +goose Up
-- create "notification_preferences" table
CREATE TABLE `notification_preferences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `kind` text NOT NULL, `in_app` bool NOT NULL DEFAULT (true), `mail` bool NOT NULL DEFAULT (false), `user_id` integer NOT NULL, CONSTRAINT `notification_preferences_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "notification_preferences" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notification_preferences", 90194313216);
-- create index "notificationpreference_user_id_kind" to table: "notification_preferences"
CREATE UNIQUE INDEX `notificationpreference_user_id_kind` ON `notification_preferences` (`user_id`, `kind`);
-- create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `organization_id` integer NOT NULL, `event` text NOT NULL, `event_id` text NOT NULL, `payload` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NULL, `claimed_until` datetime NULL, `response_code` integer NULL, `last_error` text NOT NULL DEFAULT (''), `delivered_at` datetime NULL, `ticket_id` integer NULL, `redelivery_of` integer NULL, `endpoint_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_webhook_endpoints_endpoint` FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints` (`id`) ON DELETE NO ACTION);
-- set sequence for "webhook_deliveries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_deliveries", 94489280512);
-- create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_status_next_attempt_at` ON `webhook_deliveries` (`status`, `next_attempt_at`);
-- create index "webhookdelivery_endpoint_id_created_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_endpoint_id_created_at` ON `webhook_deliveries` (`endpoint_id`, `created_at`);
-- create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `url` text NOT NULL, `description` text NOT NULL DEFAULT (''), `events` json NOT NULL, `secret` text NOT NULL, `active` bool NOT NULL DEFAULT (true), `organization_id` integer NOT NULL, CONSTRAINT `webhook_endpoints_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "webhook_endpoints" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_endpoints", 98784247808);
-- create index "webhookendpoint_organization_id" to table: "webhook_endpoints"
CREATE INDEX `webhookendpoint_organization_id` ON `webhook_endpoints` (`organization_id`);

-- +goose Down
-- reverse: create index "webhookendpoint_organization_id" to table: "webhook_endpoints"
DROP INDEX `webhookendpoint_organization_id`;
-- reverse: set sequence for "webhook_endpoints" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhook_endpoints";
-- reverse: create "webhook_endpoints" table
DROP TABLE `webhook_endpoints`;
-- reverse: create index "webhookdelivery_endpoint_id_created_at" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_endpoint_id_created_at`;
-- reverse: create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_status_next_attempt_at`;
-- reverse: set sequence for "webhook_deliveries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhook_deliveries";
-- reverse: create "webhook_deliveries" table
DROP TABLE `webhook_deliveries`;
-- reverse: create index "notificationpreference_user_id_kind" to table: "notification_preferences"
DROP INDEX `notificationpreference_user_id_kind`;
-- reverse: set sequence for "notification_preferences" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "notification_preferences";
-- reverse: create "notification_preferences" table
DROP TABLE `notification_preferences`;
