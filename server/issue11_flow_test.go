package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"supportdesk/ent/user"
)

// Issue 11, items 9–11: fix delivery, escalation by the provider's rules, small flow defects.

const (
	opDeliver = `mutation($in: DeliverFixInput!){ deliverFix(input:$in){
  ticket{ deliveryStatus deliveredVersion deliveryNotes deliveredAt }
  timeEntry{ level minutes rawMinutes billableMinutes billable } } }`
	opHandBack  = `mutation($in: HandBackTicketInput!){ handBackTicket(input:$in){ ticket{ level } } }`
	opSetRules  = `mutation($in: SetEscalationRulesInput!){ setEscalationRules(input:$in){ organization{ name } rules{ escalations{ from to } handBacks{ from to } } } }`
	opReadRules = `query($id:ID!){ node(id:$id){ ... on Organization { name escalationRules{ escalations{ from to } handBacks{ from to } } } } }`
	opUpdate    = `mutation($id:ID!,$in: UpdateTicketInput!){ updateTicket(id:$id, input:$in){ ticket{ title } } }`
)

type route struct {
	From string
	To   []string
}

type rulesOut struct {
	Escalations, HandBacks []route
}

// notifications returns "KIND title" of the viewer's notifications, newest first.
func (e *env) notifications(tok string) []string {
	e.t.Helper()
	var n struct {
		MyNotifications struct {
			Edges []struct{ Node struct{ Kind, Title string } }
		}
	}
	e.ok(tok, `{ myNotifications(first: 50){ edges{ node{ kind title } } } }`, nil, &n)
	var out []string
	for _, ed := range n.MyNotifications.Edges {
		out = append(out, ed.Node.Kind+" "+ed.Node.Title)
	}
	return out
}

// staffUser adds a staff user with the given role and levels to an organisation of the world
// and returns its token.
func (e *env) staffUser(w *world, org, name string, role user.Role, levels []string) string {
	e.t.Helper()
	hashed := e.app.DB.Client.User.Query().Where(user.ID(w.users[org+".AGENT"].ID)).OnlyX(trusted()).PasswordHash
	email := name + "@test.example"
	e.app.DB.Client.User.Create().SetEmail(email).SetName(name).SetRole(role).SetLevels(levels).
		SetPasswordHash(hashed).SetOrganizationID(w.orgs[org].ID).ExecX(trusted())
	return e.login(email)
}

