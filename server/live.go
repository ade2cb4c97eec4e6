package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"supportdesk/internal/apperr"
	"supportdesk/internal/live"
	"supportdesk/internal/viewer"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Close codes of the live WebSocket: 4403 when the token expired (graphql-transport-ws's
// "Forbidden"), 1001 when the instance shuts down (the client reconnects elsewhere).
const (
	closeExpired   = 4403
	closeGoingAway = 1001
	closeInternal  = 1011
)

// Limits of one live connection.
const (
	wsInitTimeout      = 10 * time.Second
	wsReadLimit        = 64 << 10
	wsPingInterval     = 25 * time.Second
	wsMaxSubscriptions = 50
)

// socket is one live connection: its close code, cancel and expiry timer.
type socket struct {
	mu     sync.Mutex
	conn   transport.WebsocketConn
	cancel context.CancelFunc
	code   int
	reason string
	timer  *time.Timer
	userID int
	closed bool

	// ws is the connection once accepted; pending the subscribe message read last, and ids the
	// subscription id of each operation context it became (see sharedExecutor).
	ws      *websocket.Conn
	pending subscribeMsg
	ids     map[*graphql.OperationContext]string

	// fc is the connection under ws (frameWriter), frames the queue of "next" messages.
	fc     *frameConn
	frames frames
}

// subscribeMsg is what sharedExecutor needs of a graphql-transport-ws subscribe message.
type subscribeMsg struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Payload struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	} `json:"payload"`
}

// correlate gives rc the id of the subscribe message it was made from. The transport reads a
// message and creates its operation context before it reads the next one, so the message read
// last is rc's; the query and operation name must match all the same, or rc gets no id (and its
// events go the executor's way).
func (s *socket) correlate(rc *graphql.OperationContext, p *graphql.RawParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.pending
	s.pending = subscribeMsg{}
	if rc == nil || rc.Operation == nil || rc.Operation.Operation != ast.Subscription || m.Type != "subscribe" ||
		m.ID == "" || m.Payload.Query != p.Query || m.Payload.OperationName != p.OperationName {
		return
	}
	if s.ids == nil {
		s.ids = map[*graphql.OperationContext]string{}
	}
	s.ids[rc] = m.ID
}

// takeID returns and forgets the subscription id of rc.
func (s *socket) takeID(rc *graphql.OperationContext) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.ids[rc]
	delete(s.ids, rc)
	return id, ok && s.ws != nil && s.ws.Subprotocol() == "graphql-transport-ws"
}

// writeNext writes a "next" message with a payload serialised beforehand, byte for byte what
// the transport would write.
func (s *socket) writeNext(quotedID, payload []byte) error {
	// Queued for the socket's writer (livewriter.go). A socket that takes nothing blocks only
	// this subscription once its queue is full, which the hub then resyncs.
	return s.enqueue(next{quotedID, payload}, true)
}

// offerNexts queues "next" messages of the subscription quotedID, one per *rendered in vs (made
// the subscription's own by own), without waiting: it returns how many the socket's queue took
// (the first n), with live.ErrFull when that is fewer than all.
func (s *socket) offerNexts(quotedID []byte, vs []any, own func(*rendered) *rendered) (int, error) {
	mine := vs // copied only when a value is replaced (the hub reuses vs)
	for i, v := range vs {
		if o := own(v.(*rendered)); any(o) != v {
			if &mine[0] == &vs[0] {
				mine = slices.Clone(vs)
			}
			mine[i] = o
		}
	}
	return s.enqueueAll(len(mine), func(i int) next { return next{quotedID, mine[i].(*rendered).payload} })
}

// closeWith closes the connection with code and reason: by cancelling its context after
// initialisation (the transport then closes it, with our code), or directly before.
func (s *socket) closeWith(code int, reason string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.code, s.reason = code, reason
	cancel, conn := s.cancel, s.conn
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	switch {
	case cancel != nil:
		cancel()
	case conn != nil:
		_ = conn.WriteClose(code, reason)
		_ = conn.Close()
	}
}

