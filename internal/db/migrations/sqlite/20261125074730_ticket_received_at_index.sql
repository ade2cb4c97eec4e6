-- +goose Up
-- create index "ticket_received_at" to table: "tickets"
CREATE INDEX `ticket_received_at` ON `tickets` (`received_at`);

-- +goose Down
-- reverse: create index "ticket_received_at" to table: "tickets"
DROP INDEX `ticket_received_at`;
