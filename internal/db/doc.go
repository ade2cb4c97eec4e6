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
package db
