package main

import (
	"reflect"
	"testing"
	"time"

	"supportdesk/ent/schema/schematype"
)

const (
	opEstimate = `mutation($in: EstimateChangeRequestInput!){ estimateChangeRequest(input:$in){ ticket{ status estimateKind estimatePriceCents estimateCreditCents } } }`
	opDecideCR = `mutation($in: DecideChangeRequestInput!){ decideChangeRequest(input:$in){ ticket{ status estimateKind estimatePriceCents estimateCreditCents } } }`
	crQuery    = `query($id: ID!){ node(id:$id){ ... on Ticket { status estimateKind estimatePriceCents estimateCreditCents
  timeEntries(first: 10){ edges{ node{ level minutes billableMinutes billable estimate rateCents } } } } } }`
	notesQuery = `{ myNotifications(first: 20){ edges{ node{ kind title ticket{ number } } } } }`
)

type crOut struct {
	Status              string
	EstimateKind        *string
	EstimatePriceCents  *int
	EstimateCreditCents *int
	TimeEntries         struct {
		Edges []struct {
			Node struct {
				Level                    string
				Minutes, BillableMinutes int
				Billable, Estimate       bool
				RateCents                int
			}
		}
	}
}

func (e *env) crState(tok, id string) crOut {
	e.t.Helper()
	var out struct{ Node crOut }
	e.ok(tok, crQuery, map[string]any{"id": id}, &out)
	return out.Node
}

func (e *env) notificationKinds(tok string) []string {
	e.t.Helper()
	var out struct {
		MyNotifications struct {
			Edges []struct {
				Node struct {
					Kind, Title string
					Ticket      *struct{ Number string }
				}
			}
		}
	}
	e.ok(tok, notesQuery, nil, &out)
	var kinds []string
	for _, ed := range out.MyNotifications.Edges {
		kinds = append(kinds, ed.Node.Kind+" "+ed.Node.Title)
	}
	return kinds
}

