// Package pending holds the outbox rows of one transaction until just before it commits, so
// that a mutation writing a ticket, its history row and their events sends one INSERT for all
// of the events instead of one per changed row. It also remembers the scope (customer and
// contract) of the tickets the transaction wrote, so that an object on such a ticket finds its
// scope without reading the ticket back.
//
// A transaction helper opts in: it runs its mutations under With(ctx) and calls Flush with the
// transaction's client before committing. Mutations outside such a context, or outside a
// transaction, write their outbox rows at once, as before.
package pending

import (
	"context"
	"fmt"
	"sync"

	"supportdesk/ent"
	"supportdesk/ent/privacy"
)

// Buffer is one transaction's pending outbox rows and known ticket scopes.
type Buffer struct {
	mu      sync.Mutex
	rows    []*ent.OutboxEventCreate
	tickets map[int]Scope
	flushed bool
}

// Scope is what an outbox row needs of a ticket.
type Scope struct{ Customer, Contract int }

type key struct{}

// With returns a context whose transactional mutations buffer their outbox rows.
func With(ctx context.Context) context.Context {
	return context.WithValue(ctx, key{}, &Buffer{tickets: map[int]Scope{}})
}

// From returns the buffer of ctx, or nil.
func From(ctx context.Context) *Buffer {
	b, _ := ctx.Value(key{}).(*Buffer)
	return b
}

// Add buffers one outbox row; it reports false once the buffer was flushed (the caller then
// writes the row itself).
func (b *Buffer) Add(row *ent.OutboxEventCreate) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.flushed {
		return false
	}
	b.rows = append(b.rows, row)
	return true
}

// Ticket returns the scope of a ticket written in this transaction.
func (b *Buffer) Ticket(id int) (Scope, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.tickets[id]
	return s, ok
}

// SetTicket records the scope of a ticket as this transaction wrote it.
func (b *Buffer) SetTicket(id int, s Scope) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tickets[id] = s
}

// Flush writes the buffered rows through c (the transaction's client) in one statement, in the
// order they were added. Rows added afterwards are written at once by their mutations.
func Flush(ctx context.Context, c *ent.Client) error {
	b := From(ctx)
	if b == nil {
		return nil
	}
	b.mu.Lock()
	rows := b.rows
	b.rows, b.flushed = nil, true
	b.mu.Unlock()
	if len(rows) == 0 {
		return nil
	}
	// The rows were built with the mutations' clients; CreateBulk sends them through c.
	if err := c.OutboxEvent.CreateBulk(rows...).Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}
