-- +goose Up
-- create index "notification_recipient_id_read_at" to table: "notifications"
CREATE INDEX "notification_recipient_id_read_at" ON "notifications" ("recipient_id", "read_at");

-- +goose Down
-- reverse: create index "notification_recipient_id_read_at" to table: "notifications"
DROP INDEX "notification_recipient_id_read_at";
