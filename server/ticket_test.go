package main

import (
	"reflect"
	"testing"
)

const createTicket = `mutation($in: CreateTicketInput!){ createTicket(input:$in){ ticket{ id number level status type priority channel customer{name} reporter{email} contract{name} } } }`

type ticketOut struct {
	ID, Number, Level, Status, Type, Priority, Channel string
	Customer                                           struct{ Name string }
	Reporter                                           struct{ Email string }
	Contract                                           *struct{ Name string }
}

func incidentInput() map[string]any {
	return map[string]any{
		"title": "Posting fails", "type": "INCIDENT", "priority": "P2", "channel": "PORTAL",
		"module": "Finance", "impact": "Month-end blocked", "steps": "Post batch", "firstOccurredAt": "2026-11-20T09:00:00Z",
		"reproduction": "Test system batch T-1",
	}
}

func (e *env) create(token string, in map[string]any) ticketOut {
	e.t.Helper()
	var out struct{ CreateTicket struct{ Ticket ticketOut } }
	e.ok(token, createTicket, map[string]any{"in": in}, &out)
	return out.CreateTicket.Ticket
}

func TestCreateTicketValidation(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key := e.token(w, "C1.KEY_USER")

	r := e.fails(key, createTicket, map[string]any{"in": map[string]any{
		"title": "Broken", "type": "INCIDENT", "priority": "P2", "channel": "PORTAL"}}, "VALIDATION")
	fields, _ := r.Errors[0].Extensions["fields"].([]any)
	want := []any{"module", "impact", "steps", "firstOccurredAt", "reproduction"}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("missing fields = %v, want %v", fields, want)
	}
	e.fails(key, createTicket, map[string]any{"in": map[string]any{
		"title": "  ", "type": "QUESTION", "priority": "P2", "channel": "PORTAL"}}, "VALIDATION")

	tk := e.create(key, incidentInput())
	if tk.Number != "SD-000001" || tk.Level != "L1" || tk.Status != "NEW" || tk.Customer.Name != "C1" ||
		tk.Reporter.Email != w.users["C1.KEY_USER"].Email || tk.Contract == nil || tk.Contract.Name != "kC1" {
		t.Fatalf("created %+v", tk)
	}
	// A BASIC contract does not cover PHONE: a question is still registered (billed as
	// uncovered work), never refused, unless the contract says so.
	q := e.create(key, map[string]any{"title": "How to?", "type": "QUESTION", "priority": "P4", "channel": "PHONE"})
	if q.Number != "SD-000002" || q.Channel != "PHONE" {
		t.Fatalf("phone question %+v", q)
	}
	e.app.DB.Client.Contract.UpdateOne(w.contracts["C2"]).SetRefuseUncovered(true).ExecX(trusted())
	key2 := e.token(w, "C2.KEY_USER")
	r = e.fails(key2, createTicket, map[string]any{"in": map[string]any{
		"title": "How to?", "type": "QUESTION", "priority": "P4", "channel": "PHONE"}}, "VALIDATION")
	if r.Errors[0].Extensions["field"] != "channel" {
		t.Fatalf("field = %v", r.Errors[0].Extensions["field"])
	}
	// Error reports are never refused (SPEC 12.1).
	in := incidentInput()
	in["channel"] = "PHONE"
	if inc := e.create(key2, in); inc.Number != "SD-000003" {
		t.Fatalf("incident on phone %+v", inc)
	}
	// End users under a key-user-gated contract start in the customer's own triage.
	eu := e.create(e.token(w, "C1.END_USER"), map[string]any{"title": "Report", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	if eu.Level != "CUSTOMER" {
		t.Fatalf("end user ticket level %s", eu.Level)
	}
	// Staff register a phone call for a customer they serve, and only for those.
	desk := e.token(w, "P1.SERVICE_DESK")
	ph := incidentInput()
	ph["channel"], ph["customerID"], ph["reporterID"] = "PHONE", gidOf(w.orgs["C2"].ID), gidOf(w.users["C2.KEY_USER"].ID)
	call := e.create(desk, ph)
	if call.Customer.Name != "C2" || call.Reporter.Email != w.users["C2.KEY_USER"].Email || call.Level != "L1" {
		t.Fatalf("phone registration %+v", call)
	}
	ph["customerID"] = gidOf(w.orgs["C3"].ID)
	e.fails(desk, createTicket, map[string]any{"in": ph}, "NOT_FOUND")
	// Nothing half-written: the failed attempts left no tickets behind.
	if n := e.app.DB.Client.Ticket.Query().CountX(trusted()); n != 5 {
		t.Fatalf("tickets in database = %d, want 5", n)
	}
}

const ticketDetail = `query($id: ID!){ node(id:$id){ ... on Ticket { status priority assignee{email} resolution
  comments{ totalCount edges{ node{ body internal } } }
  events{ totalCount edges{ node{ kind fromValue toValue reason actor{email} } } } } } }`

type eventOut struct {
	Kind, FromValue, ToValue, Reason string
	Actor                            *struct{ Email string }
}

type detailOut struct {
	Node struct {
		Status, Priority string
		Resolution       string
		Assignee         *struct{ Email string }
		Comments         struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Body     string
					Internal bool
				}
			}
		}
		Events struct {
			TotalCount int
			Edges      []struct{ Node eventOut }
		}
	}
}

