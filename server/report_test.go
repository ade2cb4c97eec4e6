package main

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"supportdesk/ent/ticket"
)

const reportQuery = `query($f: SLAReportFilter!){ slaReport(filter:$f){
  total { tickets resolved met breached overdue metPercent firstResponseMedian firstResponseP90 resolutionMedian resolutionP90 }
  groups { priority tickets resolved met breached overdue metPercent firstResponseMedian firstResponseP90 resolutionMedian resolutionP90 }
  breaches(first: 50) { totalCount edges { node { title } } } } }`

type groupOut struct {
	Priority                              *string
	Tickets, Resolved, Met, Breached      int
	Overdue                               int
	MetPercent                            *float64
	FirstResponseMedian, FirstResponseP90 *int
	ResolutionMedian, ResolutionP90       *int
}

func ip(i int) *int         { return &i }
func fp(f float64) *float64 { return &f }
func sp(s string) *string   { return &s }

// TestSLAMonthReport: a month report matches numbers worked out by hand, per viewer.
func TestSLAMonthReport(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c, ctx := e.app.DB.Client, trusted()
	e.clock.Set(time.Date(2026, 11, 5, 12, 0, 0, 0, time.UTC))
	n := 0
	mk := func(cust string, p ticket.Priority, received time.Time, fr, res *int, met *bool, overdue bool) {
		n++
		q := c.Ticket.Create().SetNumber(fmt.Sprintf("R-%02d", n)).SetTitle(fmt.Sprintf("%s-%s-%d", cust, p, n)).
			SetType(ticket.TypeQUESTION).SetPriority(p).SetChannel(ticket.ChannelPORTAL).SetLevel(ticket.LevelL1).
			SetReceivedAt(received).SetCustomerID(w.orgs[cust].ID).SetReporterID(w.users[cust+".KEY_USER"].ID).
			SetContractID(w.contracts[cust].ID).SetNillableSLAFirstResponseMinutes(fr).SetNillableSLAResolutionMinutes(res).
			SetNillableSLAResolutionMet(met)
		if fr != nil {
			q.SetSLAFirstResponseMet(true)
		}
		if res != nil {
			q.SetResolvedAt(received.Add(time.Hour)).SetStatus(ticket.StatusRESOLVED)
		}
		if overdue {
			q.SetSLAResolutionDue(time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC)).SetStatus(ticket.StatusOPEN)
		}
		q.ExecX(ctx)
	}
	yes, no := true, false
	oct := func(d int) time.Time { return time.Date(2026, 10, d, 9, 0, 0, 0, time.UTC) }
	mk("C1", "P1", oct(1), ip(10), ip(100), &yes, false)
	mk("C1", "P1", oct(2), ip(30), ip(200), &yes, false)
	mk("C1", "P1", oct(3), ip(50), ip(400), &no, false)
	mk("C1", "P2", oct(4), ip(20), ip(300), &yes, false)
	mk("C1", "P2", oct(5), ip(40), nil, nil, true)
	mk("C2", "P3", oct(6), ip(5), ip(50), &yes, false)
	mk("C3", "P1", oct(7), ip(60), ip(500), &no, false)
	mk("C1", "P1", time.Date(2026, 9, 30, 21, 59, 0, 0, time.UTC), ip(1), ip(1), &yes, false) // September: outside
	filter := map[string]any{"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}

	type reportOut struct {
		SLAReport struct {
			Total    groupOut
			Groups   []groupOut
			Breaches struct{ TotalCount int }
		}
	}
	var staff reportOut
	e.ok(e.token(w, "P1.AGENT"), reportQuery, map[string]any{"f": filter}, &staff)
	wantGroups := []groupOut{
		{sp("P1"), 3, 3, 2, 1, 0, fp(66.67), ip(30), ip(50), ip(200), ip(400)},
		{sp("P2"), 2, 1, 1, 0, 1, fp(100), ip(20), ip(40), ip(300), ip(300)},
		{sp("P3"), 1, 1, 1, 0, 0, fp(100), ip(5), ip(5), ip(50), ip(50)},
	}
	if !reflect.DeepEqual(staff.SLAReport.Groups, wantGroups) {
		t.Errorf("partner groups\n got %s\nwant %s", show(staff.SLAReport.Groups), show(wantGroups))
	}
	if want := (groupOut{nil, 6, 5, 4, 1, 1, fp(80), ip(20), ip(50), ip(200), ip(400)}); !reflect.DeepEqual(staff.SLAReport.Total, want) {
		t.Errorf("partner total\n got %s\nwant %s", show([]groupOut{staff.SLAReport.Total}), show([]groupOut{want}))
	}
	var cust reportOut
	e.ok(e.token(w, "C1.KEY_USER"), reportQuery, map[string]any{"f": filter}, &cust)
	if want := (groupOut{nil, 5, 4, 3, 1, 1, fp(75), ip(30), ip(50), ip(200), ip(400)}); !reflect.DeepEqual(cust.SLAReport.Total, want) ||
		cust.SLAReport.Breaches.TotalCount != 2 || len(cust.SLAReport.Groups) != 2 {
		t.Errorf("customer report %s, %d breaches", show([]groupOut{cust.SLAReport.Total}), cust.SLAReport.Breaches.TotalCount)
	}
	// Filters: one priority, one customer of another partner (invisible: empty).
	var p2 reportOut
	f2 := map[string]any{"from": filter["from"], "to": filter["to"], "priority": "P2"}
	e.ok(e.token(w, "P1.AGENT"), reportQuery, map[string]any{"f": f2}, &p2)
	if p2.SLAReport.Total.Tickets != 2 || p2.SLAReport.Breaches.TotalCount != 1 {
		t.Errorf("P2 filter %s", show([]groupOut{p2.SLAReport.Total}))
	}
	f3 := map[string]any{"from": filter["from"], "to": filter["to"], "customerID": gidOf(w.orgs["C3"].ID)}
	var other reportOut
	e.ok(e.token(w, "P1.AGENT"), reportQuery, map[string]any{"f": f3}, &other)
	if other.SLAReport.Total.Tickets != 0 || other.SLAReport.Breaches.TotalCount != 0 {
		t.Errorf("another partner's customer leaks: %s", show([]groupOut{other.SLAReport.Total}))
	}
	e.fails(e.token(w, "P1.AGENT"), reportQuery, map[string]any{"f": map[string]any{"from": filter["to"], "to": filter["from"]}}, "VALIDATION")

	// Vendor scorecard across partners; nobody else gets one.
	sc := `query($a:Time!,$b:Time!){ partnerScorecard(from:$a, to:$b){ partner{ name } report{ tickets resolved met breached metPercent firstResponseMedian resolutionP90 } } }`
	var card struct {
		PartnerScorecard []struct {
			Partner struct{ Name string }
			Report  groupOut
		}
	}
	e.ok(e.token(w, "V.ADMIN"), sc, map[string]any{"a": filter["from"], "b": filter["to"]}, &card)
	if len(card.PartnerScorecard) != 2 || card.PartnerScorecard[0].Partner.Name != "P1" || card.PartnerScorecard[0].Report.Tickets != 6 ||
		card.PartnerScorecard[1].Report.Tickets != 1 || card.PartnerScorecard[1].Report.Met != 0 || *card.PartnerScorecard[1].Report.MetPercent != 0 ||
		*card.PartnerScorecard[1].Report.ResolutionP90 != 500 {
		t.Errorf("scorecard %+v", card.PartnerScorecard)
	}
	e.fails(e.token(w, "P1.ADMIN"), sc, map[string]any{"a": filter["from"], "b": filter["to"]}, "FORBIDDEN")
	e.fails(e.token(w, "C1.KEY_USER"), sc, map[string]any{"a": filter["from"], "b": filter["to"]}, "FORBIDDEN")
	var wcard struct {
		PartnerScorecard []struct{ Report groupOut }
	}
	e.ok(e.token(w, "W.ADMIN"), sc, map[string]any{"a": filter["from"], "b": filter["to"]}, &wcard)
	if len(wcard.PartnerScorecard) != 1 || wcard.PartnerScorecard[0].Report.Tickets != 0 {
		t.Errorf("other vendor's scorecard %+v", wcard.PartnerScorecard)
	}
}

func show(gs []groupOut) string {
	out := ""
	for _, g := range gs {
		v := func(p *int) string {
			if p == nil {
				return "nil"
			}
			return fmt.Sprint(*p)
		}
		pr, mp := "total", "nil"
		if g.Priority != nil {
			pr = *g.Priority
		}
		if g.MetPercent != nil {
			mp = fmt.Sprint(*g.MetPercent)
		}
		out += fmt.Sprintf("[%s t%d r%d m%d b%d o%d %s%% fr %s/%s res %s/%s] ", pr, g.Tickets, g.Resolved, g.Met, g.Breached, g.Overdue, mp,
			v(g.FirstResponseMedian), v(g.FirstResponseP90), v(g.ResolutionMedian), v(g.ResolutionP90))
	}
	return out
}
