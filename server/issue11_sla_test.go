package main

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"supportdesk/ent/slaalert"
	"supportdesk/internal/sla"
)

// Issue 11 item 8: frozen SLA results. The Copenhagen calendar is open Mon–Thu 08:30–16:00
// (450 business minutes) and Fri 08:30–15:30 (420).

const setSLA = `mutation($k:ID!,$t:[SLATargetInput!]!){ setContractSLA(contractID:$k, targets:$t){ contract{ id } } }`

// frozenWorld is a Copenhagen C1 with P3 targets of 480 (first response) and 2,400 (resolution)
// business minutes and five tickets received Monday 23 November 2026 08:30:
//
//	A: reply after 120, resolved after 1,680           → MET / MET (the example)
//	B: no reply, resolved after 240                    → first response finalised at 240: MET / MET
//	C: no reply, resolved after 690                    → first response finalised at 690: BREACHED / MET
//	D: reply after 60, resolved after 2,460            → MET / BREACHED
//	E: no reply, still open                            → overdue from Tuesday 09:00
type frozenWorld struct {
	e                 *env
	w                 *world
	admin, agent, key string
	calID, contractID string
	a, b, c, d, open  string
}

func newFrozenWorld(t *testing.T) *frozenWorld {
	e := newEnv(t)
	w := e.seed()
	e.copenhagen(w)
	f := &frozenWorld{e: e, w: w, admin: e.token(w, "P1.ADMIN"), agent: e.token(w, "P1.AGENT"), key: e.token(w, "C1.KEY_USER")}
	f.contractID = gidOf(w.contracts["C1"].ID)
	f.calID = gidOf(*e.app.DB.Client.Contract.GetX(trusted(), w.contracts["C1"].ID).CalendarID)
	e.mut(f.admin, setSLA, map[string]any{"k": f.contractID, "t": []map[string]any{
		{"priority": "P3", "firstResponseMinutes": 480, "resolutionMinutes": 2400}}})
	e.clock.Set(cph("2026-11-23 08:30"))
	mk := func(title string) string {
		return e.create(f.key, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}).ID
	}
	f.a, f.b, f.c, f.d, f.open = mk("A"), mk("B"), mk("C"), mk("D"), mk("E")
	reply := func(id, at string) {
		e.clock.Set(cph(at))
		e.mut(f.agent, opComment, map[string]any{"in": map[string]any{"ticketID": id, "body": "Received; we will check the posting rule."}})
	}
	resolve := func(id, at string) {
		e.clock.Set(cph(at))
		e.mut(f.agent, opTransition, map[string]any{"in": map[string]any{"ticketID": id, "status": "RESOLVED", "resolution": "Explained"}})
	}
	reply(f.d, "2026-11-23 09:30")
	reply(f.a, "2026-11-23 10:30")
	resolve(f.b, "2026-11-23 12:30")
	resolve(f.c, "2026-11-24 12:30")
	resolve(f.a, "2026-11-26 14:00")
	resolve(f.d, "2026-11-30 12:30")
	return f
}

func (f *frozenWorld) sla(id string) slaOut {
	var out slaOut
	f.e.ok(f.agent, slaQuery, map[string]any{"id": id}, &out)
	if out.Node.SLA == nil {
		f.e.t.Fatalf("ticket %s has no SLA", id)
	}
	return out
}

// changeTerms lowers the P3 targets below every frozen result and moves the calendar to two
// hours a day, Monday to Friday.
func (f *frozenWorld) changeTerms() {
	f.e.mut(f.admin, setSLA, map[string]any{"k": f.contractID, "t": []map[string]any{
		{"priority": "P3", "firstResponseMinutes": 30, "resolutionMinutes": 60}}})
	var hours []map[string]any
	for d := 1; d <= 5; d++ {
		hours = append(hours, map[string]any{"weekday": d, "intervals": []map[string]any{{"start": "10:00", "end": "12:00"}}})
	}
	f.e.mut(f.admin, `mutation($id:ID!,$in:CalendarInput!){ updateCalendar(id:$id, input:$in){ calendar{ id } } }`,
		map[string]any{"id": f.calID, "in": map[string]any{"weeklyHours": hours, "closedDates": []string{"2026-11-25"}}})
}

func at(s string) *time.Time { t := cph(s); return &t }

