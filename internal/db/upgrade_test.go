package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// TestUpgradeKeepsData applies the first migration, writes rows that later migrations must
// carry over (tickets referenced by comments, a time entry that later gets its ticket's
// number), then applies the rest and checks the rows.
func TestUpgradeKeepsData(t *testing.T) {
	ctx := context.Background()
	cfg := Config{URL: "file:" + filepath.Join(t.TempDir(), "up.db")}
	dsn, err := sqliteDSN(cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := migrations.ReadDir("migrations/sqlite")
	var first int64
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".sql" {
			var v int64
			for _, c := range e.Name() {
				if c < '0' || c > '9' {
					break
				}
				v = v*10 + int64(c-'0')
			}
			first = v
			break
		}
	}
	if err := migrateSQLite(ctx, dsn, nil, first); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO organizations (id, created_at, updated_at, name, kind, ticket_prefix) VALUES (1, '2026-01-01', '2026-01-01', 'C', 'CUSTOMER', 'SD')",
		"INSERT INTO users (id, created_at, updated_at, email, name, role, can_approve, active, language, organization_id) VALUES (2, '2026-01-01', '2026-01-01', 'a@b', 'A', 'KEY_USER', 0, 1, 'en', 1)",
		"INSERT INTO tickets (id, created_at, updated_at, number, title, description, type, priority, channel, level, status, reproducible, vendor_involved, billable_reclassified, received_at, customer_id, reporter_id) VALUES (3, '2026-01-01', '2026-01-01', 'SD-000001', 'Keep', '', 'QUESTION', 'P3', 'PORTAL', 'L1', 'NEW', 0, 0, 0, '2026-01-01', 1, 2)",
		"INSERT INTO comments (id, created_at, updated_at, body, internal, author_id, ticket_id) VALUES (4, '2026-01-01', '2026-01-01', 'hello', 0, 2, 3)",
		"INSERT INTO time_entries (id, created_at, updated_at, level, work_date, raw_minutes, minutes, ticket_id, user_id, customer_id) VALUES (5, '2026-01-01', '2026-01-01', 'L1', '2026-01-01', 10, 15, 3, 2, 1)",
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	d, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer d.Close()
	var title, body string
	if err := d.SQL.QueryRow("SELECT t.title, c.body FROM tickets t JOIN comments c ON c.ticket_id = t.id").Scan(&title, &body); err != nil {
		t.Fatal(err)
	}
	if title != "Keep" || body != "hello" {
		t.Fatalf("after upgrade: %q %q", title, body)
	}
	var number string
	var minutes int
	if err := d.SQL.QueryRow("SELECT ticket_number, minutes FROM time_entries WHERE id = 5").Scan(&number, &minutes); err != nil {
		t.Fatal(err)
	}
	if number != "SD-000001" || minutes != 15 {
		t.Fatalf("time entry after upgrade: number %q, %d minutes", number, minutes)
	}
}