// sockets is the registry of an instance's open connections, closed on shutdown.
type sockets struct {
	mu  sync.Mutex
	set map[*socket]struct{}
	wg  sync.WaitGroup
}

func (r *sockets) add(s *socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set == nil {
		r.set = map[*socket]struct{}{}
	}
	r.set[s] = struct{}{}
	r.wg.Add(1)
}

func (r *sockets) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.set)
}

func (r *sockets) remove(s *socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.set, s)
	r.wg.Done()
}

// CloseAll closes every open socket with 1001 "going away" and waits until they are gone or
// ctx ends.
func (r *sockets) CloseAll(ctx context.Context) {
	r.mu.Lock()
	all := make([]*socket, 0, len(r.set))
	for s := range r.set {
		all = append(all, s)
	}
	r.mu.Unlock()
	for _, s := range all {
		s.closeWith(closeGoingAway, "going away")
	}
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

type socketKey struct{}

// websocketUpgrade refuses upgrades from origins outside the CORS list and gives every
// accepted connection its socket record. Requests without an Origin header (no browser) pass:
// the token in connection_init is what authenticates.
func (a *App) websocketUpgrade(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			next.ServeHTTP(w, r)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !a.originAllowed(o) {
			http.Error(w, "origin not allowed", http.StatusForbidden)
			return
		}
		s := &socket{}
		s.frames.done = make(chan struct{})
		defer close(s.frames.done)
		a.sockets.add(s)
		defer a.sockets.remove(s)
		next.ServeHTTP(frameWriter{w, s}, r.WithContext(context.WithValue(r.Context(), socketKey{}, s)))
		s.mu.Lock()
		if s.timer != nil {
			s.timer.Stop()
		}
		cancel := s.cancel
		s.mu.Unlock()
		if cancel != nil {
			cancel()
		}
	})
}

func (a *App) originAllowed(origin string) bool {
	return slices.Contains(a.Cfg.CORSOrigins, "*") || slices.ContainsFunc(a.Cfg.CORSOrigins, func(o string) bool {
		return strings.EqualFold(o, origin)
	})
}

// websocketTransport is the graphql-transport-ws transport of /graphql, its subscriptions
// serialised once per audience (sharedExecutor).
func (a *App) websocketTransport() graphql.Transport {
	limit := int64(wsReadLimit)
	return sharedTransport{transport.Websocket{
		// The origin was checked by websocketUpgrade against the CORS list.
		Implementation:        socketImplementation{websocket.AcceptOptions{InsecureSkipVerify: true}},
		InitFunc:              a.websocketInit,
		InitTimeout:           wsInitTimeout,
		PingPongInterval:      wsPingInterval,
		KeepAlivePingInterval: wsPingInterval,
		PayloadReadLimit:      &limit,
	}}
}

// sharedTransport is the WebSocket transport with sharedExecutor in front of the executor.
type sharedTransport struct{ transport.Websocket }

// Do implements graphql.Transport.
func (t sharedTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.Websocket.Do(w, r, sharedExecutor{exec})
}

// sharedExecutor makes the fan-out cost proportional to audiences, not subscribers. A
// subscription is opened as usual (arguments, visibility checks, errors: all gqlgen's), but its
// events are then taken here rather than by the executor: each event is executed against the
// operation once per audience — subscriptions of one viewer class (the event was reloaded under
// that class, live.Event.Shared) with the same operation text, operation name and variables —
// and serialised once; every member's socket gets the same bytes, written by the subscription's
// own goroutine straight to the connection (graphql-transport-ws; with another subprotocol the
// transport writes the shared response). Tenancy stays exact because the class is the viewer's
// whole privacy scope (viewer.ScopeKey), the per-user source of notifications, and the user
// itself when the operation selects user-scoped objects.
type sharedExecutor struct{ graphql.GraphExecutor }

