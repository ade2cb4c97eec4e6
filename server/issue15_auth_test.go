package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// loginFrom posts a login from a given local address (127.0.0.x), returning the error code
// (empty on success), extensions.retryAfter and the Retry-After header.
func (e *env) loginFrom(addr, email, password string) (code string, retryAfter float64, header string) {
	e.t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, a)
	}}}
	body, _ := json.Marshal(map[string]any{"query": `mutation($e:String!,$p:String!){login(email:$e,password:$p){accessToken}}`,
		"variables": map[string]any{"e": email, "p": password}})
	resp, err := client.Post(e.srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		retryAfter, _ = out.Errors[0].Extensions["retryAfter"].(float64)
	}
	return out.code(), retryAfter, resp.Header.Get("Retry-After")
}

// TestIssue15LoginThrottle: 60 wrong passwords in a burst lock the account for this address
// after 6 failures (1 s, then doubling), answered RATE_LIMITED with Retry-After, the same for an
// unknown e-mail; the owner can still sign in from another address, and the lock ends.
func TestIssue15LoginThrottle(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	start := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	e.clock.Set(start)
	email := w.users["C1.KEY_USER"].Email
	for _, who := range []string{email, "nobody@test.example"} {
		var codes []string
		for i := 0; i < 60; i++ {
			code, ra, header := e.loginFrom("127.0.0.1", who, "wrong-password")
			codes = append(codes, code)
			if i >= 6 && (code != "RATE_LIMITED" || ra != 1 || header != "1") {
				t.Fatalf("%s attempt %d: %s retryAfter %v header %q", who, i+1, code, ra, header)
			}
		}
		for i := 0; i < 6; i++ {
			if codes[i] != "UNAUTHENTICATED" {
				t.Fatalf("%s attempt %d: %s", who, i+1, codes[i])
			}
		}
	}
	// The right password is not even checked while locked.
	if code, _, _ := e.loginFrom("127.0.0.1", email, testPassword); code != "RATE_LIMITED" {
		t.Fatalf("locked account with the right password: %s", code)
	}
	// The owner at another address is not locked out by this address's failures.
	if code, _, _ := e.loginFrom("127.0.0.2", email, testPassword); code != "" {
		t.Fatalf("owner from another address: %s", code)
	}
	// One more failure after the lock doubles it; after it ends the right password works.
	e.clock.Set(start.Add(2 * time.Second))
	if code, _, _ := e.loginFrom("127.0.0.1", email, "wrong-password"); code != "UNAUTHENTICATED" {
		t.Fatalf("after the first lock: %s", code)
	}
	if _, ra, _ := e.loginFrom("127.0.0.1", email, testPassword); ra != 2 {
		t.Fatalf("second lock %v s, want 2", ra)
	}
	e.clock.Set(start.Add(5 * time.Second))
	if code, _, _ := e.loginFrom("127.0.0.1", email, testPassword); code != "" {
		t.Fatalf("after the lock: %s", code)
	}
	// Success cleared the address's count: the next failure is not locked at once.
	if code, _, _ := e.loginFrom("127.0.0.1", email, "wrong-password"); code != "UNAUTHENTICATED" {
		t.Fatalf("after success: %s", code)
	}
}

// TestIssue15ConcurrentRefresh: eight simultaneous refreshes with one token all succeed with the
// same successor (two tabs stay signed in); the successor works; reuse after the grace window
// revokes the family.
func TestIssue15ConcurrentRefresh(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.clock.Set(time.Now())
	e.app.Tokens.Now = e.clock.Now
	var login struct {
		Login struct{ RefreshToken string } `json:"login"`
	}
	e.ok("", `mutation($e:String!,$p:String!){login(email:$e,password:$p){refreshToken}}`,
		map[string]any{"e": w.users["P1.AGENT"].Email, "p": testPassword}, &login)
	const op = `mutation($t:String!){ refreshToken(token:$t){ accessToken refreshToken } }`
	type refreshed struct {
		RefreshToken struct{ AccessToken, RefreshToken string } `json:"refreshToken"`
	}
	var wg sync.WaitGroup
	results := make([]*gqlResponse, 8)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = e.do("", op, map[string]any{"t": login.Login.RefreshToken})
		}(i)
	}
	wg.Wait()
	successor := ""
	for i, r := range results {
		if len(r.Errors) > 0 {
			t.Fatalf("refresh %d: %+v", i, r.Errors)
		}
		var out refreshed
		_ = json.Unmarshal(r.Data, &out)
		if successor == "" {
			successor = out.RefreshToken.RefreshToken
		}
		if out.RefreshToken.RefreshToken != successor || out.RefreshToken.AccessToken == "" {
			t.Fatalf("refresh %d got another successor", i)
		}
	}
	// The successor is a working refresh token.
	var next refreshed
	e.ok("", op, map[string]any{"t": successor}, &next)
	// The first token presented after the grace window is theft: the family is revoked.
	e.clock.Set(e.clock.Now().Add(6 * time.Second))
	e.fails("", op, map[string]any{"t": login.Login.RefreshToken}, "UNAUTHENTICATED")
	e.fails("", op, map[string]any{"t": next.RefreshToken.RefreshToken}, "UNAUTHENTICATED")
}
