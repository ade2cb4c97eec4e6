package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/outboxevent"

	"github.com/coder/websocket"
)

// nextRaw returns the next payload of a subscription, failing after a while.
func nextRaw(t *testing.T, who string, next chan json.RawMessage) json.RawMessage {
	t.Helper()
	select {
	case raw := <-next:
		return raw
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: nothing received", who)
		return nil
	}
}

// untilContains reads a subscription's payloads until one contains marker and returns them all.
func untilContains(t *testing.T, who string, next chan json.RawMessage, marker string) []string {
	t.Helper()
	var got []string
	for {
		raw := string(nextRaw(t, who, next))
		got = append(got, raw)
		if strings.Contains(raw, marker) {
			return got
		}
	}
}

func waitSubscribers(t *testing.T, e *env, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for e.app.Hub.Subscribers() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscriptions registered, want %d", e.app.Hub.Subscribers(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLiveSharedSerialisation: an event is serialised once per audience — subscriptions of one
// viewer class with the same operation — and every member gets the same bytes; customers of
// two organisations on the very same operation still get only their own organisation's tickets,
// and another operation of the same viewer is an audience of its own.
func TestLiveSharedSerialisation(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	k1, k2 := e.token(w, "C1.KEY_USER"), e.token(w, "C2.KEY_USER")
	const opA = `subscription { queueUpdated ` + liveFields + ` }`
	const opB = `subscription { queueUpdated { kind ticket { title } } }`
	subscribe := func(tok, op string) chan json.RawMessage {
		s, err := e.dialWS(tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		next, _ := s.subscribe("q", op, nil)
		return next
	}
	c1a, c1b, c1other, c2 := subscribe(k1, opA), subscribe(k1, opA), subscribe(k1, opB), subscribe(k2, opA)
	waitSubscribers(t, e, 4)
	last := e.app.DB.Client.OutboxEvent.Query().Order(ent.Desc(outboxevent.FieldID)).FirstIDX(trusted())
	shares0 := e.app.Hub.Shares.Load()

	e.create(k2, map[string]any{"title": "Only C2", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(k1, map[string]any{"title": "Only C1", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	a := untilContains(t, "C1 a", c1a, "Only C1")
	b := untilContains(t, "C1 b", c1b, "Only C1")
	other := untilContains(t, "C1 other operation", c1other, "Only C1")
	got2 := untilContains(t, "C2", c2, "Only C2")
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("one audience, different bytes:\n%v\n%v", a, b)
	}
	for who, got := range map[string][]string{"C1 a": a, "C1 other operation": other} {
		if len(got) != 1 || strings.Contains(strings.Join(got, ""), "Only C2") {
			t.Errorf("%s received %v, want only C1's ticket", who, got)
		}
	}
	if other[0] != `{"data":{"queueUpdated":{"kind":"TICKET_CREATED","ticket":{"title":"Only C1"}}}}` {
		t.Errorf("other operation's payload: %s", other[0])
	}
	if len(got2) != 1 {
		t.Errorf("C2 received %v, want only its own ticket", got2)
	}
	// C2's ticket has one audience; C1's two (operation A with two members, operation B).
	rows := func(org string) int64 {
		return int64(e.app.DB.Client.OutboxEvent.Query().Where(outboxevent.IDGT(last),
			outboxevent.ObjectTypeEQ(outboxevent.ObjectTypeTICKET), outboxevent.OrganizationID(w.orgs[org].ID)).CountX(trusted()))
	}
	r1, r2 := rows("C1"), rows("C2")
	if got := e.app.Hub.Shares.Load() - shares0; r1 != 1 || r2 != 1 || got != 2*r1+r2 {
		t.Errorf("%d and %d ticket rows serialised %d times, want once per event and audience (%d)", r1, r2, got, 2*r1+r2)
	}
	for who, next := range map[string]chan json.RawMessage{"C1 a": c1a, "C1 b": c1b, "C1 other": c1other, "C2": c2} {
		quiet(t, who, next)
	}
}

// TestLiveSharedPayloadsByScope: a customer and an agent on the same operation of the same
// ticket are different audiences: the agent's payload counts the internal comment and the
// internal comment's own event reaches the agent only; two sockets of the customer get the same
// bytes.
func TestLiveSharedPayloadsByScope(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	k1, p1 := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(k1, map[string]any{"title": "Shared", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	const comment = `mutation($in: AddCommentInput!){ addComment(input: $in){ comment{ id } } }`
	const op = `subscription($id: ID!){ ticketEvents(id: $id){ kind comment{ body } ticket{ title comments(first: 20){ totalCount edges{ node{ body } } } } } }`
	e.settleLive() // the ticket above comes before the subscriptions
	dial := func(tok string) *wsClient {
		s, err := e.dialWS(tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// The first staff reply changes the ticket (first response); let it pass before listening.
	watch, _ := dial(p1).subscribe("w", op, map[string]any{"id": tk.ID})
	waitSubscribers(t, e, 1)
	e.ok(p1, comment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "warm-up"}}, nil)
	untilContains(t, "watcher", watch, `"body":"warm-up"},"ticket":null`)

	agent, _ := dial(p1).subscribe("t", op, map[string]any{"id": tk.ID})
	cust1, _ := dial(k1).subscribe("t", op, map[string]any{"id": tk.ID})
	cust2, _ := dial(k1).subscribe("t", op, map[string]any{"id": tk.ID})
	waitSubscribers(t, e, 4)
	e.ok(p1, comment, map[string]any{"in": map[string]any{"ticketID": tk.ID, "body": "secret", "internal": true}}, nil)
	e.ok(p1, opUpdate, map[string]any{"id": tk.ID, "in": map[string]any{"title": "Renamed"}}, nil)

	a := untilContains(t, "agent", agent, `"title":"Renamed"`)
	c := untilContains(t, "customer 1", cust1, `"title":"Renamed"`)
	c2 := untilContains(t, "customer 2", cust2, `"title":"Renamed"`)
	if strings.Join(c, "\n") != strings.Join(c2, "\n") {
		t.Errorf("one audience, different bytes:\n%v\n%v", c, c2)
	}
	if !strings.Contains(a[0], `{"kind":"COMMENT_CREATED","comment":{"body":"secret"},"ticket":null}`) {
		t.Errorf("agent's first event: %s", a[0])
	}
	if s := strings.Join(c, "\n"); strings.Contains(s, "secret") {
		t.Errorf("the customer received the internal comment: %s", s)
	}
	want := map[string]string{
		"agent":    `"comments":{"totalCount":2,"edges":[{"node":{"body":"warm-up"}},{"node":{"body":"secret"}}]}`,
		"customer": `"comments":{"totalCount":1,"edges":[{"node":{"body":"warm-up"}}]}`,
	}
	for who, got := range map[string][]string{"agent": a, "customer": c} {
		if l := got[len(got)-1]; !strings.Contains(l, `"kind":"TICKET_UPDATED"`) || !strings.Contains(l, want[who]) {
			t.Errorf("%s's ticket change: %s, want %s", who, l, want[who])
		}
	}
}

// TestLiveLegacyProtocol: a client on the older graphql-ws subprotocol ("start"/"data") gets
// the shared response through the transport's own writer, the same payload as a
// graphql-transport-ws client of the same audience.
func TestLiveLegacyProtocol(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	k1 := e.token(w, "C1.KEY_USER")
	const op = `subscription { queueUpdated { kind ticket { title } } }`
	modern, err := e.dialWS(k1, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := modern.subscribe("q", op, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	legacy, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer legacy.CloseNow()
	write := func(m wsMsg) {
		if err := legacy.Write(ctx, websocket.MessageText, mustJSON(m)); err != nil {
			t.Fatal(err)
		}
	}
	read := func(want string) wsMsg {
		for {
			_, b, err := legacy.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			var m wsMsg
			if json.Unmarshal(b, &m) == nil && m.Type == want {
				return m
			}
		}
	}
	write(wsMsg{Type: "connection_init", Payload: mustJSON(map[string]any{"authorization": "Bearer " + k1})})
	read("connection_ack")
	write(wsMsg{ID: "7", Type: "start", Payload: mustJSON(map[string]any{"query": op})})
	waitSubscribers(t, e, 2)
	e.create(k1, map[string]any{"title": "Legacy", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	got := read("data")
	want := `{"data":{"queueUpdated":{"kind":"TICKET_CREATED","ticket":{"title":"Legacy"}}}}`
	if got.ID != "7" || string(got.Payload) != want {
		t.Errorf("legacy client got %s %s, want %s", got.ID, got.Payload, want)
	}
	if raw := string(nextRaw(t, "modern", next)); raw != want {
		t.Errorf("modern client got %s, want %s", raw, want)
	}
}
