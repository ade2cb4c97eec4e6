-- +goose Up
-- create "contingents" table
CREATE TABLE `contingents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `month` text NOT NULL, `level` text NOT NULL, `monthly_minutes` integer NOT NULL, `carried_over_minutes` integer NOT NULL DEFAULT (0), `extra_minutes` integer NOT NULL DEFAULT (0), `used_minutes` integer NOT NULL DEFAULT (0), `warned` bool NOT NULL DEFAULT (false), `decision` text NOT NULL DEFAULT ('NONE'), `carried_forward` bool NOT NULL DEFAULT (false), `contract_id` integer NOT NULL, `customer_id` integer NOT NULL, CONSTRAINT `contingents_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION, CONSTRAINT `contingents_organizations_customer` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "contingents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("contingents", 68719476736);
-- create index "contingent_contract_id_month_level" to table: "contingents"
CREATE UNIQUE INDEX `contingent_contract_id_month_level` ON `contingents` (`contract_id`, `month`, `level`);
-- create "statements" table
CREATE TABLE `statements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `month` text NOT NULL, `total_cents` integer NOT NULL, `currency` text NOT NULL, `customer_id` integer NOT NULL, `issued_by_id` integer NOT NULL, `contract_id` integer NOT NULL, CONSTRAINT `statements_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION);
-- set sequence for "statements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("statements", 73014444032);
-- create index "statement_contract_id_month" to table: "statements"
CREATE UNIQUE INDEX `statement_contract_id_month` ON `statements` (`contract_id`, `month`);

-- +goose Down
-- reverse: create index "statement_contract_id_month" to table: "statements"
DROP INDEX `statement_contract_id_month`;
-- reverse: set sequence for "statements" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "statements";
-- reverse: create "statements" table
DROP TABLE `statements`;
-- reverse: create index "contingent_contract_id_month_level" to table: "contingents"
DROP INDEX `contingent_contract_id_month_level`;
-- reverse: set sequence for "contingents" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "contingents";
-- reverse: create "contingents" table
DROP TABLE `contingents`;
