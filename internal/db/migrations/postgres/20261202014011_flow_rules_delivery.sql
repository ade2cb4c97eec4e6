-- +goose Up
-- modify "organizations" table
ALTER TABLE "organizations" ADD COLUMN "escalation_rules" jsonb NULL;
-- modify "tickets" table
ALTER TABLE "tickets" ADD COLUMN "delivered_version" character varying NULL, ADD COLUMN "delivered_at" timestamptz NULL, ADD COLUMN "reproduced_in_environment" character varying NULL;

-- +goose Down
-- reverse: modify "tickets" table
ALTER TABLE "tickets" DROP COLUMN "reproduced_in_environment", DROP COLUMN "delivered_at", DROP COLUMN "delivered_version";
-- reverse: modify "organizations" table
ALTER TABLE "organizations" DROP COLUMN "escalation_rules";
