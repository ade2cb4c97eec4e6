-- +goose Up
-- modify "tickets" table
ALTER TABLE "tickets" ADD COLUMN "sla_first_response_target" bigint NULL, ADD COLUMN "sla_resolution_target" bigint NULL, ADD COLUMN "sla_first_response_stopped_at" timestamptz NULL, ADD COLUMN "sla_resolution_stopped_at" timestamptz NULL;

-- +goose Down
-- reverse: modify "tickets" table
ALTER TABLE "tickets" DROP COLUMN "sla_resolution_stopped_at", DROP COLUMN "sla_first_response_stopped_at", DROP COLUMN "sla_resolution_target", DROP COLUMN "sla_first_response_target";
