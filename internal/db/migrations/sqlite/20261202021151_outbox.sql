-- +goose Up
-- create "outbox_events" table
CREATE TABLE `outbox_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `object_type` text NOT NULL, `action` text NOT NULL, `object_id` integer NOT NULL, `organization_id` integer NULL, `ticket_id` integer NULL, `contract_id` integer NULL, `recipient_id` integer NULL);
-- set sequence for "outbox_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("outbox_events", 103079215104);
-- create index "outboxevent_created_at" to table: "outbox_events"
CREATE INDEX `outboxevent_created_at` ON `outbox_events` (`created_at`);

-- +goose Down
-- reverse: create index "outboxevent_created_at" to table: "outbox_events"
DROP INDEX `outboxevent_created_at`;
-- reverse: set sequence for "outbox_events" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "outbox_events";
-- reverse: create "outbox_events" table
DROP TABLE `outbox_events`;
