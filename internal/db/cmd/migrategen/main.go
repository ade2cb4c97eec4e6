// Command migrategen writes the next versioned migration of both dialects from the current Ent
// schema:
//
//	go run ./internal/db/cmd/migrategen -name <change>
//
// For each dialect Atlas replays the existing files of internal/db/migrations/<dialect> on an
// empty dev database, compares the result with ent/migrate.Tables and writes the difference
// as one goose file (-- +goose Up / Down) plus an updated atlas.sum. The SQLite dev database
// is in memory (modernc); the PostgreSQL one is a scratch database created on the -pg server
// and dropped afterwards, because Atlas refuses a dev database that is not empty. Nothing is
// written when the schema and the files agree.
//
// Global ids (sql/globalid) need no option here: entc keeps each table's 1<<32 range in
// ent/internal/globalid.go and in the IncrementStart annotations of ent/migrate, and Atlas
// turns them into START WITH (PostgreSQL) and sqlite_sequence rows (SQLite). The deprecated
// migrate.WithGlobalUniqueID (an ent_types table) must not be used with it.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"supportdesk/ent/migrate"

	atlas "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/lib/pq"
	"modernc.org/sqlite"
)

// sqliteDev is the in-memory dev database. Atlas opens it through database/sql by the name
// "sqlite3" (registered below); cache=shared keeps one database across the pool's connections.
const sqliteDev = "sqlite://mem?mode=memory&cache=shared&_pragma=foreign_keys(1)"

func main() {
	name := flag.String("name", "", "name of the migration, e.g. add_task_notes (required)")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL server on which a scratch dev database is created and dropped")
	flag.Parse()
	if *name == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), *name, *pg); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, name, pg string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	migrations := filepath.Join(root, "internal", "db", "migrations")
	if err := diff(ctx, filepath.Join(migrations, "sqlite"), dialect.SQLite, sqliteDev, name); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	dev, drop, err := scratchDB(ctx, pg)
	if err != nil {
		return fmt.Errorf("postgres scratch database on %s: %w", pg, err)
	}
	defer drop()
	if err := diff(ctx, filepath.Join(migrations, "postgres"), dialect.Postgres, dev, name); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// diff writes the next migration of one dialect into path.
func diff(ctx context.Context, path, dia, devURL, name string) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	// Hand-written migrations (the SQLite full-text index) are part of the history too, and
	// Atlas refuses a folder whose atlas.sum does not match: re-hash it before replaying.
	sum, err := dir.Checksum()
	if err != nil {
		return err
	}
	if err := atlas.WriteSumFile(dir, sum); err != nil {
		return err
	}
	return migrate.NamedDiff(ctx, devURL, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dia),
		schema.WithFormatter(sqltool.GooseFormatter),
		schema.WithDropIndex(true),
		schema.WithDropColumn(true),
	)
}

// scratchDB creates an empty database on the server of serverURL and returns its URL and a
// function that drops it.
func scratchDB(ctx context.Context, serverURL string) (string, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("postgres", serverURL)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("migrategen_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)"); err != nil {
			log.Printf("drop %s: %v", name, err)
		}
		admin.Close()
	}
	return u.String(), drop, nil
}

// moduleRoot is the nearest folder at or above the working directory holding go.mod, so the
// command works from anywhere inside the module.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found: run inside the supportdesk module")
		}
		dir = parent
	}
}

// Ent's SQLite dialect and Atlas open the dev database as "sqlite3"; modernc registers
// only "sqlite".
func init() { sql.Register("sqlite3", &sqlite.Driver{}) }
