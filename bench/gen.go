package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"net/url"
	"strings"
	"time"

	"supportdesk/internal/db"
	"supportdesk/internal/opencount"
	"supportdesk/internal/sla"

	"github.com/lib/pq"
)

// Size is a data-set size.
type Size struct {
	Name                         string
	Tickets, Partners, Customers int
}

// Sizes are the named data sets; T is the tiny one of the generator's test.
var Sizes = map[string]Size{
	"T": {"T", 2_000, 2, 6},
	"S": {"S", 20_000, 2, 12},
	"M": {"M", 200_000, 4, 40},
	"L": {"L", 1_050_000, 8, 120},
}

// Seed is the generator's fixed seed: the same size gives the same rows.
const Seed = 20261206

// zipfS is the exponent of the customers' sizes: the largest customer gets about 60 % of the
// tickets, which makes its busiest month hold about 50,000 time entries at L.
const zipfS = 2.0

// withDB returns the URL u with its database name replaced.
func withDB(u, name string) (string, error) {
	p, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	p.Path = "/" + name
	return p.String(), nil
}

// recreate drops and creates database name on the server of adminURL (through its "postgres"
// database).
func recreate(ctx context.Context, adminURL, name string) error {
	maint, err := withDB(adminURL, "postgres")
	if err != nil {
		return err
	}
	a, err := sql.Open("postgres", maint)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
		return err
	}
	_, err = a.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	return err
}

// dropDB drops database name.
func dropDB(ctx context.Context, adminURL, name string) error {
	maint, err := withDB(adminURL, "postgres")
	if err != nil {
		return err
	}
	a, err := sql.Open("postgres", maint)
	if err != nil {
		return err
	}
	defer a.Close()
	_, err = a.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}

// Generate creates database name afresh, applies the project's migrations (the same db.Open
// the server uses), makes the reference world through the domain services and loads the
// tickets, time entries, history and comments with COPY. It returns the world.
func Generate(ctx context.Context, adminURL, name string, sz Size, logf func(string, ...any)) (*world, string, error) {
	if err := recreate(ctx, adminURL, name); err != nil {
		return nil, "", fmt.Errorf("create database: %w", err)
	}
	dbURL, err := withDB(adminURL, name)
	if err != nil {
		return nil, "", err
	}
	start := time.Now()
	d, err := db.Open(ctx, db.Config{URL: dbURL})
	if err != nil {
		return nil, "", fmt.Errorf("migrate: %w", err)
	}
	defer d.Close()
	logf("migrated %s in %v", name, time.Since(start).Round(time.Millisecond))
	w, err := makeWorld(ctx, d.Client, d.SQL, sz)
	if err != nil {
		return nil, "", fmt.Errorf("world: %w", err)
	}
	logf("world: %d partners, %d customers (%v)", len(w.Partners), len(w.Customers), time.Since(start).Round(time.Millisecond))
	if err := loadBulk(ctx, d.SQL, w, sz, logf); err != nil {
		return nil, "", err
	}
	for _, t := range []string{"tickets", "time_entries", "ticket_events", "comments"} {
		if _, err := d.SQL.ExecContext(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))", t, t)); err != nil {
			return nil, "", fmt.Errorf("setval %s: %w", t, err)
		}
	}
	// The triggers gave each open ticket a counter delta row; fold them as the server's job would.
	if _, err := (&opencount.Folder{SQL: d.SQL, Postgres: true}).Fold(ctx); err != nil {
		return nil, "", fmt.Errorf("ticket counts: %w", err)
	}
	if _, err := d.SQL.ExecContext(ctx, "INSERT INTO sequences (name, value) VALUES ('SD', $1)", sz.Tickets); err != nil {
		return nil, "", fmt.Errorf("ticket numbers: %w", err)
	}
	if _, err := d.SQL.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return nil, "", fmt.Errorf("analyze: %w", err)
	}
	logf("generated %s: %d tickets in %v", name, sz.Tickets, time.Since(start).Round(time.Second))
	return w, dbURL, nil
}

