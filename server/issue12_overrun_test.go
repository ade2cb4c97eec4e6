package main

import (
	"testing"
	"time"

	"supportdesk/ent/contract"
)

// TestIssue12OverrunPolicy: the contract's overrun policy decides what a booking over budget
// does. EXTEND adds the missing minutes as extra minutes (an EXTENDED episode without an
// approver) and the booking goes through; SUSPEND suspends the level at once (a SUSPENDED
// episode): other work is refused, an incident is still booked, unbilled. ASK is issue 11's
// open decision (TestIssue11DecisionEpisodes).
func TestIssue12OverrunPolicy(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.contingentContract(w)
	e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	q := e.create(key, map[string]any{"title": "Posting question", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetOverrunPolicy(contract.OverrunPolicyEXTEND).ExecX(trusted())
	if r, en := e.book(agent, q.ID, "L1", 470, nil); len(r.Errors) > 0 || en.BillableMinutes != 470 {
		t.Fatalf("470 of 480: %+v", r.Errors)
	}
	if r, en := e.book(agent, q.ID, "L1", 30, nil); len(r.Errors) > 0 || en.BillableMinutes != 30 {
		t.Fatalf("over budget under EXTEND: %+v %+v", r.Errors, en)
	}
	l1 := e.balance(key, w, "2026-11")["L1"]
	if l1.ExtraMinutes != 20 || l1.UsedMinutes != 500 || l1.Decision != "EXTENDED" || l1.OpenDecision != nil ||
		len(l1.Decisions) != 1 || l1.Decisions[0].Status != "EXTENDED" || l1.Decisions[0].ExtraMinutes != 20 ||
		l1.Decisions[0].AnsweredBy != nil || l1.Decisions[0].AnsweredAt == nil {
		t.Fatalf("L1 under EXTEND: %+v", l1)
	}

	e.app.DB.Client.Contract.UpdateOne(w.contracts["C1"]).SetOverrunPolicy(contract.OverrunPolicySUSPEND).ExecX(trusted())
	if r, _ := e.book(agent, q.ID, "L2", 715, nil); len(r.Errors) > 0 {
		t.Fatalf("715 of 720: %+v", r.Errors)
	}
	if r, _ := e.book(agent, q.ID, "L2", 10, nil); r.code() != "CONTINGENT_EXHAUSTED" {
		t.Fatalf("over budget under SUSPEND: %+v", r.Errors)
	}
	inc := e.create(key, incidentInput())
	if r, en := e.book(agent, inc.ID, "L2", 10, nil); len(r.Errors) > 0 || en.BillableMinutes != 0 || en.Minutes != 10 {
		t.Fatalf("incident on a suspended level: %+v %+v", r.Errors, en)
	}
	l2 := e.balance(key, w, "2026-11")["L2"]
	if l2.Decision != "SUSPENDED" || l2.UsedMinutes != 715 || l2.OpenDecision != nil || len(l2.Decisions) != 1 ||
		l2.Decisions[0].Status != "SUSPENDED" || l2.Decisions[0].AnsweredBy != nil {
		t.Fatalf("L2 under SUSPEND: %+v", l2)
	}
	// A decision answered by the contract is not open for the customer.
	e.fails(e.token(w, "C1.APPROVER"), decideOp, map[string]any{"id": l2.ID, "x": true, "m": 60}, "CONFLICT")
}
