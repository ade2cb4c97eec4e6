package sla_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"supportdesk/ent/privacy"
	"supportdesk/internal/db/dbtest"
	"supportdesk/internal/sla"
	"supportdesk/internal/viewer"

	_ "supportdesk/ent/runtime"
)

// BenchmarkReport times a month's SLA report for partner staff over BENCH_TICKETS tickets
// (default 100,000) spread over 12 months and 20 customers, with frozen SLA results.
func BenchmarkReport(b *testing.B) {
	total := 100_000
	if s := os.Getenv("BENCH_TICKETS"); s != "" {
		total, _ = strconv.Atoi(s)
	}
	d := dbtest.OpenTest(b, nil)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	c := d.Client
	p := c.Organization.Create().SetName("P").SetKind("PARTNER").SaveX(ctx)
	var customers []int
	var first, reporter int
	for i := 0; i < 20; i++ {
		o := c.Organization.Create().SetName(fmt.Sprintf("C%d", i)).SetKind("CUSTOMER").SetParentID(p.ID).SaveX(ctx)
		u := c.User.Create().SetEmail(fmt.Sprintf("k%d@x.example", i)).SetName("k").SetRole("KEY_USER").SetOrganizationID(o.ID).SaveX(ctx)
		customers = append(customers, o.ID)
		if i == 0 {
			first, reporter = o.ID, u.ID
		}
	}
	start := time.Now()
	// One set-based insert: customer ids are consecutive in their global-id range.
	series, mod, concat := "generate_series(1, %d) AS s(i)", "%", "||"
	if d.Dialect == "sqlite3" {
		series = "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < %d) SELECT i FROM n) AS s"
	}
	from := fmt.Sprintf(series, total)
	ts := "TIMESTAMP '2026-01-01 00:00:00' + (i %[1]s 365) * INTERVAL '1 day'"
	if d.Dialect == "sqlite3" {
		ts = "datetime('2026-01-01', '+' || (i %[1]s 365) || ' days')"
	}
	ts = fmt.Sprintf(ts, mod)
	q := fmt.Sprintf(`INSERT INTO tickets (created_at, updated_at, number, title, description, type, priority, channel, level, status,
	  reproducible, vendor_involved, billable_reclassified, received_at, customer_id, reporter_id,
	  sla_first_response_minutes, sla_resolution_minutes, sla_first_response_met, sla_resolution_met, resolved_at)
	  SELECT %[1]s, %[1]s, 'B-' %[2]s i, 't', '', 'QUESTION', 'P' %[2]s (1 + i %[3]s 4), 'PORTAL', 'L1', 'RESOLVED', false, false, false,
	  %[1]s, %[4]d + (i %[3]s 20), %[5]d, i %[3]s 480, i %[3]s 2400, (i %[3]s 480) < 400, (i %[3]s 2400) < 2000, %[1]s FROM %[6]s`,
		ts, concat, mod, first, reporter, from)
	if _, err := d.SQL.Exec(q); err != nil {
		b.Fatal(err)
	}
	// Planner statistics, as PostgreSQL's autovacuum and SQLite's PRAGMA optimize at start keep them.
	_, _ = d.SQL.Exec("ANALYZE")
	b.Logf("%s: seeded %d tickets in %s", d.Dialect, total, time.Since(start).Round(time.Millisecond))
	svc := &sla.Service{Client: c, Postgres: d.Dialect == "postgres", Now: func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }}
	v := &viewer.Viewer{UserID: 1, OrgID: p.ID, OrgKind: viewer.Partner, Role: "AGENT", ServedCustomerIDs: customers}
	vctx := viewer.NewContext(context.Background(), v)
	f := sla.ReportFilter{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := svc.Report(vctx, f)
		if err != nil || r.Total.Tickets == 0 {
			b.Fatalf("report: %v", err)
		}
		if i == 0 {
			b.Logf("month report over %d tickets of the month", r.Total.Tickets)
		}
	}
}
