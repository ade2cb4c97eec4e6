package similar_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
	"supportdesk/internal/db/dbtest"
	"supportdesk/internal/similar"
	"supportdesk/internal/viewer"

	_ "supportdesk/ent/runtime"
)

var vocabulary = strings.Fields(`invoice posting fails error batch journal warehouse scanner blank screen report
	column missing cost centre controlling item card customs tariff number export import payroll
	login password timeout printer label shipment order customer supplier ledger account tax rate
	rounding currency exchange stock bin picking packing delivery note dunning budget forecast`)

// sentence draws n words with a Zipf distribution over the vocabulary followed by 5,000
// synthetic terms, so a few words are everywhere and most are rare, as in real tickets.
func sentence(z *rand.Zipf, n int) string {
	w := make([]string, n)
	for i := range w {
		k := int(z.Uint64())
		if k < len(vocabulary) {
			w[i] = vocabulary[k]
		} else {
			w[i] = fmt.Sprintf("term%04d", k)
		}
	}
	return strings.Join(w, " ")
}

// BenchmarkSimilar100k ranks candidates for a new ticket among 100,000 tickets of 20 customers
// served by one partner, as that partner's staff (privacy rules applied).
func BenchmarkSimilar100k(b *testing.B) {
	d := dbtest.OpenTest(b, nil)
	similar.Postgres = d.Dialect == "postgres"
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	c := d.Client
	p := c.Organization.Create().SetName("P").SetKind("PARTNER").SaveX(ctx)
	var customers []int
	var reporters []int
	for i := 0; i < 20; i++ {
		o := c.Organization.Create().SetName(fmt.Sprintf("C%d", i)).SetKind("CUSTOMER").SetParentID(p.ID).SaveX(ctx)
		u := c.User.Create().SetEmail(fmt.Sprintf("k%d@x.example", i)).SetName("k").SetRole("KEY_USER").SetOrganizationID(o.ID).SaveX(ctx)
		customers, reporters = append(customers, o.ID), append(reporters, u.ID)
	}
	staff := c.User.Create().SetEmail("agent@x.example").SetName("a").SetRole("AGENT").SetOrganizationID(p.ID).SaveX(ctx)
	r := rand.New(rand.NewSource(1))
	z := rand.NewZipf(r, 1.1, 2, uint64(len(vocabulary)+5000))
	const total, batch = 100_000, 2000
	start := time.Now()
	for n := 0; n < total; n += batch {
		bulk := make([]*ent.TicketCreate, batch)
		for i := range bulk {
			k := r.Intn(len(customers))
			bulk[i] = c.Ticket.Create().SetNumber(fmt.Sprintf("B-%07d", n+i)).SetTitle(sentence(z, 5)).
				SetDescription(sentence(z, 30)).SetType("QUESTION").SetPriority("P3").SetChannel("PORTAL").SetLevel("L1").
				SetReceivedAt(time.Now()).SetCustomerID(customers[k]).SetReporterID(reporters[k])
		}
		c.Ticket.CreateBulk(bulk...).ExecX(ctx)
	}
	b.Logf("%s: seeded %d tickets in %s", d.Dialect, total, time.Since(start).Round(time.Millisecond))
	v := &viewer.Viewer{UserID: staff.ID, OrgID: p.ID, OrgKind: viewer.Partner, Role: "AGENT", ServedCustomerIDs: customers}
	vctx := viewer.NewContext(context.Background(), v)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := similar.Find(vctx, c, "Scanner picking fails after term0420 update, term1234 shown", 10, 0)
		if err != nil || len(m) != 10 {
			b.Fatalf("find: %v (%d)", err, len(m))
		}
	}
}
