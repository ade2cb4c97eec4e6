package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"supportdesk/ent/ticket"
)

// Issue 14 item 3: CPU and allocations per request through the real handler (in process, no
// socket) on a real database, with the statements each request sends:
//
//	go test ./server -run '^$' -bench BenchmarkIssue14 -benchmem
//
// The queue page is 50 open tickets with customer, reporter, assignee, contract and sla; the
// detail one ticket with every edge, its sla and its history. The figures of the last run are
// in README.md (Configuration, GC).

func BenchmarkIssue14Queue(b *testing.B) {
	e, w := benchEnv(b)
	benchOp(b, e, e.token(w, "P1.AGENT"), perfQueueFull, nil, 50)
}

func BenchmarkIssue14Detail(b *testing.B) {
	e, w := benchEnv(b)
	id := gidOf(e.app.DB.Client.Ticket.Query().Where(ticket.Number("Q-0000")).OnlyIDX(trusted()))
	benchOp(b, e, e.token(w, "P1.AGENT"), perfDetail, map[string]any{"id": id}, 0)
}

// benchEnv is a seeded world with 80 queue tickets (64 open) on the Copenhagen SLA terms.
func benchEnv(b *testing.B) (*env, *world) {
	e := newEnv(b)
	w := e.seed()
	e.copenhagen(w)
	e.seedQueue(w, 80)
	return e, w
}

// benchOp runs one operation per iteration through the handler and reports its statements.
// wantEdges, when not 0, is the page length the queue must return.
func benchOp(b *testing.B, e *env, token, query string, vars map[string]any, wantEdges int) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		b.Fatal(err)
	}
	h := e.app.Handler()
	run := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// The first request loads the viewer and the SLA terms; check the answer once.
	rec := run()
	var out struct {
		Data   map[string]json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK || len(out.Errors) > 0 {
		b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if wantEdges > 0 {
		var q struct{ Edges []any }
		if err := json.Unmarshal(out.Data["queue"], &q); err != nil || len(q.Edges) != wantEdges {
			b.Fatalf("queue page of %d tickets, want %d: %s", len(q.Edges), wantEdges, rec.Body.String())
		}
	}
	before, cpu := e.queries.Load(), cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rec := run(); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	// CPU time of the process per request (handler, driver, SQLite, GC): on a machine shared
	// with other work it varies far less than ns/op, which counts waiting for a core.
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(e.queries.Load()-before)/float64(b.N), "stmts/op")
}

// cpuTime is the user and system CPU time the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
