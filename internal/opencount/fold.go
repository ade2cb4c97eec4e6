// Package opencount folds the open-ticket counters (ent/schema TicketCount). The triggers of
// migration ticket_counts_triggers append one delta row per change of an open ticket; Fold
// replaces the rows of every group that has deltas by one total, so the rows a count sums stay
// about one per combination of customer, priority, level, status, type, assigned and vendor
// involvement. A count is exact whether or not the deltas are folded yet.
package opencount

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"supportdesk/internal/jobs"
)

// Folder runs Fold periodically.
type Folder struct {
	SQL      *sql.DB
	Postgres bool
	// Interval between folds (2 s when not positive).
	Interval time.Duration
	Log      *slog.Logger
	// Observe, when set, is told the result of every run (metrics).
	Observe func(error)
	// VacuumAfter: on PostgreSQL, VACUUM ticket_counts once folds have removed this many rows
	// (1,000 when not positive). Every fold leaves the rows it replaced dead; without a vacuum
	// a count's index scan visits them all, and autovacuum may be slow or off.
	VacuumAfter int

	folded int // rows removed since the last vacuum
}

// Run folds every Interval until ctx ends.
func (f *Folder) Run(ctx context.Context) {
	jobs.Every(ctx, f.Interval, "ticket counts", f.Log, f.Observe, f.Fold)
}

const dims = "customer_id, priority, level, status, type, assigned, vendor_involved"

// PostgreSQL: one statement, one snapshot. The DELETE returns exactly the rows it removed (a
// concurrent fold's rows it finds deleted are skipped), and their sum goes back as one row, so
// deltas committed meanwhile stay for the next fold and nothing is counted twice or lost.
const foldPostgres = `WITH g AS (SELECT DISTINCT ` + dims + ` FROM ticket_counts WHERE delta),
d AS (DELETE FROM ticket_counts c USING g
  WHERE (c.customer_id, c.priority, c.level, c.status, c.type, c.assigned, c.vendor_involved) =
    (g.customer_id, g.priority, g.level, g.status, g.type, g.assigned, g.vendor_involved)
  RETURNING c.customer_id, c.priority, c.level, c.status, c.type, c.assigned, c.vendor_involved, c.n),
s AS (INSERT INTO ticket_counts (` + dims + `, n, delta)
  SELECT ` + dims + `, sum(n), false FROM d GROUP BY ` + dims + ` HAVING sum(n) <> 0 RETURNING 1)
SELECT (SELECT count(*) FROM d)`

// SQLite: one writer at a time (transactions begin IMMEDIATE), so the fold reads the last delta
// id, writes the sums of the groups with deltas up to it and deletes those groups' older rows.
const (
	sqliteLast   = `SELECT coalesce(max(id), 0) FROM ticket_counts WHERE delta`
	sqliteGroups = `(` + dims + `) IN (SELECT ` + dims + ` FROM ticket_counts WHERE delta AND id <= ?)`
	sqliteSums   = `INSERT INTO ticket_counts (` + dims + `, n, delta)
SELECT ` + dims + `, sum(n), false FROM ticket_counts WHERE id <= ? AND ` + sqliteGroups + `
GROUP BY ` + dims + ` HAVING sum(n) <> 0`
	sqliteDelete = `DELETE FROM ticket_counts WHERE id <= ? AND ` + sqliteGroups
)

// Fold folds the delta rows present now and returns how many rows it replaced.
func (f *Folder) Fold(ctx context.Context) (int, error) {
	if f.Postgres {
		var n int
		if err := f.SQL.QueryRowContext(ctx, foldPostgres).Scan(&n); err != nil {
			return 0, err
		}
		limit := f.VacuumAfter
		if limit <= 0 {
			limit = 1000
		}
		if f.folded += n; f.folded >= limit {
			// SKIP_LOCKED: another instance's vacuum of the table is as good as ours.
			if _, err := f.SQL.ExecContext(ctx, "VACUUM (SKIP_LOCKED) ticket_counts"); err != nil {
				return n, err
			}
			f.folded = 0
		}
		return n, nil
	}
	tx, err := f.SQL.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	var last int64
	if err := tx.QueryRowContext(ctx, sqliteLast).Scan(&last); err != nil || last == 0 {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, sqliteSums, last, last); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, sqliteDelete, last, last)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}
