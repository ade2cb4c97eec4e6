package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/ent/contingent"
	"supportdesk/ent/notification"
	"supportdesk/ent/schema/schematype"
)

const opBook = `mutation($in: BookTimeInput!){ bookTime(input:$in){ timeEntry{ id level minutes rawMinutes billableMinutes billable rateCents currency } } }`

type entryOut struct {
	ID, Level, Currency                  string
	Minutes, RawMinutes, BillableMinutes int
	Billable                             bool
	RateCents                            int
}

// contingentContract turns C1's contract into seed 003's: L1 8 h at 70 EUR/h, L2 12 h at 80,
// L3 12 h at 90, warning at 80 %.
func (e *env) contingentContract(w *world) {
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetAgreementType("CONTINGENT").
		SetChannels([]string{"PORTAL", "EMAIL", "PHONE"}).SetServiceManagerID(w.users["P1.SERVICE_DELIVERY_MANAGER"].ID).
		SetLevelTerms([]schematype.LevelTerms{{Level: "L1", MonthlyMinutes: 480, RateCents: 7000},
			{Level: "L2", MonthlyMinutes: 720, RateCents: 8000}, {Level: "L3", MonthlyMinutes: 720, RateCents: 9000}}).ExecX(trusted())
}

func (e *env) book(tok, ticketID, level string, minutes int, extra map[string]any) (*gqlResponse, entryOut) {
	e.t.Helper()
	in := map[string]any{"ticketID": ticketID, "level": level, "minutes": minutes, "workDate": "2026-11-10", "description": "work"}
	for k, v := range extra {
		in[k] = v
	}
	r := e.do(tok, opBook, map[string]any{"in": in})
	var out struct{ BookTime struct{ TimeEntry entryOut } }
	if len(r.Errors) == 0 {
		_ = jsonUnmarshal(r.Data, &out)
	}
	return r, out.BookTime.TimeEntry
}

