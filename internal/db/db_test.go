package db_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportdesk/ent/migrate"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/internal/db"
	"supportdesk/internal/db/dbtest"

	_ "supportdesk/ent/runtime"
)

func trusted() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// TestMigrationsMatchSchema fails when the Ent schema changed without a generated migration.
func TestMigrationsMatchSchema(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	var buf bytes.Buffer
	if err := d.Client.Schema.WriteTo(context.Background(), &buf, migrate.WithDropIndex(true), migrate.WithDropColumn(true)); err != nil {
		t.Fatal(err)
	}
	var pending []string
	for _, line := range strings.Split(buf.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line == "BEGIN;" || line == "COMMIT;" || strings.HasPrefix(line, "--") || strings.HasPrefix(line, "PRAGMA foreign_keys") {
			continue
		}
		pending = append(pending, line)
	}
	if len(pending) > 0 {
		t.Fatalf("the migrations lag behind the Ent schema; run `go run ./internal/db/cmd/migrategen -name <change>`. Pending:\n%s",
			strings.Join(pending, "\n"))
	}
}

// TestReopenKeepsData: opening an already migrated database applies nothing and keeps rows.
func TestReopenKeepsData(t *testing.T) {
	if dbtest.URL() != "" {
		t.Log("PostgreSQL: reopening is covered by every test's fresh scratch database; checking the SQLite file path here")
	}
	dir := t.TempDir()
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d.Client.Organization.Create().SetName("Keep me").SetKind(organization.KindVENDOR).SaveX(trusted())
	d.Close()
	if _, err := os.Stat(filepath.Join(dir, "supportdesk.db")); err != nil {
		t.Fatal(err)
	}
	d, err = db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := d.Client.Organization.Query().Where(organization.Name("Keep me")).CountX(trusted()); n != 1 {
		t.Fatalf("organisations after reopen = %d", n)
	}
}

// TestGlobalIDRanges: ids of different types never collide, which node lookups rely on.
func TestGlobalIDRanges(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	ctx := trusted()
	o := d.Client.Organization.Create().SetName("V").SetKind(organization.KindVENDOR).SaveX(ctx)
	u := d.Client.User.Create().SetEmail("a@b.example").SetName("A").SetRole("ADMIN").SetOrganizationID(o.ID).SaveX(ctx)
	if o.ID>>32 == u.ID>>32 {
		t.Fatalf("organisation id %d and user id %d share a range", o.ID, u.ID)
	}
	n, err := d.Client.Noder(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.(interface{ IsNode() }) == nil {
		t.Fatal("no node")
	}
}

// TestSearchTriggers: the SQLite full-text index is kept by triggers that an Atlas table
// rebuild would drop; this fails if a later migration lost one of them.
func TestSearchTriggers(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	if d.Dialect != "sqlite3" {
		t.Log("PostgreSQL uses to_tsvector on the fly; no triggers to check")
		return
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
