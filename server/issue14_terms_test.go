package main

import (
	"testing"
	"time"
)

// TestIssue14SLATermsFollowChanges: a ticket's sla reads its contract, term versions and
// calendar once; later reads take them from the SLA terms cache (three statements fewer), and a
// change of the contract's targets or of its calendar shows in the next read.
func TestIssue14SLATermsFollowChanges(t *testing.T) {
	e := newEnv(t)
	e.app.Viewers.TTL = time.Hour // the counts below assume the viewer cached
	w := e.seed()
	e.copenhagen(w)
	key, agent, admin := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "P1.ADMIN")
	e.clock.Set(cph("2026-11-23 09:00")) // a Monday
	tk := e.create(key, map[string]any{"title": "Question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.statements(agent, `query{ me{ id } }`, nil)
	read := func() (slaOut, int64) {
		t.Helper()
		var out slaOut
		e.settleLive()
		before := e.queries.Load()
		e.ok(agent, slaQuery, map[string]any{"id": tk.ID}, &out)
		return out, e.queries.Load() - before
	}
	first, cold := read()
	again, warm := read()
	// Cold: the ticket, then the contract, its versions and its calendar; warm: the ticket only.
	if cold != 4 || warm != 1 {
		t.Fatalf("statements: %d for the first read, %d for the second; want 4 and 1", cold, warm)
	}
	// P3 under the seeded terms: 960 business minutes of 08:30–16:00 from Monday 09:00.
	if r := first.Node.SLA.Resolution; r.TargetMinutes != 960 || !r.DueAt.Equal(cph("2026-11-25 10:00")) || again.Node.SLA.Resolution != r {
		t.Fatalf("seeded terms: %+v, again %+v", r, again.Node.SLA.Resolution)
	}

	calID := gidOf(*e.app.DB.Client.Contract.GetX(trusted(), w.contracts["C1"].ID).CalendarID)
	e.mut(admin, `mutation($k:ID!,$c:ID,$t:[SLATargetInput!]!){ setContractSLA(contractID:$k, calendarID:$c, targets:$t){ contract{ id } } }`,
		map[string]any{"k": gidOf(w.contracts["C1"].ID), "c": calID,
			"t": []map[string]any{{"priority": "P3", "firstResponseMinutes": 60, "resolutionMinutes": 120}}})
	out, _ := read()
	if fr, r := out.Node.SLA.FirstResponse, out.Node.SLA.Resolution; fr.TargetMinutes != 60 || !fr.DueAt.Equal(cph("2026-11-23 10:00")) ||
		r.TargetMinutes != 120 || !r.DueAt.Equal(cph("2026-11-23 11:00")) {
		t.Fatalf("after new targets: first response %+v, resolution %+v", fr, r)
	}

	var hours []map[string]any
	for wd := 1; wd <= 5; wd++ {
		hours = append(hours, map[string]any{"weekday": wd, "intervals": []map[string]any{{"start": "10:00", "end": "16:00"}}})
	}
	e.mut(admin, `mutation($id:ID!,$in:CalendarInput!){ updateCalendar(id:$id, input:$in){ calendar{ id } } }`,
		map[string]any{"id": calID, "in": map[string]any{"weeklyHours": hours}})
	out, _ = read()
	if fr, r := out.Node.SLA.FirstResponse, out.Node.SLA.Resolution; !fr.DueAt.Equal(cph("2026-11-23 11:00")) || !r.DueAt.Equal(cph("2026-11-23 12:00")) {
		t.Fatalf("after new opening hours: first response %+v, resolution %+v", fr, r)
	}
}
