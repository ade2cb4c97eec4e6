package main

import (
	"context"
	"sort"
	"testing"
	"time"

	"supportdesk/ent/contingent"
	"supportdesk/ent/notification"
)

// Issue 11, items 1, 2, 3 and 12: overrun decisions, the customer's balance, civil work dates.

const balanceQuery = `query($k:ID!,$m:String){ contingentBalance(contractID:$k, month:$m){ id level month monthlyMinutes
  carriedOverMinutes extraMinutes usedMinutes budgetMinutes remainingMinutes decision
  openDecision{ id cause status }
  decisions{ id cause status extraMinutes answeredAt answeredBy{ name } } } }`

type decisionOut struct {
	ID, Cause, Status string
	ExtraMinutes      int
	AnsweredAt        *time.Time
	AnsweredBy        *struct{ Name string }
}

type balanceOut struct {
	ID, Level, Month, Decision                       string
	MonthlyMinutes, CarriedOverMinutes, ExtraMinutes int
	UsedMinutes, BudgetMinutes, RemainingMinutes     int
	OpenDecision                                     *decisionOut
	Decisions                                        []decisionOut
}

// balance returns the contingentBalance of C1's contract by level.
func (e *env) balance(tok string, w *world, month any) map[string]balanceOut {
	e.t.Helper()
	var out struct{ ContingentBalance []balanceOut }
	e.ok(tok, balanceQuery, map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": month}, &out)
	m := map[string]balanceOut{}
	for _, b := range out.ContingentBalance {
		sort.Slice(b.Decisions, func(i, j int) bool { return b.Decisions[i].ID < b.Decisions[j].ID })
		m[b.Level] = b
	}
	return m
}

const decideOp = `mutation($id:ID!,$x:Boolean!,$m:Int){ decideContingent(contingentID:$id, extend:$x, extraMinutes:$m){ decision extraMinutes } }`

func (e *env) notified(w *world, kind string) map[string]int {
	out := map[string]int{}
	for _, who := range []string{"C1.KEY_USER", "C1.APPROVER", "P1.SERVICE_DELIVERY_MANAGER", "C1.END_USER", "C2.KEY_USER"} {
		out[who] = e.app.DB.Client.Notification.Query().Where(notification.RecipientID(w.users[who].ID),
			notification.KindEQ(kind)).CountX(trusted())
	}
	return out
}

// TestIssue11FirstBookingOverrunOpensDecision (item 1): the first L1 booking of a month is
// already over the 8-hour budget. It is refused, but the month's contingent and an OPEN
// decision remain, the customer is told, and after the approver extends by 60 minutes the same
// booking goes through.
func TestIssue11FirstBookingOverrunOpensDecision(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	key, approver, agent := e.token(w, "C1.KEY_USER"), e.token(w, "C1.APPROVER"), e.token(w, "P1.AGENT")
	tk := e.create(key, map[string]any{"title": "Work", "type": "SERVICE_REQUEST", "priority": "P3", "channel": "PORTAL"})
	if r, _ := e.book(agent, tk.ID, "L1", 481, nil); r.code() != "CONTINGENT_EXHAUSTED" {
		t.Fatalf("481 minutes on 480: %+v", r.Errors)
	}
	if n := e.app.DB.Client.TimeEntry.Query().CountX(trusted()); n != 0 {
		t.Fatalf("refused booking wrote %d entries", n)
	}
	l1 := e.balance(key, w, "2026-11")["L1"]
	if l1.ID == "" || l1.UsedMinutes != 0 || l1.MonthlyMinutes != 480 || l1.RemainingMinutes != 480 || l1.Decision != "OPEN" ||
		l1.OpenDecision == nil || l1.OpenDecision.Cause != "EXHAUSTED" || l1.OpenDecision.Status != "OPEN" || len(l1.Decisions) != 1 {
		t.Fatalf("after the refused booking the customer sees %+v", l1)
	}
	if got := e.notified(w, "CONTINGENT_EXHAUSTED"); got["C1.KEY_USER"] != 1 || got["C1.APPROVER"] != 1 ||
		got["P1.SERVICE_DELIVERY_MANAGER"] != 1 || got["C1.END_USER"] != 0 || got["C2.KEY_USER"] != 0 {
		t.Fatalf("exhausted notifications %v", got)
	}
	// The provider sees the same open decision.
	if p := e.balance(e.token(w, "P1.SERVICE_DELIVERY_MANAGER"), w, "2026-11")["L1"]; p.OpenDecision == nil || p.OpenDecision.ID != l1.OpenDecision.ID {
		t.Fatalf("provider sees %+v", p)
	}
	e.ok(approver, decideOp, map[string]any{"id": l1.ID, "x": true, "m": 60}, nil)
	r, en := e.book(agent, tk.ID, "L1", 481, nil)
	if len(r.Errors) > 0 || en.RawMinutes != 481 || en.Minutes != 485 || en.BillableMinutes != 485 || !en.Billable {
		t.Fatalf("the same booking after the extension: %+v %+v", en, r.Errors)
	}
	l1 = e.balance(key, w, "2026-11")["L1"]
	if l1.UsedMinutes != 485 || l1.ExtraMinutes != 60 || l1.BudgetMinutes != 540 || l1.RemainingMinutes != 55 ||
		l1.Decision != "EXTENDED" || l1.OpenDecision != nil || len(l1.Decisions) != 1 {
		t.Fatalf("after the extension %+v", l1)
	}
	d := l1.Decisions[0]
	if d.Status != "EXTENDED" || d.ExtraMinutes != 60 || d.AnsweredAt == nil || !d.AnsweredAt.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) ||
		d.AnsweredBy == nil || d.AnsweredBy.Name != "C1.APPROVER" {
		t.Fatalf("answer kept %+v", d)
	}
}

