package main

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

// leaks are fragments of Go or of the raw request that error texts must not carry.
var leaks = []string{"json:", "json.Number", "float64", "int64", "map[", "[]interface", "*entgql", "msgpack", "base64", "cannot use", "goroutine", "secret-body-text"}

func noLeak(t *testing.T, what, text string) {
	t.Helper()
	for _, l := range leaks {
		if strings.Contains(text, l) {
			t.Errorf("%s: error text carries %q: %s", what, l, text)
		}
	}
}

// Bad input answers VALIDATION naming the field, before anything runs, on both databases;
// nothing is logged at ERROR.
func TestIssue15BadInputIsValidation(t *testing.T) {
	e, logs := newEnvTuned(t, nil)
	w := e.seed()
	key := e.token(w, "C1.KEY_USER")
	agent := e.token(w, "P1.AGENT")
	mine := e.create(key, map[string]any{"title": "Printer", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	const tickets = `query($w: TicketWhereInput, $first: Int, $after: Cursor){ tickets(where: $w, first: $first, after: $after){ totalCount } }`
	many := make([]any, 40000)
	for i := range many {
		many[i] = gidOf(i + 1)
	}
	garbageCursor := base64.RawStdEncoding.EncodeToString([]byte{0xc1, 0xff, 0x00, 0x13})
	cases := []struct {
		name, token, query string
		vars               map[string]any
		field, message     string
	}{
		{"malformed Time", key, tickets, map[string]any{"w": map[string]any{"createdAtGT": "yesterday"}},
			"createdAtGT", "createdAtGT must be a time like 2026-11-10T09:30:00Z"},
		{"Time literal", key, `{ tickets(where: {updatedAtLT: "2026-02-30T25:00:00Z"}){ totalCount } }`, nil,
			"updatedAtLT", "updatedAtLT must be a time like 2026-11-10T09:30:00Z"},
		{"NUL in a filter", key, tickets, map[string]any{"w": map[string]any{"titleContains": "Print\x00er"}},
			"titleContains", "titleContains must not contain NUL characters"},
		{"NUL in a new ticket", key, createTicket, map[string]any{"in": map[string]any{"title": "A\x00B", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"}},
			"title", "title must not contain NUL characters"},
		{"40,000 ids", key, tickets, map[string]any{"w": map[string]any{"idIn": many}},
			"idIn", "idIn lists 40000 items, more than the limit of 1000"},
		{"Int beyond 32 bits", key, tickets, map[string]any{"first": int64(1) << 40},
			"first", "first must be a whole number between -2147483648 and 2147483647"},
		{"Int beyond 32 bits in an input", agent, `mutation($in: BookTimeInput!){ bookTime(input: $in){ __typename } }`,
			map[string]any{"in": map[string]any{"ticketID": mine.ID, "workDate": "2026-11-10", "minutes": int64(1) << 33, "description": "x"}},
			"minutes", "minutes must be a whole number between -2147483648 and 2147483647"},
		{"malformed Date", agent, `mutation($in: BookTimeInput!){ bookTime(input: $in){ __typename } }`,
			map[string]any{"in": map[string]any{"ticketID": mine.ID, "workDate": "2026-13-45", "minutes": 10, "description": "x"}},
			"workDate", "workDate must be a date like 2026-12-01, without time of day"},
		{"malformed cursor", key, tickets, map[string]any{"after": "not a cursor"},
			"after", "after is not a cursor returned by this API"},
		{"undecodable cursor", key, tickets, map[string]any{"after": garbageCursor},
			"after", "after is not a cursor returned by this API"},
		{"malformed id in a list", key, tickets, map[string]any{"w": map[string]any{"idIn": []any{mine.ID, "nope"}}},
			"idIn", "idIn is not a valid id"},
	}
	for _, c := range cases {
		r := e.do(c.token, c.query, c.vars)
		if r.code() != "VALIDATION" || r.Errors[0].Extensions["field"] != c.field || r.Errors[0].Message != c.message {
			t.Errorf("%s: %+v", c.name, r.Errors)
			continue
		}
		if r.status != http.StatusOK || r.Data != nil {
			t.Errorf("%s: status %d, data %s", c.name, r.status, r.Data)
		}
		noLeak(t, c.name, r.Errors[0].Message)
	}
	// Nothing was written by the refused mutations, and lists up to the limit are served.
	var out struct{ Tickets struct{ TotalCount int } }
	e.ok(key, tickets, map[string]any{"w": map[string]any{"idIn": many[:1000]}}, &out)
	e.ok(key, tickets, nil, &out)
	if out.Tickets.TotalCount != 1 {
		t.Errorf("tickets after refused creates: %d", out.Tickets.TotalCount)
	}
	noErrorLogs(t, logs)
}

// Malformed requests are 400 with a message of its own, never echoing the body or Go types.
func TestIssue15MalformedRequests(t *testing.T) {
	e, logs := newEnvTuned(t, nil)
	json := map[string]string{"Content-Type": "application/json"}
	for _, c := range []struct{ body, want string }{
		{`not json {secret-body-text}`, "the request body is not a JSON object"},
		{`["secret-body-text"]`, "the request body is not a JSON object"},
		{`{"query": 5}`, "query must be a string"},
		{`{"query": "{ __typename }", "variables": "secret-body-text"}`, "variables must be a JSON object"},
		{`{"qeury": "{ __typename }"}`, "the request has no query"},
		{``, "the request body is empty; send a JSON object with a query"},
	} {
		r := e.raw(http.MethodPost, "/graphql", strings.NewReader(c.body), json)
		want := `{"errors":[{"extensions":{"code":"BAD_REQUEST"},"message":"` + c.want + `"}]}`
		if r.status != http.StatusBadRequest || r.body != want {
			t.Errorf("%q: %d %s", c.body, r.status, r.body)
		}
	}
	// A variable of the wrong shape is told in GraphQL's words.
	for _, v := range []string{`"abc"`, `{"a":1}`, `[1]`, `true`} {
		r := e.raw(http.MethodPost, "/graphql", strings.NewReader(`{"query":"query($n: Int){ tickets(first: $n){ totalCount } }","variables":{"n":`+v+`}}`), json)
		want := `{"errors":[{"message":"variable $n must be a value of type Int","path":["variable","n"],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`
		if r.status != http.StatusOK || r.body != want {
			t.Errorf("variable %s: %d %s", v, r.status, r.body)
		}
	}
	noErrorLogs(t, logs)
}
