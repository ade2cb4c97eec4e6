// Package db opens the database, embedded SQLite (modernc.org/sqlite, pure Go) by default or
// PostgreSQL (github.com/lib/pq) for a postgres:// URL, and applies the versioned migrations
// embedded from migrations/<dialect> with goose before anything else touches it.
//
// Migrations are generated from the Ent schema by
//
//	go run ./internal/db/cmd/migrategen -name <change>
//
// which writes the next file of both dialects (Atlas diff, goose format). A test fails when the
// folders and the Ent schema disagree. Once a release has shipped, a change of the schema is
// always a new named migration, never an edit of an applied one.
//
// SQLite's full-text index (search_fts) is hand-written and kept by triggers on tickets, tasks
// and knowledge_articles. Atlas changes a SQLite table by copying it, which drops its
// triggers: a migration that rebuilds one of these tables must create its triggers again
// (TestSearchTriggers fails until it does).
package db
