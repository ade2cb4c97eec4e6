package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"supportdesk/ent/contingent"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/statement"
)

// invoicedContract turns C1's contract into an INVOICED one: L1 at 70 EUR/h.
func (e *env) invoicedContract(w *world) {
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetAgreementType("INVOICED").
		SetChannels([]string{"PORTAL", "EMAIL", "PHONE"}).
		SetLevelTerms([]schematype.LevelTerms{{Level: "L1", RateCents: 7000}, {Level: "L2", RateCents: 8000}}).ExecX(trusted())
}

const opStatement = `query($k:ID!,$m:String!){ monthlyStatement(contractID:$k, month:$m){ totalCents issuedAt
  levels{ level billableMinutes withinBudgetMinutes extraMinutes rateCents amountCents }
  lines{ ticketNumber level minutes billableMinutes amountCents } } }`

type statementOut struct {
	TotalCents int
	IssuedAt   *time.Time
	Levels     []struct {
		Level                                              string
		BillableMinutes, WithinBudgetMinutes, ExtraMinutes int
		RateCents, AmountCents                             int
	}
	Lines []struct {
		TicketNumber, Level                   string
		Minutes, BillableMinutes, AmountCents int
	}
}

func (e *env) statement(tok string, w *world, month string) statementOut {
	e.t.Helper()
	var out struct{ MonthlyStatement statementOut }
	e.ok(tok, opStatement, map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": month}, &out)
	return out.MonthlyStatement
}

// billedOf returns the statement's billable minutes per ticket number.
func (s statementOut) billedOf() map[string]int {
	m := map[string]int{}
	for _, l := range s.Lines {
		m[l.TicketNumber] += l.BillableMinutes
	}
	return m
}

// TestIssue11InquiryMinimum: under INVOICED rules the minimum of 15 minutes applies per started
// inquiry (seed 004, SPEC 12.12): the inquiry bills max(total, 15), each entry what it adds.
func TestIssue11InquiryMinimum(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.invoicedContract(w)
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	question := func(title string) ticketOut {
		return e.create(key, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	}
	book := func(id string, m int) entryOut {
		t.Helper()
		r, en := e.book(agent, id, "L1", m, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("book %d: %+v", m, r.Errors)
		}
		return en
	}
	// 5 → 15, 5 → 0 (still billable work), 10 → 5: 20 in all.
	a := question("Posting question")
	for i, c := range []struct{ raw, billed int }{{5, 15}, {5, 0}, {10, 5}} {
		if en := book(a.ID, c.raw); en.BillableMinutes != c.billed || !en.Billable || en.Minutes != c.raw {
			t.Fatalf("entry %d: %+v, want %d billable minutes", i, en, c.billed)
		}
	}
	// Deleting the first of two 5s leaves the other billing 15.
	b := question("Second question")
	b1, b2 := book(b.ID, 5), book(b.ID, 5)
	if b1.BillableMinutes != 15 || b2.BillableMinutes != 0 {
		t.Fatalf("two 5s: %+v %+v", b1, b2)
	}
	e.mut(agent, `mutation($id:ID!){ deleteTimeEntry(id:$id) }`, map[string]any{"id": b1.ID})
	// Editing an entry re-bills the inquiry: 5 + 5 with the first edited to 20 bills 25.
	c := question("Third question")
	c1, _ := book(c.ID, 5), book(c.ID, 5)
	var edited struct{ EditTimeEntry struct{ TimeEntry entryOut } }
	e.ok(agent, `mutation($id:ID!,$m:Int){ editTimeEntry(id:$id, input:{minutes:$m}){ timeEntry{ id minutes billableMinutes billable } } }`,
		map[string]any{"id": c1.ID, "m": 20}, &edited)
	if en := edited.EditTimeEntry.TimeEntry; en.Minutes != 20 || en.BillableMinutes != 20 {
		t.Fatalf("edited %+v", en)
	}
	// Split parts are separate tickets, hence separate inquiries with their own minimum.
	d := question("Two topics")
	var split struct {
		SplitTicket struct{ Tickets []struct{ ID, Number string } }
	}
	e.ok(agent, `mutation($id:ID!,$p:[SplitPartInput!]!){ splitTicket(ticketID:$id, parts:$p){ tickets{ id number } } }`,
		map[string]any{"id": d.ID, "p": []map[string]any{{"title": "Topic A"}, {"title": "Topic B"}}}, &split)
	parts := split.SplitTicket.Tickets
	if len(parts) != 2 {
		t.Fatalf("split %+v", split)
	}
	for _, p := range parts {
		if en := book(p.ID, 5); en.BillableMinutes != 15 {
			t.Fatalf("split part %s: %+v", p.Number, en)
		}
	}

	st := e.statement(key, w, "2026-11")
	got := st.billedOf()
	want := map[string]int{a.Number: 20, b.Number: 15, c.Number: 25, parts[0].Number: 15, parts[1].Number: 15}
	for n, m := range want {
		if got[n] != m {
			t.Fatalf("statement billed %v, want %v", got, want)
		}
	}
	// 90 minutes at 70 EUR/h = 105.00 EUR.
	if len(got) != len(want) || st.TotalCents != 10500 || st.Levels[0].BillableMinutes != 90 {
		t.Fatalf("statement %+v", st)
	}
}

// TestIssue11StatementsAddUp: lines, level totals and the grand total add up to the cent in the
// API, the CSV and after issuing (one rounding rule, package billing).
func TestIssue11StatementsAddUp(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	var ts []ticketOut
	for _, title := range []string{"A", "B", "C"} {
		ts = append(ts, e.create(key, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}))
	}
	book := func(id, level string, m int) {
		t.Helper()
		if r, _ := e.book(agent, id, level, m, nil); len(r.Errors) > 0 {
			t.Fatalf("book: %+v", r.Errors)
		}
	}
	// L1: three lines of 10 min at 70 EUR/h (11.6667 each): 35.00 together.
	for _, tk := range ts {
		book(tk.ID, "L1", 10)
	}
	// L2: 10 min of A at 80 EUR/h, then the rate changes to 85 and A and B book 10 min each:
	// each rate is priced on its own minutes (see check).
	book(ts[0].ID, "L2", 10)
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).
		SetLevelTerms([]schematype.LevelTerms{{Level: "L1", MonthlyMinutes: 480, RateCents: 7000},
			{Level: "L2", MonthlyMinutes: 720, RateCents: 8500}, {Level: "L3", MonthlyMinutes: 720, RateCents: 9000}}).ExecX(trusted())
	book(ts[0].ID, "L2", 10)
	book(ts[1].ID, "L2", 10)

	check := func(st statementOut) {
		t.Helper()
		lines := map[string]int{}
		for _, l := range st.Lines {
			lines[l.TicketNumber+"/"+l.Level] = l.AmountCents
		}
		// L1: 1167 + 1167 + 1166 = 3500. L2: at 80, A 10 min = 1333.33 → 1333; at 85, 20 min =
		// 2833.33 → 2833, apportioned 1416.67 each → 1417 (A) and 1416 (B). A/L2 = 2750.
		want := map[string]int{ts[0].Number + "/L1": 1167, ts[1].Number + "/L1": 1167, ts[2].Number + "/L1": 1166,
			ts[0].Number + "/L2": 2750, ts[1].Number + "/L2": 1416}
		if len(lines) != len(want) {
			t.Fatalf("lines %v, want %v", lines, want)
		}
		for k, v := range want {
			if lines[k] != v {
				t.Fatalf("lines %v, want %v", lines, want)
			}
		}
		levelSum, bySum := 0, map[string]int{}
		for _, l := range st.Lines {
			bySum[l.Level] += l.AmountCents
		}
		for _, l := range st.Levels {
			if l.AmountCents != bySum[l.Level] {
				t.Fatalf("level %s: %d, lines add to %d", l.Level, l.AmountCents, bySum[l.Level])
			}
			levelSum += l.AmountCents
		}
		if len(st.Levels) != 2 || st.Levels[0].AmountCents != 3500 || st.Levels[1].AmountCents != 4166 ||
			st.Levels[1].RateCents != 8500 || st.TotalCents != 7666 || levelSum != st.TotalCents {
			t.Fatalf("statement %+v", st)
		}
	}
	check(e.statement(key, w, "2026-11"))

	// The CSV: the same cents, and its lines add up to its levels and total.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/statements/"+gidOf(w.contracts["C1"].ID)+"/2026-11.csv", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csv := string(body)
	for _, row := range []string{
		"line," + ts[0].Number + ",A,L1,10,10,,,,1167,11.67,EUR",
		"line," + ts[1].Number + ",B,L1,10,10,,,,1167,11.67,EUR",
		"line," + ts[2].Number + ",C,L1,10,10,,,,1166,11.66,EUR",
		"line," + ts[0].Number + ",A,L2,20,20,,,,2750,27.50,EUR",
		"line," + ts[1].Number + ",B,L2,10,10,,,,1416,14.16,EUR",
		"level,,,L1,,30,30,0,7000,3500,35.00,EUR",
		"level,,,L2,,30,30,0,8500,4166,41.66,EUR",
		"total,,,,,,,,,7666,76.66,EUR",
	} {
		if !strings.Contains(csv, row+"\n") {
			t.Fatalf("csv lacks %q:\n%s", row, csv)
		}
	}

	// Issuing keeps the numbers; the stored statement has the same total.
	var issued struct{ IssueStatement statementOut }
	e.ok(e.token(w, "P1.SERVICE_DELIVERY_MANAGER"), strings.Replace(opStatement, "query($k:ID!,$m:String!){ monthlyStatement",
		"mutation($k:ID!,$m:String!){ issueStatement", 1), map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": "2026-11"}, &issued)
	check(issued.IssueStatement)
	row := e.app.DB.Client.Statement.Query().Where(statement.ContractID(w.contracts["C1"].ID), statement.Month("2026-11")).OnlyX(trusted())
	if row.TotalCents != 7666 {
		t.Fatalf("issued total %d", row.TotalCents)
	}
	check(e.statement(key, w, "2026-11"))
}

const opChangeType = `mutation($in: ChangeTicketTypeInput!){ changeTicketType(input:$in){ ticket{ type billableReclassified } } }`

// TestIssue11TypeChangeRebills: a type change bills the ticket's entries of open months again in
// the same transaction, with a history row old → new; issued months never change (SPEC 12.9).
func TestIssue11TypeChangeRebills(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.invoicedContract(w)
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")

	// An INVOICED incident: 20 min, free. Reclassified as the customer's billable service request.
	inc := e.create(key, incidentInput())
	if _, en := e.book(agent, inc.ID, "L1", 20, nil); en.BillableMinutes != 0 || en.Billable {
		t.Fatalf("incident entry %+v", en)
	}
	e.mut(agent, opChangeType, map[string]any{"in": map[string]any{"ticketID": inc.ID, "type": "SERVICE_REQUEST",
		"reason": "customer changed workflow", "billable": true}})
	_, lines := e.history(agent, inc.ID)
	if n := len(lines); n < 2 || lines[n-2] != "TYPE_CHANGED INCIDENT>SERVICE_REQUEST (customer changed workflow (billable)) by P1.AGENT" ||
		lines[n-1] != "UPDATED 0>20 (billable minutes of open months billed again after the type change INCIDENT → SERVICE_REQUEST) by P1.AGENT" {
		t.Fatalf("history %q", lines)
	}
	// A question of 5 min (15 billable) turned into an incident becomes free.
	q := e.create(key, map[string]any{"title": "Is this a bug?", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.book(agent, q.ID, "L1", 5, nil)
	e.mut(agent, opChangeType, map[string]any{"in": map[string]any{"ticketID": q.ID, "type": "INCIDENT", "reason": "it is a bug"}})
	_, lines = e.history(agent, q.ID)
	if lines[len(lines)-1] != "UPDATED 15>0 (billable minutes of open months billed again after the type change QUESTION → INCIDENT) by P1.AGENT" {
		t.Fatalf("history %q", lines)
	}
	// An issued month never changes: October's 10 min stay free, November's bill.
	old := e.create(key, incidentInput())
	for _, day := range []string{"2026-10-10", "2026-11-10"} {
		if r, _ := e.book(agent, old.ID, "L1", 10, map[string]any{"workDate": day}); len(r.Errors) > 0 {
			t.Fatalf("booking on %s: %+v", day, r.Errors)
		}
	}
	e.mut(e.token(w, "P1.SERVICE_DELIVERY_MANAGER"), `mutation($k:ID!,$m:String!){ issueStatement(contractID:$k, month:$m){ totalCents } }`,
		map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": "2026-10"})
	e.mut(agent, opChangeType, map[string]any{"in": map[string]any{"ticketID": old.ID, "type": "SERVICE_REQUEST",
		"reason": "customer changed workflow", "billable": true}})
	if got, ok := e.statement(key, w, "2026-10").billedOf()[old.Number]; !ok || got != 0 {
		t.Fatalf("issued October re-billed: %d (line present: %v)", got, ok)
	}
	st := e.statement(key, w, "2026-11").billedOf()
	if st[old.Number] != 15 || st[inc.Number] != 20 || st[q.Number] != 0 {
		t.Fatalf("November %v", st)
	}
	// A refused type change writes nothing.
	e.fails(agent, opChangeType, map[string]any{"in": map[string]any{"ticketID": inc.ID, "type": "PRODUCT_IDEA", "reason": "x", "billable": true}}, "VALIDATION")
}

// TestIssue11TypeChangeRebillsContingent: on a CONTINGENT contract the level's used minutes
// follow a re-bill, even past the budget: a reclassification is never refused (SPEC 12.1); the
// excess shows as extra minutes.
func TestIssue11TypeChangeRebillsContingent(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	// Only the portal is covered, and L1 has a budget of 10 minutes.
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetChannels([]string{"PORTAL"}).
		SetLevelTerms([]schematype.LevelTerms{{Level: "L1", MonthlyMinutes: 10, RateCents: 7000}}).ExecX(trusted())
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	used := func() int {
		b, err := e.app.DB.Client.Contingent.Query().Where(contingent.ContractID(w.contracts["C1"].ID), contingent.Month("2026-11"),
			contingent.LevelEQ(contingent.LevelL1)).Only(trusted())
		if err != nil {
			return -1
		}
		return b.UsedMinutes
	}
	// A phone question is not covered: INVOICED rules, 30 billable minutes, not from the contingent.
	q := e.create(key, map[string]any{"title": "Phone question", "type": "QUESTION", "priority": "P3", "channel": "PHONE"})
	if _, en := e.book(agent, q.ID, "L1", 30, nil); en.BillableMinutes != 30 {
		t.Fatalf("phone question %+v", en)
	}
	if u := used(); u > 0 {
		t.Fatalf("used %d before the type change", u)
	}
	// As an incident it is contingent work on any channel: 30 minutes against a 10-minute budget.
	e.mut(agent, opChangeType, map[string]any{"in": map[string]any{"ticketID": q.ID, "type": "INCIDENT", "reason": "it is an error"}})
	if u := used(); u != 30 {
		t.Fatalf("used %d after the type change, want 30", u)
	}
	st := e.statement(key, w, "2026-11")
	if len(st.Levels) != 1 || st.Levels[0].BillableMinutes != 30 || st.Levels[0].WithinBudgetMinutes != 10 ||
		st.Levels[0].ExtraMinutes != 20 || st.TotalCents != 3500 {
		t.Fatalf("statement %+v", st)
	}
	// Back to a question: the contingent gives the minutes back, INVOICED rules bill them again.
	e.mut(agent, opChangeType, map[string]any{"in": map[string]any{"ticketID": q.ID, "type": "QUESTION", "reason": "a question after all"}})
	if u := used(); u != 0 {
		t.Fatalf("used %d after the way back", u)
	}
	_, lines := e.history(agent, q.ID)
	if lines[len(lines)-1] != "TYPE_CHANGED INCIDENT>QUESTION (a question after all) by P1.AGENT" {
		t.Fatalf("history %q", lines)
	}
}
