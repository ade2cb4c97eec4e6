-- +goose Up
-- create "login_throttles" table
CREATE TABLE `login_throttles` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key` text NOT NULL, `failures` integer NOT NULL DEFAULT (0), `window_start` datetime NOT NULL, `locked_until` datetime NULL);
-- set sequence for "login_throttles" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("login_throttles", 107374182400);
-- create index "login_throttles_key_key" to table: "login_throttles"
CREATE UNIQUE INDEX `login_throttles_key_key` ON `login_throttles` (`key`);

-- +goose Down
-- reverse: create index "login_throttles_key_key" to table: "login_throttles"
DROP INDEX `login_throttles_key_key`;
-- reverse: set sequence for "login_throttles" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "login_throttles";
-- reverse: create "login_throttles" table
DROP TABLE `login_throttles`;
