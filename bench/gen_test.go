package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
)

// digests are the contents of the generated tables, without the times the domain services
// stamp with the wall clock (created_at of organisations, contracts and calendars).
var digests = map[string]string{
	"tickets":       `SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM tickets t`,
	"time_entries":  `SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM time_entries t`,
	"ticket_events": `SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM ticket_events t`,
	"comments":      `SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM comments t`,
	"users":         `SELECT md5(string_agg(concat_ws(',', id, email, name, role, levels, organization_id, password_hash IS NOT NULL), '|' ORDER BY id)) FROM users`,
	"organizations": `SELECT md5(string_agg(concat_ws(',', id, name, kind, parent_id, time_zone, default_calendar_id), '|' ORDER BY id)) FROM organizations`,
	"contracts":     `SELECT md5(string_agg(concat_ws(',', id, name, agreement_type, customer_id, provider_id, calendar_id, sla_targets, level_terms), '|' ORDER BY id)) FROM contracts`,
	"versions":      `SELECT md5(string_agg(concat_ws(',', id, contract_id, version, effective_from, terms), '|' ORDER BY id)) FROM contract_versions`,
}

func digest(t *testing.T, dbURL string) map[string]string {
	t.Helper()
	q, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	out := map[string]string{}
	for k, query := range digests {
		var s sql.NullString
		if err := q.QueryRow(query).Scan(&s); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = s.String
	}
	return out
}

// TestGeneratorDeterministic generates the tiny data set twice and compares the tables, then
// checks the shape the README promises (counts, open share, priorities, unassigned share).
func TestGeneratorDeterministic(t *testing.T) {
	server := os.Getenv("TEST_DATABASE_URL")
	if server == "" {
		t.Skip("the generator needs PostgreSQL (COPY): set TEST_DATABASE_URL to run this test")
	}
	ctx := context.Background()
	sz := Sizes["T"]
	var urls []string
	for _, suffix := range []string{"a", "b"} {
		name := fmt.Sprintf("supportdesk_bench_test_%d_%s", os.Getpid(), suffix)
		_, u, err := Generate(ctx, server, name, sz, t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, u)
		t.Cleanup(func() {
			if q, err := sql.Open("postgres", mustWithDB(t, server, "postgres")); err == nil {
				_, _ = q.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
				q.Close()
			}
		})
	}
	a, b := digest(t, urls[0]), digest(t, urls[1])
	for k := range digests {
		if a[k] == "" || a[k] != b[k] {
			t.Errorf("%s differs between two generations: %q vs %q", k, a[k], b[k])
		}
	}
	q, err := sql.Open("postgres", urls[0])
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	var tickets, open, p1, p2, p3, p4, unassigned, entries, events, comments int
	if err := q.QueryRow(`SELECT count(*), count(*) FILTER (WHERE open), count(*) FILTER (WHERE priority = 'P1'),
  count(*) FILTER (WHERE priority = 'P2'), count(*) FILTER (WHERE priority = 'P3'), count(*) FILTER (WHERE priority = 'P4'),
  count(*) FILTER (WHERE assignee_id IS NULL), (SELECT count(*) FROM time_entries), (SELECT count(*) FROM ticket_events),
  (SELECT count(*) FROM comments) FROM tickets`).Scan(&tickets, &open, &p1, &p2, &p3, &p4, &unassigned, &entries, &events, &comments); err != nil {
		t.Fatal(err)
	}
	if tickets != sz.Tickets || events != 2*sz.Tickets || comments != sz.Tickets {
		t.Errorf("tickets %d, history %d, comments %d; want %d, %d, %d", tickets, events, comments, sz.Tickets, 2*sz.Tickets, sz.Tickets)
	}
	within := func(name string, got, wantPercent, tolerance int) {
		if pct := 100 * got / tickets; pct < wantPercent-tolerance || pct > wantPercent+tolerance {
			t.Errorf("%s: %d %% of the tickets, want %d ± %d %%", name, pct, wantPercent, tolerance)
		}
	}
	within("open", open, 5, 2)
	within("P1", p1, 10, 3)
	within("P2", p2, 30, 4)
	within("P3", p3, 40, 4)
	within("P4", p4, 20, 4)
	within("unassigned", unassigned, 10, 3)
	if perTicket := float64(entries) / float64(tickets); perTicket < 2.5 || perTicket > 3.2 {
		t.Errorf("%.2f time entries per ticket, want about 3", perTicket)
	}
	// Every table's ids lie in its global-id range (ent/internal/globalid.go).
	for _, table := range []string{"tickets", "time_entries", "ticket_events", "comments"} {
		var below int
		if err := q.QueryRow(fmt.Sprintf(`SELECT count(*) FROM %s WHERE id < (SELECT start_value FROM pg_sequences WHERE sequencename = '%s_id_seq')`, table, table)).Scan(&below); err != nil {
			t.Fatal(err)
		}
		if below != 0 {
			t.Errorf("%s: %d ids below the table's range", table, below)
		}
	}
}

func mustWithDB(t *testing.T, u, name string) string {
	t.Helper()
	s, err := withDB(u, name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
