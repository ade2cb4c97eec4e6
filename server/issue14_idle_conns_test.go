package main

import (
	"context"
	"database/sql"
	"testing"

	"entgo.io/ent/dialect"
)

// TestIdleConnectionsLetGo: a server that turned quiet keeps two idle PostgreSQL connections
// (with their prepared statements) instead of a burst's twenty, and the next request gives the
// pool its idle slots back, so a new burst does not open and close a connection per query. On
// SQLite the pool is left alone.
func TestIdleConnectionsLetGo(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "P1.AGENT")
	pool := e.app.DB.SQL
	// hold takes n connections at once and returns them to the pool.
	hold := func(n int) {
		t.Helper()
		conns := make([]*sql.Conn, n)
		for i := range conns {
			c, err := pool.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := c.PingContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			conns[i] = c
		}
		for _, c := range conns {
			c.Close()
		}
	}
	hold(6)
	closed := pool.Stats().MaxIdleClosed
	e.app.DB.Quiet()
	if e.app.DB.Dialect != dialect.Postgres {
		if got := pool.Stats().MaxIdleClosed; got != closed {
			t.Fatalf("SQLite: Quiet closed %d idle connections", got-closed)
		}
		return
	}
	st := pool.Stats()
	if st.Idle > 2 || st.MaxIdleClosed-closed < 4 {
		t.Fatalf("quiet: %d idle, %d closed; want at most 2 idle, at least 4 of the 6 closed", st.Idle, st.MaxIdleClosed-closed)
	}
	// Still quiet: six connections returned at once leave two idle, the others are closed.
	hold(6)
	if st2 := pool.Stats(); st2.MaxIdleClosed-st.MaxIdleClosed < 4 {
		t.Fatalf("quiet: returning 6 connections closed %d", st2.MaxIdleClosed-st.MaxIdleClosed)
	}
	// A request wakes the pool: six returned at once all stay idle.
	var out struct {
		Me struct{ Email string }
	}
	e.ok(tok, `{ me { email } }`, nil, &out)
	if out.Me.Email == "" {
		t.Fatal("me: no email")
	}
	closed = pool.Stats().MaxIdleClosed
	hold(6)
	if st := pool.Stats(); st.MaxIdleClosed != closed || st.Idle < 6 {
		t.Fatalf("after a request: %d idle, %d closed; want 6 or more idle, none closed", st.Idle, st.MaxIdleClosed-closed)
	}
}
