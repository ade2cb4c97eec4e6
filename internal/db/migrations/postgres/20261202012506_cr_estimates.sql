-- +goose Up
-- modify "tickets" table
ALTER TABLE "tickets" ADD COLUMN "estimate_kind" character varying NULL, ADD COLUMN "estimate_credit_cents" bigint NULL;
-- modify "time_entries" table
ALTER TABLE "time_entries" ADD COLUMN "estimate" boolean NOT NULL DEFAULT false;

-- +goose Down
-- reverse: modify "time_entries" table
ALTER TABLE "time_entries" DROP COLUMN "estimate";
-- reverse: modify "tickets" table
ALTER TABLE "tickets" DROP COLUMN "estimate_credit_cents", DROP COLUMN "estimate_kind";
