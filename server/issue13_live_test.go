package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"

	"supportdesk/internal/db"
	"supportdesk/internal/db/dbtest"

	"encoding/json"
	"fmt"
	"github.com/coder/websocket"
	"strings"
	"testing"
	"time"
)

const liveFields = `{ sequence kind ticket{ id title } comment{ id body internal } ticketEvent{ kind } }`

type liveOut struct {
	Sequence, Kind string
	Ticket         *struct{ ID, Title string }
	Comment        *struct {
		ID, Body string
		Internal bool
	}
	TicketEvent *struct{ Kind string }
}

// label is an event in a form tests compare exactly: kind and the object's telling field.
func (l liveOut) label() string {
	switch {
	case l.Comment != nil:
		return l.Kind + " " + l.Comment.Body
	case l.TicketEvent != nil:
		return l.Kind + " " + l.TicketEvent.Kind
	case l.Ticket != nil:
		return l.Kind + " " + l.Ticket.Title
	}
	return l.Kind
}

// collect reads the events of one subscription until one carries the marker title or body,
// and returns their labels, the marker's included.
func collect(t *testing.T, field string, next chan json.RawMessage, marker string) []string {
	t.Helper()
	var got []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case raw := <-next:
			var r struct {
				Data   map[string]liveOut
				Errors []any
			}
			if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
				t.Fatalf("bad payload %s", raw)
			}
			l := r.Data[field]
			got = append(got, l.label())
			if strings.HasSuffix(l.label(), " "+marker) {
				return got
			}
		case <-deadline:
			t.Fatalf("%s: marker %q not received; got %v", field, marker, got)
		}
	}
}

func assertLabels(t *testing.T, who string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s received\n  %v\nwant\n  %v", who, got, want)
	}
}