// nextID is the first id of a table: the start of its global-id range, past any row.
func nextID(ctx context.Context, q *sql.DB, table string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT GREATEST((SELECT start_value FROM pg_sequences WHERE sequencename = '%s_id_seq'),
  (SELECT COALESCE(max(id) + 1, 0) FROM %s))`, table, table)).Scan(&id)
	return id, err
}

// slim is what the children of a ticket need.
type slim struct {
	id                      int64
	seq                     int32 // the number's sequence (SD-%06d)
	cust                    int32
	level                   string
	incident, isNew         bool
	assignee                int
	received                time.Time
	firstResponse, resolved *time.Time
	status                  string
}

// copyRows runs one COPY of table in a transaction, rows produced by fill.
func copyRows(ctx context.Context, q *sql.DB, table string, cols []string, fill func(put func(...any) error) error) error {
	tx, err := q.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return err
	}
	put := func(v ...any) error { _, err := stmt.ExecContext(ctx, v...); return err }
	if err := fill(put); err != nil {
		stmt.Close()
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

var modules = []string{"Finance / Invoicing", "Controlling", "Warehouse", "Inventory", "Purchasing", "Sales", "Payroll", "Portal"}

func civil(t time.Time, z *time.Location) time.Time {
	l := t.In(z)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// loadBulk writes the tickets and their children.
func loadBulk(ctx context.Context, q *sql.DB, w *world, sz Size, logf func(string, ...any)) error {
	r := rand.New(rand.NewSource(Seed))
	zipf := rand.NewZipf(r, zipfS, 1, uint64(len(w.Customers)-1))
	tid, err := nextID(ctx, q, "tickets")
	if err != nil {
		return err
	}
	span := dataEnd.Sub(dataStart)
	step := span / time.Duration(sz.Tickets)
	recent := dataEnd.Add(-120 * 24 * time.Hour)
	tickets := make([]slim, 0, sz.Tickets)
	start := time.Now()
	cols := []string{"id", "created_at", "updated_at", "number", "title", "description", "type", "priority", "channel", "level", "status",
		"module", "reproducible", "vendor_involved", "billable_reclassified", "received_at", "first_response_at", "resolved_at", "closed_at",
		"customer_id", "contract_id", "reporter_id", "assignee_id",
		"sla_first_response_due", "sla_resolution_due", "sla_first_response_minutes", "sla_resolution_minutes",
		"sla_first_response_met", "sla_resolution_met", "sla_first_response_target", "sla_resolution_target",
		"sla_first_response_stopped_at", "sla_resolution_stopped_at", "open", "sla_next_check_at"}
	err = copyRows(ctx, q, "tickets", cols, func(put func(...any) error) error {
		for i := 0; i < sz.Tickets; i++ {
			ci := int(zipf.Uint64())
			c := w.Customers[ci]
			p := w.Partners[c.Partner]
			received := dataStart.Add(time.Duration(i)*step + time.Duration(r.Int63n(int64(step)))).Truncate(time.Second)
			var prio string
			switch x := r.Intn(10); {
			case x == 0:
				prio = "P1"
			case x < 4:
				prio = "P2"
			case x < 8:
				prio = "P3"
			default:
				prio = "P4"
			}
			typ := []string{"QUESTION", "QUESTION", "INCIDENT", "SERVICE_REQUEST", "CHANGE_REQUEST"}[r.Intn(5)]
			channel := []string{"PORTAL", "EMAIL", "PHONE"}[r.Intn(3)]
			level := []string{"L1", "L1", "L1", "L2", "L2", "L3"}[r.Intn(6)]
			open := received.After(recent) && r.Float64() < 0.45 || r.Float64() < 0.001
			var assignee any
			ai := 0
			if r.Intn(10) != 0 {
				ai = p.Agents[r.Intn(len(p.Agents))]
				assignee = ai
			}
			reporter := c.KeyUser
			if r.Intn(3) == 0 {
				reporter = c.EndUser
			}
			var fr, res, closed *time.Time
			status := "CLOSED"
			if open {
				status = []string{"NEW", "OPEN", "IN_PROGRESS", "IN_PROGRESS"}[r.Intn(4)]
			} else if r.Intn(5) == 0 {
				status = "RESOLVED"
			}
			if status != "NEW" {
				fr = ptr(received.Add(time.Duration(5+r.Intn(600)) * time.Minute))
			}
			if !open {
				res = ptr(fr.Add(time.Duration(30+r.Intn(14*24*60)) * time.Minute))
				if status == "CLOSED" {
					closed = ptr(res.Add(time.Duration(24+r.Intn(72)) * time.Hour))
				}
			}
			target := c.Targets[prio]
			clk := sla.Clock{Cal: c.Cal}
			var frDue, resDue time.Time
			var frMin, resMin, frMet, resMet, frTarget, resTarget, frStop, resStop, next any
			frm := clk.Measure(target.FirstResponseMinutes, received, fr, nil, dataEnd)
			rsm := clk.Measure(target.ResolutionMinutes, received, res, nil, dataEnd)
			frDue, resDue = frm.DueAt, rsm.DueAt
			if fr != nil {
				frMin, frMet, frTarget, frStop = frm.ElapsedMinutes, frm.State == sla.Met, target.FirstResponseMinutes, *fr
			}
			if res != nil {
				resMin, resMet, resTarget, resStop = rsm.ElapsedMinutes, rsm.State == sla.Met, target.ResolutionMinutes, *res
			}
			if open {
				at := clk.AtRiskMoment(rsm, received, nil, dataEnd)
				if fr == nil {
					if a := clk.AtRiskMoment(frm, received, nil, dataEnd); a.Before(at) {
						at = a
					}
				}
				next = at
			}
			updated := received
			for _, t := range []*time.Time{fr, res, closed} {
				if t != nil {
					updated = *t
				}
			}
			id := tid + int64(i)
			if err := put(id, received, updated, fmt.Sprintf("SD-%06d", i+1),
				fmt.Sprintf("%s %s: generated inquiry %d", modules[i%len(modules)], strings.ToLower(typ), i+1), "",
				typ, prio, channel, level, status, modules[i%len(modules)], false, false, false, received,
				tptr(fr), tptr(res), tptr(closed), c.ID, c.Contract, reporter, assignee,
				frDue, resDue, frMin, resMin, frMet, resMet, frTarget, resTarget, frStop, resStop, open, next); err != nil {
				return err
			}
			tickets = append(tickets, slim{id: id, seq: int32(i + 1), cust: int32(ci), level: level, incident: typ == "INCIDENT", isNew: status == "NEW",
				assignee: ai, received: received, firstResponse: fr, resolved: res, status: status})
		}
		return nil
	})
	if err != nil {
		return err
	}
	logf("tickets: %d in %v", len(tickets), time.Since(start).Round(time.Millisecond))
	return loadChildren(ctx, q, w, tickets, logf)
}

func tptr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// loadChildren writes about three time entries, two history rows and one comment per ticket.
func loadChildren(ctx context.Context, q *sql.DB, w *world, tickets []slim, logf func(string, ...any)) error {
	r := rand.New(rand.NewSource(Seed + 1))
	start := time.Now()
	agent := func(t *slim) int {
		if t.assignee != 0 {
			return t.assignee
		}
		return w.Partners[w.Customers[t.cust].Partner].Agents[0]
	}
	id, err := nextID(ctx, q, "time_entries")
	if err != nil {
		return err
	}
	n := 0
	err = copyRows(ctx, q, "time_entries", []string{"id", "created_at", "updated_at", "level", "work_date", "raw_minutes", "minutes",
		"billable_minutes", "description", "billable", "rate_cents", "currency", "ticket_id", "ticket_number", "user_id", "contract_id", "customer_id"},
		func(put func(...any) error) error {
			for i := range tickets {
				t := &tickets[i]
				if t.isNew {
					continue
				}
				c := w.Customers[t.cust]
				end := t.received.Add(48 * time.Hour)
				if t.resolved != nil {
					end = *t.resolved
				}
				for k := 1 + r.Intn(5); k > 0; k-- {
					at := t.firstResponse.Add(time.Duration(r.Int63n(int64(end.Sub(*t.firstResponse)) + 1)))
					raw := 5 + r.Intn(116)
					minutes := (raw + 4) / 5 * 5
					billable, bm := !t.incident, minutes
					if c.Agreement == "INVOICED" && bm < 15 {
						bm = 15
					}
					if !billable {
						bm = 0
					}
					if err := put(id, at, at, t.level, civil(at, c.Zone), raw, minutes, bm, "work on the inquiry", billable,
						c.Rates[t.level], c.Currency, t.id, fmt.Sprintf("SD-%06d", t.seq), agent(t), c.Contract, c.ID); err != nil {
						return err
					}
					id++
					n++
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	logf("time entries: %d in %v", n, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if id, err = nextID(ctx, q, "ticket_events"); err != nil {
		return err
	}
	err = copyRows(ctx, q, "ticket_events", []string{"id", "created_at", "kind", "from_value", "to_value", "reason", "ticket_id", "actor_id"},
		func(put func(...any) error) error {
			for i := range tickets {
				t := &tickets[i]
				c := w.Customers[t.cust]
				if err := put(id, t.received, "CREATED", "", "NEW", "", t.id, c.KeyUser); err != nil {
					return err
				}
				at, kind, from, to := t.received.Add(time.Minute), "ASSIGNEE_CHANGED", "", fmt.Sprint(agent(t))
				if !t.isNew {
					at, kind, from, to = *t.firstResponse, "STATUS_CHANGED", "NEW", t.status
				}
				if err := put(id+1, at, kind, from, to, "", t.id, agent(t)); err != nil {
					return err
				}
				id += 2
			}
			return nil
		})
	if err != nil {
		return err
	}
	logf("history: %d in %v", 2*len(tickets), time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if id, err = nextID(ctx, q, "comments"); err != nil {
		return err
	}
	err = copyRows(ctx, q, "comments", []string{"id", "created_at", "updated_at", "body", "internal", "author_id", "ticket_id"},
		func(put func(...any) error) error {
			for i := range tickets {
				t := &tickets[i]
				at := t.received.Add(30 * time.Minute)
				if t.firstResponse != nil {
					at = *t.firstResponse
				}
				if err := put(id, at, at, "Thank you, we have received your inquiry and are looking into it.", r.Intn(4) == 0,
					agent(t), t.id); err != nil {
					return err
				}
				id++
			}
			return nil
		})
	if err != nil {
		return err
	}
	logf("comments: %d in %v", len(tickets), time.Since(start).Round(time.Millisecond))
	return nil
}
