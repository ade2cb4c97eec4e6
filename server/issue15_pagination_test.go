package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type pageOut struct {
	Edges    []struct{ Node struct{ ID string } }
	PageInfo struct{ HasNextPage bool }
}

// Every connection has a default page and a maximum; first with last is refused.
func TestIssue15PaginationBounds(t *testing.T) {
	e, logs := newEnvTuned(t, func(c *Config) { c.DefaultPageSize = 2; c.MaxPageSize = 3 })
	w := e.seed()
	admin := e.token(w, "P1.ADMIN")
	key := e.token(w, "C1.KEY_USER")
	for _, title := range []string{"one", "two", "three"} {
		e.create(key, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	}
	page := `edges { node { id } } pageInfo { hasNextPage }`
	// Ent connections, a nested edge connection and a hand-written connection (queue).
	var out struct {
		Users         pageOut
		Organizations struct {
			Edges []struct{ Node struct{ Users pageOut } }
		}
		Queue   pageOut
		Tickets pageOut
	}
	e.ok(admin, `{ users { `+page+` } organizations(where: {name: "P1"}) { edges { node { users { `+page+` } } } } queue { `+page+` } tickets { `+page+` } }`, nil, &out)
	for name, p := range map[string]pageOut{"users": out.Users, "organization users": out.Organizations.Edges[0].Node.Users, "queue": out.Queue, "tickets": out.Tickets} {
		if len(p.Edges) != 2 || !p.PageInfo.HasNextPage {
			t.Errorf("%s without first: %d edges, next page %v", name, len(p.Edges), p.PageInfo.HasNextPage)
		}
	}
	e.ok(admin, `{ tickets(first: 3) { `+page+` } }`, nil, &out)
	if len(out.Tickets.Edges) != 3 {
		t.Errorf("first: 3 served %d", len(out.Tickets.Edges))
	}
	e.ok(admin, `{ tickets(last: 1) { `+page+` } }`, nil, &out)
	if len(out.Tickets.Edges) != 1 {
		t.Errorf("last: 1 served %d", len(out.Tickets.Edges))
	}
	for _, c := range []struct{ query, field, message string }{
		{`{ tickets(first: 4) { totalCount } }`, "first", "first must be between 0 and 3"},
		{`{ users(first: 1000000) { totalCount } }`, "first", "first must be between 0 and 3"},
		{`{ queue(last: -1) { totalCount } }`, "last", "last must be between 0 and 3"},
		{`{ tickets(first: 2, last: 2) { totalCount } }`, "last", "first and last cannot be used together; page forward with first/after or backward with last/before"},
		{`{ organizations { edges { node { users(first: 50) { totalCount } } } } }`, "first", "first must be between 0 and 3"},
		{`{ similarItems(text: "printer", first: 500) { score } }`, "first", "first must be between 0 and 3"},
	} {
		r := e.fails(admin, c.query, nil, "VALIDATION")
		if r.Errors[0].Extensions["field"] != c.field || r.Errors[0].Message != c.message {
			t.Errorf("%s: %+v", c.query, r.Errors)
		}
	}
	noErrorLogs(t, logs)

	// The documented defaults: 50 and 100.
	d, _ := newEnvTuned(t, nil)
	dw := d.seed()
	r := d.fails(d.token(dw, "P1.ADMIN"), `{ tickets(first: 1000000) { totalCount } }`, nil, "VALIDATION")
	if r.Errors[0].Message != "first must be between 0 and 100" {
		t.Errorf("default maximum: %s", r.Errors[0].Message)
	}
}

// Search and similarity fields count as expensive: 1,000 aliases of similarItems are refused
// before a single statement reaches the database.
func TestIssue15SearchCost(t *testing.T) {
	e, _ := newEnvTuned(t, nil)
	w := e.seed()
	agent := e.token(w, "P1.AGENT")
	statements := func(q string) (int64, *gqlResponse) {
		e.settleLive()
		before := e.queries.Load()
		r := e.do(agent, q, nil)
		return e.queries.Load() - before, r
	}
	statements(`{ __typename }`)                // loads the viewer into its cache
	baseline, _ := statements(`{ __typename }`) // what any request costs before execution
	var b strings.Builder
	b.WriteString("{")
	for i := range 1000 {
		b.WriteString(" s" + itoa(i) + `: similarItems(text: "printer offline") { score title }`)
	}
	b.WriteString(" }")
	n, r := statements(b.String())
	if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" || n != baseline {
		t.Fatalf("1,000 similarItems: %+v, %d statements (baseline %d)", r.Errors, n, baseline)
	}
	if !strings.HasPrefix(r.Errors[0].Message, "operation has complexity ") {
		t.Errorf("message: %s", r.Errors[0].Message)
	}
	for _, q := range []string{
		strings.Repeat(`x: searchArticles(text: "printer") { id } `, 1), // one search is fine
		`{ a: similarItems(text: "printer") { score } b: searchArticles(text: "printer") { id } }`,
	} {
		if !strings.HasPrefix(q, "{") {
			q = "{ " + q + " }"
		}
		e.ok(agent, q, nil, nil)
	}
	// 40 searches cost more than the limit of 20,000 (each 500 on top of its page).
	b.Reset()
	b.WriteString("{")
	for i := range 40 {
		b.WriteString(" s" + itoa(i) + `: searchArticles(text: "printer") { id }`)
	}
	b.WriteString(" }")
	e.fails(agent, b.String(), nil, "COMPLEXITY_LIMIT_EXCEEDED")
}

// The default page is written into the cached operation once; concurrent first uses of one
// document agree (run with -race).
func TestIssue15PageDefaultsConcurrent(t *testing.T) {
	e, _ := newEnvTuned(t, func(c *Config) { c.DefaultPageSize = 2 })
	w := e.seed()
	admin := e.token(w, "P1.ADMIN")
	body := `{"query":"{ organizations { edges { node { users { edges { node { id } } } } } } }"}`
	results := make(chan string, 8)
	for range 8 {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+admin)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				results <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			results <- string(b)
		}()
	}
	first := <-results
	for range 7 {
		if r := <-results; r != first {
			t.Errorf("answers differ:\n%s\n%s", first, r)
		}
	}
	if strings.Contains(first, "errors") || strings.Count(first, `"id"`) > 2*2 {
		t.Errorf("answer: %s", first)
	}
}