// TestLiveQueueAndTicketEvents: a customer and partner staff subscribe, tickets are created and
// commented; each socket receives exactly what its viewer may read — a customer never another
// tenant's ticket nor an internal comment.
func TestLiveQueueAndTicketEvents(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1, c2, p1, p2 := e.token(w, "C1.KEY_USER"), e.token(w, "C2.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "P2.AGENT")
	mine := e.create(c1, map[string]any{"title": "Own", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.settleLive() // "Own" is created before the subscriptions, so none of them receives it

	sockets := map[string]*wsClient{}
	for key, tok := range map[string]string{"c1": c1, "c2": c2, "p1": p1, "p2": p2} {
		s, err := e.dialWS(tok, nil)
		if err != nil {
			t.Fatal(key, err)
		}
		sockets[key] = s
	}
	queue := map[string]chan json.RawMessage{}
	for key, s := range sockets {
		queue[key], _ = s.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
	}
	c1Events, _ := sockets["c1"].subscribe("t", `subscription($id: ID!){ ticketEvents(id: $id) `+liveFields+` }`, map[string]any{"id": mine.ID})
	p1Events, _ := sockets["p1"].subscribe("t", `subscription($id: ID!){ ticketEvents(id: $id) `+liveFields+` }`, map[string]any{"id": mine.ID})
	// Another tenant's ticket id answers like a missing one.
	foreign, errs := sockets["c2"].subscribe("x", `subscription($id: ID!){ ticketEvents(id: $id) `+liveFields+` }`, map[string]any{"id": mine.ID})
	select {
	case raw := <-foreign:
		if !strings.Contains(string(raw), "NOT_FOUND") {
			t.Errorf("foreign ticketEvents: %s", raw)
		}
	case raw := <-errs:
		if !strings.Contains(string(raw), "NOT_FOUND") {
			t.Errorf("foreign ticketEvents: %s", raw)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("foreign ticketEvents: no error")
	}
	waitSubscribed(t, e, 6) // four queues, two tickets

	const comment = `mutation($in: AddCommentInput!){ addComment(input: $in){ comment{ id } } }`
	e.create(c2, map[string]any{"title": "Foreign", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.ok(p1, comment, map[string]any{"in": map[string]any{"ticketID": mine.ID, "body": "secret", "internal": true}}, nil)
	e.ok(p1, comment, map[string]any{"in": map[string]any{"ticketID": mine.ID, "body": "public"}}, nil)
	e.create(c1, map[string]any{"title": "Marker", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(c2, map[string]any{"title": "Marker2", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(e.token(w, "C3.KEY_USER"), map[string]any{"title": "Marker3", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	got := map[string][]string{
		"c1": collect(t, "queueUpdated", queue["c1"], "Marker"),
		"c2": collect(t, "queueUpdated", queue["c2"], "Marker2"),
		"p1": collect(t, "queueUpdated", queue["p1"], "Marker2"),
		"p2": collect(t, "queueUpdated", queue["p2"], "Marker3"),
	}
	// The staff's public comment is the first response: the ticket changes once.
	assertLabels(t, "C1 queue", got["c1"], []string{"TICKET_UPDATED Own", "TICKET_CREATED Marker"})
	assertLabels(t, "C2 queue", got["c2"], []string{"TICKET_CREATED Foreign", "TICKET_CREATED Marker2"})
	assertLabels(t, "P1 queue", got["p1"], []string{"TICKET_CREATED Foreign", "TICKET_UPDATED Own", "TICKET_CREATED Marker", "TICKET_CREATED Marker2"})
	assertLabels(t, "P2 queue", got["p2"], []string{"TICKET_CREATED Marker3"})
	c1Got := collect(t, "ticketEvents", c1Events, "public")
	p1Got := collect(t, "ticketEvents", p1Events, "public")
	assertLabels(t, "C1 ticketEvents", c1Got, []string{"TICKET_EVENT_CREATED COMMENTED", "COMMENT_CREATED public"})
	assertLabels(t, "P1 ticketEvents", p1Got, []string{"COMMENT_CREATED secret", "TICKET_EVENT_CREATED COMMENTED", "COMMENT_CREATED public"})
	for _, l := range append(append([]string{}, got["c1"]...), c1Got...) {
		if strings.Contains(l, "secret") || strings.Contains(l, "Foreign") || strings.Contains(l, "Marker2") {
			t.Errorf("customer C1 received %q", l)
		}
	}
	for _, l := range got["p2"] {
		if !strings.Contains(l, "Marker3") {
			t.Errorf("partner P2 received %q", l)
		}
	}
	if !containsLabel(p1Got, "COMMENT_CREATED secret") {
		t.Errorf("P1 staff did not receive the internal comment: %v", p1Got)
	}
}

func containsLabel(labels []string, l string) bool {
	for _, x := range labels {
		if x == l {
			return true
		}
	}
	return false
}

// newEnvOn starts one more server instance on database d (a second instance of a cluster).
func newEnvOn(t *testing.T, d *db.DB, tune func(*Config)) *env {
	t.Helper()
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.BcryptCost = 4
	cfg.JWTSecret = "test-secret-test-secret-test-secret-0123"
	if tune != nil {
		tune(&cfg)
	}
	clock := &fakeClock{}
	cfg.Now = clock.Now
	app, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.StopLive)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	var n atomic.Int64
	return &env{t: t, app: app, srv: srv, queries: &n, clock: clock}
}

// twoInstances opens two App instances on one fresh database.
func twoInstances(t *testing.T) (a, b *env) {
	t.Helper()
	url := dbtest.FreshURL(t)
	var envs [2]*env
	for i := range envs {
		d, err := db.Open(context.Background(), db.Config{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		envs[i] = newEnvOn(t, d, nil)
	}
	return envs[0], envs[1]
}

// TestLiveTwoInstances: subscribed on instance A, mutated on instance B, received on A — and
// the listener connection of A killed mid-stream loses nothing.
func TestLiveTwoInstances(t *testing.T) {
	if dbtest.ServerURL() == "" {
		t.Skip("two instances share a database on PostgreSQL only (TEST_DATABASE_URL)")
	}
	a, b := twoInstances(t)
	w := a.seed()
	sa, err := a.dialWS(a.token(w, "P1.AGENT"), nil)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := sa.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
	waitSubscribed(t, a, 1)
	c1 := b.token(w, "C1.KEY_USER")
	b.create(c1, map[string]any{"title": "From B", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	assertLabels(t, "A", collect(t, "queueUpdated", next, "From B"), []string{"TICKET_CREATED From B"})

	// Kill A's LISTEN connection, then create tickets on B while it reconnects.
	var killed int
	err = a.app.DB.SQL.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`).Scan(&killed)
	if err != nil || killed != 2 { // A's and B's listeners
		t.Fatalf("terminated %d listeners: %v", killed, err)
	}
	var want []string
	for i := range 5 {
		title := fmt.Sprintf("During outage %d", i)
		b.create(c1, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
		want = append(want, "TICKET_CREATED "+title)
	}
	assertLabels(t, "A after reconnect", collect(t, "queueUpdated", next, "During outage 4"), want)
}

// TestLiveGoroutines: 200 subscribe/complete cycles leave no goroutine behind.
func TestLiveGoroutines(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "P1.AGENT")
	time.Sleep(200 * time.Millisecond)
	base := runtime.NumGoroutine()
	s, err := e.dialWS(tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		id := fmt.Sprint(i)
		s.subscribe(id, `subscription { queueUpdated `+liveFields+` }`, nil)
		s.stop(id)
	}
	// The hub must see all 200 come and go.
	deadline := time.Now().Add(5 * time.Second)
	for e.app.Hub.Subscribers() != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	s.conn.Close(websocket.StatusNormalClosure, "")
	var now int
	for time.Now().Before(deadline.Add(5 * time.Second)) {
		if now = runtime.NumGoroutine(); now <= base+2 && e.app.Hub.Subscribers() == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Fatalf("goroutines: %d before, %d after; hub %d\n%s", base, now, e.app.Hub.Subscribers(), buf[:runtime.Stack(buf, true)])
}

// TestLiveTokenExpiry: a socket closes with 4403 when its token expires, unless it was
// renewed with reauthenticate; a token of another user cannot renew it.
func TestLiveTokenExpiry(t *testing.T) {
	e := newEnv(t)
	// Generous margins: the renewal happens 2 s into a 5 s token, so the renewed socket outlives
	// the plain one by 2 s even on a loaded machine.
	e.app.Tokens.AccessTTL = 5 * time.Second
	w := e.seed()
	tok := e.token(w, "P1.AGENT")
	plain, err := e.dialWS(tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := e.dialWS(tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	other, _, _ := e.app.Tokens.IssueAccess(w.users["P1.ADMIN"].ID)
	fresh, _, _ := e.app.Tokens.IssueAccess(w.users["P1.AGENT"].ID)
	const reauth = `mutation($t: String!){ reauthenticate(token: $t) }`
	res, _ := renewed.subscribe("r1", reauth, map[string]any{"t": other})
	if raw := <-res; !strings.Contains(string(raw), "FORBIDDEN") {
		t.Errorf("renewal with another user's token: %s", raw)
	}
	res, _ = renewed.subscribe("r2", reauth, map[string]any{"t": fresh})
	if raw := <-res; string(raw) != `{"data":{"reauthenticate":true}}` {
		t.Errorf("renewal: %s", raw)
	}
	if code := plain.waitClosed(6 * time.Second); code != 4403 {
		t.Errorf("expired socket closed with %d, want 4403", code)
	}
	select {
	case <-renewed.done:
		t.Errorf("renewed socket closed early with %d", renewed.closeCode)
	default:
	}
	if code := renewed.waitClosed(8 * time.Second); code != 4403 {
		t.Errorf("renewed socket closed with %d at its new expiry, want 4403", code)
	}
	// Over HTTP there is no socket to renew.
	e.fails(tok2(e, w), reauth, map[string]any{"t": fresh}, "VALIDATION")
}

func tok2(e *env, w *world) string {
	t, _, _ := e.app.Tokens.IssueAccess(w.users["P1.AGENT"].ID)
	return t
}

// TestLiveOriginAndInit: the upgrade refuses origins outside the CORS list, connection_init
// refuses a bad token with 4403, and the per-connection subscription limit holds.
func TestLiveOriginAndInit(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "P1.AGENT")
	if _, err := e.dialWS(tok, http.Header{"Origin": {"https://evil.example"}}); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("foreign origin: %v", err)
	}
	if _, err := e.dialWS(tok, http.Header{"Origin": {"http://localhost:5173"}}); err != nil {
		t.Errorf("listed origin: %v", err)
	}
	if _, err := e.dialWS("not-a-token", nil); err == nil {
		t.Error("bad token accepted")
	}
	s, err := e.dialWS(tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Subscriptions start concurrently, so any one of them may be the refused one.
	refused := make(chan string, wsMaxSubscriptions+1)
	for i := range wsMaxSubscriptions + 1 {
		next, errs := s.subscribe(fmt.Sprint(i), `subscription { myNotifications { kind } }`, nil)
		go func() {
			select {
			case raw := <-next:
				refused <- string(raw)
			case raw := <-errs:
				refused <- string(raw)
			case <-time.After(3 * time.Second):
			}
		}()
	}
	select {
	case raw := <-refused:
		if !strings.Contains(raw, "too many subscriptions") {
			t.Errorf("refusal: %s", raw)
		}
	case <-time.After(5 * time.Second):
		t.Error("no refusal past the subscription limit")
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(refused); n != 0 {
		t.Errorf("%d more refusals", n)
	}
}

// TestLiveShutdown: draining the server closes sockets with 1001 going away.
func TestLiveShutdown(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	s, err := e.dialWS(e.token(w, "C1.KEY_USER"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.app.Drain(ctx, e.srv.Config); err != nil {
		t.Fatal(err)
	}
	if code := s.waitClosed(3 * time.Second); code != 1001 || s.closeReason != "going away" {
		t.Errorf("closed with %d %q, want 1001 going away", code, s.closeReason)
	}
}