func wantMeasure(t *testing.T, name string, got measureOut, target int, due string, elapsed int, state string, stopped *time.Time) {
	t.Helper()
	want := measureOut{TargetMinutes: target, DueAt: cph(due), ElapsedMinutes: elapsed, RemainingMinutes: max(target-elapsed, 0), State: state, StoppedAt: stopped}
	if !got.DueAt.Equal(want.DueAt) || got.TargetMinutes != want.TargetMinutes || got.ElapsedMinutes != want.ElapsedMinutes ||
		got.RemainingMinutes != want.RemainingMinutes || got.State != want.State || (got.StoppedAt == nil) != (stopped == nil) ||
		(stopped != nil && !got.StoppedAt.Equal(*stopped)) {
		t.Errorf("%s: got %+v\nwant %+v", name, got, want)
	}
}

// TestSLAResolvedResultFrozen: the example. A ticket resolved MET at 1,680 of 2,400
// business minutes stays MET, with the same due time, target and elapsed minutes, after the
// target is lowered below 1,680 and after the calendar is edited; open tickets follow the new
// terms. Tickets resolved without a public reply have their first response finalised at the
// resolution.
func TestSLAResolvedResultFrozen(t *testing.T) {
	f := newFrozenWorld(t)
	e := f.e
	e.clock.Set(cph("2026-12-02 09:00"))
	check := func(when string) {
		a := f.sla(f.a).Node.SLA
		// 480 from Monday 08:30: Monday 450 + Tuesday 30. 2,400: Mon–Thu 1,800 + Fri 420 + Mon 180.
		wantMeasure(t, when+" A first response", a.FirstResponse, 480, "2026-11-24 09:00", 120, "MET", at("2026-11-23 10:30"))
		wantMeasure(t, when+" A resolution", a.Resolution, 2400, "2026-11-30 11:30", 1680, "MET", at("2026-11-26 14:00"))
		b := f.sla(f.b).Node.SLA
		wantMeasure(t, when+" B first response (finalised at resolution)", b.FirstResponse, 480, "2026-11-24 09:00", 240, "MET", at("2026-11-23 12:30"))
		wantMeasure(t, when+" B resolution", b.Resolution, 2400, "2026-11-30 11:30", 240, "MET", at("2026-11-23 12:30"))
		c := f.sla(f.c).Node.SLA
		wantMeasure(t, when+" C first response (finalised at resolution)", c.FirstResponse, 480, "2026-11-24 09:00", 690, "BREACHED", at("2026-11-24 12:30"))
		wantMeasure(t, when+" C resolution", c.Resolution, 2400, "2026-11-30 11:30", 690, "MET", at("2026-11-24 12:30"))
		d := f.sla(f.d).Node.SLA
		wantMeasure(t, when+" D first response", d.FirstResponse, 480, "2026-11-24 09:00", 60, "MET", at("2026-11-23 09:30"))
		wantMeasure(t, when+" D resolution", d.Resolution, 2400, "2026-11-30 11:30", 2460, "BREACHED", at("2026-11-30 12:30"))
	}
	check("before")
	// The open ticket follows the terms of the day.
	open := f.sla(f.open).Node.SLA
	if open.FirstResponse.TargetMinutes != 480 || open.Resolution.TargetMinutes != 2400 || open.FirstResponse.StoppedAt != nil ||
		open.Resolution.StoppedAt != nil || open.Resolution.State != "BREACHED" {
		t.Fatalf("open ticket before %+v", open)
	}

	f.changeTerms()
	check("after target and calendar edit")
	open = f.sla(f.open).Node.SLA
	// New calendar: 10:00–12:00 Mon–Fri, 25 Nov closed. 30 minutes from Monday 23 Nov 08:30 → 10:30.
	if open.FirstResponse.TargetMinutes != 30 || open.Resolution.TargetMinutes != 60 ||
		!open.FirstResponse.DueAt.Equal(cph("2026-11-23 10:30")) || !open.Resolution.DueAt.Equal(cph("2026-11-23 11:00")) {
		t.Fatalf("open ticket after %+v", open)
	}
	// The open ticket's stored due times follow the new terms too (reports read them).
	row := e.app.DB.Client.Ticket.GetX(trusted(), mustID(f.open))
	if row.SLAResolutionDue == nil || !row.SLAResolutionDue.Equal(cph("2026-11-23 11:00")) {
		t.Fatalf("stored due of the open ticket %v", row.SLAResolutionDue)
	}
	// A priority change of a resolved ticket is not a reason to recompute it either, nor is a
	// staff comment written after the resolution.
	e.mut(f.agent, opComment, map[string]any{"in": map[string]any{"ticketID": f.b, "body": "Late note"}})
	e.mut(f.agent, `mutation($in: ChangePriorityInput!){ changePriority(input:$in){ ticket{ id } } }`,
		map[string]any{"in": map[string]any{"ticketID": f.a, "priority": "P2", "reason": "reclassified"}})
	check("after a comment and a priority change on resolved tickets")
}

