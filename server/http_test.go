package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHTTPSurface(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "C1.KEY_USER")

	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s = %d", path, resp.StatusCode)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s has no request id", path)
		}
	}

	// GET per the GraphQL-over-HTTP spec.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/graphql?query="+url.QueryEscape(`{me{email}}`), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), w.users["C1.KEY_USER"].Email) {
		t.Fatalf("GET: %d %s", resp.StatusCode, body)
	}
	// Mutations are not allowed over GET.
	req, _ = http.NewRequest(http.MethodGet, e.srv.URL+"/graphql?query="+url.QueryEscape(`mutation{logout(refreshToken:"x")}`), nil)
	resp, _ = http.DefaultClient.Do(req)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "errors") {
		t.Fatalf("mutation over GET: %d %s", resp.StatusCode, body)
	}

	// CORS: a configured origin is allowed, another is not.
	for origin, allowed := range map[string]bool{"http://localhost:5173": true, "https://evil.example": false} {
		req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin") == origin; got != allowed {
			t.Errorf("CORS for %s: allowed=%v want %v", origin, got, allowed)
		}
	}

	// Body size limit.
	big := `{"query":"{me{email}}","variables":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("oversized body accepted: %d", resp.StatusCode)
	}

	// Depth limit.
	deep := `{ tickets { edges { node { customer { children { edges { node { users { edges { node { organization { contracts { edges { node { customer { name } } } } } } } } } } } } } } } }`
	e.fails(tok, deep, nil, "DEPTH_LIMIT_EXCEEDED")
	// Complexity limit.
	e.fails(tok, `{ tickets(first: 1000) { edges { node { comments(first: 1000) { edges { node { body } } } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED")
	// A malformed id is a validation error, never an internal one.
	e.fails(tok, `{ node(id: "not-an-id") { id } }`, nil, "VALIDATION")
	// Unknown fields are reported as GraphQL validation errors.
	e.fails(tok, `{ nope }`, nil, "GRAPHQL_VALIDATION_FAILED")
}