// TestIssue11FixDelivery: a vendor releases a fix for a partner's escalated incident; the
// serving partner delivers it (AVAILABLE → DELIVERED) with version and installation notes,
// books its time unbilled, and the customer is notified (SPEC 12.11, seed 002).
func TestIssue11FixDelivery(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.clock.Set(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	e.contingentContract(w) // incidents are billable contingent work here; delivery still is not
	endUser, key, agent := e.token(w, "C1.END_USER"), e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	vendor, otherPartner := e.token(w, "V.AGENT"), e.token(w, "P2.AGENT")

	in := incidentInput()
	in["environment"] = "LIVE"
	tk := e.create(endUser, in)
	e.mut(key, opForward, map[string]any{"id": tk.ID})
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L2", "reason": "analysis"}})
	e.mut(agent, opHandover, map[string]any{"in": map[string]any{"ticketID": tk.ID, "reproducible": true, "environment": "STANDARD_DEMO",
		"findings": "Reproduced in demo 7.2.1", "situation": "Month-end", "context": "Invoice journal", "actionsTaken": "Re-posted"}})
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "VENDOR", "reason": "product bug", "vendorCaseRef": "ERP-9"}})

	deliver := func(extra map[string]any) map[string]any {
		v := map[string]any{"ticketID": tk.ID, "version": "7.2.3", "installationNotes": "Installed hotfix 7.2.3 on LIVE after backup."}
		for k, x := range extra {
			v[k] = x
		}
		return map[string]any{"in": v}
	}
	// Nothing released yet: there is no fix to deliver.
	r := e.fails(agent, opDeliver, deliver(nil), "ILLEGAL_TRANSITION")
	if msg := r.Errors[0].Message; msg != "no released fix is available for delivery on this ticket" {
		t.Fatalf("message %q", msg)
	}

	var task struct {
		CreateTask struct{ Task struct{ ID string } }
	}
	e.ok(vendor, opCreateTask, map[string]any{"in": map[string]any{"title": "FI-204 fix", "ticketIDs": []string{tk.ID}}}, &task)
	for _, st := range []string{"QA", "BETA", "RELEASE"} {
		e.mut(vendor, opAdvanceTask, map[string]any{"id": task.CreateTask.Task.ID, "s": st, "v": "7.2.3"})
	}
	if h, _ := e.history(agent, tk.ID); h.Node.DeliveryStatus == nil || *h.Node.DeliveryStatus != "AVAILABLE" {
		t.Fatalf("after release: %+v", h.Node.DeliveryStatus)
	}
	// The vendor hands the ticket back to the partner for delivery.
	e.mut(vendor, opHandBack, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L2", "reason": "fix released, partner delivers"}})

	// Refusals: the vendor and the customer do not deliver, another partner cannot see the
	// ticket, version and notes are required.
	r = e.fails(vendor, opDeliver, deliver(nil), "FORBIDDEN")
	if msg := r.Errors[0].Message; msg != "only the partner serving this customer delivers the fix" {
		t.Fatalf("message %q", msg)
	}
	e.fails(key, opDeliver, deliver(nil), "FORBIDDEN")
	e.fails(otherPartner, opDeliver, deliver(nil), "NOT_FOUND")
	r = e.fails(agent, opDeliver, deliver(map[string]any{"version": " ", "installationNotes": ""}), "VALIDATION")
	if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, []any{"version", "installationNotes"}) {
		t.Fatalf("fields %v", f)
	}
	if got := e.notifications(key); len(got) != 0 {
		t.Fatalf("refused deliveries notified %v", got)
	}

	var out struct {
		DeliverFix struct {
			Ticket struct {
				DeliveryStatus, DeliveredVersion, DeliveryNotes, DeliveredAt string
			}
			TimeEntry *entryOut
		}
	}
	e.ok(agent, opDeliver, deliver(map[string]any{"minutes": 25}), &out)
	d := out.DeliverFix
	if d.Ticket.DeliveryStatus != "DELIVERED" || d.Ticket.DeliveredVersion != "7.2.3" ||
		d.Ticket.DeliveryNotes != "Installed hotfix 7.2.3 on LIVE after backup." || d.Ticket.DeliveredAt != "2026-11-24T10:00:00Z" {
		t.Fatalf("delivered ticket %+v", d.Ticket)
	}
	if d.TimeEntry == nil || d.TimeEntry.Level != "L2" || d.TimeEntry.RawMinutes != 25 || d.TimeEntry.Minutes != 25 ||
		d.TimeEntry.BillableMinutes != 0 || d.TimeEntry.Billable {
		t.Fatalf("delivery time entry %+v", d.TimeEntry)
	}
	// Unbilled time never touches the contingent.
	if n := e.app.DB.Client.Contingent.Query().CountX(trusted()); n != 0 {
		t.Fatalf("%d contingent rows after an unbilled delivery", n)
	}

	// The customer sees it: version, notes, history row, notifications to reporter and key users.
	var seen struct {
		Node struct{ DeliveryStatus, DeliveredVersion, DeliveryNotes string }
	}
	e.ok(endUser, `query($id:ID!){ node(id:$id){ ... on Ticket { deliveryStatus deliveredVersion deliveryNotes } } }`, map[string]any{"id": tk.ID}, &seen)
	if seen.Node.DeliveryStatus != "DELIVERED" || seen.Node.DeliveredVersion != "7.2.3" || seen.Node.DeliveryNotes == "" {
		t.Fatalf("customer view %+v", seen.Node)
	}
	_, lines := e.history(key, tk.ID)
	want := "DELIVERED AVAILABLE>DELIVERED (version 7.2.3 delivered: Installed hotfix 7.2.3 on LIVE after backup.) by P1.AGENT"
	if lines[len(lines)-1] != want {
		t.Fatalf("last history line %q", lines[len(lines)-1])
	}
	delivered := "FIX_DELIVERED " + tk.Number + ": fix version 7.2.3 delivered"
	if got := e.notifications(key); !reflect.DeepEqual(got, []string{delivered}) {
		t.Fatalf("key user notifications %v", got)
	}
	if got := e.notifications(endUser); len(got) != 2 || got[0] != delivered || !strings.HasPrefix(got[1], "FIX_RELEASED ") {
		t.Fatalf("reporter notifications %v", got)
	}
	if got := e.notifications(e.token(w, "C1.APPROVER")); len(got) != 0 {
		t.Fatalf("approver notifications %v", got)
	}

	// A second delivery is refused and changes nothing.
	r = e.fails(agent, opDeliver, deliver(map[string]any{"version": "7.2.4", "minutes": 5}), "CONFLICT")
	if msg := r.Errors[0].Message; msg != "the fix was already delivered on this ticket (version 7.2.3)" {
		t.Fatalf("message %q", msg)
	}
	if n := e.app.DB.Client.TimeEntry.Query().CountX(trusted()); n != 1 {
		t.Fatalf("%d time entries after the refused second delivery", n)
	}
}

