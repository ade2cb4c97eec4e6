package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"entgo.io/ent/dialect"
)

// Counts are the statements sent through the Ent driver of a DB (operators read them as
// metrics; the cost is one atomic add per statement).
type Counts struct {
	Queries, Execs, Txs atomic.Int64
}

// Count wraps drv so that its statements are counted in c.
func (c *Counts) Count(drv dialect.Driver) dialect.Driver { return &countingDriver{Driver: drv, c: c} }

type countingDriver struct {
	dialect.Driver
	c *Counts
}

func (d *countingDriver) Query(ctx context.Context, q string, args, v any) error {
	d.c.Queries.Add(1)
	return d.Driver.Query(ctx, q, args, v)
}

func (d *countingDriver) Exec(ctx context.Context, q string, args, v any) error {
	d.c.Execs.Add(1)
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	d.c.Txs.Add(1)
	return &countingTx{Tx: tx, c: d.c}, nil
}

type countingTx struct {
	dialect.Tx
	c *Counts
}

func (t *countingTx) Query(ctx context.Context, q string, args, v any) error {
	t.c.Queries.Add(1)
	return t.Tx.Query(ctx, q, args, v)
}

func (t *countingTx) Exec(ctx context.Context, q string, args, v any) error {
	t.c.Execs.Add(1)
	return t.Tx.Exec(ctx, q, args, v)
}

// queryContexter and execContexter are what Ent's sql/execquery feature asks of a driver (and of
// its transactions) for hand-written SQL; the wrappers forward them, counted.
type queryContexter interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type execContexter interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func queryContext(c *atomic.Int64, under any, ctx context.Context, q string, args []any) (*sql.Rows, error) {
	qc, ok := under.(queryContexter)
	if !ok {
		return nil, fmt.Errorf("db: QueryContext is not supported by %T", under)
	}
	c.Add(1)
	return qc.QueryContext(ctx, q, args...)
}

func execContext(c *atomic.Int64, under any, ctx context.Context, q string, args []any) (sql.Result, error) {
	ec, ok := under.(execContexter)
	if !ok {
		return nil, fmt.Errorf("db: ExecContext is not supported by %T", under)
	}
	c.Add(1)
	return ec.ExecContext(ctx, q, args...)
}

// QueryContext runs hand-written SQL (Ent's sql/execquery feature), counted.
func (d *countingDriver) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return queryContext(&d.c.Queries, d.Driver, ctx, q, args)
}

// ExecContext runs hand-written SQL (Ent's sql/execquery feature), counted.
func (d *countingDriver) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return execContext(&d.c.Execs, d.Driver, ctx, q, args)
}

// QueryContext runs hand-written SQL in the transaction, counted.
func (t *countingTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return queryContext(&t.c.Queries, t.Tx, ctx, q, args)
}

// ExecContext runs hand-written SQL in the transaction, counted.
func (t *countingTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return execContext(&t.c.Execs, t.Tx, ctx, q, args)
}
