-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_contracts" table
CREATE TABLE `new_contracts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `agreement_type` text NOT NULL, `intake_model` text NOT NULL DEFAULT ('KEY_USER_GATED'), `channels` json NOT NULL, `valid_from` datetime NOT NULL, `valid_until` datetime NULL, `hypercare_tier` text NOT NULL DEFAULT ('NONE'), `first_training_day` datetime NULL, `key_user_limit` integer NOT NULL DEFAULT (2), `extra_key_users` integer NOT NULL DEFAULT (0), `time_increment_minutes` integer NOT NULL DEFAULT (5), `min_billable_minutes` integer NOT NULL DEFAULT (0), `incidents_billable` bool NOT NULL DEFAULT (false), `refuse_uncovered` bool NOT NULL DEFAULT (false), `currency` text NOT NULL DEFAULT ('EUR'), `warning_threshold_percent` integer NOT NULL DEFAULT (80), `carry_over` bool NOT NULL DEFAULT (false), `carry_over_cap_minutes` integer NOT NULL DEFAULT (0), `level_terms` json NULL, `sla_targets` json NULL, `overrun_policy` text NOT NULL DEFAULT ('ASK'), `provider_id` integer NOT NULL, `calendar_id` integer NULL, `service_manager_id` integer NULL, `customer_id` integer NOT NULL, CONSTRAINT `contracts_organizations_provider` FOREIGN KEY (`provider_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `contracts_calendars_calendar` FOREIGN KEY (`calendar_id`) REFERENCES `calendars` (`id`) ON DELETE SET NULL, CONSTRAINT `contracts_users_service_manager` FOREIGN KEY (`service_manager_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `contracts_organizations_contracts` FOREIGN KEY (`customer_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_contracts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_contracts", 12884901888);
-- copy rows from old table "contracts" to new temporary table "new_contracts"
INSERT INTO `new_contracts` (`id`, `created_at`, `updated_at`, `name`, `agreement_type`, `intake_model`, `channels`, `valid_from`, `valid_until`, `hypercare_tier`, `first_training_day`, `key_user_limit`, `extra_key_users`, `time_increment_minutes`, `min_billable_minutes`, `incidents_billable`, `refuse_uncovered`, `currency`, `warning_threshold_percent`, `carry_over`, `carry_over_cap_minutes`, `level_terms`, `sla_targets`, `provider_id`, `calendar_id`, `service_manager_id`, `customer_id`) SELECT `id`, `created_at`, `updated_at`, `name`, `agreement_type`, `intake_model`, `channels`, `valid_from`, `valid_until`, `hypercare_tier`, `first_training_day`, `key_user_limit`, `extra_key_users`, `time_increment_minutes`, `min_billable_minutes`, `incidents_billable`, `refuse_uncovered`, `currency`, `warning_threshold_percent`, `carry_over`, `carry_over_cap_minutes`, `level_terms`, `sla_targets`, `provider_id`, `calendar_id`, `service_manager_id`, `customer_id` FROM `contracts`;
-- drop "contracts" table after copying rows
DROP TABLE `contracts`;
-- rename temporary table "new_contracts" to "contracts"
ALTER TABLE `new_contracts` RENAME TO `contracts`;
-- create index "contract_customer_id" to table: "contracts"
CREATE INDEX `contract_customer_id` ON `contracts` (`customer_id`);
-- create index "contract_provider_id" to table: "contracts"
CREATE INDEX `contract_provider_id` ON `contracts` (`provider_id`);
-- create "contract_versions" table
CREATE TABLE `contract_versions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `version` integer NOT NULL, `effective_from` datetime NOT NULL, `terms` json NOT NULL, `note` text NOT NULL DEFAULT (''), `contract_id` integer NOT NULL, `created_by_id` integer NULL, CONSTRAINT `contract_versions_contracts_contract` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION, CONSTRAINT `contract_versions_users_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "contract_versions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("contract_versions", 85899345920);
-- create index "contractversion_contract_id_version" to table: "contract_versions"
CREATE UNIQUE INDEX `contractversion_contract_id_version` ON `contract_versions` (`contract_id`, `version`);
-- create index "contractversion_contract_id_effective_from" to table: "contract_versions"
CREATE INDEX `contractversion_contract_id_effective_from` ON `contract_versions` (`contract_id`, `effective_from`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "contractversion_contract_id_effective_from" to table: "contract_versions"
DROP INDEX `contractversion_contract_id_effective_from`;
-- reverse: create index "contractversion_contract_id_version" to table: "contract_versions"
DROP INDEX `contractversion_contract_id_version`;
-- reverse: set sequence for "contract_versions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "contract_versions";
-- reverse: create "contract_versions" table
DROP TABLE `contract_versions`;
-- reverse: create index "contract_provider_id" to table: "contracts"
DROP INDEX `contract_provider_id`;
-- reverse: create index "contract_customer_id" to table: "contracts"
DROP INDEX `contract_customer_id`;
-- reverse: set sequence for "new_contracts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_contracts";
-- reverse: create "new_contracts" table
DROP TABLE `new_contracts`;