// Seed 004: a rough estimate is free; a detailed estimate is billed at the rate in force and
// credited against the price when the offer is accepted. Estimates can be made from NEW or
// OPEN, approvers are told, and errors speak the user's words.
func TestChangeRequestEstimates(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetLevelTerms([]schematype.LevelTerms{
		{Level: "L1", RateCents: 7000}, {Level: "L2", RateCents: 8000}}).ExecX(trusted())
	e.clock.Set(time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC))
	key, approver, agent := e.token(w, "C1.KEY_USER"), e.token(w, "C1.APPROVER"), e.token(w, "P1.AGENT")
	newCR := func(title string) string {
		return e.create(key, map[string]any{"title": title, "type": "CHANGE_REQUEST", "priority": "P3", "channel": "PORTAL"}).ID
	}
	levels := []map[string]any{{"level": "L2", "minutes": 120}, {"level": "L3", "minutes": 240}}

	// A rough estimate straight from NEW: free, no time entry, approvers notified.
	rough := newCR("Customs tariff number on item card")
	r := e.fails(approver, opDecideCR, map[string]any{"in": map[string]any{"ticketID": rough, "approve": true}}, "ILLEGAL_TRANSITION")
	if r.Errors[0].Message != "this change request has no estimate yet" {
		t.Fatalf("message %q", r.Errors[0].Message)
	}
	r = e.fails(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": rough, "minutes": levels, "priceCents": 45600, "estimationMinutes": 30}}, "VALIDATION")
	if r.Errors[0].Extensions["field"] != "estimationMinutes" {
		t.Fatalf("field %v", r.Errors[0].Extensions)
	}
	e.fails(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": rough, "minutes": levels, "priceCents": 45600, "kind": "DETAILED"}}, "VALIDATION")
	e.mut(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": rough, "minutes": levels, "priceCents": 45600}})
	got := e.crState(agent, rough)
	if got.Status != "AWAITING_APPROVAL" || *got.EstimateKind != "ROUGH" || *got.EstimatePriceCents != 45600 || len(got.TimeEntries.Edges) != 0 {
		t.Fatalf("rough estimate %+v", got)
	}
	if kinds := e.notificationKinds(approver); !reflect.DeepEqual(kinds, []string{"ESTIMATE_AWAITS_APPROVAL SD-000001: an estimate waits for your approval"}) {
		t.Fatalf("approver notifications %q", kinds)
	}
	if kinds := e.notificationKinds(key); len(kinds) != 0 {
		t.Fatalf("a key user without the approval permission is not asked: %q", kinds)
	}
	// A revised estimate while awaiting approval replaces the first; the status stays.
	e.mut(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": rough, "minutes": levels, "priceCents": 40000}})
	_, lines := e.history(agent, rough)
	want := []string{
		"CREATED >L1 by C1.KEY_USER",
		"ESTIMATED >45600 (rough: L2 120 min, L3 240 min) by P1.AGENT",
		"STATUS_CHANGED NEW>AWAITING_APPROVAL by P1.AGENT",
		"ESTIMATED >40000 (rough: L2 120 min, L3 240 min) by P1.AGENT",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("history\n got %q\nwant %q", lines, want)
	}
	var dec struct{ DecideChangeRequest struct{ Ticket crOut } }
	e.ok(approver, opDecideCR, map[string]any{"in": map[string]any{"ticketID": rough, "approve": true}}, &dec)
	if d := dec.DecideChangeRequest.Ticket; d.Status != "APPROVED" || d.EstimateCreditCents != nil {
		t.Fatalf("rough approval credits nothing: %+v", d)
	}
	r = e.fails(approver, opDecideCR, map[string]any{"in": map[string]any{"ticketID": rough, "approve": false}}, "ILLEGAL_TRANSITION")
	if r.Errors[0].Message != "this change request is approved already" {
		t.Fatalf("message %q", r.Errors[0].Message)
	}
	r = e.fails(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": rough, "minutes": levels, "priceCents": 1}}, "ILLEGAL_TRANSITION")
	if r.Errors[0].Message != "a change request that is approved already cannot be estimated" {
		t.Fatalf("message %q", r.Errors[0].Message)
	}

	// A detailed estimate from OPEN (triaged): 87 minutes of estimating are booked as billable
	// L2 time (rounded to 90) on a BASIC contract, where change requests are otherwise included,
	// and credited against the price on acceptance.
	detailed := newCR("Intrastat report per warehouse")
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": detailed, "status": "OPEN"}})
	e.mut(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": detailed, "minutes": levels, "priceCents": 45600,
		"kind": "DETAILED", "estimationMinutes": 87}})
	got = e.crState(agent, detailed)
	if got.Status != "AWAITING_APPROVAL" || *got.EstimateKind != "DETAILED" || len(got.TimeEntries.Edges) != 1 {
		t.Fatalf("detailed estimate %+v", got)
	}
	if n := got.TimeEntries.Edges[0].Node; n.Level != "L2" || n.Minutes != 90 || n.BillableMinutes != 90 || !n.Billable || !n.Estimate || n.RateCents != 8000 {
		t.Fatalf("estimation entry %+v", n)
	}
	e.ok(approver, opDecideCR, map[string]any{"in": map[string]any{"ticketID": detailed, "approve": true, "reason": "go"}}, &dec)
	if d := dec.DecideChangeRequest.Ticket; d.Status != "APPROVED" || d.EstimateCreditCents == nil || *d.EstimateCreditCents != 12000 {
		t.Fatalf("credit of 90 min at 80.00 EUR/h: %+v", d)
	}

	// Declined: the detailed estimate stays billed and nothing is credited.
	declined := newCR("EDI mapping for a new supplier")
	e.mut(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": declined, "minutes": levels, "priceCents": 30000,
		"kind": "DETAILED", "estimationMinutes": 30}})
	e.ok(approver, opDecideCR, map[string]any{"in": map[string]any{"ticketID": declined, "approve": false, "reason": "too expensive"}}, &dec)
	if d := dec.DecideChangeRequest.Ticket; d.Status != "DECLINED" || d.EstimateCreditCents != nil {
		t.Fatalf("declined %+v", d)
	}
	var st struct {
		MonthlyStatement struct {
			TotalCents int
			Lines      []struct {
				TicketNumber    string
				BillableMinutes int
				AmountCents     int
			}
		}
	}
	e.ok(agent, `query($c: ID!){ monthlyStatement(contractID:$c, month:"2026-11"){ totalCents lines{ ticketNumber billableMinutes amountCents } } }`,
		map[string]any{"c": gidOf(w.contracts["C1"].ID)}, &st)
	if st.MonthlyStatement.TotalCents != 12000+4000 || len(st.MonthlyStatement.Lines) != 2 {
		t.Fatalf("statement %+v", st.MonthlyStatement)
	}

	// Only change requests are estimated, only by staff.
	q := e.create(key, map[string]any{"title": "How do I post?", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.fails(agent, opEstimate, map[string]any{"in": map[string]any{"ticketID": q.ID, "minutes": levels, "priceCents": 1}}, "ILLEGAL_TRANSITION")
	e.fails(key, opEstimate, map[string]any{"in": map[string]any{"ticketID": detailed, "minutes": levels, "priceCents": 1}}, "FORBIDDEN")
}
