-- +goose Up
-- create "ticket_counts" table
CREATE TABLE `ticket_counts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `customer_id` integer NOT NULL, `priority` text NOT NULL, `level` text NOT NULL, `status` text NOT NULL, `type` text NOT NULL, `assigned` bool NOT NULL, `vendor_involved` bool NOT NULL, `n` integer NOT NULL, `delta` bool NOT NULL DEFAULT (true));
-- set sequence for "ticket_counts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("ticket_counts", 124554051584);
-- create index "ticketcount_dims" to table: "ticket_counts"
CREATE INDEX `ticketcount_dims` ON `ticket_counts` (`customer_id`, `priority`, `level`, `status`, `type`, `assigned`, `vendor_involved`);
-- create index "ticketcount_delta" to table: "ticket_counts"
CREATE INDEX `ticketcount_delta` ON `ticket_counts` (`delta`) WHERE delta;

-- +goose Down
-- reverse: create index "ticketcount_delta" to table: "ticket_counts"
DROP INDEX `ticketcount_delta`;
-- reverse: create index "ticketcount_dims" to table: "ticket_counts"
DROP INDEX `ticketcount_dims`;
-- reverse: set sequence for "ticket_counts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "ticket_counts";
-- reverse: create "ticket_counts" table
DROP TABLE `ticket_counts`;