func TestSeed003StatementExact(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	a := e.create(key, map[string]any{"title": "Posting question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	b := e.create(key, incidentInput())
	for _, c := range []struct {
		ticket, level string
		raw, want     int
		rate          int
	}{{a.ID, "L1", 7, 10, 7000}, {b.ID, "L2", 58, 60, 8000}, {b.ID, "L3", 61, 65, 9000}} {
		r, en := e.book(agent, c.ticket, c.level, c.raw, nil)
		if len(r.Errors) > 0 || en.Minutes != c.want || en.RawMinutes != c.raw || en.BillableMinutes != c.want || !en.Billable ||
			en.RateCents != c.rate || en.Currency != "EUR" {
			t.Fatalf("booking %d at %s: %+v %+v", c.raw, c.level, en, r.Errors)
		}
	}
	// A level the agent does not work, a customer, and no description are refused.
	e.app.DB.Client.User.UpdateOne(w.users["P1.SERVICE_DESK"]).SetLevels([]string{"L1"}).ExecX(trusted())
	if r, _ := e.book(e.token(w, "P1.SERVICE_DESK"), a.ID, "L2", 10, nil); r.code() != "VALIDATION" {
		t.Fatalf("foreign level: %+v", r.Errors)
	}
	if r, _ := e.book(key, a.ID, "L1", 10, nil); r.code() != "FORBIDDEN" {
		t.Fatalf("customer booking: %+v", r.Errors)
	}
	if r, _ := e.book(agent, a.ID, "L1", 10, map[string]any{"description": " "}); r.code() != "VALIDATION" {
		t.Fatalf("no description: %+v", r.Errors)
	}

	q := `query($k:ID!,$m:String!){ monthlyStatement(contractID:$k, month:$m){ month currency totalCents issuedAt
	  levels{ level budgetMinutes billableMinutes withinBudgetMinutes extraMinutes rateCents amountCents }
	  lines{ ticketNumber level minutes billableMinutes amountCents } } }`
	var st struct {
		MonthlyStatement struct {
			Month, Currency string
			TotalCents      int
			IssuedAt        *time.Time
			Levels          []struct {
				Level                                                             string
				BudgetMinutes, BillableMinutes, WithinBudgetMinutes, ExtraMinutes int
				RateCents, AmountCents                                            int
			}
			Lines []struct {
				TicketNumber, Level                   string
				Minutes, BillableMinutes, AmountCents int
			}
		}
	}
	vars := map[string]any{"k": gidOf(w.contracts["C1"].ID), "m": "2026-11"}
	e.ok(key, q, vars, &st)
	s := st.MonthlyStatement
	// 10 min × 70 € = 11.67 €, 60 × 80 = 80.00 €, 65 × 90 = 97.50 € → 189.17 €.
	if s.TotalCents != 18917 || len(s.Levels) != 3 || s.Levels[0].AmountCents != 1167 || s.Levels[1].AmountCents != 8000 ||
		s.Levels[2].AmountCents != 9750 || s.Levels[0].BudgetMinutes != 480 || s.Levels[2].WithinBudgetMinutes != 65 ||
		len(s.Lines) != 3 || s.Lines[0].TicketNumber != a.Number || s.Lines[2].AmountCents != 9750 {
		t.Fatalf("statement %+v", s)
	}
	// The CSV carries the same numbers, authorised like the query.
	get := func(tok string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/statements/"+gidOf(w.contracts["C1"].ID)+"/2026-11.csv", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	code, csv := get(key)
	if code != 200 || !strings.Contains(csv, "total,,,,,,,,,18917,189.17,EUR") || !strings.Contains(csv, "level,,,L1,,10,10,0,7000,1167,11.67,EUR") {
		t.Fatalf("csv %d:\n%s", code, csv)
	}
	if code, _ := get(e.token(w, "C1.END_USER")); code != 404 {
		t.Fatalf("end user csv %d", code)
	}
	if code, _ := get(e.token(w, "P2.ADMIN")); code != 404 {
		t.Fatalf("other partner csv %d", code)
	}
	// Issuing closes the month: later bookings in November are refused.
	issue := `mutation($k:ID!,$m:String!){ issueStatement(contractID:$k, month:$m){ totalCents issuedAt } }`
	e.fails(agent, issue, vars, "FORBIDDEN")
	e.ok(e.token(w, "P1.SERVICE_DELIVERY_MANAGER"), issue, vars, nil)
	e.fails(e.token(w, "P1.SERVICE_DELIVERY_MANAGER"), issue, vars, "CONFLICT")
	if r, _ := e.book(agent, a.ID, "L1", 10, nil); r.code() != "CONFLICT" {
		t.Fatalf("booking in a closed month: %+v", r.Errors)
	}
	e.fails(e.token(w, "C1.END_USER"), q, vars, "NOT_FOUND")
}

func TestContingentThresholdExhaustionDecision(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	key, approver, agent := e.token(w, "C1.KEY_USER"), e.token(w, "C1.APPROVER"), e.token(w, "P1.AGENT")
	tk := e.create(key, map[string]any{"title": "Work", "type": "SERVICE_REQUEST", "priority": "P3", "channel": "PORTAL"})
	warnings := func() map[string]int {
		out := map[string]int{}
		for _, who := range []string{"C1.KEY_USER", "C1.APPROVER", "P1.SERVICE_DELIVERY_MANAGER", "C1.END_USER"} {
			out[who] = e.app.DB.Client.Notification.Query().Where(notification.RecipientID(w.users[who].ID),
				notification.KindEQ("CONTINGENT_WARNING")).CountX(trusted())
		}
		return out
	}
	mustBook := func(level string, minutes int) entryOut {
		r, en := e.book(agent, tk.ID, level, minutes, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("booking %d: %+v", minutes, r.Errors)
		}
		return en
	}
	mustBook("L1", 380) // 79 %
	if n := warnings()["C1.KEY_USER"]; n != 0 {
		t.Fatalf("warned at 79 %%: %d", n)
	}
	mustBook("L1", 10) // 81 %: crosses 80 %
	mustBook("L1", 10)
	if got := warnings(); got["C1.KEY_USER"] != 1 || got["C1.APPROVER"] != 1 || got["P1.SERVICE_DELIVERY_MANAGER"] != 1 || got["C1.END_USER"] != 0 {
		t.Fatalf("warnings %v", got)
	}
	if r, _ := e.book(agent, tk.ID, "L1", 100, nil); r.code() != "CONTINGENT_EXHAUSTED" {
		t.Fatalf("over budget: %+v", r.Errors)
	}
	cq := `{ contingents { edges { node { id level month monthlyMinutes usedMinutes extraMinutes decision } } } }`
	type cont struct {
		ID, Level, Month, Decision                string
		MonthlyMinutes, UsedMinutes, ExtraMinutes int
	}
	list := func(tok string) map[string]cont {
		var out struct {
			Contingents struct{ Edges []struct{ Node cont } }
		}
		e.ok(tok, cq, nil, &out)
		m := map[string]cont{}
		for _, ed := range out.Contingents.Edges {
			m[ed.Node.Level] = ed.Node
		}
		return m
	}
	l1 := list(key)["L1"]
	if l1.UsedMinutes != 400 || l1.Decision != "OPEN" || l1.MonthlyMinutes != 480 {
		t.Fatalf("customer sees %+v", l1)
	}
	if n := len(list(e.token(w, "C2.KEY_USER"))); n != 0 {
		t.Fatalf("other customer sees %d contingents", n)
	}
	dec := `mutation($id:ID!,$x:Boolean!,$m:Int){ decideContingent(contingentID:$id, extend:$x, extraMinutes:$m){ decision extraMinutes } }`
	e.fails(key, dec, map[string]any{"id": l1.ID, "x": true, "m": 60}, "FORBIDDEN")
	e.fails(agent, dec, map[string]any{"id": l1.ID, "x": true, "m": 60}, "FORBIDDEN")
	e.ok(approver, dec, map[string]any{"id": l1.ID, "x": true, "m": 60}, nil)
	mustBook("L1", 100) // 500 of 540
	if l1 = list(key)["L1"]; l1.UsedMinutes != 500 || l1.ExtraMinutes != 60 || l1.Decision != "EXTENDED" {
		t.Fatalf("after extension %+v", l1)
	}
	// L3: suspend; non-incidents are refused, incidents still taken without billing.
	mustBook("L3", 600)
	l3 := list(key)["L3"]
	e.ok(approver, dec, map[string]any{"id": l3.ID, "x": false}, nil)
	if r, _ := e.book(agent, tk.ID, "L3", 5, nil); r.code() != "CONTINGENT_EXHAUSTED" {
		t.Fatalf("suspended level: %+v", r.Errors)
	}
	inc := e.create(key, incidentInput())
	if _, en := e.book(agent, inc.ID, "L3", 30, nil); en.Billable || en.BillableMinutes != 0 || en.Minutes != 30 {
		t.Fatalf("incident on suspended level %+v", en)
	}
	// Deleting an entry gives its minutes back; only its author or an administrator may.
	_, extraEntry := e.book(agent, tk.ID, "L2", 20, nil)
	edit := `mutation($id:ID!,$m:Int){ editTimeEntry(id:$id, input:{minutes:$m}){ timeEntry{ minutes rawMinutes billableMinutes } } }`
	var ed struct {
		EditTimeEntry struct{ TimeEntry entryOut }
	}
	e.ok(agent, edit, map[string]any{"id": extraEntry.ID, "m": 33}, &ed)
	if got := ed.EditTimeEntry.TimeEntry; got.Minutes != 35 || got.RawMinutes != 33 || got.BillableMinutes != 35 || list(key)["L2"].UsedMinutes != 35 {
		t.Fatalf("edited %+v, L2 used %d", got, list(key)["L2"].UsedMinutes)
	}
	e.fails(e.token(w, "P1.SERVICE_DESK"), edit, map[string]any{"id": extraEntry.ID, "m": 5}, "FORBIDDEN")
	del := `mutation($id:ID!){ deleteTimeEntry(id:$id) }`
	e.fails(e.token(w, "P1.SERVICE_DESK"), del, map[string]any{"id": extraEntry.ID}, "FORBIDDEN")
	e.ok(agent, del, map[string]any{"id": extraEntry.ID}, nil)
	if used := list(key)["L2"].UsedMinutes; used != 0 {
		t.Fatalf("L2 used after delete = %d", used)
	}
	// Idempotency: a retried booking books once.
	_, first := e.book(agent, tk.ID, "L2", 30, map[string]any{"idempotencyKey": "req-1"})
	_, again := e.book(agent, tk.ID, "L2", 30, map[string]any{"idempotencyKey": "req-1"})
	if first.ID == "" || first.ID != again.ID || list(key)["L2"].UsedMinutes != 30 {
		t.Fatalf("idempotent booking %+v %+v %+v", first, again, list(key)["L2"])
	}
}

// TestConcurrentBookingsNeverExceedBudget: 50 parallel bookings against the last minutes of a
// budget; the sum never exceeds it and nothing is lost or counted twice.
func TestConcurrentBookingsNeverExceedBudget(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(key, map[string]any{"title": "Work", "type": "SERVICE_REQUEST", "priority": "P3", "channel": "PORTAL"})
	if r, _ := e.book(agent, tk.ID, "L1", 280, nil); len(r.Errors) > 0 { // 200 minutes left
		t.Fatal(r.Errors)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, exhausted := 0, 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := e.book(agent, tk.ID, "L1", 10, nil)
			mu.Lock()
			defer mu.Unlock()
			switch r.code() {
			case "":
				ok++
			case "CONTINGENT_EXHAUSTED":
				exhausted++
			default:
				t.Errorf("unexpected %+v", r.Errors)
			}
		}()
	}
	wg.Wait()
	c := e.app.DB.Client.Contingent.Query().OnlyX(trusted())
	entries := e.app.DB.Client.TimeEntry.Query().CountX(trusted())
	if ok != 20 || exhausted != 30 || c.UsedMinutes != 480 || entries != 21 {
		t.Fatalf("ok %d exhausted %d used %d entries %d", ok, exhausted, c.UsedMinutes, entries)
	}
}

// TestCarryOverOnce: unused minutes move to the next month up to the cap, once, however often
// and however concurrently the job runs.
func TestCarryOverOnce(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetCarryOver(true).SetCarryOverCapMinutes(120).ExecX(trusted())
	e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(key, map[string]any{"title": "Work", "type": "SERVICE_REQUEST", "priority": "P3", "channel": "PORTAL"})
	e.book(agent, tk.ID, "L1", 400, nil) // 80 unused of 480 → 80 carried
	e.book(agent, tk.ID, "L2", 100, nil) // 620 unused of 720 → capped at 120
	svc := e.app.handler.Budgets
	// A month is carried once it has ended in the contract's zone (Europe/Berlin): not before.
	if n, err := svc.CarryOver(context.Background(), "2026-11"); n != 0 || err != nil {
		t.Fatalf("carried before the month ended: %d %v", n, err)
	}
	e.clock.Set(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)) // midnight in Berlin
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := svc.CarryOver(context.Background(), "2026-11")
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n, _ := svc.CarryOver(context.Background(), "2026-11"); n+total != 2 {
		t.Fatalf("carried %d times, want 2", n+total)
	}
	dec := map[string]int{}
	for _, c := range e.app.DB.Client.Contingent.Query().Where(contingent.Month("2026-12")).AllX(trusted()) {
		dec[string(c.Level)] = c.CarriedOverMinutes
	}
	if dec["L1"] != 80 || dec["L2"] != 120 || len(dec) != 2 {
		t.Fatalf("December carried over %v", dec)
	}
}
