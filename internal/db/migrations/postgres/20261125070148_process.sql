-- +goose Up
-- modify "tickets" table
ALTER TABLE "tickets" ADD COLUMN "situation" text NULL, ADD COLUMN "context" text NULL, ADD COLUMN "actions_taken" text NULL, ADD COLUMN "estimate" jsonb NULL, ADD COLUMN "estimate_price_cents" bigint NULL, ADD COLUMN "approved_at" timestamptz NULL, ADD COLUMN "delivery_status" character varying NULL, ADD COLUMN "delivery_notes" text NULL, ADD COLUMN "approved_by_id" bigint NULL, ADD CONSTRAINT "tickets_users_approved_by" FOREIGN KEY ("approved_by_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;

-- +goose Down
-- reverse: modify "tickets" table
ALTER TABLE "tickets" DROP CONSTRAINT "tickets_users_approved_by", DROP COLUMN "approved_by_id", DROP COLUMN "delivery_notes", DROP COLUMN "delivery_status", DROP COLUMN "approved_at", DROP COLUMN "estimate_price_cents", DROP COLUMN "estimate", DROP COLUMN "actions_taken", DROP COLUMN "context", DROP COLUMN "situation";