// CreateOperationContext implements graphql.GraphExecutor.
func (x sharedExecutor) CreateOperationContext(ctx context.Context, p *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	rc, err := x.GraphExecutor.CreateOperationContext(ctx, p)
	if s, _ := ctx.Value(socketKey{}).(*socket); s != nil {
		s.correlate(rc, p)
	}
	return rc, err
}

// rendered is one event executed and serialised for an audience.
type rendered struct {
	resp    *graphql.Response
	payload []byte
	// query is the text of the operation executed, ev the event: a response with errors is
	// only its own query's (an error's locations point into that text), and ownRendering makes
	// another one for a subscription of the same shape but another text.
	query string
	ev    *live.Event
}

// DispatchOperation implements graphql.GraphExecutor.
func (x sharedExecutor) DispatchOperation(ctx context.Context, rc *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	if rc.Operation == nil || rc.Operation.Operation != ast.Subscription || live.Replaying(ctx) {
		return x.GraphExecutor.DispatchOperation(ctx, rc)
	}
	base := ctx
	key := audienceKey(base, rc)
	watchPurity(rc)
	own := func(r *rendered) *rendered { return x.ownRendering(base, rc, r) }
	render := func(ctx context.Context, ev *live.Event) (*rendered, error) {
		v, err := ev.Shared(ctx, key, func() (any, bool, error) { return x.execute(base, rc, ev) })
		r, _ := v.(*rendered)
		if err == nil && r == nil {
			err = errors.New("nothing rendered")
		}
		if err == nil {
			r = own(r)
		}
		return r, err
	}
	ctx, capture := live.WithCapture(ctx)
	s, _ := ctx.Value(socketKey{}).(*socket)
	direct := false
	if s != nil {
		var id string
		id, direct = s.takeID(rc)
		if direct {
			quoted, _ := json.Marshal(id)
			subCtx := ctx
			capture.Deliver = func(ev *live.Event) error {
				r, err := render(subCtx, ev)
				if err != nil {
					return subCtx.Err() // a failed execution skips the event; an ended wait ends
				}
				return s.writeNext(quoted, r.payload)
			}
			// From the hub's publishing goroutine: rendered once per audience (not under this
			// subscription's context, which may be ending while others wait for the value).
			capture.Audience = key
			capture.Render = func(ev *live.Event) (any, error) { return render(context.Background(), ev) }
			capture.Offer = func(vs []any) (int, error) { return s.offerNexts(quoted, vs, own) }
		}
	}
	responses, ctx := x.GraphExecutor.DispatchOperation(ctx, rc)
	events := capture.Events()
	if events == nil {
		return responses, ctx // refused: the executor answers with its errors
	}
	if direct {
		// Deliver writes the events; the transport only waits for the end, and for the
		// subscription's queued frames, so that its "complete" comes after them.
		return func(ctx context.Context) *graphql.Response {
			select {
			case <-ctx.Done():
			case <-events:
			}
			s.drain()
			return nil
		}, ctx
	}
	return func(ctx context.Context) *graphql.Response {
		for {
			var ev *live.Event
			select {
			case <-ctx.Done():
				return nil
			case e, ok := <-events:
				if !ok {
					return nil
				}
				ev = e
			}
			if r, err := render(ctx, ev); err == nil {
				return r.resp
			}
		}
	}, ctx
}

// replayTimeout bounds one shared execution.
const replayTimeout = 10 * time.Second

// execute runs the subscription operation for ev alone under the context it was opened with
// (its viewer), without that subscription's cancellation (other members wait for the result),
// and serialises the response as the transport would. pure says that no field of the execution
// but the subscription's own was resolved by a resolver or a method (watchPurity): the bytes
// come from the event's object and the operation alone (live.Event.Shared).
func (x sharedExecutor) execute(ctx context.Context, rc *graphql.OperationContext, ev *live.Event) (r *rendered, pure bool, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replayTimeout)
	defer cancel()
	impure := new(atomic.Bool)
	ctx = context.WithValue(ctx, purityKey{}, impure)
	responses, ctx := x.GraphExecutor.DispatchOperation(live.WithReplay(ctx, ev), rc)
	resp := responses(ctx)
	if resp == nil {
		return nil, false, errors.New("no response")
	}
	payload, err := json.Marshal(resp)
	if err != nil {
		return nil, false, err
	}
	return &rendered{resp: resp, payload: payload, query: rc.RawQuery, ev: ev}, !impure.Load() && len(resp.Errors) == 0, nil
}

