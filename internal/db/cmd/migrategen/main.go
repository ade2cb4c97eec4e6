// Command migrategen writes the next versioned migration of both dialects from the current Ent
// schema: go run ./internal/db/cmd/migrategen -name <change>. The SQLite diff runs against an
// in-memory database, the PostgreSQL one against a scratch database created and dropped here.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net/url"
	"time"

	"supportdesk/ent/migrate"

	atlas "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/lib/pq"
	"modernc.org/sqlite"
)

func main() {
	name := flag.String("name", "", "name of the migration, e.g. add_task_notes")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server for the scratch database")
	flag.Parse()
	if *name == "" {
		log.Fatal("-name is required")
	}
	ctx := context.Background()
	if err := diff(ctx, "internal/db/migrations/sqlite", dialect.SQLite, "sqlite://file?mode=memory&_pragma=foreign_keys(1)", *name); err != nil {
		log.Fatalf("sqlite: %v", err)
	}
	scratch, drop, err := scratchDB(*pg)
	if err != nil {
		log.Fatalf("postgres scratch database: %v", err)
	}
	defer drop()
	if err := diff(ctx, "internal/db/migrations/postgres", dialect.Postgres, scratch, *name); err != nil {
		drop()
		log.Fatalf("postgres: %v", err)
	}
}

func diff(ctx context.Context, path, dia, devURL, name string) error {
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	// Hand-written migrations (e.g. the SQLite full-text index) are part of the history too:
	// re-hash the folder before replaying it.
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

// scratchDB creates an empty database on the server of serverURL and returns its URL.
func scratchDB(serverURL string) (string, func(), error) {
	db, err := sql.Open("postgres", serverURL)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("migrategen_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		return "", nil, err
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		db.Close()
	}
	return u.String(), drop, nil
}

var _ atlas.Dir = (*sqltool.GooseDir)(nil)

// Ent opens the SQLite dev database by its dialect name.
func init() { sql.Register("sqlite3", &sqlite.Driver{}) }
