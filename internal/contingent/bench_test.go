package contingent_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/internal/contingent"
	"supportdesk/internal/db/dbtest"
	"supportdesk/internal/viewer"

	_ "supportdesk/ent/runtime"
)

// BenchmarkBookAndStatement books BENCH_BOOKINGS time entries (default 100,000) one after the
// other through the domain service on one contingent (1,000 tickets), then computes the month's
// statement.
// It reports bookings per second and the statement's time.
func BenchmarkBookAndStatement(b *testing.B) {
	total := 100_000
	if s := os.Getenv("BENCH_BOOKINGS"); s != "" {
		total, _ = strconv.Atoi(s)
	}
	for i := 0; i < b.N; i++ {
		d := dbtest.OpenTest(b, nil)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		c := d.Client
		p := c.Organization.Create().SetName("P").SetKind("PARTNER").SaveX(ctx)
		cu := c.Organization.Create().SetName("C").SetKind("CUSTOMER").SetParentID(p.ID).SaveX(ctx)
		key := c.User.Create().SetEmail("k@x.example").SetName("k").SetRole("KEY_USER").SetOrganizationID(cu.ID).SaveX(ctx)
		agent := c.User.Create().SetEmail("a@x.example").SetName("a").SetRole("AGENT").SetLevels([]string{"L1", "L2"}).SetOrganizationID(p.ID).SaveX(ctx)
		k := c.Contract.Create().SetName("K").SetAgreementType("CONTINGENT").SetChannels([]string{"PORTAL"}).
			SetValidFrom(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).SetCustomerID(cu.ID).SetProviderID(p.ID).
			SetLevelTerms([]schematype.LevelTerms{{Level: "L1", MonthlyMinutes: 100_000_000, RateCents: 7000}}).SaveX(ctx)
		// 1,000 tickets, booked round-robin: about 100 entries per ticket, as in a busy month.
		var tickets []int
		for n := 0; n < 1000; n++ {
			tickets = append(tickets, c.Ticket.Create().SetNumber("SD-"+strconv.Itoa(n)).SetTitle("t").SetType("QUESTION").
				SetPriority("P3").SetChannel("PORTAL").SetLevel("L1").SetReceivedAt(time.Now()).SetCustomerID(cu.ID).
				SetReporterID(key.ID).SetContractID(k.ID).SaveX(ctx).ID)
		}
		v := &viewer.Viewer{UserID: agent.ID, OrgID: p.ID, OrgKind: viewer.Partner, Role: "AGENT", Levels: []string{"L1", "L2"},
			ServedCustomerIDs: []int{cu.ID}}
		vctx := viewer.NewContext(context.Background(), v)
		svc := &contingent.Service{Client: c, Postgres: d.Dialect == "postgres", Now: func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }}
		work := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC) // a civil date: UTC midnight
		start := time.Now()
		for n := 0; n < total; n++ {
			if _, err := svc.Book(vctx, contingent.BookInput{TicketID: tickets[n%len(tickets)], WorkDate: work, Minutes: 1 + n%61, Description: "w"}); err != nil {
				b.Fatal(err)
			}
		}
		booking := time.Since(start)
		start = time.Now()
		st, err := svc.Statement(vctx, k.ID, "2026-11")
		if err != nil || st.TotalCents == 0 {
			b.Fatalf("statement: %v", err)
		}
		stmt := time.Since(start)
		b.ReportMetric(float64(total)/booking.Seconds(), "bookings/s")
		b.ReportMetric(float64(stmt.Milliseconds()), "statement-ms")
		b.Logf("%s: %d bookings in %s, statement in %s (total %d cents)", d.Dialect, total, booking.Round(time.Millisecond), stmt.Round(time.Millisecond), st.TotalCents)
	}
}
