package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/outboxevent"

	"github.com/coder/websocket"
)

// wsClient is a small graphql-transport-ws client for tests: it answers pings, collects "next"
// payloads per subscription id and remembers how the server closed the socket.
type wsClient struct {
	t    testing.TB
	conn *websocket.Conn
	mu   sync.Mutex
	subs map[string]chan json.RawMessage
	errs map[string]chan json.RawMessage
	done chan struct{}
	// closeCode is the server's close status once done is closed.
	closeCode   websocket.StatusCode
	closeReason string
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// settleLive waits until the instance's hub has published every outbox row written so far, so
// that a subscription opened next receives only what changes after it: the stream reads a
// commit asynchronously, and a row read after the subscription registered would reach it. Tests
// that count a request's statements settle first too: the stream's delivery of earlier writes
// (read up to Coalesce later) invalidates the viewer and terms caches, and a cache emptied during
// the measured request costs it the statements of a reload.
func (e *env) settleLive() {
	e.t.Helper()
	ids, err := e.app.DB.Client.OutboxEvent.Query().Order(ent.Desc(outboxevent.FieldID)).Limit(1).IDs(trusted())
	if err != nil {
		e.t.Fatal(err)
	}
	if len(ids) == 0 {
		return
	}
	for deadline := time.Now().Add(5 * time.Second); e.app.Hub.Published.Load() < int64(ids[0]); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			e.t.Fatalf("the hub published up to %d, the outbox holds %d", e.app.Hub.Published.Load(), ids[0])
		}
	}
}

// dialWS connects to the env's /graphql and completes connection_init with token; an error
// is returned when the server refuses the handshake or the init.
func (e *env) dialWS(token string, header http.Header) (*wsClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(4 << 20)
	c := &wsClient{t: e.t, conn: conn, subs: map[string]chan json.RawMessage{}, errs: map[string]chan json.RawMessage{}, done: make(chan struct{})}
	if err := c.send(wsMsg{Type: "connection_init", Payload: mustJSON(map[string]any{"authorization": "Bearer " + token})}); err != nil {
		return nil, err
	}
	_, b, err := conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	var ack wsMsg
	if json.Unmarshal(b, &ack); ack.Type != "connection_ack" {
		return nil, errors.New("no ack: " + string(b))
	}
	go c.loop()
	e.t.Cleanup(func() { c.conn.CloseNow() })
	return c, nil
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func (c *wsClient) send(m wsMsg) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.conn.Write(ctx, websocket.MessageText, mustJSON(m))
}

func (c *wsClient) loop() {
	defer close(c.done)
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			c.closeCode = websocket.CloseStatus(err)
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				c.closeReason = ce.Reason
			}
			return
		}
		var m wsMsg
		_ = json.Unmarshal(b, &m)
		switch m.Type {
		case "ping":
			_ = c.send(wsMsg{Type: "pong"})
		case "next", "error":
			c.mu.Lock()
			ch := c.subs[m.ID]
			if m.Type == "error" {
				ch = c.errs[m.ID]
			}
			c.mu.Unlock()
			if ch != nil {
				ch <- m.Payload
			}
		}
	}
}

// subscribe starts a subscription and returns its stream of "next" payloads.
func (c *wsClient) subscribe(id, query string, vars map[string]any) (next, errs chan json.RawMessage) {
	c.t.Helper()
	next, errs = make(chan json.RawMessage, 1000), make(chan json.RawMessage, 10)
	c.mu.Lock()
	c.subs[id], c.errs[id] = next, errs
	c.mu.Unlock()
	if err := c.send(wsMsg{ID: id, Type: "subscribe", Payload: mustJSON(map[string]any{"query": query, "variables": vars})}); err != nil {
		c.t.Fatal(err)
	}
	return next, errs
}

// stop completes a subscription.
func (c *wsClient) stop(id string) {
	if err := c.send(wsMsg{ID: id, Type: "complete"}); err != nil {
		c.t.Fatal(err)
	}
}

// waitClosed waits until the server closed the socket and returns its status code.
func (c *wsClient) waitClosed(d time.Duration) websocket.StatusCode {
	c.t.Helper()
	select {
	case <-c.done:
		return c.closeCode
	case <-time.After(d):
		c.t.Fatalf("socket still open after %v", d)
		return 0
	}
}