// TestIssue11DecisionEpisodes (item 2): every overrun opens its own episode; each answer is kept
// as history, visible to the customer's key users and approvers and to the provider, and to
// nobody else.
func TestIssue11DecisionEpisodes(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	key, approver, agent := e.token(w, "C1.KEY_USER"), e.token(w, "C1.APPROVER"), e.token(w, "P1.AGENT")
	tk := e.create(key, map[string]any{"title": "Work", "type": "SERVICE_REQUEST", "priority": "P3", "channel": "PORTAL"})
	mustBook := func(level string, minutes int) {
		t.Helper()
		if r, _ := e.book(agent, tk.ID, level, minutes, nil); len(r.Errors) > 0 {
			t.Fatalf("booking %d at %s: %+v", minutes, level, r.Errors)
		}
	}
	refused := func(level string, minutes int) {
		t.Helper()
		if r, _ := e.book(agent, tk.ID, level, minutes, nil); r.code() != "CONTINGENT_EXHAUSTED" {
			t.Fatalf("booking %d at %s: %+v", minutes, level, r.Errors)
		}
	}
	// Episode 1: crossing the 80 % threshold (400 of 480).
	mustBook("L1", 400)
	l1 := e.balance(key, w, "2026-11")["L1"]
	if l1.OpenDecision == nil || l1.OpenDecision.Cause != "THRESHOLD" || l1.Decision != "OPEN" {
		t.Fatalf("threshold crossing %+v", l1)
	}
	refused("L1", 100) // the open episode stays the one open
	e.ok(approver, decideOp, map[string]any{"id": l1.ID, "x": true, "m": 60}, nil)
	mustBook("L1", 100) // 500 of 540
	// Episode 2: the next overrun in the same month opens a new decision that can be answered.
	refused("L1", 60)
	l1 = e.balance(key, w, "2026-11")["L1"]
	if l1.OpenDecision == nil || l1.OpenDecision.Cause != "EXHAUSTED" || len(l1.Decisions) != 2 {
		t.Fatalf("second overrun %+v", l1)
	}
	e.ok(approver, decideOp, map[string]any{"id": l1.ID, "x": true, "m": 120}, nil)
	mustBook("L1", 60) // 560 of 660
	// Episode 3: refused again, suspended; a suspended level opens no further episode.
	refused("L1", 105)
	l1 = e.balance(key, w, "2026-11")["L1"]
	e.ok(approver, decideOp, map[string]any{"id": l1.ID, "x": false}, nil)
	refused("L1", 5)
	e.fails(approver, decideOp, map[string]any{"id": l1.ID, "x": true, "m": 60}, "CONFLICT")
	l1 = e.balance(key, w, "2026-11")["L1"]
	type ep struct {
		cause, status string
		extra         int
	}
	var got []ep
	for _, d := range l1.Decisions {
		if d.AnsweredBy == nil || d.AnsweredBy.Name != "C1.APPROVER" || d.AnsweredAt == nil {
			t.Fatalf("answer without who/when: %+v", d)
		}
		got = append(got, ep{d.Cause, d.Status, d.ExtraMinutes})
	}
	want := []ep{{"THRESHOLD", "EXTENDED", 60}, {"EXHAUSTED", "EXTENDED", 120}, {"EXHAUSTED", "SUSPENDED", 0}}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || l1.Decision != "SUSPENDED" ||
		l1.OpenDecision != nil || l1.ExtraMinutes != 180 || l1.UsedMinutes != 560 {
		t.Fatalf("history %+v, contingent %+v", got, l1)
	}
	// One exhausted notice per episode that a refusal met (episodes 1, 2 and 3), per recipient.
	if n := e.notified(w, "CONTINGENT_EXHAUSTED"); n["C1.APPROVER"] != 3 || n["P1.SERVICE_DELIVERY_MANAGER"] != 3 || n["C1.END_USER"] != 0 {
		t.Fatalf("exhausted notifications %v", n)
	}

	// Visibility: the provider sees the same history; other customers, other partners, the end
	// user and the other vendor's world see neither the contingent nor its decisions.
	if p := e.balance(e.token(w, "P1.AGENT"), w, "2026-11")["L1"]; len(p.Decisions) != 3 {
		t.Fatalf("provider sees %d decisions", len(p.Decisions))
	}
	for _, who := range []string{"C1.END_USER", "C2.KEY_USER", "C3.APPROVER", "P2.ADMIN", "Q.ADMIN", "D.KEY_USER"} {
		e.fails(e.token(w, who), balanceQuery, map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": "2026-11"}, "NOT_FOUND")
	}
	nodeQ := `query($id:ID!){ node(id:$id){ id ... on OverrunDecision { status } } }`
	listQ := `{ contingents { edges { node { id decisions { id } } } } }`
	for who, visible := range map[string]bool{"C1.KEY_USER": true, "C1.APPROVER": true, "P1.ADMIN": true, "P1.SERVICE_DESK": true,
		"C1.END_USER": false, "C2.KEY_USER": false, "C2.APPROVER": false, "P2.ADMIN": false, "V.ADMIN": false, "Q.AGENT": false} {
		tok := e.token(w, who)
		r := e.do(tok, nodeQ, map[string]any{"id": l1.Decisions[0].ID})
		var node struct{ Node *struct{ ID string } }
		if len(r.Errors) == 0 {
			_ = jsonUnmarshal(r.Data, &node)
		}
		if seen := node.Node != nil; seen != visible {
			t.Errorf("%s sees decision node: %v (errors %+v)", who, seen, r.Errors)
		}
		var list struct {
			Contingents struct {
				Edges []struct {
					Node struct{ Decisions []struct{ ID string } }
				}
			}
		}
		e.ok(tok, listQ, nil, &list)
		n := 0
		for _, ed := range list.Contingents.Edges {
			n += len(ed.Node.Decisions)
		}
		if want := map[bool]int{true: 3, false: 0}[visible]; n != want {
			t.Errorf("%s sees %d decisions in contingents, want %d", who, n, want)
		}
	}
}

// TestIssue11BalanceBeforeFirstBooking (item 3): on the first day of a month the key user sees
// the full budget of every level, before anything is booked, at a constant number of statements.
func TestIssue11BalanceBeforeFirstBooking(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC))
	key := e.token(w, "C1.KEY_USER")
	e.settleLive()
	e.ok(key, `{ me { id } }`, nil, nil) // the viewer is cached from here on
	before := e.queries.Load()
	b := e.balance(key, w, nil)
	first := e.queries.Load() - before
	if len(b) != 3 || b["L1"].Month != "2026-11" || b["L1"].RemainingMinutes != 480 || b["L1"].BudgetMinutes != 480 ||
		b["L1"].UsedMinutes != 0 || b["L1"].Decision != "NONE" || b["L1"].OpenDecision != nil ||
		b["L2"].RemainingMinutes != 720 || b["L3"].RemainingMinutes != 720 {
		t.Fatalf("day-one balance %+v", b)
	}
	e.settleLive()
	before = e.queries.Load()
	again := e.balance(key, w, nil)
	second := e.queries.Load() - before
	if again["L1"].ID != b["L1"].ID || e.app.DB.Client.Contingent.Query().CountX(trusted()) != 3 {
		t.Fatalf("balance is not stable: %+v", again)
	}
	// contract, calendar zone, terms version in force, existing rows, (bulk insert),
	// contingents, open decisions, decisions: the same count for any number of levels.
	t.Logf("statements: first %d, then %d", first, second)
	// The first call also writes one outbox row per created contingent (issue 13).
	if second > 9 || first > second+1+3 {
		t.Fatalf("balance took %d then %d statements", first, second)
	}
	// The default month is the current one in the contract's zone: 31 Oct 23:30 UTC is already
	// November in Berlin.
	e.clock.Set(time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC))
	if b := e.balance(e.token(w, "P1.AGENT"), w, nil); b["L1"].Month != "2026-11" {
		t.Fatalf("month in Berlin %+v", b["L1"])
	}
	e.fails(key, balanceQuery, map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": "November"}, "VALIDATION")
	e.fails(e.token(w, "C1.END_USER"), balanceQuery, map[string]any{"k": gidOf(w.contracts["C1"].ID)}, "NOT_FOUND")
}

