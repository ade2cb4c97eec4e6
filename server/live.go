package main

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"supportdesk/internal/apperr"
	"supportdesk/internal/live"
	"supportdesk/internal/viewer"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
)

// Close codes of the live WebSocket: 4403 when the token expired (graphql-transport-ws's
// "Forbidden"), 1001 when the instance shuts down (the client reconnects elsewhere).
const (
	closeExpired   = 4403
	closeGoingAway = 1001
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
		a.sockets.add(s)
		defer a.sockets.remove(s)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), socketKey{}, s)))
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

// websocketTransport is the graphql-transport-ws transport of /graphql.
func (a *App) websocketTransport() *transport.Websocket {
	limit := int64(wsReadLimit)
	return &transport.Websocket{
		// The origin was checked by websocketUpgrade against the CORS list.
		Implementation:        socketImplementation{transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{InsecureSkipVerify: true}}},
		InitFunc:              a.websocketInit,
		InitTimeout:           wsInitTimeout,
		PingPongInterval:      wsPingInterval,
		KeepAlivePingInterval: wsPingInterval,
		PayloadReadLimit:      &limit,
	}
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

// socketImplementation wraps accepted connections so that a close the transport starts for
// a cancelled context carries the socket's own code (4403, 1001) instead of 1000.
type socketImplementation struct {
	inner transport.WebsocketImplementation
}

func (i socketImplementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := i.inner.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	s, _ := r.Context().Value(socketKey{}).(*socket)
	if s == nil {
		return c, nil
	}
	s.mu.Lock()
	s.conn = c
	s.mu.Unlock()
	return &socketConn{WebsocketConn: c, s: s}, nil
}

type socketConn struct {
	transport.WebsocketConn
	s *socket
}

func (c *socketConn) WriteClose(code int, reason string) error {
	c.s.mu.Lock()
	if c.s.code != 0 {
		code, reason = c.s.code, c.s.reason
	}
	c.s.closed = true
	c.s.mu.Unlock()
	return c.WebsocketConn.WriteClose(code, reason)
}

// SetReadLimit and SetReadDeadline pass the transport's limits on to the real connection.
func (c *socketConn) SetReadLimit(n int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(n)
	}
}

func (c *socketConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
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
