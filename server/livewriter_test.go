package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportdesk/ent/outboxevent"
	"supportdesk/internal/live"
	"supportdesk/internal/outbox"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestLiveBusySocketCoalesced: a socket that receives events faster than frameLinger gets them
// in fewer writes than frames, every event once and in order, and the subscription's complete
// (after stop) never overtakes them.
func TestLiveBusySocketCoalesced(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1, p1 := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	s, err := e.dialWS(p1, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := s.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
	waitSubscribed(t, e, 1)
	frames0, writes0 := frameWrites.frames.Load(), frameWrites.writes.Load()
	var want []string
	for i := range 30 {
		title := fmt.Sprintf("Burst %02d", i)
		e.create(c1, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
		want = append(want, "TICKET_CREATED "+title)
	}
	assertLabels(t, "P1 agent", collect(t, "queueUpdated", next, "Burst 29"), want)
	frames, writes := frameWrites.frames.Load()-frames0, frameWrites.writes.Load()-writes0
	if frames != 30 || writes >= frames {
		t.Fatalf("%d frames in %d writes: want 30 frames in fewer writes", frames, writes)
	}
	t.Logf("%d frames in %d writes", frames, writes)
}

// TestLiveBurstNotResynced: a burst of 300 events in one outbox batch (more than a socket's
// frame queue of 256) reaches the subscriber through the real socket whole and in order, with
// nothing dropped and no RESYNC. (Whether the queue fills depends on how fast the reloads come;
// the hub's fallback for a full socket is pinned by TestOfferedInOrder.)
func TestLiveBurstNotResynced(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	next := queueSubscribers(t, e, w, "P1.AGENT")["P1.AGENT"]
	// Created after subscribing and received before the burst: its outbox row, read whenever
	// the instance's stream gets to it, cannot land in the middle of the burst.
	tk := e.create(e.token(w, "C1.KEY_USER"), map[string]any{"title": "Burst target", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	assertLabels(t, "P1 agent", collect(t, "queueUpdated", next, "Burst target"), []string{"TICKET_CREATED Burst target"})
	const n = 300
	var burst []outbox.Event
	for i := range n {
		burst = append(burst, outbox.Event{ID: 1_000_000 + i, Object: outboxevent.ObjectTypeTICKET, Action: outboxevent.ActionUPDATED,
			ObjectID: mustID(tk.ID), TicketID: mustID(tk.ID), OrganizationID: w.orgs["C1"].ID})
	}
	dropped0 := e.app.Hub.Dropped.Load()
	e.app.Hub.Publish(burst)
	var seqs []int
	deadline := time.After(10 * time.Second)
	for len(seqs) < n {
		select {
		case raw := <-next:
			var r struct{ Data map[string]liveOut }
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			l := r.Data["queueUpdated"]
			if l.Kind == "RESYNC" {
				t.Fatalf("RESYNC after %d of %d events", len(seqs), n)
			}
			seq, _ := strconv.Atoi(l.Sequence)
			seqs = append(seqs, seq)
		case <-deadline:
			t.Fatalf("%d of %d events received", len(seqs), n)
		}
	}
	for i, seq := range seqs {
		if seq != 1_000_000+i {
			t.Fatalf("event %d has sequence %d, want %d (in order, none lost)", i, seq, 1_000_000+i)
		}
	}
	if d := e.app.Hub.Dropped.Load() - dropped0; d != 0 {
		t.Errorf("%d events dropped", d)
	}
}

// TestLiveBatchReload: the TICKET events of one outbox batch are reloaded with one query per
// viewer class — a P1 agent and a C1 key user on the queue, six C1 tickets changed in one batch:
// two queries (not twelve) — and each subscriber still gets every event, in order.
func TestLiveBatchReload(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1 := e.token(w, "C1.KEY_USER")
	queues := queueSubscribers(t, e, w, "P1.AGENT", "C1.KEY_USER")
	subs := []chan json.RawMessage{queues["P1.AGENT"], queues["C1.KEY_USER"]}
	var batch []outbox.Event
	var created, want []string
	for i := range 6 {
		title := fmt.Sprintf("Batch %d", i)
		tk := e.create(c1, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
		batch = append(batch, outbox.Event{ID: 2_000_000 + i, Object: outboxevent.ObjectTypeTICKET, Action: outboxevent.ActionUPDATED,
			ObjectID: mustID(tk.ID), TicketID: mustID(tk.ID), OrganizationID: w.orgs["C1"].ID})
		created = append(created, "TICKET_CREATED "+title)
		want = append(want, "TICKET_UPDATED "+title)
	}
	for i, next := range subs {
		assertLabels(t, fmt.Sprint("subscriber ", i, " (creates)"), collect(t, "queueUpdated", next, "Batch 5"), created)
	}
	q0, loads0 := e.app.Hub.LoadQueries.Load(), e.app.Hub.Loads.Load()
	e.app.Hub.Publish(batch)
	for i, next := range subs {
		assertLabels(t, fmt.Sprint("subscriber ", i), collect(t, "queueUpdated", next, "Batch 5"), want)
	}
	if q, loads := e.app.Hub.LoadQueries.Load()-q0, e.app.Hub.Loads.Load()-loads0; q != 2 || loads != 12 {
		t.Errorf("%d queries for %d reloads, want 2 queries (one per viewer class) for 12", q, loads)
	}
}

// TestLiveRenderSharedAcrossRoles: a ticket change whose operation reads only the reloaded
// ticket's own fields is serialised once for all the staff roles of one organisation (their
// viewer classes differ by role, but they see the same ticket row), and each of them receives the
// same bytes; an operation that resolves anything through a method or resolver (the ticket's
// customer edge here) is serialised once per viewer class, as the role could matter there.
func TestLiveRenderSharedAcrossRoles(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1 := e.token(w, "C1.KEY_USER")
	staff := []string{"P1.SERVICE_DESK", "P1.AGENT", "P1.SERVICE_DELIVERY_MANAGER", "P1.ADMIN"}
	for _, tc := range []struct {
		name, fields, want string
		shares             int64
	}{
		{"own fields", `{ kind ticket{ title status } }`,
			`{"queueUpdated":{"kind":"TICKET_CREATED","ticket":{"title":"Shared own fields","status":"NEW"}}}`, 1},
		{"an edge", `{ kind ticket{ title customer{ name } } }`,
			// once per role, and once more for the first case's sockets, still open
			`{"queueUpdated":{"kind":"TICKET_CREATED","ticket":{"title":"Shared an edge","customer":{"name":"C1"}}}}`, int64(len(staff)) + 1},
	} {
		subs := queueSubscribersWith(t, e, w, tc.fields, staff...)
		shares0 := e.app.Hub.Shares.Load()
		e.create(c1, map[string]any{"title": "Shared " + tc.name, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
		for _, who := range staff {
			select {
			case raw := <-subs[who]:
				var r struct{ Data json.RawMessage }
				if err := json.Unmarshal(raw, &r); err != nil || string(r.Data) != tc.want {
					t.Errorf("%s, %s received %s, want data %s", tc.name, who, raw, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: %s received nothing", tc.name, who)
			}
		}
		if n := e.app.Hub.Shares.Load() - shares0; n != tc.shares {
			t.Errorf("%s: %d serialisations for %d staff roles, want %d", tc.name, n, len(staff), tc.shares)
		}
	}
}

// TestLiveRenderSharedAcrossFilters: subscriptions of one viewer class whose results have the
// same shape share one serialisation of an event whatever their root field's arguments (the
// filter only chooses the events) and operation names; a different selection, a variable the
// selection reads, or another alias each get their own — and every socket receives exactly its
// own bytes.
func TestLiveRenderSharedAcrossFilters(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	const (
		plain    = `{"queueUpdated":{"kind":"TICKET_CREATED","ticket":{"title":"Shapes"}}}`
		status   = `{"queueUpdated":{"kind":"TICKET_CREATED","ticket":{"title":"Shapes","status":"NEW"}}}`
		aliased  = `{"q":{"kind":"TICKET_CREATED","ticket":{"title":"Shapes"}}}`
		filtered = `subscription($f: QueueFilter){ queueUpdated(filter: $f){ kind ticket{ title } } }`
		included = `subscription($f: QueueFilter, $st: Boolean!){ queueUpdated(filter: $f){ kind ticket{ title status @include(if: $st) } } }`
	)
	cases := []struct {
		query string
		vars  map[string]any
		want  string
	}{
		{`subscription { queueUpdated { kind ticket{ title } } }`, nil, plain},
		{filtered, map[string]any{"f": map[string]any{"customerID": gidOf(w.orgs["C1"].ID)}}, plain},
		{`subscription Named($f: QueueFilter){ queueUpdated(filter: $f){ kind ticket{ title } } }`, map[string]any{"f": map[string]any{"priorities": []string{"P3"}}}, plain},
		{included, map[string]any{"st": true}, status},
		{included, map[string]any{"f": map[string]any{"priorities": []string{"P3"}}, "st": false}, plain},
		{`subscription { q: queueUpdated { kind ticket{ title } } }`, nil, aliased},
	}
	e.settleLive()
	n0 := e.app.Hub.Subscribers()
	streams := make([]chan json.RawMessage, len(cases))
	for i, c := range cases {
		s, err := e.dialWS(agent, nil)
		if err != nil {
			t.Fatal(err)
		}
		streams[i], _ = s.subscribe("s", c.query, c.vars)
	}
	waitSubscribed(t, e, n0+len(cases))
	shares0 := e.app.Hub.Shares.Load()
	e.create(c1, map[string]any{"title": "Shapes", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	for i, c := range cases {
		select {
		case raw := <-streams[i]:
			var r struct{ Data json.RawMessage }
			if err := json.Unmarshal(raw, &r); err != nil || string(r.Data) != c.want {
				t.Errorf("subscription %d received %s, want data %s", i, raw, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("subscription %d received nothing", i)
		}
	}
	// The first three share one; the @include with true, with false, and the alias one each.
	if n := e.app.Hub.Shares.Load() - shares0; n != 4 {
		t.Errorf("%d serialisations for %d subscriptions, want 4", n, len(cases))
	}
}

// TestOwnRenderingOfErrors: subscriptions of one shape share a rendering, but one with errors
// belongs to the operation text it was executed for (an error's locations point into it):
// ownRendering executes the event again for a subscription of another text, and keeps a
// rendering without errors or of the same text (found in review; no field of a live event fails
// at execution with the seeded data, so the executor here answers with an error located by the
// text it is given).
func TestOwnRenderingOfErrors(t *testing.T) {
	x := sharedExecutor{locatingExecutor{}}
	ev := &live.Event{Kind: "TICKET_CREATED"}
	a := &graphql.OperationContext{RawQuery: "subscription { a }"}
	b := &graphql.OperationContext{RawQuery: "subscription {\n  a\n}"}
	shared, _, err := x.execute(context.Background(), a, ev)
	if err != nil {
		t.Fatal(err)
	}
	if own := x.ownRendering(context.Background(), a, shared); own != shared {
		t.Errorf("the same text got another rendering: %s", own.payload)
	}
	own := x.ownRendering(context.Background(), b, shared)
	if want := `{"errors":[{"message":"failed","locations":[{"line":2,"column":3}]}],"data":null}`; string(own.payload) != want {
		t.Errorf("another text got %s, want %s", own.payload, want)
	}
	clean := &rendered{resp: &graphql.Response{Data: []byte(`{}`)}, payload: []byte(`{"data":{}}`), query: a.RawQuery, ev: ev}
	if got := x.ownRendering(context.Background(), b, clean); got != clean {
		t.Errorf("a rendering without errors was made again: %s", got.payload)
	}
}

// locatingExecutor answers every operation with one error located at the last line of its text.
type locatingExecutor struct{ graphql.GraphExecutor }

func (locatingExecutor) DispatchOperation(ctx context.Context, rc *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	lines := strings.Split(rc.RawQuery, "\n")
	line := len(lines) - 1
	if line == 0 {
		line = 1
	}
	col := len(lines[line-1]) - len(strings.TrimLeft(lines[line-1], " ")) + 1
	err := &gqlerror.Error{Message: "failed", Locations: []gqlerror.Location{{Line: line, Column: col}}}
	return func(context.Context) *graphql.Response {
		return &graphql.Response{Errors: gqlerror.List{err}, Data: []byte("null")}
	}, ctx
}

// queueSubscribers opens a socket per login of the seeded world with an unfiltered
// queueUpdated subscription on each (after the hub has published what was written before), and
// returns their "next" channels by login once the hub holds them all.
func queueSubscribers(t *testing.T, e *env, w *world, logins ...string) map[string]chan json.RawMessage {
	t.Helper()
	return queueSubscribersWith(t, e, w, liveFields, logins...)
}

// queueSubscribersWith is queueSubscribers with the selection fields of queueUpdated.
func queueSubscribersWith(t *testing.T, e *env, w *world, fields string, logins ...string) map[string]chan json.RawMessage {
	t.Helper()
	e.settleLive()
	subs, n0 := map[string]chan json.RawMessage{}, e.app.Hub.Subscribers()
	for _, who := range logins {
		s, err := e.dialWS(e.token(w, who), nil)
		if err != nil {
			t.Fatal(err)
		}
		subs[who], _ = s.subscribe("q", `subscription { queueUpdated `+fields+` }`, nil)
	}
	waitSubscribed(t, e, n0+len(logins))
	return subs
}

// waitSubscribed waits until the instance's hub holds n subscriptions: a subscribe message is
// answered asynchronously, and events before its registration are not the subscriber's.
func waitSubscribed(t *testing.T, e *env, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); e.app.Hub.Subscribers() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscriptions registered, want %d", e.app.Hub.Subscribers(), n)
		}
	}
}

// TestFrameConnFraming: messages framed by frameConn (every length class of the header: 7-bit,
// 16-bit, 64-bit) reach a WebSocket client whole and in order while the client pings the
// server throughout (the library's pong frames go through the same connection), and after the
// library's close frame no data frame is written.
func TestFrameConnFraming(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 127, 1000, 65535, 65536, 70000}
	var msgs [][]byte
	for i := range 120 {
		n := sizes[i%len(sizes)]
		msgs = append(msgs, bytes.Repeat([]byte{byte('a' + i%26)}, n))
	}
	afterClose := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := &socket{}
		ws, err := websocket.Accept(frameWriter{w, s}, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		// The reader answers the client's pings until the client says it is done.
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, m, err := ws.Read(context.Background()); err != nil || string(m) != "done" {
				t.Errorf("server read %q, %v", m, err)
			}
		}()
		for i := 0; i < len(msgs); i += 3 {
			if err := s.fc.writeText(msgs[i]); err != nil {
				t.Error(err)
				return
			}
			batch := []next{{[]byte(`"a"`), msgs[i+1]}, {[]byte(`"b"`), msgs[i+2]}}
			if err := s.fc.writeNexts(batch); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond) // pings come in between
		}
		<-done
		_ = ws.Close(websocket.StatusNormalClosure, "done")
		afterClose <- s.fc.writeText([]byte("late"))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	pinged := make(chan int, 1)
	go func() {
		n := 0
		for range 30 {
			if err := c.Ping(ctx); err != nil {
				t.Error(err)
				break
			}
			n++
		}
		pinged <- n
		_ = c.Write(ctx, websocket.MessageText, []byte("done"))
	}()
	for i, m := range msgs {
		typ, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		want := m
		switch i % 3 {
		case 1:
			want = next{[]byte(`"a"`), m}.appendMessage(nil)
		case 2:
			want = next{[]byte(`"b"`), m}.appendMessage(nil)
		}
		if typ != websocket.MessageText || !bytes.Equal(got, want) {
			t.Fatalf("message %d: %v of %d bytes, want text of %d", i, typ, len(got), len(want))
		}
	}
	// Reading on answers the remaining pings; then the server closes.
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("after the messages: %v, want the close frame", err)
	}
	if n := <-pinged; n != 30 {
		t.Errorf("%d of 30 pings answered", n)
	}
	if err := <-afterClose; !errors.Is(err, net.ErrClosed) {
		t.Errorf("write after the close frame: %v, want net.ErrClosed", err)
	}
}

// discardConn takes every write at once.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }

// TestEnqueueWaitsForRoom: a writer that waits for room in a full queue gets it when the
// socket's writer empties the queue, even when the socket's writer takes and writes the whole
// queue between the waiter's finding it full and its looking again (enqueueFullHook holds the
// waiter there until the write is done). The waiter used to wait then for the next write, which
// an empty queue never starts (found in review: it hung within 34,000–150,000 rounds of a stress
// test).
func TestEnqueueWaitsForRoom(t *testing.T) {
	fr := next{[]byte(`"1"`), []byte(`{}`)}
	s := &socket{}
	s.frames.done = make(chan struct{})
	defer close(s.frames.done)
	s.fc = &frameConn{Conn: discardConn{}}
	found := make(chan struct{})
	enqueueFullHook = func(s *socket) {
		close(found)
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			s.frames.mu.Lock()
			written := s.frames.written
			s.frames.mu.Unlock()
			if written == frameQueue || time.Now().After(deadline) {
				return
			}
		}
	}
	defer func() { enqueueFullHook = nil }()
	// A full queue whose writer has not run yet.
	s.frames.started = true
	s.frames.wake = make(chan struct{}, 1)
	s.frames.flushed = make(chan struct{})
	for range frameQueue {
		s.frames.q = append(s.frames.q, fr)
	}
	s.frames.queued = frameQueue
	done := make(chan error, 1)
	go func() { done <- s.enqueue(fr, true) }()
	select {
	case <-found:
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter never found the queue full")
	}
	// Now the writer takes the queue and writes it while the waiter is in the hook.
	s.frames.wake <- struct{}{}
	go s.writeFrames()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter waited for a write that never came")
	}
	s.drain()
	s.frames.mu.Lock()
	defer s.frames.mu.Unlock()
	if s.frames.written != frameQueue+1 {
		t.Errorf("%d frames written, want %d", s.frames.written, frameQueue+1)
	}
}