// ownRendering is r, or when r carries errors and was made for another operation text (the
// audience shares renderings by the result's shape, subscriptionShape), the event executed for
// rc itself: an error's locations point into the text that was executed. Errors are rare; the
// shared bytes are kept should the execution fail.
func (x sharedExecutor) ownRendering(ctx context.Context, rc *graphql.OperationContext, r *rendered) *rendered {
	if r == nil || len(r.resp.Errors) == 0 || r.query == rc.RawQuery {
		return r
	}
	if o, _, err := x.execute(ctx, rc, r.ev); err == nil {
		return o
	}
	return r
}

type purityKey struct{}

// watchPurity makes rc's field middleware flag, in an execution that asks (execute), every field
// not read straight off its parent object: a resolver or a method may read the viewer (its role,
// its user) or query under it, a plain field of an object reloaded under the viewer's scope only
// holds what that scope sees. The subscription field itself is the event's (replayed) and does
// not count. The schema has no field directives that could read the viewer on their own.
func watchPurity(rc *graphql.OperationContext) {
	next := rc.ResolverMiddleware
	rc.ResolverMiddleware = func(ctx context.Context, resolve graphql.Resolver) (any, error) {
		if impure, _ := ctx.Value(purityKey{}).(*atomic.Bool); impure != nil {
			if fc := graphql.GetFieldContext(ctx); fc == nil || (fc.Object != "Subscription" && (fc.IsMethod || fc.IsResolver)) {
				impure.Store(true)
			}
		}
		if next == nil {
			return resolve(ctx)
		}
		return next(ctx, resolve)
	}
}