// TestIssue11EscalationRules: each provider's own table decides escalation targets and
// hand-back paths; only its ADMIN sets it, validated field by field; only its staff read it.
func TestIssue11EscalationRules(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	admin, agent := e.token(w, "P1.ADMIN"), e.token(w, "P1.AGENT")
	table := map[string]any{
		"escalations": []any{
			map[string]any{"from": "L1", "to": []string{"L2", "L3"}},
			map[string]any{"from": "L2", "to": []string{"L3", "VENDOR"}},
			map[string]any{"from": "L3", "to": []string{"VENDOR"}},
		},
		"handBacks": []any{
			map[string]any{"from": "L3", "to": []string{"L2", "L1"}},
			map[string]any{"from": "VENDOR", "to": []string{"L2"}},
		},
	}
	e.fails(agent, opSetRules, map[string]any{"in": table}, "FORBIDDEN")
	e.fails(e.token(w, "C1.KEY_USER"), opSetRules, map[string]any{"in": table}, "FORBIDDEN")
	bad := map[string]any{
		"escalations": []any{
			map[string]any{"from": "L2", "to": []string{"L2"}},       // self-loop
			map[string]any{"from": "L3", "to": []string{"L1"}},       // escalation going down
			map[string]any{"from": "L2", "to": []string{"L4"}},       // L2 twice
			map[string]any{"from": "L1", "to": []string{"L2", "L2"}}, // target twice
		},
		"handBacks": []any{map[string]any{"from": "L2", "to": []string{"L3"}}}, // hand-back going up
	}
	r := e.fails(admin, opSetRules, map[string]any{"in": bad}, "VALIDATION")
	wantFields := []any{"escalations[0].to", "escalations[1].to", "escalations[2].from", "escalations[3].to", "handBacks[0].to"}
	if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, wantFields) {
		t.Fatalf("fields %v", f)
	}
	e.fails(admin, opSetRules, map[string]any{"in": map[string]any{"escalations": []any{map[string]any{"from": "CUSTOMER", "to": []string{"L1"}}}, "handBacks": []any{}}}, "VALIDATION")

	var set struct {
		SetEscalationRules struct {
			Organization struct{ Name string }
			Rules        rulesOut
		}
	}
	e.ok(admin, opSetRules, map[string]any{"in": table}, &set)
	want := rulesOut{
		Escalations: []route{{"L1", []string{"L2", "L3"}}, {"L2", []string{"L3", "VENDOR"}}, {"L3", []string{"VENDOR"}}},
		HandBacks:   []route{{"L3", []string{"L2", "L1"}}, {"VENDOR", []string{"L2"}}},
	}
	if set.SetEscalationRules.Organization.Name != "P1" || !reflect.DeepEqual(set.SetEscalationRules.Rules, want) {
		t.Fatalf("set %+v", set.SetEscalationRules)
	}
	read := func(tok, org string) *rulesOut {
		var out struct {
			Node struct{ EscalationRules *rulesOut }
		}
		e.ok(tok, opReadRules, map[string]any{"id": gidOf(w.orgs[org].ID)}, &out)
		return out.Node.EscalationRules
	}
	if got := read(agent, "P1"); got == nil || !reflect.DeepEqual(*got, want) {
		t.Fatalf("P1 staff read %+v", got)
	}
	if got := read(e.token(w, "C1.KEY_USER"), "P1"); got != nil {
		t.Fatalf("customer reads the provider's rules: %+v", got)
	}
	defaults := rulesOut{
		Escalations: []route{{"L1", []string{"L2"}}, {"L2", []string{"L3", "L4", "VENDOR"}}, {"L3", []string{"L4", "VENDOR"}}, {"L4", []string{"VENDOR"}}},
		HandBacks:   []route{{"L2", []string{"L1"}}, {"L3", []string{"L2"}}, {"L4", []string{"L2", "L3"}}, {"VENDOR", []string{"L2", "L3"}}},
	}
	if got := read(e.token(w, "P2.AGENT"), "P2"); got == nil || !reflect.DeepEqual(*got, defaults) {
		t.Fatalf("P2 default rules %+v", got)
	}

	// L1 → L3 is allowed for P1's customer, refused for P2's (default table).
	question := map[string]any{"title": "How to post?", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}
	q1 := e.create(e.token(w, "C1.KEY_USER"), question)
	q3 := e.create(e.token(w, "C3.KEY_USER"), question)
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": q1.ID, "level": "L3", "reason": "needs a developer"}})
	e.fails(e.token(w, "P2.AGENT"), opEscalate, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L3", "reason": "needs a developer"}}, "ILLEGAL_TRANSITION")
	// P1's hand-back path L3 → L1 exists; P2's default has none from L2 to L3.
	e.mut(agent, opHandBack, map[string]any{"in": map[string]any{"ticketID": q1.ID, "level": "L1", "reason": "answered from the manual"}})
	e.mut(e.token(w, "P2.AGENT"), opEscalate, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L2", "reason": "analysis"}})
	// An agent who does not work L2 neither escalates nor hands back an L2 ticket; the service
	// desk forwards from L1 only; service delivery managers and admins always may.
	l1Agent := e.staffUser(w, "P2", "P2.L1AGENT", user.RoleAGENT, []string{"L1"})
	desk := e.staffUser(w, "P2", "P2.DESK0", user.RoleSERVICE_DESK, nil)
	sdm := e.staffUser(w, "P2", "P2.SDM0", user.RoleSERVICE_DELIVERY_MANAGER, nil)
	r = e.fails(l1Agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L3", "reason": "x"}}, "FORBIDDEN")
	if msg := r.Errors[0].Message; msg != "you do not work level L2, so you cannot move a ticket away from it" {
		t.Fatalf("message %q", msg)
	}
	e.fails(l1Agent, opHandBack, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L1", "reason": "x"}}, "FORBIDDEN")
	e.fails(desk, opHandBack, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L1", "reason": "x"}}, "FORBIDDEN")
	e.mut(sdm, opHandBack, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L1", "reason": "first-level answer"}})
	e.mut(desk, opEscalate, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L2", "reason": "qualified for L2"}})
	e.fails(l1Agent, opHandBack, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L1", "reason": "x"}}, "FORBIDDEN")
	e.mut(e.token(w, "P2.ADMIN"), opHandBack, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L1", "reason": "back"}})
	e.mut(l1Agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": q3.ID, "level": "L2", "reason": "needs L2"}})
}

// TestIssue11HandoverKeepsEnvironment: documentHandover records where the error was
// reproduced without overwriting the customer's ERP environment; the vendor gate reads the
// reproduction, not the customer's environment.
func TestIssue11HandoverKeepsEnvironment(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	in := incidentInput()
	in["environment"] = "STANDARD_DEMO" // the customer runs a demo system; nobody reproduced anything yet
	tk := e.create(key, in)
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L2", "reason": "analysis"}})
	facts := map[string]any{"ticketID": tk.ID, "reproducible": true, "findings": "Division by zero",
		"situation": "Month-end", "context": "Journal", "actionsTaken": "Re-posted"}
	r := e.fails(agent, opHandover, map[string]any{"in": facts}, "VALIDATION")
	if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, []any{"environment"}) {
		t.Fatalf("handover without environment %v", f)
	}
	facts["environment"] = "QA"
	e.mut(agent, opHandover, map[string]any{"in": facts})
	env := func() (string, string) {
		var out struct {
			Node struct{ Environment, ReproducedInEnvironment string }
		}
		e.ok(agent, `query($id:ID!){ node(id:$id){ ... on Ticket { environment reproducedInEnvironment } } }`, map[string]any{"id": tk.ID}, &out)
		return out.Node.Environment, out.Node.ReproducedInEnvironment
	}
	if own, repro := env(); own != "STANDARD_DEMO" || repro != "QA" {
		t.Fatalf("environment %s, reproduced in %s", own, repro)
	}
	// Reproduced in QA only: the vendor gate asks for a standard demo reproduction, whatever
	// the customer's own environment says.
	r = e.fails(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "VENDOR", "reason": "bug", "vendorCaseRef": "ERP-1"}}, "VALIDATION")
	if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, []any{"environment"}) {
		t.Fatalf("vendor gate %v", f)
	}
	// A later handover without environment keeps the recorded one.
	delete(facts, "environment")
	facts["findings"] = "Division by zero in rule 4711"
	e.mut(agent, opHandover, map[string]any{"in": facts})
	facts["environment"] = "STANDARD_DEMO"
	e.mut(agent, opHandover, map[string]any{"in": facts})
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "VENDOR", "reason": "bug", "vendorCaseRef": "ERP-1"}})
	if own, repro := env(); own != "STANDARD_DEMO" || repro != "STANDARD_DEMO" {
		t.Fatalf("environment %s, reproduced in %s", own, repro)
	}
	_, lines := e.history(agent, tk.ID)
	if !reflect.DeepEqual(lines[2:5], []string{"UPDATED (reproduced in QA) by P1.AGENT", "UPDATED (reproduced in QA) by P1.AGENT",
		"UPDATED (reproduced in STANDARD_DEMO) by P1.AGENT"}) {
		t.Fatalf("history %v", lines)
	}

	// A ticket whose customer runs LIVE keeps LIVE after a reproduction in the demo system.
	in["environment"] = "LIVE"
	live := e.create(key, in)
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": live.ID, "level": "L2", "reason": "analysis"}})
	facts["ticketID"] = live.ID
	e.mut(agent, opHandover, map[string]any{"in": facts})
	var out struct {
		Node struct{ Environment, ReproducedInEnvironment string }
	}
	e.ok(key, `query($id:ID!){ node(id:$id){ ... on Ticket { environment reproducedInEnvironment } } }`, map[string]any{"id": live.ID}, &out)
	if out.Node.Environment != "LIVE" || out.Node.ReproducedInEnvironment != "STANDARD_DEMO" {
		t.Fatalf("live ticket %+v", out.Node)
	}
}

// TestIssue11FlowDefects: finished tickets are not edited; staff registering a call name the
// customer contact as reporter; a customer's receivedAt is refused, not dropped.
func TestIssue11FlowDefects(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, agent, desk, endUser := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "P1.SERVICE_DESK"), e.token(w, "C1.END_USER")
	question := func() map[string]any {
		return map[string]any{"title": "How to post?", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}
	}

	// updateTicket on finished tickets: CONFLICT with a message in the user's words, nothing changed.
	closed := e.create(key, question())
	e.mut(key, opTransition, map[string]any{"in": map[string]any{"ticketID": closed.ID, "status": "CLOSED", "resolution": "Solved internally"}})
	rejected := e.create(key, question())
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": rejected.ID, "status": "REJECTED", "reason": "not our product"}})
	original := e.create(key, question())
	dup := e.create(key, question())
	e.mut(agent, `mutation($a:ID!,$b:ID!){ markDuplicate(ticketID:$a, originalID:$b){ ticket{ status } } }`, map[string]any{"a": dup.ID, "b": original.ID})
	resolved := e.create(key, question())
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": resolved.ID, "status": "RESOLVED", "resolution": "See manual 4.2"}})
	for _, c := range []struct {
		id, tok, msg string
	}{
		{closed.ID, key, "this ticket is closed and can no longer be edited; raise a new ticket instead"},
		{closed.ID, agent, "this ticket is closed and can no longer be edited; raise a new ticket instead"},
		{rejected.ID, agent, "this ticket was rejected and can no longer be edited"},
		{dup.ID, key, "this ticket is a duplicate and can no longer be edited; edit the original ticket instead"},
		{resolved.ID, key, "this ticket is resolved; reopen it before editing it"},
	} {
		r := e.fails(c.tok, opUpdate, map[string]any{"id": c.id, "in": map[string]any{"title": "Edited later"}}, "CONFLICT")
		if r.Errors[0].Message != c.msg {
			t.Fatalf("message %q, want %q", r.Errors[0].Message, c.msg)
		}
		var out struct{ Node struct{ Title string } }
		e.ok(agent, `query($id:ID!){ node(id:$id){ ... on Ticket { title } } }`, map[string]any{"id": c.id}, &out)
		if out.Node.Title != "How to post?" {
			t.Fatalf("finished ticket edited: %q", out.Node.Title)
		}
	}
	e.mut(key, opUpdate, map[string]any{"id": original.ID, "in": map[string]any{"title": "How to post a batch?"}})

	// Staff registration of a call: the caller is the reporter, required and a user of the customer.
	phone := question()
	phone["channel"], phone["customerID"] = "EMAIL", gidOf(w.orgs["C1"].ID)
	r := e.fails(desk, createTicket, map[string]any{"in": phone}, "VALIDATION")
	if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, []any{"reporterID"}) {
		t.Fatalf("fields %v", f)
	}
	phone["reporterID"] = gidOf(w.users["C2.END_USER"].ID)
	e.fails(desk, createTicket, map[string]any{"in": phone}, "VALIDATION")
	phone["reporterID"] = gidOf(w.users["P1.SERVICE_DESK"].ID)
	e.fails(desk, createTicket, map[string]any{"in": phone}, "VALIDATION")
	phone["reporterID"] = gidOf(w.users["C1.END_USER"].ID)
	phone["receivedAt"] = "2026-11-20T08:15:00Z"
	e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	reg := e.create(desk, phone)
	if reg.Reporter.Email != w.users["C1.END_USER"].Email || reg.Level != "L1" {
		t.Fatalf("registered %+v", reg)
	}
	// The end user sees the ticket reported in their name and is told about public answers...
	var seen struct {
		Node struct{ Number, ReceivedAt string }
	}
	e.ok(endUser, `query($id:ID!){ node(id:$id){ ... on Ticket { number receivedAt } } }`, map[string]any{"id": reg.ID}, &seen)
	if seen.Node.Number != reg.Number || seen.Node.ReceivedAt != "2026-11-20T08:15:00Z" {
		t.Fatalf("end user view %+v", seen.Node)
	}
	// ... and the history keeps who registered it.
	_, lines := e.history(agent, reg.ID)
	if lines[0] != "CREATED >L1 (registered by provider staff for the customer's reporter) by P1.SERVICE_DESK" {
		t.Fatalf("history %v", lines)
	}

	// A customer-side receivedAt is refused with VALIDATION, not dropped.
	own := question()
	own["receivedAt"] = "2026-11-19T08:00:00Z"
	for _, tok := range []string{key, endUser} {
		r = e.fails(tok, createTicket, map[string]any{"in": own}, "VALIDATION")
		if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, []any{"receivedAt"}) {
			t.Fatalf("fields %v", f)
		}
	}
}
