-- +goose Up
-- modify "time_entries" table
ALTER TABLE "time_entries" ADD COLUMN "fix_delivery" boolean NOT NULL DEFAULT false;

-- +goose Down
-- reverse: modify "time_entries" table
ALTER TABLE "time_entries" DROP COLUMN "fix_delivery";
