package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/timeentry"
	"supportdesk/graph/gid"
	"supportdesk/internal/db"
)

// BenchmarkIssue14Statement: the monthly statement of a busy customer-month through the real
// handler (in process, no socket), its CPU, allocations and statements per request:
//
//	go test ./server -run '^$' -bench BenchmarkIssue14Statement -benchmem
//
// With STATEMENT_BENCH_URL set to a bench data set (go run ./bench -size M -generate-only; the
// URL of its database, e.g. postgres://postgres@127.0.0.1:5432/supportdesk_bench_m?sslmode=disable)
// it asks for customer 1's busiest month as partner 1's first agent, like the bench's statement
// workload (the database is migrated to this branch first). Without it, a generated month of
// 6,000 entries on 2,000 tickets in the test database (TEST_DATABASE_URL or SQLite).
// STATEMENT_BENCH_OUT names a file the first answer is written to; STATEMENT_BENCH_GENERATED=1
// answers through gqlgen's generated marshalling instead of the hand-written one.
func BenchmarkIssue14Statement(b *testing.B) {
	const query = `query($k:ID!, $m:String!){ monthlyStatement(contractID:$k, month:$m){ currency totalCents
  levels{ level budgetMinutes billableMinutes extraMinutes amountCents } lines{ ticketNumber level minutes amountCents } } }`
	var (
		h      http.Handler
		token  string
		vars   map[string]any
		counts func() int64
	)
	if url := os.Getenv("STATEMENT_BENCH_URL"); url != "" {
		ctx := context.Background()
		d, err := db.Open(ctx, db.Config{URL: url})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { d.Close() })
		cfg, err := ConfigFromEnv(func(string) string { return "" })
		if err != nil {
			b.Fatal(err)
		}
		cfg.DataDir = b.TempDir()
		cfg.JWTSecret = "bench-secret-bench-secret-bench-secret-0123"
		cfg.GeneratedStatement = os.Getenv("STATEMENT_BENCH_GENERATED") == "1"
		app, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(app.StopLive)
		h = app.Handler()
		var contract int
		var month string
		if err := d.SQL.QueryRowContext(ctx, `SELECT k.id FROM organizations o JOIN contracts k ON k.customer_id = o.id WHERE o.name = 'Customer 1'`).Scan(&contract); err != nil {
			b.Fatal(err)
		}
		if err := d.SQL.QueryRowContext(ctx, `SELECT to_char(work_date, 'YYYY-MM') FROM time_entries WHERE contract_id = $1
GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`, contract).Scan(&month); err != nil {
			b.Fatal(err)
		}
		vars = map[string]any{"k": gid.Encode(contract), "m": month}
		token = loginVia(b, h, "agent1@p1.bench", "bench-password")
		counts = func() int64 { return d.Counts.Queries.Load() + d.Counts.Execs.Load() }
	} else {
		e := newEnv(b)
		w := e.seed()
		c, ctx := e.app.DB.Client, trusted()
		k := w.contracts["C1"]
		const tickets, perTicket = 2000, 3
		var entries []*ent.TimeEntryCreate
		for i := 0; i < tickets; i++ {
			t := c.Ticket.Create().SetNumber(fmt.Sprintf("S-%05d", i)).SetTitle("statement ticket").SetType("QUESTION").
				SetPriority("P3").SetChannel("PORTAL").SetLevel("L1").SetStatus("CLOSED").
				SetReceivedAt(time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)).SetCustomerID(w.orgs["C1"].ID).
				SetReporterID(w.users["C1.KEY_USER"].ID).SetContractID(k.ID).SaveX(ctx)
			for j := 0; j < perTicket; j++ {
				m := 15 * (1 + (i+j)%8)
				entries = append(entries, c.TimeEntry.Create().SetTicketID(t.ID).SetTicketNumber(t.Number).SetUserID(w.users["P1.AGENT"].ID).
					SetCustomerID(w.orgs["C1"].ID).SetContractID(k.ID).SetLevel(timeentry.Level([]string{"L1", "L2", "L3"}[(i+j)%3])).
					SetWorkDate(time.Date(2026, 10, 1+(i+j)%31, 0, 0, 0, 0, time.UTC)).SetRawMinutes(m).SetMinutes(m).
					SetBillableMinutes(m).SetRateCents(int64(6000+1000*((i+j)%3))))
			}
			if len(entries) >= 600 {
				c.TimeEntry.CreateBulk(entries...).ExecX(ctx)
				entries = entries[:0]
			}
		}
		if len(entries) > 0 {
			c.TimeEntry.CreateBulk(entries...).ExecX(ctx)
		}
		e.app.Cfg.GeneratedStatement = os.Getenv("STATEMENT_BENCH_GENERATED") == "1"
		h = e.app.Handler()
		token = e.token(w, "P1.AGENT")
		vars = map[string]any{"k": gidOf(k.ID), "m": "2026-10"}
		counts = e.queries.Load
	}
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		b.Fatal(err)
	}
	run := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := run()
	var out struct {
		Data struct {
			MonthlyStatement struct {
				TotalCents int64
				Lines      []any
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK || len(out.Errors) > 0 || out.Data.MonthlyStatement.TotalCents == 0 {
		b.Fatalf("status %d: %.500s", rec.Code, rec.Body.String())
	}
	if p := os.Getenv("STATEMENT_BENCH_OUT"); p != "" { // the answer, to compare two versions
		if err := os.WriteFile(p, rec.Body.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("statement %v: %d lines, total %d cents, %d bytes", vars["m"], len(out.Data.MonthlyStatement.Lines),
		out.Data.MonthlyStatement.TotalCents, rec.Body.Len())
	before, cpu := counts(), cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rec := run(); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(counts()-before)/float64(b.N), "stmts/op")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
}

// loginVia logs a user in through the handler and returns the access token.
func loginVia(b *testing.B, h http.Handler, email, password string) string {
	body, _ := json.Marshal(map[string]any{"query": `mutation($e:String!,$p:String!){login(email:$e,password:$p){accessToken}}`,
		"variables": map[string]any{"e": email, "p": password}})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out struct {
		Data struct{ Login struct{ AccessToken string } }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Data.Login.AccessToken == "" {
		b.Fatalf("login %s: %s", email, rec.Body.String())
	}
	return out.Data.Login.AccessToken
}
