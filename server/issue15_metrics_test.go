package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportdesk/internal/db"
	"supportdesk/internal/db/dbtest"
	"supportdesk/internal/sla"

	"github.com/lib/pq"
)

// scrape reads /metrics of srv.
func scrape(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// series is the value of one exact series line ("name{labels} value"), or -1 when absent.
func series(text, name string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return -2
			}
			return f
		}
	}
	return -1
}

func TestIssue15Metrics(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "P1.SERVICE_DESK")
	e.settleLive()
	before := scrape(t, e.srv.URL)
	if v := series(before, `supportdesk_graphql_requests_total{operation="MetricsMe",outcome="ok"}`); v != -1 {
		t.Fatalf("MetricsMe counted before any request: %v", v)
	}
	statements := e.queries.Load()
	sqlBefore := series(before, `supportdesk_sql_statements_total{kind="query"}`)
	validationBefore := max(series(before, `supportdesk_graphql_errors_total{code="VALIDATION"}`), 0)

	e.ok(tok, `query MetricsMe { me { id } }`, nil, nil)
	e.ok(tok, `query MetricsMe { me { email } }`, nil, nil)
	e.fails(tok, `query MetricsBadId { node(id: "not-an-id") { id } }`, nil, "VALIDATION")
	e.fails(tok, `query MetricsUnknown { nope }`, nil, "GRAPHQL_VALIDATION_FAILED")
	e.ok(tok, `{ me { id } }`, nil, nil)
	statements = e.queries.Load() - statements

	after := scrape(t, e.srv.URL)
	for name, want := range map[string]float64{
		`supportdesk_graphql_requests_total{operation="MetricsMe",outcome="ok"}`:                             2,
		`supportdesk_graphql_requests_total{operation="MetricsBadId",outcome="VALIDATION"}`:                  1,
		`supportdesk_graphql_requests_total{operation="MetricsUnknown",outcome="GRAPHQL_VALIDATION_FAILED"}`: 1,
		`supportdesk_graphql_requests_total{operation="MetricsMe",outcome="VALIDATION"}`:                     -1,
		`supportdesk_graphql_request_duration_seconds_count{operation="MetricsMe"}`:                          2,
		`supportdesk_graphql_request_duration_seconds_count{operation="MetricsBadId"}`:                       1,
		`supportdesk_graphql_errors_total{code="VALIDATION"}`:                                                validationBefore + 1,
		`supportdesk_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}`:                                 1,
		`supportdesk_job_runs_total{job="webhook_worker"}`:                                                   0,
		`supportdesk_job_failures_total{job="sla_evaluator"}`:                                                0,
		`supportdesk_websocket_connections_open`:                                                             0,
		`supportdesk_live_subscriptions_open`:                                                                0,
		`supportdesk_live_events_delivered_total`:                                                            0,
		`supportdesk_http_request_duration_seconds_count{route="metrics",status="200"}`:                      1,
		`go_sql_max_open_connections{db_name="supportdesk"}`:                                                 series(after, `go_sql_max_open_connections{db_name="supportdesk"}`),
	} {
		if got := series(after, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if series(after, `go_sql_max_open_connections{db_name="supportdesk"}`) < 0 || series(after, `go_sql_open_connections{db_name="supportdesk"}`) < 0 {
		t.Error("pool statistics missing")
	}
	// The anonymous operation is counted as such.
	if got := series(after, `supportdesk_graphql_requests_total{operation="anonymous",outcome="ok"}`); got < 1 {
		t.Errorf("anonymous ok = %v", got)
	}
	// Every statement the requests sent through Ent is counted (the outbox reader's polls
	// count too, so at least as many).
	sqlAfter := series(after, `supportdesk_sql_statements_total{kind="query"}`)
	if statements <= 0 || sqlAfter-sqlBefore < float64(statements) {
		t.Errorf("SQL statements: counter moved %v, requests sent %d", sqlAfter-sqlBefore, statements)
	}
	if series(after, `supportdesk_http_request_duration_seconds_count{route="graphql",status="200"}`) < 5 {
		t.Error("HTTP latency of /graphql not recorded")
	}

	// A background job run is counted where the loop runs.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&sla.Evaluator{SLA: e.app.SLA, Log: e.app.Log, Interval: time.Hour, Observe: e.app.Metrics.Job("sla_evaluator")}).Run(ctx)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for series(scrape(t, e.srv.URL), `supportdesk_job_runs_total{job="sla_evaluator"}`) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("sla evaluator run not counted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if got := series(scrape(t, e.srv.URL), `supportdesk_job_failures_total{job="sla_evaluator"}`); got != 0 {
		t.Errorf("sla evaluator failures = %v", got)
	}

	// METRICS_ENABLED=false: no /metrics.
	e.app.Cfg.MetricsEnabled = false
	off := httptest.NewServer(e.app.Handler())
	defer off.Close()
	resp, err := http.Get(off.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics with METRICS_ENABLED=false: %d", resp.StatusCode)
	}
}

