package main

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/user"
	"supportdesk/internal/auth"
)

// addUser creates one more user of org with role and returns its access token.
func (e *env) addUser(w *world, org string, role user.Role, key string) string {
	e.t.Helper()
	hash, err := auth.HashPassword(testPassword, 4)
	if err != nil {
		e.t.Fatal(err)
	}
	u := e.app.DB.Client.User.Create().SetEmail(key + "@test.example").SetName(key).SetRole(role).
		SetLevels([]string{"L1", "L2", "L3", "L4", "VENDOR"}).SetPasswordHash(hash).
		SetOrganizationID(w.orgs[org].ID).SaveX(trusted())
	w.users[key] = u
	return e.token(w, key)
}

// quiet asserts that a subscription received nothing more within a short while.
func quiet(t *testing.T, who string, next chan json.RawMessage) {
	t.Helper()
	select {
	case raw := <-next:
		t.Errorf("%s received more: %s", who, raw)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestLiveSharedReloadTenancy: customers of two organisations, two end users of one
// organisation and partner staff are connected at once, several on the same viewer scope, so
// that each event is reloaded once per scope and shared; each socket still receives exactly
// what its own viewer may read — another organisation's tickets never, another end user's
// tickets never, internal comments only for staff.
func TestLiveSharedReloadTenancy(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	k1, k2, eu1, p1 := e.token(w, "C1.KEY_USER"), e.token(w, "C2.KEY_USER"), e.token(w, "C1.END_USER"), e.token(w, "P1.AGENT")
	eu2 := e.addUser(w, "C1", user.RoleEND_USER, "C1.END_USER2")
	own1 := e.create(k1, map[string]any{"title": "Own C1", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	own2 := e.create(k2, map[string]any{"title": "Own C2", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	const comment = `mutation($in: AddCommentInput!){ addComment(input: $in){ comment{ id } } }`
	reply := func(ticket, body string, internal bool) {
		e.ok(p1, comment, map[string]any{"in": map[string]any{"ticketID": ticket, "body": body, "internal": internal}}, nil)
	}
	e.settleLive() // the tickets above come before the subscriptions
	dial := func(tok string) *wsClient {
		s, err := e.dialWS(tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	const queue = `subscription { queueUpdated ` + liveFields + ` }`
	const events = `subscription($id: ID!){ ticketEvents(id: $id) ` + liveFields + ` }`
	// The first staff reply changes the tickets (first response); it happens before the sockets
	// under test listen: once a watcher received the last of it, the instance has published it.
	watch, _ := dial(p1).subscribe("w", events, map[string]any{"id": own2.ID})
	time.Sleep(100 * time.Millisecond)
	reply(own1.ID, "warm-up", false)
	reply(own2.ID, "warm-up", false)
	collect(t, "ticketEvents", watch, "warm-up")
	type socket struct {
		name        string
		q, t        chan json.RawMessage
		ticket, tok string
	}
	socks := []*socket{{name: "C1 key a", tok: k1, ticket: own1.ID}, {name: "C1 key b", tok: k1, ticket: own1.ID},
		{name: "C2 key a", tok: k2, ticket: own2.ID}, {name: "C2 key b", tok: k2, ticket: own2.ID},
		{name: "C1 end user 1", tok: eu1}, {name: "C1 end user 2", tok: eu2}, {name: "P1 agent", tok: p1, ticket: own1.ID}}
	for _, s := range socks {
		c := dial(s.tok)
		s.q, _ = c.subscribe("q", queue, nil)
		if s.ticket != "" {
			s.t, _ = c.subscribe("t", events, map[string]any{"id": s.ticket})
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.app.Hub.Subscribers() != 13 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}

	e.create(eu1, map[string]any{"title": "By EU1", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(eu2, map[string]any{"title": "By EU2", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	reply(own1.ID, "secret1", true)
	reply(own2.ID, "secret2", true)
	reply(own1.ID, "reply1", false)
	reply(own2.ID, "reply2", false)
	e.create(k2, map[string]any{"title": "C2 marker", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(k1, map[string]any{"title": "C1 marker", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(eu1, map[string]any{"title": "EU1 end", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(eu2, map[string]any{"title": "EU2 end", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	wantQueue := map[string][]string{
		"C1 key a":      {"TICKET_CREATED By EU1", "TICKET_CREATED By EU2", "TICKET_CREATED C1 marker", "TICKET_CREATED EU1 end", "TICKET_CREATED EU2 end"},
		"C2 key a":      {"TICKET_CREATED C2 marker"},
		"C1 end user 1": {"TICKET_CREATED By EU1", "TICKET_CREATED EU1 end"},
		"C1 end user 2": {"TICKET_CREATED By EU2", "TICKET_CREATED EU2 end"},
		// End users' requests start at level CUSTOMER (KEY_USER_GATED intake): not the partner's yet.
		"P1 agent": {"TICKET_CREATED C2 marker", "TICKET_CREATED C1 marker"},
	}
	wantQueue["C1 key b"], wantQueue["C2 key b"] = wantQueue["C1 key a"], wantQueue["C2 key a"]
	wantTicket := map[string][]string{
		"C1 key a": {"TICKET_EVENT_CREATED COMMENTED", "COMMENT_CREATED reply1"},
		"C2 key a": {"TICKET_EVENT_CREATED COMMENTED", "COMMENT_CREATED reply2"},
		"P1 agent": {"COMMENT_CREATED secret1", "TICKET_EVENT_CREATED COMMENTED", "COMMENT_CREATED reply1"},
	}
	wantTicket["C1 key b"], wantTicket["C2 key b"] = wantTicket["C1 key a"], wantTicket["C2 key a"]
	for _, s := range socks {
		want := wantQueue[s.name]
		assertLabels(t, s.name+" queue", collect(t, "queueUpdated", s.q, want[len(want)-1][len("TICKET_CREATED "):]), want)
		if s.t != nil {
			want := wantTicket[s.name]
			assertLabels(t, s.name+" ticketEvents", collect(t, "ticketEvents", s.t, want[len(want)-1][len("COMMENT_CREATED "):]), want)
		}
	}
	for _, s := range socks {
		quiet(t, s.name+" queue", s.q)
	}
}

// TestLiveSharedReload: six queue subscriptions of two partner agents and a service desk member
// (one ticket scope), one of them
// filtered to another customer, load each ticket row once between them; the filtered one drops
// what it does not want without a query of its own.
func TestLiveSharedReload(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	a1, a2 := e.token(w, "P1.AGENT"), e.addUser(w, "P1", user.RoleAGENT, "P1.AGENT2")
	var all, filtered []chan json.RawMessage
	// A service desk member has another role but sees the same tickets: the same ticket scope.
	for i, tok := range []string{a1, a1, a1, a2, e.token(w, "P1.SERVICE_DESK"), a2} {
		s, err := e.dialWS(tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			next, _ := s.subscribe("q", `subscription($f: QueueFilter){ queueUpdated(filter: $f) `+liveFields+` }`,
				map[string]any{"f": map[string]any{"customerID": gidOf(w.orgs["C2"].ID)}})
			filtered = append(filtered, next)
			continue
		}
		next, _ := s.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
		all = append(all, next)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.app.Hub.Subscribers() != 6 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	last := e.app.DB.Client.OutboxEvent.Query().Order(ent.Desc(outboxevent.FieldID)).FirstIDX(trusted())
	loads0 := e.app.Hub.Loads.Load()
	e.create(e.token(w, "C1.KEY_USER"), map[string]any{"title": "One", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(e.token(w, "C2.KEY_USER"), map[string]any{"title": "Two", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	for i, next := range all {
		assertLabels(t, fmt.Sprint("subscription ", i), collect(t, "queueUpdated", next, "Two"), []string{"TICKET_CREATED One", "TICKET_CREATED Two"})
	}
	assertLabels(t, "filtered", collect(t, "queueUpdated", filtered[0], "Two"), []string{"TICKET_CREATED Two"})
	rows := e.app.DB.Client.OutboxEvent.Query().
		Where(outboxevent.IDGT(last), outboxevent.ObjectTypeEQ(outboxevent.ObjectTypeTICKET)).CountX(trusted())
	if got := e.app.Hub.Loads.Load() - loads0; rows != 2 || got != int64(rows) {
		t.Errorf("%d ticket rows loaded %d times for 6 subscriptions of one ticket scope, want once each", rows, got)
	}
}

// TestLiveReloadOnlyInScope: a ticket change is reloaded only for the viewer classes that could
// see the ticket's customer at all: with P1's and P2's agents and a C1 key user on the queue,
// a C1 ticket is loaded for P1 and C1 (not for P2, which does not serve C1) and a C3 ticket for
// P2 alone; each subscriber receives exactly its own.
func TestLiveReloadOnlyInScope(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	subs := queueSubscribers(t, e, w, "P1.AGENT", "P2.AGENT", "C1.KEY_USER")
	loads0 := e.app.Hub.Loads.Load()
	e.create(e.token(w, "C1.KEY_USER"), map[string]any{"title": "Of C1", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(e.token(w, "C3.KEY_USER"), map[string]any{"title": "Of C3", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	assertLabels(t, "P2 agent", collect(t, "queueUpdated", subs["P2.AGENT"], "Of C3"), []string{"TICKET_CREATED Of C3"})
	assertLabels(t, "P1 agent", collect(t, "queueUpdated", subs["P1.AGENT"], "Of C1"), []string{"TICKET_CREATED Of C1"})
	assertLabels(t, "C1 key user", collect(t, "queueUpdated", subs["C1.KEY_USER"], "Of C1"), []string{"TICKET_CREATED Of C1"})
	for who, ch := range subs {
		quiet(t, who, ch)
	}
	if got := e.app.Hub.Loads.Load() - loads0; got != 3 {
		t.Errorf("%d reloads for two tickets, want 3 (C1's for P1 and C1, C3's for P2)", got)
	}
}

// TestOutboxAdministrationObjects: registering, changing and deleting a webhook endpoint and
// changing a contract's terms (a new contract version) are administration changes and write
// outbox rows scoped to their organisation (and contract); a user's notification preferences
// and webhook delivery bookkeeping are not.
func TestOutboxAdministrationObjects(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	admin := e.token(w, "P1.ADMIN")
	last := e.app.DB.Client.OutboxEvent.Query().Order(ent.Desc(outboxevent.FieldID)).FirstIDX(trusted())
	ep := e.register(admin, "https://hooks.example/p1", "TICKET_CREATED")
	e.ok(admin, `mutation($in: UpdateWebhookInput!){ updateWebhook(input:$in){ active } }`,
		map[string]any{"in": map[string]any{"id": ep.RegisterWebhook.Endpoint.ID, "active": false}}, nil)
	e.ok(admin, `mutation($id:ID!){ deleteWebhook(id:$id) }`, map[string]any{"id": ep.RegisterWebhook.Endpoint.ID}, nil)
	k := w.contracts["C1"]
	var ch struct {
		ChangeContractTerms struct{ Version struct{ Version int } }
	}
	e.ok(admin, `mutation($in: ChangeContractTermsInput!){ changeContractTerms(input:$in){ version{ version } } }`,
		map[string]any{"in": map[string]any{"contractID": gidOf(k.ID), "effectiveFrom": "2027-01-01T00:00:00Z",
			"terms": map[string]any{"rates": []map[string]any{{"level": "L1", "rateCents": 9000}}}}}, &ch)
	// The seeded contract had no version yet: the change writes its baseline (1) and itself (2).
	if v := ch.ChangeContractTerms.Version.Version; v != 2 {
		t.Fatalf("version %d, want 2", v)
	}
	rows := e.app.DB.Client.OutboxEvent.Query().Where(outboxevent.IDGT(last),
		outboxevent.ObjectTypeIn(outboxevent.ObjectTypeWEBHOOK_ENDPOINT, outboxevent.ObjectTypeCONTRACT_VERSION)).
		Order(ent.Asc(outboxevent.FieldID)).AllX(trusted())
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s_%s org=%d contract=%d", r.ObjectType, r.Action, r.OrganizationID, r.ContractID))
	}
	p1, c1 := w.orgs["P1"].ID, w.orgs["C1"].ID
	assertLabels(t, "outbox", got, []string{
		fmt.Sprintf("WEBHOOK_ENDPOINT_CREATED org=%d contract=0", p1),
		fmt.Sprintf("WEBHOOK_ENDPOINT_UPDATED org=%d contract=0", p1),
		fmt.Sprintf("WEBHOOK_ENDPOINT_DELETED org=%d contract=0", p1),
		fmt.Sprintf("CONTRACT_VERSION_CREATED org=%d contract=%d", c1, k.ID),
		fmt.Sprintf("CONTRACT_VERSION_CREATED org=%d contract=%d", c1, k.ID),
	})
}
