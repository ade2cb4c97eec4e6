package main

import (
	"reflect"
	"strings"
	"testing"
)

const historyQuery = `query($id: ID!){ node(id:$id){ ... on Ticket { status level reproducible vendorCaseRef fixedInVersion deliveryStatus
  approvedBy { email } estimatePriceCents estimate { level minutes }
  events(first: 100){ edges{ node{ kind fromValue toValue reason actor{ email } } } } } } }`

type historyOut struct {
	Node struct {
		Status, Level      string
		Reproducible       bool
		VendorCaseRef      string
		FixedInVersion     string
		DeliveryStatus     *string
		ApprovedBy         *struct{ Email string }
		EstimatePriceCents *int
		Estimate           []struct {
			Level   string
			Minutes int
		}
		Events struct {
			Edges []struct{ Node eventOut }
		}
	}
}

// history returns "KIND from>to (reason) by email" lines.
func (e *env) history(tok, id string) (historyOut, []string) {
	e.t.Helper()
	var h historyOut
	e.ok(tok, historyQuery, map[string]any{"id": id}, &h)
	var lines []string
	for _, ed := range h.Node.Events.Edges {
		n := ed.Node
		line := n.Kind
		if n.FromValue != "" || n.ToValue != "" {
			line += " " + n.FromValue + ">" + n.ToValue
		}
		if n.Reason != "" {
			line += " (" + n.Reason + ")"
		}
		if n.Actor != nil {
			line += " by " + strings.Split(n.Actor.Email, "@")[0]
		}
		lines = append(lines, line)
	}
	return h, lines
}

func (e *env) mut(tok, op string, vars map[string]any) {
	e.t.Helper()
	e.ok(tok, op, vars, nil)
}

const (
	opForward     = `mutation($id:ID!){forwardTicket(ticketID:$id){ticket{level}}}`
	opTransition  = `mutation($in: TransitionTicketInput!){ transitionTicket(input:$in){ ticket{ status } } }`
	opComment     = `mutation($in: AddCommentInput!){ addComment(input:$in){ comment{ id } } }`
	opEscalate    = `mutation($in: EscalateTicketInput!){ escalateTicket(input:$in){ ticket{ level } } }`
	opHandover    = `mutation($in: DocumentHandoverInput!){ documentHandover(input:$in){ ticket{ reproducible } } }`
	opCreateTask  = `mutation($in: TaskInput!){ createTask(input:$in){ task{ id title findings recommendations stage tickets{ number } watchers{ email } } } }`
	opAdvanceTask = `mutation($id:ID!,$s:TaskStage!,$v:String){ advanceTask(taskID:$id, stage:$s, fixVersion:$v){ task{ stage fixVersion } } }`
)

