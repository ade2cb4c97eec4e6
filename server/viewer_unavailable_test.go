package main

import (
	"net/http"
	"testing"

	"github.com/coder/websocket"
)

// TestViewerLoadFailureKeepsSession: when a valid token's user cannot be loaded because the
// database fails, HTTP answers 503 INTERNAL (not 401, which tells a client to sign out) and the
// WebSocket closes with 1011 (not 4403); once the database is back the same token works.
func TestViewerLoadFailureKeepsSession(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "P1.AGENT")
	e.app.Viewers.Invalidate()
	e.dbDown.Store(true)
	r := e.do(tok, `{ me { email } }`, nil)
	_, wsErr := e.dialWS(tok, nil)
	e.dbDown.Store(false)
	if r.status != http.StatusServiceUnavailable || r.code() != "INTERNAL" {
		t.Fatalf("HTTP with the database down: status %d code %s", r.status, r.code())
	}
	if code := websocket.CloseStatus(wsErr); code != 1011 {
		t.Fatalf("WebSocket with the database down: %v (close %d), want 1011", wsErr, code)
	}
	var me struct{ Me struct{ Email string } }
	e.ok(tok, `{ me { email } }`, nil, &me)
	if me.Me.Email == "" {
		t.Fatal("no viewer after the database came back")
	}
	if _, err := e.dialWS(tok, nil); err != nil {
		t.Fatalf("WebSocket after the database came back: %v", err)
	}
	// A token that does not verify stays UNAUTHENTICATED with 401.
	if r := e.do(tok+"x", `{ me { email } }`, nil); r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
		t.Fatalf("bad token: status %d code %s", r.status, r.code())
	}
}