// audienceKey names what, besides the viewer class, decides a subscription's bytes: the shape of
// its result (subscriptionShape) and the variables that shape uses, and the user when the
// operation selects objects that are the user's own whatever the role (notifications and their
// preferences).
func audienceKey(ctx context.Context, rc *graphql.OperationContext) string {
	shape, names := subscriptionShape(rc)
	used := rc.Variables
	if names != nil {
		used = map[string]any{}
		for _, n := range names {
			if v, ok := rc.Variables[n]; ok {
				used[n] = v
			}
		}
	}
	vars, _ := json.Marshal(used)
	h := sha256.New()
	for _, part := range []string{shape, string(vars)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	if v := viewer.FromContext(ctx); v != nil && selectsUserScoped(rc.Operation.SelectionSet, map[string]bool{}) {
		fmt.Fprintf(h, "user/%d", v.UserID)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// subscriptionShape is what decides the bytes of a subscription's events apart from the event
// and the viewer: its root field (name and alias) with its selection, directives and fragments,
// printed, without the root field's arguments and the operation's name, and the variables that
// shape may read (those named in it; names is nil: all of them). The arguments only choose
// which events a subscription gets (live.Service's match and keep) — an event is rendered by
// replaying it, and no resolver of the subscription reads them then — so a queue subscription
// filtered to one customer and an unfiltered one selecting the same fields share their
// rendering. An operation of another form keeps its whole text.
func subscriptionShape(rc *graphql.OperationContext) (shape string, names []string) {
	op := rc.Operation
	if len(op.SelectionSet) != 1 || len(op.Directives) > 0 {
		return rc.RawQuery + "\x00" + rc.OperationName, nil
	}
	root, ok := op.SelectionSet[0].(*ast.Field)
	if !ok {
		return rc.RawQuery + "\x00" + rc.OperationName, nil
	}
	field := *root
	field.Arguments = nil
	doc := &ast.QueryDocument{
		Operations: ast.OperationList{{Operation: op.Operation, SelectionSet: ast.SelectionSet{&field}}},
		Fragments:  rc.Doc.Fragments,
	}
	var b strings.Builder
	formatter.NewFormatter(&b).FormatQueryDocument(doc)
	shape = b.String()
	names = []string{}
	for _, d := range op.VariableDefinitions {
		// A name that is another's prefix may match where only the longer one is used: one
		// variable too many in the key, never one too few.
		if strings.Contains(shape, "$"+d.Variable) {
			names = append(names, d.Variable)
		}
	}
	return shape, names
}

// selectsUserScoped reports whether set reaches a type whose rows are scoped to the user
// rather than to the viewer's organisation and role (rule.NotificationScope and the
// preference rule; viewer.ScopeKey leaves the user out for those).
func selectsUserScoped(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Definition != nil && strings.HasPrefix(s.Definition.Type.Name(), "Notification") {
				return true
			}
			if selectsUserScoped(s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if selectsUserScoped(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if selectsUserScoped(s.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}

// websocketInit authenticates connection_init with the same token rules as HTTP, arms the
// expiry and limits the connection's subscriptions.
func (a *App) websocketInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	s, _ := ctx.Value(socketKey{}).(*socket)
	if s == nil {
		return ctx, nil, errors.New("internal: no socket")
	}
	token := p.Authorization()
	if t, ok := p["token"].(string); ok && token == "" {
		token = t
	}
	token = strings.TrimPrefix(token, "Bearer ")
	if token == "" {
		return transport.WithWebsocketCloseCode(ctx, closeExpired), nil, errors.New("authentication required")
	}
	userID, exp, err := a.Tokens.Verify(ctx, token)
	var v *viewer.Viewer
	if err == nil {
		v, err = a.Viewers.Load(ctx, a.DB.Client, userID)
		if err != nil && apperr.CodeOf(err) != apperr.Unauthenticated {
			// The token is good but the user could not be loaded (the database failed): 1011,
			// so the client reconnects instead of signing out.
			a.Log.ErrorContext(ctx, "load viewer", "err", err)
			return transport.WithWebsocketCloseCode(ctx, closeInternal), nil, errors.New("temporarily unavailable")
		}
	}
	if err != nil {
		return transport.WithWebsocketCloseCode(ctx, closeExpired), nil, errors.New("invalid or expired token")
	}
	ctx, cancel := context.WithCancel(viewer.NewContext(ctx, v))
	ctx = live.WithLimit(ctx, wsMaxSubscriptions)
	ctx = live.WithRenew(ctx, func(ctx context.Context, token string) error { return a.renewSocket(ctx, s, token) })
	s.mu.Lock()
	s.cancel, s.userID = cancel, userID
	s.timer = time.AfterFunc(time.Until(exp), func() { s.closeWith(closeExpired, "token expired") })
	s.mu.Unlock()
	return ctx, nil, nil
}

// renewSocket moves the expiry of a socket to that of a fresh token of the same user.
func (a *App) renewSocket(ctx context.Context, s *socket, token string) error {
	userID, exp, err := a.Tokens.Verify(ctx, strings.TrimPrefix(token, "Bearer "))
	if err != nil {
		return apperr.E(apperr.Unauthenticated, "invalid or expired token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if userID != s.userID {
		return apperr.E(apperr.Forbidden, "the token belongs to another user")
	}
	if s.closed || !s.timer.Stop() {
		return apperr.E(apperr.Unauthenticated, "the connection has expired")
	}
	s.timer.Reset(time.Until(exp))
	return nil
}

// socketImplementation accepts connections with coder/websocket for the transport (as gqlgen's
// CoderWebsocketImplementation does) and keeps each one on its socket record: a close the
// transport starts for a cancelled context carries the socket's own code (4403, 1001) instead
// of 1000, and sharedExecutor writes pre-serialised frames to it.
type socketImplementation struct {
	options websocket.AcceptOptions
}

func (i socketImplementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	for key, values := range o.ResponseHeader {
		for _, v := range values {
			w.Header().Add(key, v)
		}
	}
	opts := i.options
	opts.Subprotocols = slices.Clone(opts.Subprotocols)
	for _, p := range o.Subprotocols {
		if !slices.Contains(opts.Subprotocols, p) {
			opts.Subprotocols = append(opts.Subprotocols, p)
		}
	}
	c, err := websocket.Accept(w, r, &opts)
	if err != nil {
		return nil, err
	}
	s, _ := r.Context().Value(socketKey{}).(*socket)
	if s == nil {
		s = &socket{}
	}
	sc := &socketConn{c: c, s: s}
	s.mu.Lock()
	s.ws, s.conn = c, sc
	s.mu.Unlock()
	return sc, nil
}

// socketConn is one accepted connection as the transport sees it.
type socketConn struct {
	c *websocket.Conn
	s *socket

	mu       sync.Mutex
	deadline *time.Timer
	closing  bool
}

func (c *socketConn) NextReader() (int, io.Reader, error) {
	typ, data, err := c.c.Read(context.Background())
	if err != nil {
		if st := websocket.CloseStatus(err); st == websocket.StatusNormalClosure || st == websocket.StatusNoStatusRcvd {
			return int(typ), nil, transport.ErrWebsocketClosed
		}
		return int(typ), nil, err
	}
	if bytes.Contains(data, []byte(`"subscribe"`)) {
		var m subscribeMsg
		if json.Unmarshal(data, &m) == nil && m.Type == "subscribe" {
			c.s.mu.Lock()
			c.s.pending = m
			c.s.mu.Unlock()
		}
	}
	return int(typ), bytes.NewReader(data), nil
}

func (c *socketConn) WriteJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	fc := c.s.fc
	c.s.mu.Unlock()
	if fc != nil {
		return fc.writeText(b) // framed here: the library writes control frames only (frameConn)
	}
	return c.c.Write(context.Background(), websocket.MessageText, b)
}

func (c *socketConn) WriteClose(code int, reason string) error {
	c.s.mu.Lock()
	if c.s.code != 0 {
		code, reason = c.s.code, c.s.reason
	}
	c.s.closed = true
	c.s.mu.Unlock()
	c.stopDeadline()
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return nil
	}
	c.closing = true
	c.mu.Unlock()
	// The close handshake waits for the peer (up to 5 s): not on the transport's goroutine.
	go func() { _ = c.c.Close(websocket.StatusCode(code), reason) }()
	return nil
}

func (c *socketConn) Close() error {
	c.stopDeadline()
	c.mu.Lock()
	closing := c.closing
	c.mu.Unlock()
	if closing {
		return nil // the handshake's goroutine closes the connection
	}
	return c.c.CloseNow()
}

func (c *socketConn) Subprotocol() string { return c.c.Subprotocol() }

// SetReadLimit and SetReadDeadline apply the transport's limits to the connection.
func (c *socketConn) SetReadLimit(n int64) { c.c.SetReadLimit(n) }

func (c *socketConn) SetReadDeadline(t time.Time) error {
	c.stopDeadline()
	if t.IsZero() {
		return nil
	}
	d := time.Until(t)
	if d <= 0 {
		return c.c.CloseNow()
	}
	c.mu.Lock()
	c.deadline = time.AfterFunc(d, func() { _ = c.c.CloseNow() })
	c.mu.Unlock()
	return nil
}

func (c *socketConn) stopDeadline() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deadline != nil {
		c.deadline.Stop()
		c.deadline = nil
	}
}

// Drain shuts srv down gracefully: open sockets close with 1001 "going away" while HTTP
// requests in flight finish; it returns when both are done or ctx ends.
func (a *App) Drain(ctx context.Context, srv *http.Server) error {
	done := make(chan struct{})
	go func() { defer close(done); a.sockets.CloseAll(ctx) }()
	err := srv.Shutdown(ctx)
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