// TestIncidentScenario walks one incident from an end user through key-user triage, L1, L2
// (duplicate search, task creation), L3, release and notification.
func TestIncidentScenario(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	endUser, key, agent, sdm := e.token(w, "C1.END_USER"), e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "P1.SERVICE_DELIVERY_MANAGER")
	// An earlier, similar ticket of another customer and an unrelated one.
	old := incidentInput()
	old["title"], old["description"] = "Invoice posting fails with FI-204", "Posting of outgoing invoices stops with FI-204"
	earlier := e.create(e.token(w, "C2.KEY_USER"), old)
	other := incidentInput()
	other["title"], other["description"] = "Warehouse scanner blank", "Scanner shows a blank screen"
	e.create(e.token(w, "C2.KEY_USER"), other)

	in := incidentInput()
	in["title"], in["description"] = "Posting of invoices fails", "FI-204 when posting outgoing invoices in batch 11"
	tk := e.create(endUser, in)
	if tk.Level != "CUSTOMER" {
		t.Fatalf("end user's ticket starts at %s", tk.Level)
	}
	e.fails(agent, `query($id:ID!){node(id:$id){id}}`, map[string]any{"id": tk.ID}, "NOT_FOUND")
	e.fails(endUser, opForward, map[string]any{"id": tk.ID}, "FORBIDDEN")
	e.mut(key, opForward, map[string]any{"id": tk.ID})
	e.fails(key, opForward, map[string]any{"id": tk.ID}, "ILLEGAL_TRANSITION")

	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "IN_PROGRESS"}})
	e.mut(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "Received; we are analysing the posting rule."}})
	e.fails(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L3", "reason": "skip"}}, "ILLEGAL_TRANSITION")
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L2", "reason": "needs customizing analysis"}})

	// Duplicate search at L2: the similar ticket of C2 ranks first for staff ...
	var sim struct {
		SimilarItems []struct {
			Kind, Title string
			Score       float64
		}
	}
	simQuery := `query($t:String!,$x:ID){ similarItems(text:$t, excludeTicketID:$x){ kind title score } }`
	e.ok(agent, simQuery, map[string]any{"t": "Posting of invoices fails FI-204", "x": tk.ID}, &sim)
	if len(sim.SimilarItems) == 0 || sim.SimilarItems[0].Title != "Invoice posting fails with FI-204" || sim.SimilarItems[0].Kind != "TICKET" {
		t.Fatalf("similar items %+v", sim.SimilarItems)
	}
	for _, it := range sim.SimilarItems {
		if it.Title == "Warehouse scanner blank" {
			t.Fatalf("unrelated ticket matched: %+v", sim.SimilarItems)
		}
	}
	// ... and never reaches a customer who may not see it.
	e.ok(key, simQuery, map[string]any{"t": "Posting of invoices fails FI-204", "x": tk.ID}, &sim)
	for _, it := range sim.SimilarItems {
		if it.Title == "Invoice posting fails with FI-204" {
			t.Fatal("customer C1 sees C2's ticket in the similarity search")
		}
	}

	r := e.fails(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L3", "reason": "code fix"}}, "VALIDATION")
	if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, []any{"reproducible", "findings"}) {
		t.Fatalf("handover gate fields %v", f)
	}
	e.mut(agent, opHandover, map[string]any{"in": map[string]any{"ticketID": tk.ID, "reproducible": true, "environment": "QA",
		"findings": "Posting rule 4711 divides by a zero tax rate."}})
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L3", "reason": "code fix needed"}})

	var task struct {
		CreateTask struct {
			Task struct {
				ID                        string
				Title, Stage              string
				Findings, Recommendations []string
				Tickets                   []struct{ Number string }
				Watchers                  []struct{ Email string }
			}
		}
	}
	e.ok(agent, opCreateTask, map[string]any{"in": map[string]any{"title": "FI-204 on zero tax rate",
		"findings":        []string{"Posting rule 4711 divides by tax rate", " ", "Zero rate exists since 7.2"},
		"recommendations": []string{"Guard the division"}, "testResult": "FAILED", "reproducedIn": []string{"QA"},
		"ticketIDs": []string{tk.ID, earlier.ID}, "watcherIDs": []string{gidOf(w.users["P1.SERVICE_DELIVERY_MANAGER"].ID)}}}, &task)
	ct := task.CreateTask.Task
	if ct.Stage != "DEV" || !reflect.DeepEqual(ct.Findings, []string{"Posting rule 4711 divides by tax rate", "Zero rate exists since 7.2"}) ||
		len(ct.Tickets) != 2 || len(ct.Watchers) != 1 {
		t.Fatalf("task %+v", ct)
	}
	e.mut(agent, `mutation($id:ID!){addTaskNote(taskID:$id, body:"Fix in review"){note{body}}}`, map[string]any{"id": ct.ID})
	e.fails(agent, opAdvanceTask, map[string]any{"id": ct.ID, "s": "RELEASE", "v": "7.2.2"}, "ILLEGAL_TRANSITION")
	e.mut(agent, opAdvanceTask, map[string]any{"id": ct.ID, "s": "QA"})
	e.mut(agent, opAdvanceTask, map[string]any{"id": ct.ID, "s": "BETA"})
	e.fails(agent, opAdvanceTask, map[string]any{"id": ct.ID, "s": "RELEASE"}, "VALIDATION")
	e.mut(agent, opAdvanceTask, map[string]any{"id": ct.ID, "s": "RELEASE", "v": "7.2.2"})
	var tasks struct{ Tasks struct{ TotalCount int } }
	e.ok(key, `{ tasks { totalCount } }`, nil, &tasks)
	if tasks.Tasks.TotalCount != 0 {
		t.Fatalf("customer sees %d tasks", tasks.Tasks.TotalCount)
	}
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "RESOLVED", "resolution": "Fixed in 7.2.2"}})

	// The release posted a public note the customer sees, and notified reporters and watchers.
	var cust detailOut
	e.ok(key, ticketDetail, map[string]any{"id": tk.ID}, &cust)
	last := cust.Node.Comments.Edges[len(cust.Node.Comments.Edges)-1].Node
	if last.Body != "Fixed in version 7.2.2." || last.Internal {
		t.Fatalf("release note %+v", last)
	}
	notes := func(tok string) []string {
		var n struct {
			MyNotifications struct {
				Edges []struct{ Node struct{ Kind, Title string } }
			}
		}
		e.ok(tok, `{ myNotifications(first: 20){ edges{ node{ kind title } } } }`, nil, &n)
		var out []string
		for _, ed := range n.MyNotifications.Edges {
			out = append(out, ed.Node.Kind+" "+ed.Node.Title)
		}
		return out
	}
	// Newest first: the resolution (issue 13: the reporter hears that their ticket is resolved),
	// then the release.
	if got := notes(endUser); !reflect.DeepEqual(got, []string{"TICKET_RESOLVED " + tk.Number + ": resolved", "FIX_RELEASED " + tk.Number + ": fixed in version 7.2.2"}) {
		t.Fatalf("end user notifications %v", got)
	}
	if got := notes(sdm); len(got) != 2 {
		t.Fatalf("watcher notifications %v", got)
	}
	if got := notes(key); len(got) != 0 {
		t.Fatalf("key user (not reporter, not watcher) notifications %v", got)
	}

	h, lines := e.history(agent, tk.ID)
	want := []string{
		"CREATED >CUSTOMER by C1.END_USER",
		"LEVEL_CHANGED CUSTOMER>L1 (forwarded by key user) by C1.KEY_USER",
		"STATUS_CHANGED NEW>IN_PROGRESS by P1.AGENT",
		"COMMENTED by P1.AGENT",
		"LEVEL_CHANGED L1>L2 (needs customizing analysis) by P1.AGENT",
		"UPDATED (reproduced in QA) by P1.AGENT",
		"LEVEL_CHANGED L2>L3 (code fix needed) by P1.AGENT",
		"RELEASED >7.2.2 (FI-204 on zero tax rate) by P1.AGENT",
		"STATUS_CHANGED IN_PROGRESS>RESOLVED by P1.AGENT",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("history\n got %q\nwant %q", lines, want)
	}
	if h.Node.Status != "RESOLVED" || h.Node.Level != "L3" || !h.Node.Reproducible || h.Node.FixedInVersion != "7.2.2" ||
		h.Node.DeliveryStatus == nil || *h.Node.DeliveryStatus != "AVAILABLE" {
		t.Fatalf("final ticket %+v", h.Node)
	}
}

