package db

import (
	"context"
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