func TestIssue15MetricsConfig(t *testing.T) {
	c, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil || !c.MetricsEnabled || c.DBConnectTimeout != 60*time.Second {
		t.Fatalf("defaults: %v %v %v", err, c.MetricsEnabled, c.DBConnectTimeout)
	}
	env := map[string]string{"METRICS_ENABLED": "false", "DB_CONNECT_TIMEOUT": "5s"}
	c, err = ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || c.MetricsEnabled || c.DBConnectTimeout != 5*time.Second {
		t.Fatalf("set: %v %v %v", err, c.MetricsEnabled, c.DBConnectTimeout)
	}
	for k, v := range map[string]string{"METRICS_ENABLED": "maybe", "DB_CONNECT_TIMEOUT": "soon"} {
		if _, err := ConfigFromEnv(func(key string) string {
			if key == k {
				return v
			}
			return ""
		}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v", k, v, err)
		}
	}
}

// A start against a database that cannot be reached listens at once, is not ready, retries
// with backoff and stops cleanly after DB_CONNECT_TIMEOUT.
func TestIssue15StartUnreachableDatabase(t *testing.T) {
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=1"
	cfg.DBConnectTimeout = 1500 * time.Millisecond
	cfg.DataDir = t.TempDir()
	cfg.JWTSecret = "test-secret-test-secret-test-secret-0123"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	logs := &syncBuffer{}
	start := time.Now()
	errc := make(chan error, 1)
	go func() { errc <- serve(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)), ln) }()

	get := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s while starting: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("/healthz"); got != http.StatusOK {
		t.Errorf("/healthz while starting: %d", got)
	}
	if got := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz while starting: %d", got)
	}
	if got := get("/graphql"); got != http.StatusServiceUnavailable {
		t.Errorf("/graphql while starting: %d", got)
	}
	select {
	case err = <-errc:
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not give up")
	}
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "database unreachable after") {
		t.Fatalf("serve: %v", err)
	}
	if took < cfg.DBConnectTimeout || took > cfg.DBConnectTimeout+5*time.Second {
		t.Errorf("gave up after %s with a timeout of %s", took, cfg.DBConnectTimeout)
	}
	if n := strings.Count(logs.String(), "database unreachable, retrying"); n < 2 {
		t.Errorf("%d retries logged:\n%s", n, logs)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still listening after giving up")
	}
}

// A PostgreSQL database that does not exist yet is created at start.
func TestIssue15CreatesMissingDatabase(t *testing.T) {
	server := dbtest.ServerURL()
	if server == "" {
		t.Skip("PostgreSQL only (TEST_DATABASE_URL)")
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("sdtest_missing_%d", time.Now().UnixNano()%1e9)
	u.Path = "/" + name
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)") })
	logs := &syncBuffer{}
	d, err := db.Open(context.Background(), db.Config{URL: u.String(), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !strings.Contains(logs.String(), "database did not exist: created it") {
		t.Errorf("no log line for the created database:\n%s", logs)
	}
	if n, err := d.Client.User.Query().Count(trusted()); err != nil || n != 0 {
		t.Errorf("users in the new database: %d %v", n, err)
	}
}