// TestChangeRequestScenario: estimate by L2, approval by the customer's approver.
func TestChangeRequestScenario(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, approver, agent := e.token(w, "C1.KEY_USER"), e.token(w, "C1.APPROVER"), e.token(w, "P1.AGENT")
	cr := e.create(key, map[string]any{"title": "Customs tariff number on item card", "type": "CHANGE_REQUEST", "priority": "P3", "channel": "PORTAL"})
	est := `mutation($in: EstimateChangeRequestInput!){ estimateChangeRequest(input:$in){ ticket{ status } } }`
	decide := `mutation($in: DecideChangeRequestInput!){ decideChangeRequest(input:$in){ ticket{ status } } }`
	estimate := map[string]any{"ticketID": cr.ID, "minutes": []map[string]any{{"level": "L2", "minutes": 120}, {"level": "L3", "minutes": 240}}, "priceCents": 45600}
	e.fails(key, est, map[string]any{"in": estimate}, "FORBIDDEN")
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": cr.ID, "status": "IN_PROGRESS"}})
	e.fails(approver, decide, map[string]any{"in": map[string]any{"ticketID": cr.ID, "approve": true}}, "ILLEGAL_TRANSITION")
	e.mut(agent, est, map[string]any{"in": estimate})
	e.fails(key, decide, map[string]any{"in": map[string]any{"ticketID": cr.ID, "approve": true}}, "FORBIDDEN")
	e.fails(agent, decide, map[string]any{"in": map[string]any{"ticketID": cr.ID, "approve": true}}, "FORBIDDEN")
	e.mut(approver, decide, map[string]any{"in": map[string]any{"ticketID": cr.ID, "approve": true, "reason": "budget 2026"}})
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": cr.ID, "status": "IN_PROGRESS"}})

	h, lines := e.history(agent, cr.ID)
	want := []string{
		"CREATED >L1 by C1.KEY_USER",
		"STATUS_CHANGED NEW>IN_PROGRESS by P1.AGENT",
		"ESTIMATED >45600 (rough: L2 120 min, L3 240 min) by P1.AGENT",
		"STATUS_CHANGED IN_PROGRESS>AWAITING_APPROVAL by P1.AGENT",
		"APPROVED (budget 2026) by C1.APPROVER",
		"STATUS_CHANGED AWAITING_APPROVAL>APPROVED (budget 2026) by C1.APPROVER",
		"STATUS_CHANGED APPROVED>IN_PROGRESS by P1.AGENT",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("history\n got %q\nwant %q", lines, want)
	}
	if h.Node.ApprovedBy == nil || h.Node.ApprovedBy.Email != w.users["C1.APPROVER"].Email || h.Node.EstimatePriceCents == nil ||
		*h.Node.EstimatePriceCents != 45600 || len(h.Node.Estimate) != 2 || h.Node.Estimate[1].Minutes != 240 {
		t.Fatalf("approved change request %+v", h.Node)
	}
	// An incident caused by the customer's own workflow changes becomes billable work.
	inc := e.create(key, incidentInput())
	ct := `mutation($in: ChangeTicketTypeInput!){ changeTicketType(input:$in){ ticket{ type billableReclassified } } }`
	e.fails(agent, ct, map[string]any{"in": map[string]any{"ticketID": inc.ID, "type": "PRODUCT_IDEA", "reason": "x", "billable": true}}, "VALIDATION")
	e.mut(agent, ct, map[string]any{"in": map[string]any{"ticketID": inc.ID, "type": "SERVICE_REQUEST", "reason": "customer changed workflow", "billable": true}})
	_, lines = e.history(agent, inc.ID)
	if lines[len(lines)-1] != "TYPE_CHANGED INCIDENT>SERVICE_REQUEST (customer changed workflow (billable)) by P1.AGENT" {
		t.Fatalf("type change history %q", lines)
	}
}
