package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"supportdesk/ent"
	"supportdesk/ent/notification"
	"supportdesk/ent/user"
	"supportdesk/internal/auth"
	"supportdesk/internal/notify"
)

func questionInput(title string) map[string]any {
	return map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}
}

// addStaff creates active or inactive users of an organisation with the given role and levels.
func (e *env) addStaff(w *world, key, org string, role user.Role, active bool, levels ...string) *ent.User {
	e.t.Helper()
	hash, err := auth.HashPassword(testPassword, 4)
	if err != nil {
		e.t.Fatal(err)
	}
	u := e.app.DB.Client.User.Create().SetEmail(strings.ToLower(key) + "@test.example").SetName(key).SetRole(role).
		SetLevels(levels).SetPasswordHash(hash).SetActive(active).SetOrganizationID(w.orgs[org].ID).SaveX(trusted())
	w.users[key] = u
	return u
}

// notifiedAbout returns the recipients (names) of the notifications of a kind about a ticket.
func (e *env) notifiedAbout(kind, ticketGID string) []string {
	e.t.Helper()
	ns, err := e.app.DB.Client.Notification.Query().Where(notification.Kind(kind), notification.TicketID(mustID(ticketGID))).
		WithRecipient().All(trusted())
	if err != nil {
		e.t.Fatal(err)
	}
	out := []string{}
	for _, n := range ns {
		out = append(out, n.Edges.Recipient.Name)
	}
	sort.Strings(out)
	return out
}

func (e *env) expectNotified(kind, ticketGID string, want ...string) {
	e.t.Helper()
	if want == nil {
		want = []string{}
	}
	sort.Strings(want)
	if got := e.notifiedAbout(kind, ticketGID); !reflect.DeepEqual(got, want) {
		e.t.Fatalf("%s recipients %v, want %v", kind, got, want)
	}
}

const (
	opAssign  = `mutation($in: AssignTicketInput!){ assignTicket(input:$in){ ticket{ id } } }`
	opUnread  = `{ unreadNotificationCount }`
	opSetPref = `mutation($k: NotificationKind!, $i: Boolean!, $m: Boolean!){ setNotificationPreference(input:{kind:$k, inApp:$i, mail:$m}){ kind inApp mail } }`
)

func (e *env) unread(tok string) int {
	e.t.Helper()
	var out struct{ UnreadNotificationCount int }
	e.ok(tok, opUnread, nil, &out)
	return out.UnreadNotificationCount
}

// TestIssue13NotificationKinds: each kind of ticket notification reaches exactly the people who
// expect it, never the actor, and an escalation reaches only the agents of the organisation
// working the new level.
func TestIssue13NotificationKinds(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.addStaff(w, "P1.L2", "P1", user.RoleAGENT, true, "L2")
	e.addStaff(w, "P1.L3", "P1", user.RoleAGENT, true, "L3")
	e.addStaff(w, "P1.L2off", "P1", user.RoleAGENT, false, "L2")
	e.addStaff(w, "P2.L2", "P2", user.RoleAGENT, true, "L2")
	e.addStaff(w, "V.VENDOR", "V", user.RoleAGENT, true, "VENDOR")
	key, agent, desk := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "P1.SERVICE_DESK")
	l2 := e.token(w, "P1.L2")

	tk := e.create(key, questionInput("How do I close the period?"))
	for _, k := range notify.Kinds {
		e.expectNotified(k, tk.ID)
	}
	// Assigning oneself notifies nobody; being assigned by someone else notifies the assignee.
	e.mut(agent, opAssign, map[string]any{"in": map[string]any{"ticketID": tk.ID, "assigneeID": gidOf(w.users["P1.AGENT"].ID)}})
	e.expectNotified(notify.TicketAssigned, tk.ID)
	e.mut(desk, opAssign, map[string]any{"in": map[string]any{"ticketID": tk.ID, "assigneeID": gidOf(w.users["P1.L2"].ID)}})
	e.expectNotified(notify.TicketAssigned, tk.ID, "P1.L2")

	// Waiting for the customer: the reporter. The customer's answer: the assignee. A staff
	// comment is no customer reply.
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "WAITING_FOR_CUSTOMER"}})
	e.expectNotified(notify.TicketWaiting, tk.ID, "C1.KEY_USER")
	e.mut(agent, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "Which period?"}})
	e.expectNotified(notify.CustomerReplied, tk.ID)
	e.mut(key, opComment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "November."}})
	e.expectNotified(notify.CustomerReplied, tk.ID, "P1.L2")

	// Escalated to L2: P1's active agents working L2, not the acting agent, not the inactive
	// one, not service desk, not P2's.
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L2", "reason": "customizing"}})
	e.expectNotified(notify.TicketEscalated, tk.ID, "P1.L2")
	// To the vendor: the vendor's agents working VENDOR (V.AGENT works every level).
	e.mut(l2, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "VENDOR", "reason": "product question", "vendorCaseRef": "V-1"}})
	e.expectNotified(notify.TicketEscalated, tk.ID, "P1.L2", "V.AGENT", "V.VENDOR")

	// Resolved: the reporter.
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "RESOLVED", "resolution": "Period closing explained."}})
	e.expectNotified(notify.TicketResolved, tk.ID, "C1.KEY_USER")

	// The reporter's inbox, newest first.
	var inbox struct {
		MyNotifications struct {
			TotalCount int
			Edges      []struct{ Node struct{ Kind, Title string } }
		}
	}
	e.ok(key, `{ myNotifications(first: 10){ totalCount edges{ node{ kind title } } } }`, nil, &inbox)
	var kinds []string
	for _, ed := range inbox.MyNotifications.Edges {
		kinds = append(kinds, ed.Node.Kind)
	}
	if !reflect.DeepEqual(kinds, []string{"TICKET_RESOLVED", "TICKET_WAITING"}) ||
		inbox.MyNotifications.Edges[0].Node.Title != fmt.Sprintf("%s: resolved", tk.Number) {
		t.Fatalf("key user's inbox %+v", inbox.MyNotifications)
	}
}

