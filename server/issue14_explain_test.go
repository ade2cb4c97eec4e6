package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportdesk/internal/db/dbtest"
	"supportdesk/internal/sla"

	"entgo.io/ent/dialect"
)

// recorder keeps the statements sent while it is on, with their arguments.
type recorder struct {
	mu    sync.Mutex
	on    atomic.Bool
	stmts []recorded
}

type recorded struct {
	query string
	args  []any
}

func (r *recorder) add(q string, args any) {
	if !r.on.Load() {
		return
	}
	a, _ := args.([]any)
	r.mu.Lock()
	r.stmts = append(r.stmts, recorded{q, append([]any(nil), a...)})
	r.mu.Unlock()
}

// take runs fn with the recorder on and returns what it recorded.
func (r *recorder) take(fn func()) []recorded {
	r.mu.Lock()
	r.stmts = nil
	r.mu.Unlock()
	r.on.Store(true)
	fn()
	r.on.Store(false)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stmts
}

type recordingDriver struct {
	dialect.Driver
	r *recorder
}

func (d *recordingDriver) Query(ctx context.Context, q string, args, v any) error {
	d.r.add(q, args)
	return d.Driver.Query(ctx, q, args, v)
}

func (d *recordingDriver) Exec(ctx context.Context, q string, args, v any) error {
	d.r.add(q, args)
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *recordingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &recordingTx{Tx: tx, r: d.r}, nil
}

type recordingTx struct {
	dialect.Tx
	r *recorder
}

func (t *recordingTx) Query(ctx context.Context, q string, args, v any) error {
	t.r.add(q, args)
	return t.Tx.Query(ctx, q, args, v)
}

func (t *recordingTx) Exec(ctx context.Context, q string, args, v any) error {
	t.r.add(q, args)
	return t.Tx.Exec(ctx, q, args, v)
}

// QueryContext and ExecContext record hand-written SQL (Ent's sql/execquery feature: the
// monthly statement's aggregate).
func (d *recordingDriver) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	d.r.add(q, args)
	return d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}).QueryContext(ctx, q, args...)
}

func (d *recordingDriver) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	d.r.add(q, args)
	return d.Driver.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}).ExecContext(ctx, q, args...)
}

func (t *recordingTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.r.add(q, args)
	return t.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}).QueryContext(ctx, q, args...)
}

func (t *recordingTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.r.add(q, args)
	return t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}).ExecContext(ctx, q, args...)
}

// newRecordingEnv is newEnv with a statement recorder on the driver.
func newRecordingEnv(t *testing.T, r *recorder) *env {
	t.Helper()
	var n atomic.Int64
	d := dbtest.OpenTest(t, func(drv dialect.Driver) dialect.Driver {
		return &countingDriver{Driver: &recordingDriver{Driver: drv, r: r}, n: &n}
	})
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.BcryptCost = t.TempDir(), 4
	cfg.JWTSecret = "test-secret-test-secret-test-secret-0123"
	clock := &fakeClock{}
	cfg.Now = clock.Now
	app, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.StopLive)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, app: app, srv: srv, queries: &n, clock: clock}
}

// largeTables are the tables that grow with the tickets; a sequential scan of one of them
// fails TestIssue14ListPlans.
var largeTables = []string{"tickets", "time_entries", "ticket_events", "notifications", "comments", "outbox_events", "audit_events", "sla_alerts"}