// TestSLAReportPastMonthStable: the November report has exact counts that add up (resolved =
// met + breached, met % = met / resolved, the open overdue ticket apart), and is identical
// before and after the contract's targets and calendar change; so is the partner scorecard.
func TestSLAReportPastMonthStable(t *testing.T) {
	f := newFrozenWorld(t)
	e := f.e
	e.clock.Set(cph("2026-12-02 09:00"))
	q := `query($f: SLAReportFilter!){ slaReport(filter:$f){
	  total { priority tickets resolved met breached overdue metPercent firstResponseMedian firstResponseP90 resolutionMedian resolutionP90 }
	  groups { priority tickets resolved met breached overdue metPercent firstResponseMedian firstResponseP90 resolutionMedian resolutionP90 }
	  breaches(first: 50) { totalCount edges { node { title } } } } }`
	vars := map[string]any{"f": map[string]any{"from": cph("2026-11-01 00:00").UTC().Format(time.RFC3339),
		"to": cph("2026-12-01 00:00").UTC().Format(time.RFC3339), "contractID": f.contractID}}
	sc := `query($a:Time!,$b:Time!){ partnerScorecard(from:$a, to:$b){ partner{ name }
	  report{ tickets resolved met breached overdue metPercent firstResponseMedian firstResponseP90 resolutionMedian resolutionP90 } } }`
	scVars := map[string]any{"a": vars["f"].(map[string]any)["from"], "b": vars["f"].(map[string]any)["to"]}
	type reportOut struct {
		SLAReport struct {
			Total    groupOut
			Groups   []groupOut
			Breaches struct {
				TotalCount int
				Edges      []struct{ Node struct{ Title string } }
			}
		}
	}
	var before, after reportOut
	var cardBefore, cardAfter json.RawMessage
	e.ok(f.agent, q, vars, &before)
	e.ok(e.token(f.w, "V.ADMIN"), sc, scVars, &cardBefore)

	// Frozen first responses 60, 120, 240, 690; resolutions 240, 690, 1,680, 2,460 (nearest rank).
	want := groupOut{nil, 5, 4, 2, 2, 1, fp(50), ip(120), ip(690), ip(690), ip(2460)}
	if !reflect.DeepEqual(before.SLAReport.Total, want) {
		t.Errorf("total\n got %s\nwant %s", show([]groupOut{before.SLAReport.Total}), show([]groupOut{want}))
	}
	p3 := want
	p3.Priority = sp("P3")
	if !reflect.DeepEqual(before.SLAReport.Groups, []groupOut{p3}) {
		t.Errorf("groups %s", show(before.SLAReport.Groups))
	}
	var titles []string
	for _, ed := range before.SLAReport.Breaches.Edges {
		titles = append(titles, ed.Node.Title)
	}
	if before.SLAReport.Breaches.TotalCount != 3 || len(titles) != 3 {
		t.Errorf("breaches %d %v, want C, D (breached) and E (overdue)", before.SLAReport.Breaches.TotalCount, titles)
	}

	f.changeTerms()
	e.ok(f.agent, q, vars, &after)
	e.ok(e.token(f.w, "V.ADMIN"), sc, scVars, &cardAfter)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("report changed with the terms\nbefore %+v\n after %+v", before, after)
	}
	if string(cardBefore) != string(cardAfter) {
		t.Errorf("scorecard changed with the terms\nbefore %s\n after %s", cardBefore, cardAfter)
	}
	var card struct {
		PartnerScorecard []struct {
			Partner struct{ Name string }
			Report  groupOut
		}
	}
	if err := json.Unmarshal(cardAfter, &card); err != nil {
		t.Fatal(err)
	}
	if len(card.PartnerScorecard) == 0 || card.PartnerScorecard[0].Partner.Name != "P1" || !reflect.DeepEqual(card.PartnerScorecard[0].Report, want) {
		t.Errorf("scorecard %+v", card.PartnerScorecard)
	}
}

