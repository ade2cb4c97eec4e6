// Package db owns opening the database and bringing its schema up to date: embedded SQLite
// (modernc.org/sqlite, pure Go) in <DataDir>/supportdesk.db by default, a file: or sqlite://
// URL, or PostgreSQL (github.com/lib/pq) for a postgres:// URL. Open applies the versioned
// migrations embedded from migrations/<dialect> with goose (table goose_db_version) before it
// returns, so an upgraded binary keeps the user's data and only runs the files it has not run.
// Package dbtest gives other packages' tests a fresh migrated database; cmd/migrategen writes
// the migration files.
//
// # Changing the schema
//
// After changing ent/schema and running go generate, write the next migration of both
// dialects with
//
//	go run ./internal/db/cmd/migrategen -name <change>
//
// (PostgreSQL must be reachable; -pg names another server). It replays the existing files on
// an empty dev database, diffs them against the Ent schema and writes one goose file per
// dialect plus atlas.sum. TestMigrationsMatchSchema fails, naming the pending statements,
// when the folders and the Ent schema disagree.
//
// Until the first release, the folders may be reset instead of growing: delete the generated
// files and both atlas.sum, run the command with -name initial, and give each hand-written file
// (migrations/sqlite/*_search_fts.sql) a version after the new initial by renaming it. Old
// development databases must then be deleted too. From the first release on, never edit or
// delete an applied file: every change is a new named migration.
//
// # Global ids
//
// Ent's sql/globalid gives each table a 1<<32 id range, fixed at generation time in
// ent/internal/globalid.go (a new entity gets the next free range). The migrations carry it as
// START WITH on PostgreSQL and as a sqlite_sequence row on SQLite; TestIDRangesMigrated checks
// every table. No ent_types table and no WithGlobalUniqueID option are involved.
//
// # SQLite specifics
//
// Atlas changes a SQLite table by copying it into a new one, dropping the old one and renaming.
// With foreign keys on, that DROP would fail or cascade, and PRAGMA foreign_keys is a no-op
// inside goose's transaction, so SQLite migrations run on their own connection with foreign
// keys off, followed by PRAGMA foreign_key_check. The same copy drops a table's triggers:
// the full-text index search_fts is hand-written and kept by triggers on tickets, tasks and
// knowledge_articles, so a migration that rebuilds one of these tables must create its
// triggers again (TestSearchTriggers fails until it does).
package db