// TestIssue14ListPlans runs every list the API serves through GraphQL over 200,000 generated
// tickets (5 % open, 400,000 time entries, 400,000 history rows, 100,000 notifications of eight users),
// records the exact statements, and EXPLAINs each on PostgreSQL with its arguments: none may
// scan a large table sequentially.
func TestIssue14ListPlans(t *testing.T) {
	if dbtest.ServerURL() == "" {
		t.Skip("EXPLAIN plans are PostgreSQL's: set TEST_DATABASE_URL to run this test")
	}
	rec := &recorder{}
	e := newRecordingEnv(t, rec)
	w := e.seed()
	e.copenhagen(w)
	db := e.app.DB.SQL
	ctx := context.Background()
	ids := func(keys ...string) []any {
		var out []any
		for _, k := range keys {
			if o, ok := w.orgs[k]; ok {
				out = append(out, o.ID)
			} else if u, ok := w.users[k]; ok {
				out = append(out, u.ID)
			} else {
				out = append(out, w.contracts[strings.TrimPrefix(k, "k")].ID)
			}
		}
		return out
	}
	start := time.Now()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	const n = 200_000
	// Three customers (C1, C2 of P1; C3 of P2), received every 5 minutes since 2024, one in
	// twenty open, priorities 10/30/40/20 %, one in ten unassigned.
	exec(`INSERT INTO tickets (created_at, updated_at, number, title, description, type, priority, channel, level, status,
  reproducible, vendor_involved, billable_reclassified, received_at, open, sla_next_check_at, customer_id, contract_id, reporter_id, assignee_id)
SELECT now(), now(), 'G-' || g, 'generated ticket ' || g, '', 'QUESTION',
  CASE WHEN g % 10 = 0 THEN 'P1' WHEN g % 10 < 4 THEN 'P2' WHEN g % 10 < 8 THEN 'P3' ELSE 'P4' END, 'PORTAL',
  CASE WHEN g % 7 = 0 THEN 'CUSTOMER' ELSE 'L1' END,
  CASE WHEN g % 20 = 0 THEN 'OPEN' ELSE 'CLOSED' END, false, false, false,
  timestamptz '2024-01-01 00:00Z' + g * interval '5 minutes', g % 20 = 0,
  CASE WHEN g % 20 = 0 THEN timestamptz '2024-01-01 00:00Z' + g * interval '5 minutes' + interval '2 days' END,
  (ARRAY[$1, $2, $3]::bigint[])[1 + g % 3], (ARRAY[$4, $5, $6]::bigint[])[1 + g % 3], (ARRAY[$7, $8, $9]::bigint[])[1 + g % 3],
  CASE WHEN g % 10 = 1 THEN NULL WHEN g % 3 = 2 THEN $11::bigint ELSE $10::bigint END
FROM generate_series(1, $12::int) g`,
		append(ids("C1", "C2", "C3", "kC1", "kC2", "kC3", "C1.KEY_USER", "C2.KEY_USER", "C3.END_USER", "P1.AGENT", "P2.AGENT"), n)...)
	exec(`INSERT INTO time_entries (created_at, updated_at, level, work_date, raw_minutes, minutes, billable_minutes, rate_cents,
  ticket_id, ticket_number, user_id, contract_id, customer_id)
SELECT now(), now(), 'L1', date_trunc('day', t.received_at), 15 + k, 15 + k, 15 + k, 7000, t.id, t.number, $1, t.contract_id, t.customer_id
FROM tickets t CROSS JOIN generate_series(1, 2) k WHERE t.number LIKE 'G-%'`, ids("P1.AGENT")...)
	exec(`INSERT INTO ticket_events (created_at, kind, from_value, to_value, ticket_id, actor_id)
SELECT t.received_at + k * interval '1 hour', 'STATUS_CHANGED', 'NEW', 'OPEN', t.id, $1
FROM tickets t CROSS JOIN generate_series(1, 2) k WHERE t.number LIKE 'G-%'`, ids("P1.AGENT")...)
	// Notifications spread over eight staff users, the older ones read.
	exec(`INSERT INTO notifications (created_at, kind, title, body, ticket_id, recipient_id, read_at)
SELECT t.received_at, 'ASSIGNED', 'assigned', '', t.id, (ARRAY[$1, $2, $3, $4, $5, $6, $7, $8]::bigint[])[1 + t.id % 8],
  CASE WHEN t.open THEN NULL ELSE t.received_at END
FROM tickets t WHERE t.number LIKE 'G-%' AND t.id % 2 = 0`,
		ids("P1.AGENT", "P1.SERVICE_DESK", "P1.ADMIN", "P1.SERVICE_DELIVERY_MANAGER", "P2.AGENT", "P2.SERVICE_DESK", "V.AGENT", "V.ADMIN")...)
	exec(`ANALYZE`)
	t.Logf("generated %d tickets with entries, history and notifications in %v", n, time.Since(start).Round(time.Millisecond))

	agent, key, end := e.token(w, "P1.AGENT"), e.token(w, "C1.KEY_USER"), e.token(w, "C3.END_USER")
	vendor := e.token(w, "V.AGENT")
	var some struct {
		Queue struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.ok(agent, `{ queue(first:1){ edges{ node{ id } } } }`, nil, &some)
	ticketID := some.Queue.Edges[0].Node.ID
	list := `edges{ node{ id number customer{ name } assignee{ name } } } pageInfo{ hasNextPage endCursor }`
	queue := `query($f:QueueFilter){ queue(first:50, filter:$f){ totalCount ` + list + ` } }`
	type op struct {
		name, token, query string
		vars               map[string]any
	}
	// March 2025: about 8,900 tickets and 17,900 time entries (a third of them C1's).
	month := map[string]any{"from": "2025-03-01T00:00:00Z", "to": "2025-04-01T00:00:00Z"}
	ops := []op{
		{"queue", agent, queue, nil},
		{"queue without count", agent, perfQueue, nil},
		{"queue vendor", vendor, queue, nil},
		{"queue customer", key, queue, nil},
		{"queue end user", end, queue, nil},
		{"queue P1", agent, queue, map[string]any{"f": map[string]any{"priorities": []string{"P1"}}}},
		{"queue level", agent, queue, map[string]any{"f": map[string]any{"levels": []string{"L1"}}}},
		{"queue status", agent, queue, map[string]any{"f": map[string]any{"statuses": []string{"OPEN"}}}},
		{"queue type", agent, queue, map[string]any{"f": map[string]any{"types": []string{"QUESTION"}}}},
		{"queue customer filter", agent, queue, map[string]any{"f": map[string]any{"customerID": gidOf(w.orgs["C2"].ID)}}},
		{"queue assignee", agent, queue, map[string]any{"f": map[string]any{"assigneeID": gidOf(w.users["P1.AGENT"].ID)}}},
		{"queue mine", agent, queue, map[string]any{"f": map[string]any{"assignedToMe": true}}},
		{"queue unassigned", agent, queue, map[string]any{"f": map[string]any{"unassigned": true}}},
		{"queue page 2", agent, `query{ queue(first:50){ edges{ cursor } } }`, nil},
		{"my tickets", end, `{ tickets(first:50, orderBy:[{field:RECEIVED_AT, direction:DESC}]){ totalCount ` + list + ` } }`, nil},
		{"customer tickets", key, `{ tickets(first:50, orderBy:[{field:RECEIVED_AT, direction:DESC}]){ totalCount ` + list + ` } }`, nil},
		{"staff tickets", agent, `{ tickets(first:50){ ` + list + ` } }`, nil},
		{"search", agent, `{ similarItems(text:"generated ticket 4711", first:10){ kind title } }`, nil},
		{"notifications", agent, `{ myNotifications(first:20){ totalCount edges{ node{ id title } } } unreadNotificationCount }`, nil},
		{"unread notifications", agent, `{ myNotifications(first:20, unreadOnly:true){ edges{ node{ id } } } }`, nil},
		{"tasks", agent, `{ tasks(first:50){ totalCount edges{ node{ id title } } } }`, nil},
		{"time entries and history", agent, `query($id:ID!){ node(id:$id){ ... on Ticket { timeEntries(first:50){ totalCount edges{ node{ id minutes } } }
  events(first:50){ totalCount edges{ node{ kind } } } } } }`, map[string]any{"id": ticketID}},
		{"sla report", agent, `query($f:SLAReportFilter!){ slaReport(filter:$f){ total{ tickets resolved met breached overdue } groups{ tickets } } }`,
			map[string]any{"f": month}},
		{"sla report contract", agent, `query($f:SLAReportFilter!){ slaReport(filter:$f){ total{ tickets breached } } }`,
			map[string]any{"f": map[string]any{"from": month["from"], "to": month["to"], "contractID": gidOf(w.contracts["C1"].ID)}}},
		{"statement", agent, `query($k:ID!){ monthlyStatement(contractID:$k, month:"2025-03"){ totalCents lines{ ticketNumber amountCents } } }`,
			map[string]any{"k": gidOf(w.contracts["C1"].ID)}},
	}
	seq := regexp.MustCompile(`Seq Scan on (\w+)`)
	check := func(name string, stmts []recorded) {
		t.Helper()
		if len(stmts) == 0 {
			t.Errorf("%s: no statement recorded", name)
		}
		for _, s := range stmts {
			if !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(s.query)), "SELECT") {
				continue
			}
			rows, err := db.QueryContext(ctx, "EXPLAIN "+s.query, s.args...)
			if err != nil {
				t.Fatalf("%s: explain: %v\n%s", name, err, s.query)
			}
			var plan []string
			for rows.Next() {
				var line string
				_ = rows.Scan(&line)
				plan = append(plan, line)
			}
			rows.Close()
			text := strings.Join(plan, "\n")
			for _, m := range seq.FindAllStringSubmatch(text, -1) {
				for _, big := range largeTables {
					if m[1] == big {
						t.Errorf("%s scans %s sequentially:\n%s\n%s", name, big, s.query, text)
					}
				}
			}
			if testing.Verbose() {
				var scans []string
				for _, l := range plan {
					if strings.Contains(l, "Scan") {
						scans = append(scans, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "->")))
					}
				}
				t.Logf("%s: %s\n    %s", name, firstLine(s.query), strings.Join(scans, "\n    "))
			}
		}
	}
	for _, o := range ops {
		stmts := rec.take(func() { e.ok(o.token, o.query, o.vars, nil) })
		check(o.name, stmts)
	}
	// The evaluator: the open tickets whose SLA moment has come.
	e.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	ev := &sla.Evaluator{SLA: e.app.SLA, Log: e.app.Log}
	stmts := rec.take(func() {
		if _, err := ev.EvaluateOnce(ctx); err != nil {
			t.Fatal(err)
		}
	})
	check("sla evaluator", stmts[:1])
	// Timings of the money and the report at this size.
	for _, o := range ops {
		if o.name != "statement" && o.name != "sla report" && o.name != "queue" && o.name != "queue without count" {
			continue
		}
		begin := time.Now()
		const runs = 20
		for i := 0; i < runs; i++ {
			e.ok(o.token, o.query, o.vars, nil)
		}
		t.Logf("%s: %v per request", o.name, (time.Since(begin) / runs).Round(10*time.Microsecond))
	}
}

func firstLine(q string) string {
	if len(q) > 140 {
		return q[:140] + "…"
	}
	return q
}
