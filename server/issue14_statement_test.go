package main

import (
	"reflect"
	"testing"
	"time"
)

// TestIssue14StatementTitles: a statement's lines carry their tickets' titles when the query
// selects ticketTitle, directly or through a fragment (the statement reads titles only then),
// and every other figure is the same either way: lines in ticket number and level order,
// minutes summed per ticket and level, amounts apportioned to the cent.
func TestIssue14StatementTitles(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	a := e.create(key, map[string]any{"title": "Alpha question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	b := e.create(key, map[string]any{"title": "Beta question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	for _, c := range []struct {
		ticket, level string
		minutes       int
	}{{b.ID, "L2", 10}, {a.ID, "L1", 20}, {b.ID, "L1", 15}, {a.ID, "L1", 5}, {b.ID, "L2", 35}} {
		if r, _ := e.book(agent, c.ticket, c.level, c.minutes, nil); len(r.Errors) > 0 {
			t.Fatalf("booking: %+v", r.Errors)
		}
	}
	type line struct {
		TicketNumber, TicketTitle, Level      string
		Minutes, BillableMinutes, AmountCents int
	}
	read := func(selection, fragment string) []line {
		t.Helper()
		var out struct{ MonthlyStatement struct{ Lines []line } }
		e.ok(key, `query($k:ID!,$m:String!){ monthlyStatement(contractID:$k, month:$m){ lines{ `+selection+` } } }`+fragment,
			map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": "2026-11"}, &out)
		return out.MonthlyStatement.Lines
	}
	// L1 at 70 €/h, L2 at 80 €/h (contingentContract). L1: 25 + 15 minutes, 40 × 70/60 =
	// 46.67 €, apportioned 29.17 (25 min, 29.166…) and 17.50; L2: 45 × 80/60 = 60.00 €.
	want := []line{
		{a.Number, "Alpha question", "L1", 25, 25, 2917},
		{b.Number, "Beta question", "L1", 15, 15, 1750},
		{b.Number, "Beta question", "L2", 45, 45, 6000},
	}
	if got := read("ticketNumber ticketTitle level minutes billableMinutes amountCents", ""); !reflect.DeepEqual(got, want) {
		t.Fatalf("lines with titles:\n got %+v\nwant %+v", got, want)
	}
	if got := read("...L", " fragment L on StatementLine { ticketNumber ticketTitle level minutes billableMinutes amountCents }"); !reflect.DeepEqual(got, want) {
		t.Fatalf("lines with titles through a fragment:\n got %+v\nwant %+v", got, want)
	}
	for i := range want {
		want[i].TicketTitle = ""
	}
	if got := read("ticketNumber level minutes billableMinutes amountCents", ""); !reflect.DeepEqual(got, want) {
		t.Fatalf("lines without titles:\n got %+v\nwant %+v", got, want)
	}
}