// TestSLAReopenedTicket: a reopened ticket keeps its frozen first response; its resolution clock
// runs again with the time it spent resolved as a pause, and the next resolution freezes it
// anew. A reopened ticket whose first response was finalised at resolution raises no
// first-response alert.
func TestSLAReopenedTicket(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.copenhagen(w) // P3: first response 480, resolution 960
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	e.clock.Set(cph("2026-11-23 08:30"))
	tk := e.create(key, map[string]any{"title": "Reopened", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}).ID
	silent := e.create(key, map[string]any{"title": "Silent", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}).ID
	get := func(id string) slaOut {
		var out slaOut
		e.ok(agent, slaQuery, map[string]any{"id": id}, &out)
		return out
	}
	e.clock.Set(cph("2026-11-23 09:00"))
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": silent, "status": "RESOLVED", "resolution": "Explained"}})
	e.clock.Set(cph("2026-11-23 09:30"))
	e.mut(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk, "body": "Received; checking."}})
	e.clock.Set(cph("2026-11-23 12:30"))
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk, "status": "RESOLVED", "resolution": "Explained"}})
	s := get(tk).Node.SLA
	wantMeasure(t, "resolved", s.Resolution, 960, "2026-11-25 09:30", 240, "MET", at("2026-11-23 12:30"))

	// The customer reopens both on Wednesday 08:30: resolved Monday 12:30 → Wednesday 08:30 is
	// 210 + 450 = 660 business minutes of pause.
	e.clock.Set(cph("2026-11-25 08:30"))
	for _, id := range []string{tk, silent} {
		e.mut(key, opTransition, map[string]any{"in": map[string]any{"ticketID": id, "status": "OPEN"}})
	}
	e.clock.Set(cph("2026-11-25 10:30"))
	s = get(tk).Node.SLA
	wantMeasure(t, "reopened first response", s.FirstResponse, 480, "2026-11-24 09:00", 60, "MET", at("2026-11-23 09:30"))
	// 960 + 660 from Monday 08:30: Mon 450, Tue 450, Wed 450, Thu 270 → Thursday 13:00.
	wantMeasure(t, "reopened resolution", s.Resolution, 960, "2026-11-26 13:00", 360, "ON_TRACK", nil)
	if s.Paused {
		t.Error("a reopened ticket is not paused")
	}
	// While reopened it is open in reports: not resolved, not overdue.
	var rep struct {
		SLAReport struct{ Total groupOut }
	}
	e.ok(agent, `query($f: SLAReportFilter!){ slaReport(filter:$f){ total { tickets resolved met breached overdue metPercent } } }`,
		map[string]any{"f": map[string]any{"from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z", "contractID": gidOf(w.contracts["C1"].ID)}}, &rep)
	if tt := rep.SLAReport.Total; tt.Tickets != 2 || tt.Resolved != 0 || tt.Met != 0 || tt.Breached != 0 || tt.Overdue != 0 || tt.MetPercent != nil {
		t.Errorf("report while reopened %s", show([]groupOut{tt}))
	}

	// The silent ticket's first response was finalised at its resolution (30 minutes, MET); after
	// reopening it stays so, and the evaluator raises no first-response alert for it even past
	// the original first-response due time.
	sl := get(silent).Node.SLA
	wantMeasure(t, "silent first response", sl.FirstResponse, 480, "2026-11-24 09:00", 30, "MET", at("2026-11-23 09:00"))
	// Resolution: 30 before, 120 since reopening; pause Mon 09:00 → Wed 08:30 = 420 + 450 = 870,
	// so due after 1,830 business minutes: Mon–Wed 1,350, Thu 450, Fri 30 → Friday 09:00.
	wantMeasure(t, "silent resolution", sl.Resolution, 960, "2026-11-27 09:00", 150, "ON_TRACK", nil)
	ev := &sla.Evaluator{SLA: e.app.SLA, Log: e.app.Log}
	if n, err := ev.EvaluateOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("evaluator: %d alerts, %v", n, err)
	}
	if n := e.app.DB.Client.SLAAlert.Query().Where(slaalert.TargetEQ(slaalert.TargetFIRST_RESPONSE)).CountX(trusted()); n != 0 {
		t.Fatalf("%d first-response alerts", n)
	}

	// Resolved again Wednesday 14:30: 240 + 360 = 600 business minutes, frozen anew.
	e.clock.Set(cph("2026-11-25 14:30"))
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk, "status": "RESOLVED", "resolution": "Explained again"}})
	s = get(tk).Node.SLA
	wantMeasure(t, "resolved again", s.Resolution, 960, "2026-11-26 13:00", 600, "MET", at("2026-11-25 14:30"))
	wantMeasure(t, "first response after second resolution", s.FirstResponse, 480, "2026-11-24 09:00", 60, "MET", at("2026-11-23 09:30"))
}