// TestIssue13EscalationFanoutBounded: an escalation notifies at most notify.MaxLevelFanout
// agents of the level.
func TestIssue13EscalationFanoutBounded(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c := e.app.DB.Client
	var bulk []*ent.UserCreate
	for i := range notify.MaxLevelFanout + 5 {
		bulk = append(bulk, c.User.Create().SetEmail(fmt.Sprintf("l4-%d@test.example", i)).SetName(fmt.Sprintf("L4-%02d", i)).
			SetRole(user.RoleAGENT).SetLevels([]string{"L4"}).SetPasswordHash("x").SetOrganizationID(w.orgs["P1"].ID))
	}
	c.User.CreateBulk(bulk...).ExecX(trusted())
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(key, questionInput("Database slow"))
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L2", "reason": "analysis"}})
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L4", "reason": "infrastructure"}})
	got := e.notifiedAbout(notify.TicketEscalated, tk.ID)
	if len(got) != notify.MaxLevelFanout {
		t.Fatalf("escalation to L4 notified %d agents, want %d", len(got), notify.MaxLevelFanout)
	}
}

// TestIssue13ReadAndPreferences: unread count, mark read, mark all read, and a kind turned off
// in-app is not stored; the mail flag is kept.
func TestIssue13ReadAndPreferences(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	key, agent, other := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "C1.APPROVER")
	resolve := func(title string) string {
		tk := e.create(key, questionInput(title))
		e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "WAITING_FOR_CUSTOMER"}})
		e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "RESOLVED", "resolution": "done"}})
		return tk.ID
	}
	resolve("one")
	resolve("two")
	if n := e.unread(key); n != 4 {
		t.Fatalf("unread %d, want 4", n)
	}
	var list struct {
		MyNotifications struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.ok(key, `{ myNotifications(first: 10){ edges{ node{ id } } } }`, nil, &list)
	first := list.MyNotifications.Edges[0].Node.ID
	e.fails(other, `mutation($id:ID!){ markNotificationRead(id:$id) }`, map[string]any{"id": first}, "NOT_FOUND")
	e.mut(key, `mutation($id:ID!){ markNotificationRead(id:$id) }`, map[string]any{"id": first})
	if n := e.unread(key); n != 3 {
		t.Fatalf("unread after mark read %d, want 3", n)
	}
	var all struct{ MarkAllNotificationsRead int }
	e.ok(key, `mutation{ markAllNotificationsRead }`, nil, &all)
	if all.MarkAllNotificationsRead != 3 || e.unread(key) != 0 {
		t.Fatalf("mark all read changed %d, unread %d", all.MarkAllNotificationsRead, e.unread(key))
	}

	e.fails(key, opSetPref, map[string]any{"k": "NOPE", "i": false, "m": false}, "GRAPHQL_VALIDATION_FAILED")
	e.mut(key, opSetPref, map[string]any{"k": "TICKET_RESOLVED", "i": false, "m": true})
	var prefs struct {
		MyNotificationPreferences []struct {
			Kind        string
			InApp, Mail bool
		}
	}
	e.ok(key, `{ myNotificationPreferences{ kind inApp mail } }`, nil, &prefs)
	if len(prefs.MyNotificationPreferences) != len(notify.Kinds) {
		t.Fatalf("preferences %+v", prefs)
	}
	for _, p := range prefs.MyNotificationPreferences {
		off := p.Kind == "TICKET_RESOLVED"
		if p.InApp == off || p.Mail != off {
			t.Fatalf("preference %+v", p)
		}
	}
	// Another user's preferences are their own.
	e.ok(other, `{ myNotificationPreferences{ kind inApp mail } }`, nil, &prefs)
	for _, p := range prefs.MyNotificationPreferences {
		if !p.InApp || p.Mail {
			t.Fatalf("approver's preference %+v", p)
		}
	}
	id := resolve("three")
	e.expectNotified(notify.TicketResolved, id)
	e.expectNotified(notify.TicketWaiting, id, "C1.KEY_USER")
	// Turned on again, the kind is stored again.
	e.mut(key, opSetPref, map[string]any{"k": "TICKET_RESOLVED", "i": true, "m": false})
	id = resolve("four")
	e.expectNotified(notify.TicketResolved, id, "C1.KEY_USER")
	if n := e.unread(key); n != 3 {
		t.Fatalf("unread %d, want 3", n)
	}
}