// TestIssue11WorkDateCivilInContractZone (item 12): work done on 1 December in Copenhagen is
// December's, by its civil date; "today", carry-over and statements follow the contract's zone.
func TestIssue11WorkDateCivilInContractZone(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	k := w.contracts["C1"]
	e.app.DB.Client.Calendar.UpdateOneID(*k.CalendarID).SetTimeZone("Europe/Copenhagen").ExecX(trusted())
	e.app.DB.Client.Contract.UpdateOneID(k.ID).SetCarryOver(true).SetCarryOverCapMinutes(600).ExecX(trusted())
	key, agent, sdm := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "P1.SERVICE_DELIVERY_MANAGER")
	tk := e.create(key, map[string]any{"title": "Work", "type": "SERVICE_REQUEST", "priority": "P3", "channel": "PORTAL"})
	svc := e.app.handler.Budgets
	issue := `mutation($k:ID!,$m:String!){ issueStatement(contractID:$k, month:$m){ totalCents } }`
	stmt := `query($k:ID!,$m:String!){ monthlyStatement(contractID:$k, month:$m){ totalCents lines{ billableMinutes } } }`

	// 30 Nov, 23:30 in Copenhagen: November has not ended there.
	e.clock.Set(time.Date(2026, 11, 30, 22, 30, 0, 0, time.UTC))
	if r, en := e.book(agent, tk.ID, "L1", 60, map[string]any{"workDate": "2026-11-30"}); len(r.Errors) > 0 || en.BillableMinutes != 60 {
		t.Fatalf("november booking %+v", r.Errors)
	}
	if r, _ := e.book(agent, tk.ID, "L1", 30, map[string]any{"workDate": "2026-12-01"}); r.code() != "VALIDATION" || r.Errors[0].Extensions["field"] != "workDate" {
		t.Fatalf("1 December at 23:30 on 30 November: %+v", r.Errors)
	}
	if n, err := svc.CarryOver(context.Background(), "2026-11"); n != 0 || err != nil {
		t.Fatalf("carried before November ended in Copenhagen: %d %v", n, err)
	}
	e.fails(sdm, issue, map[string]any{"k": gidOf(k.ID), "m": "2026-11"}, "VALIDATION")

	// 1 Dec, 00:30 in Copenhagen (still 30 Nov in UTC).
	e.clock.Set(time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC))
	var out struct {
		BookTime struct{ TimeEntry struct{ WorkDate string } }
	}
	e.ok(agent, `mutation($in: BookTimeInput!){ bookTime(input:$in){ timeEntry{ workDate } } }`,
		map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L1", "minutes": 45, "workDate": "2026-12-01", "description": "work"}}, &out)
	if out.BookTime.TimeEntry.WorkDate != "2026-12-01" {
		t.Fatalf("work date reads %q", out.BookTime.TimeEntry.WorkDate)
	}
	for _, bad := range []string{"2026-11-30T23:00:00Z", "2026-12-01T00:00:00+01:00", "01.12.2026", "2026-12-1", ""} {
		r, _ := e.book(agent, tk.ID, "L1", 10, map[string]any{"workDate": bad})
		if r.code() != "VALIDATION" || r.Errors[0].Extensions["field"] != "workDate" {
			t.Fatalf("workDate %q: %+v", bad, r.Errors)
		}
	}
	if r, _ := e.book(agent, tk.ID, "L1", 10, map[string]any{"workDate": "2026-12-02"}); r.code() != "VALIDATION" {
		t.Fatalf("tomorrow in Copenhagen: %+v", r.Errors)
	}
	used := map[string]int{}
	for _, c := range e.app.DB.Client.Contingent.Query().Where(contingent.LevelEQ("L1")).AllX(trusted()) {
		used[c.Month] = c.UsedMinutes
	}
	if used["2026-11"] != 60 || used["2026-12"] != 45 {
		t.Fatalf("L1 used per month %v", used)
	}
	// November has ended in Copenhagen: it carries over (420 unused) and can be issued, and its
	// statement holds only November's work; December's has the work of 1 December.
	if n, err := svc.CarryOver(context.Background(), "2026-11"); n != 1 || err != nil {
		t.Fatalf("carry-over after November ended: %d %v", n, err)
	}
	if dec := e.balance(key, w, "2026-12")["L1"]; dec.CarriedOverMinutes != 420 || dec.UsedMinutes != 45 || dec.RemainingMinutes != 855 {
		t.Fatalf("December L1 %+v", dec)
	}
	var nov, dec struct {
		MonthlyStatement struct {
			TotalCents int
			Lines      []struct{ BillableMinutes int }
		}
	}
	e.ok(key, stmt, map[string]any{"k": gidOf(k.ID), "m": "2026-11"}, &nov)
	e.ok(key, stmt, map[string]any{"k": gidOf(k.ID), "m": "2026-12"}, &dec)
	if len(nov.MonthlyStatement.Lines) != 1 || nov.MonthlyStatement.Lines[0].BillableMinutes != 60 || nov.MonthlyStatement.TotalCents != 7000 ||
		len(dec.MonthlyStatement.Lines) != 1 || dec.MonthlyStatement.Lines[0].BillableMinutes != 45 || dec.MonthlyStatement.TotalCents != 5250 {
		t.Fatalf("statements november %+v december %+v", nov, dec)
	}
	e.ok(sdm, issue, map[string]any{"k": gidOf(k.ID), "m": "2026-11"}, nil)
	e.fails(sdm, issue, map[string]any{"k": gidOf(k.ID), "m": "2026-12"}, "VALIDATION")
	if r, _ := e.book(agent, tk.ID, "L1", 10, map[string]any{"workDate": "2026-11-30"}); r.code() != "CONFLICT" {
		t.Fatalf("booking into issued November: %+v", r.Errors)
	}
}