func TestTicketLifecycleAndHistory(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(key, incidentInput())
	vars := func(extra map[string]any) map[string]any {
		in := map[string]any{"ticketID": tk.ID}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	transition := `mutation($in: TransitionTicketInput!){ transitionTicket(input:$in){ ticket{ status } } }`
	prio := `mutation($in: ChangePriorityInput!){ changePriority(input:$in){ ticket{ priority } } }`
	assign := `mutation($in: AssignTicketInput!){ assignTicket(input:$in){ ticket{ assignee{ email } } } }`
	comment := `mutation($in: AddCommentInput!){ addComment(input:$in){ comment{ body internal } } }`

	e.fails(key, transition, vars(map[string]any{"status": "IN_PROGRESS"}), "FORBIDDEN")
	e.ok(agent, transition, vars(map[string]any{"status": "IN_PROGRESS"}), nil)
	e.fails(agent, transition, vars(map[string]any{"status": "IN_PROGRESS"}), "ILLEGAL_TRANSITION")
	e.fails(agent, transition, vars(map[string]any{"status": "ESTIMATED"}), "ILLEGAL_TRANSITION")
	e.fails(agent, transition, vars(map[string]any{"status": "REJECTED"}), "ILLEGAL_TRANSITION")
	e.fails(agent, prio, vars(map[string]any{"priority": "P1", "reason": " "}), "VALIDATION")
	e.fails(key, prio, vars(map[string]any{"priority": "P1", "reason": "urgent"}), "FORBIDDEN")
	e.ok(agent, prio, vars(map[string]any{"priority": "P1", "reason": "production stopped"}), nil)
	e.fails(key, comment, vars(map[string]any{"body": "secret", "internal": true}), "FORBIDDEN")
	e.ok(agent, comment, vars(map[string]any{"body": "We are on it.", "internal": false}), nil)
	e.ok(agent, comment, vars(map[string]any{"body": "Suspect FI-204 posting rule.", "internal": true}), nil)
	e.fails(agent, assign, vars(map[string]any{"assigneeID": gidOf(w.users["C1.KEY_USER"].ID)}), "VALIDATION")
	e.ok(agent, assign, vars(map[string]any{"assigneeID": gidOf(w.users["P1.AGENT"].ID)}), nil)
	e.fails(agent, transition, vars(map[string]any{"status": "RESOLVED"}), "VALIDATION")
	e.ok(agent, transition, vars(map[string]any{"status": "RESOLVED", "resolution": "Posting rule corrected."}), nil)
	e.fails(agent, `mutation($id:ID!){updateTicket(id:$id,input:{title:"x"}){ticket{id}}}`, map[string]any{"id": tk.ID}, "CONFLICT")

	var staffView, customerView detailOut
	e.ok(agent, ticketDetail, map[string]any{"id": tk.ID}, &staffView)
	e.ok(key, ticketDetail, map[string]any{"id": tk.ID}, &customerView)
	n := staffView.Node
	if n.Status != "RESOLVED" || n.Priority != "P1" || n.Assignee == nil || n.Assignee.Email != w.users["P1.AGENT"].Email ||
		n.Resolution != "Posting rule corrected." || n.Comments.TotalCount != 2 {
		t.Fatalf("staff view %+v", n)
	}
	if c := customerView.Node.Comments; c.TotalCount != 1 || c.Edges[0].Node.Body != "We are on it." || c.Edges[0].Node.Internal {
		t.Fatalf("customer sees comments %+v", c)
	}
	keyEmail, agentEmail := w.users["C1.KEY_USER"].Email, w.users["P1.AGENT"].Email
	want := []eventOut{
		{Kind: "CREATED", ToValue: "L1", Actor: &struct{ Email string }{keyEmail}},
		{Kind: "STATUS_CHANGED", FromValue: "NEW", ToValue: "IN_PROGRESS", Actor: &struct{ Email string }{agentEmail}},
		{Kind: "PRIORITY_CHANGED", FromValue: "P2", ToValue: "P1", Reason: "production stopped", Actor: &struct{ Email string }{agentEmail}},
		{Kind: "COMMENTED", Actor: &struct{ Email string }{agentEmail}},
		{Kind: "COMMENTED", Actor: &struct{ Email string }{agentEmail}},
		{Kind: "ASSIGNEE_CHANGED", FromValue: "", ToValue: itoa(w.users["P1.AGENT"].ID), Actor: &struct{ Email string }{agentEmail}},
		{Kind: "STATUS_CHANGED", FromValue: "IN_PROGRESS", ToValue: "RESOLVED", Actor: &struct{ Email string }{agentEmail}},
	}
	var got []eventOut
	for _, ed := range staffView.Node.Events.Edges {
		got = append(got, ed.Node)
	}
	if !reflect.DeepEqual(got, want) || staffView.Node.Events.TotalCount != len(want) {
		t.Fatalf("history\n got %+v\nwant %+v", got, want)
	}
	// The customer reopens, a waiting ticket reopens on the customer's answer.
	e.ok(key, transition, vars(map[string]any{"status": "OPEN", "reason": "still failing"}), nil)
	e.ok(agent, transition, vars(map[string]any{"status": "WAITING_FOR_CUSTOMER"}), nil)
	e.ok(key, comment, vars(map[string]any{"body": "Here is the log."}), nil)
	var st struct{ Node struct{ Status string } }
	e.ok(key, `query($id:ID!){node(id:$id){... on Ticket{status}}}`, map[string]any{"id": tk.ID}, &st)
	if st.Node.Status != "OPEN" {
		t.Fatalf("status after customer answer = %s", st.Node.Status)
	}
	// An incident keeps its mandatory fields on update.
	r := e.fails(key, `mutation($id:ID!){updateTicket(id:$id,input:{impact:""}){ticket{id}}}`, map[string]any{"id": tk.ID}, "VALIDATION")
	if r.Errors[0].Extensions["field"] != "impact" {
		t.Fatalf("update error %+v", r.Errors)
	}
}
