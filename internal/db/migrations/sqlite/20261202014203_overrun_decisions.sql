-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_contingents" table
CREATE TABLE `new_contingents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `month` text NOT NULL, `level` text NOT NULL, `monthly_minutes` integer NOT NULL, `carried_over_minutes` integer NOT NULL DEFAULT (0), `extra_minutes` integer NOT NULL DEFAULT (0), `used_minutes` integer NOT NULL DEFAULT (0), `warned` bool NOT NULL DEFAULT (false), `decision` text NOT NULL DEFAULT ('NONE'), `carried_forward` bool NOT NULL DEFAULT (false), `contract_id` integer NOT NULL, `customer_id` integer NOT NULL, `open_decision_id` integer NULL, CONSTRAINT `contingents_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION, CONSTRAINT `contingents_organizations_customer` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `contingents_overrun_decisions_open_decision` FOREIGN KEY (`open_decision_id`) REFERENCES `overrun_decisions` (`id`) ON DELETE SET NULL);
-- set sequence for "new_contingents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_contingents", 68719476736);
-- copy rows from old table "contingents" to new temporary table "new_contingents"
INSERT INTO `new_contingents` (`id`, `created_at`, `updated_at`, `month`, `level`, `monthly_minutes`, `carried_over_minutes`, `extra_minutes`, `used_minutes`, `warned`, `decision`, `carried_forward`, `contract_id`, `customer_id`) SELECT `id`, `created_at`, `updated_at`, `month`, `level`, `monthly_minutes`, `carried_over_minutes`, `extra_minutes`, `used_minutes`, `warned`, `decision`, `carried_forward`, `contract_id`, `customer_id` FROM `contingents`;
-- drop "contingents" table after copying rows
DROP TABLE `contingents`;
-- rename temporary table "new_contingents" to "contingents"
ALTER TABLE `new_contingents` RENAME TO `contingents`;
-- create index "contingent_contract_id_month_level" to table: "contingents"
CREATE UNIQUE INDEX `contingent_contract_id_month_level` ON `contingents` (`contract_id`, `month`, `level`);
-- create "overrun_decisions" table
CREATE TABLE `overrun_decisions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `cause` text NOT NULL, `status` text NOT NULL DEFAULT ('OPEN'), `extra_minutes` integer NOT NULL DEFAULT (0), `answered_at` datetime NULL, `contingent_id` integer NOT NULL, `answered_by_id` integer NULL, `contract_id` integer NOT NULL, `customer_id` integer NOT NULL, CONSTRAINT `overrun_decisions_contingents_decisions` FOREIGN KEY (`contingent_id`) REFERENCES `contingents` (`id`) ON DELETE NO ACTION, CONSTRAINT `overrun_decisions_users_answered_by` FOREIGN KEY (`answered_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `overrun_decisions_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION, CONSTRAINT `overrun_decisions_organizations_customer` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "overrun_decisions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("overrun_decisions", 77309411328);
-- create index "overrundecision_contingent_id" to table: "overrun_decisions"
CREATE INDEX `overrundecision_contingent_id` ON `overrun_decisions` (`contingent_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "overrundecision_contingent_id" to table: "overrun_decisions"
DROP INDEX `overrundecision_contingent_id`;
-- reverse: set sequence for "overrun_decisions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "overrun_decisions";
-- reverse: create "overrun_decisions" table
DROP TABLE `overrun_decisions`;
-- reverse: create index "contingent_contract_id_month_level" to table: "contingents"
DROP INDEX `contingent_contract_id_month_level`;
-- reverse: set sequence for "new_contingents" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_contingents";
-- reverse: create "new_contingents" table
DROP TABLE `new_contingents`;
