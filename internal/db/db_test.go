package db_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/migrate"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/internal/db"
	"supportdesk/internal/db/dbtest"

	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"entgo.io/ent/schema/field"

	_ "supportdesk/ent/runtime"
)

const regenerate = "go run ./internal/db/cmd/migrategen -name <change>"

// trusted is the reviewed bypass of the privacy policies, for seeding rows in these tests.
func trusted() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// migrationDir is the folder of the dialect's embedded migrations, relative to this package.
func migrationDir(d *db.DB) string {
	if d.Dialect == "postgres" {
		return "migrations/postgres"
	}
	return "migrations/sqlite"
}

// appliedVersions counts the migrations recorded in goose's version table.
func appliedVersions(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow("SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOpenMigratesAndReopenIsNoop: Open migrates an empty database to the last embedded
// version; a second Open of the same database applies nothing and keeps the rows.
func TestOpenMigratesAndReopenIsNoop(t *testing.T) {
	ctx := context.Background()
	url := dbtest.FreshURL(t)
	d, err := db.Open(ctx, db.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(migrationDir(d), "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files in %s: %v", migrationDir(d), err)
	}
	if n := appliedVersions(t, d); n != len(files) {
		t.Fatalf("%d migrations applied, want %d", n, len(files))
	}
	d.Client.Organization.Create().SetName("Keep me").SetKind(organization.KindVENDOR).SaveX(trusted())
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	d, err = db.Open(ctx, db.Config{URL: url})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer d.Close()
	if n := appliedVersions(t, d); n != len(files) {
		t.Fatalf("after reopen %d migrations recorded, want %d", n, len(files))
	}
	if n := d.Client.Organization.Query().Where(organization.Name("Keep me")).CountX(trusted()); n != 1 {
		t.Fatalf("organisations after reopen = %d, want 1", n)
	}
}

// TestConcurrentOpen: instances starting together against one new database migrate it once
// (an advisory lock on PostgreSQL, a mutex for SQLite within the process).
func TestConcurrentOpen(t *testing.T) {
	url := dbtest.FreshURL(t)
	errs := make(chan error, 3)
	for range cap(errs) {
		go func() {
			d, err := db.Open(context.Background(), db.Config{URL: url})
			if err == nil {
				err = d.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestOpenSQLiteLocations: an empty URL creates <DataDir>/supportdesk.db (and DataDir), and
// sqlite:// URLs name a file.
func TestOpenSQLiteLocations(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if d.Dialect != "sqlite3" {
		t.Fatalf("dialect %q", d.Dialect)
	}
	d.Close()
	if _, err := os.Stat(filepath.Join(dir, "supportdesk.db")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.db")
	d, err = db.Open(ctx, db.Config{URL: "sqlite://" + path})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Open(ctx, db.Config{URL: "mysql://x"}); err == nil {
		t.Fatal("mysql URL accepted")
	}
}

// pending returns the statements that would bring the database of d to the given tables, with
// transaction and pragma noise removed.
func pending(t *testing.T, d *db.DB, tables []*schema.Table) []string {
	t.Helper()
	var buf bytes.Buffer
	drv := &schema.WriteDriver{Writer: &buf, Driver: entsql.OpenDB(d.Dialect, d.SQL)}
	m, err := schema.NewMigrate(drv, schema.WithDropIndex(true), schema.WithDropColumn(true))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Create(context.Background(), tables...); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(buf.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line == "BEGIN;" || line == "COMMIT;" || strings.HasPrefix(line, "--") ||
			strings.HasPrefix(line, "PRAGMA foreign_keys") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// TestMigrationsMatchSchema fails when the Ent schema changed without a generated migration.
func TestMigrationsMatchSchema(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	if stmts := pending(t, d, migrate.Tables); len(stmts) > 0 {
		t.Fatalf("the migrations in internal/db/migrations lag behind ent/schema; run\n\t%s\nPending on %s:\n%s",
			regenerate, d.Dialect, strings.Join(stmts, "\n"))
	}
}

// TestMigrationCheckSeesNewField proves that the check above fails for a field added to the
// schema: a copy of the organizations table with one column more must show as pending.
func TestMigrationCheckSeesNewField(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	orig := migrate.OrganizationsTable
	org := schema.NewTable(orig.Name)
	for _, c := range orig.Columns {
		org.AddColumn(c)
	}
	org.AddColumn(&schema.Column{Name: "added_field", Type: field.TypeString, Nullable: true})
	org.PrimaryKey, org.ForeignKeys, org.Indexes, org.Annotation = orig.PrimaryKey, orig.ForeignKeys, orig.Indexes, orig.Annotation
	tables := make([]*schema.Table, 0, len(migrate.Tables))
	for _, tb := range migrate.Tables {
		if tb == orig {
			tb = org
		}
		tables = append(tables, tb)
	}
	stmts := pending(t, d, tables)
	if len(stmts) == 0 || !strings.Contains(strings.Join(stmts, "\n"), "added_field") {
		t.Fatalf("a new field went unnoticed: %q", stmts)
	}
}

// TestGlobalIDRanges: ids of different types fall in different 1<<32 ranges, which Noder
// lookups rely on.
func TestGlobalIDRanges(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	ctx := trusted()
	o := d.Client.Organization.Create().SetName("V").SetKind(organization.KindVENDOR).SaveX(ctx)
	u := d.Client.User.Create().SetEmail("a@b.example").SetName("A").SetRole("ADMIN").SetOrganizationID(o.ID).SaveX(ctx)
	if o.ID>>32 == u.ID>>32 {
		t.Fatalf("organisation id %d and user id %d share a range", o.ID, u.ID)
	}
	for id, want := range map[int]string{o.ID: organization.Table, u.ID: "users"} {
		tbl, err := d.Client.Noder(ctx, id)
		if err != nil {
			t.Fatalf("Noder(%d): %v", id, err)
		}
		switch n := tbl.(type) {
		case *ent.Organization:
			if want != organization.Table || n.ID != id {
				t.Fatalf("Noder(%d) = organisation %d, want %s", id, n.ID, want)
			}
		case *ent.User:
			if want != "users" || n.ID != id {
				t.Fatalf("Noder(%d) = user %d, want %s", id, n.ID, want)
			}
		default:
			t.Fatalf("Noder(%d) = %T", id, tbl)
		}
	}
}

// TestIDRangesMigrated: every table starts its ids where the generated global-id ranges
// (ent/internal/globalid.go, copied into migrate.Tables) say, so a migration that forgot the
// start of a new table's range fails here.
func TestIDRangesMigrated(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	for _, tb := range migrate.Tables {
		if tb.Annotation == nil || tb.Annotation.IncrementStart == nil {
			continue
		}
		start := int64(*tb.Annotation.IncrementStart)
		var got sql.NullInt64
		var err error
		if d.Dialect == "postgres" {
			err = d.SQL.QueryRow(`SELECT identity_start::bigint FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`, tb.Name).Scan(&got)
			if err == sql.ErrNoRows {
				t.Errorf("table %s is missing (run %s)", tb.Name, regenerate)
				continue
			}
			if start == 0 {
				start = 1 // PostgreSQL's default
			}
		} else {
			// SQLite's next id is seq+1; a missing row means 0.
			err = d.SQL.QueryRow(`SELECT seq FROM sqlite_sequence WHERE name = ?`, tb.Name).Scan(&got)
			if err == sql.ErrNoRows {
				err, got = nil, sql.NullInt64{Valid: true}
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		if got.Int64 != start {
			t.Errorf("table %s starts its ids at %d, want %d (run %s)", tb.Name, got.Int64, start, regenerate)
		}
	}
}

// TestSearchTriggers: the SQLite full-text index is kept by triggers that an Atlas table
// rebuild would drop; this fails if a later migration lost one of them.
func TestSearchTriggers(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	if d.Dialect != "sqlite3" {
		t.Skip("PostgreSQL uses to_tsvector on the fly; no triggers to check")
	}
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_fts_%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 9 {
		t.Fatalf("%d full-text triggers, want 9", n)
	}
	ctx := trusted()
	o := d.Client.Organization.Create().SetName("C").SetKind(organization.KindCUSTOMER).SaveX(ctx)
	u := d.Client.User.Create().SetEmail("k@x.example").SetName("K").SetRole("KEY_USER").SetOrganizationID(o.ID).SaveX(ctx)
	tk := d.Client.Ticket.Create().SetNumber("SD-1").SetTitle("Posting fails").SetType("QUESTION").SetPriority("P3").
		SetChannel("PORTAL").SetLevel("L1").SetReceivedAt(time.Now()).SetCustomerID(o.ID).SetReporterID(u.ID).SaveX(ctx)
	d.Client.Ticket.UpdateOne(tk).SetTitle("Scanner blank").ExecX(ctx)
	var id int
	if err := d.SQL.QueryRow(`SELECT rowid FROM search_fts WHERE search_fts MATCH 'scanner' AND kind = 'T'`).Scan(&id); err != nil || id != tk.ID {
		t.Fatalf("updated title not indexed: %v %d", err, id)
	}
	if err := d.SQL.QueryRow(`SELECT count(*) FROM search_fts WHERE search_fts MATCH 'posting'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("old title still indexed: %v %d", err, n)
	}
}
