package sla

import (
	"context"
	"fmt"
	"sync"

	"supportdesk/ent"
	"supportdesk/ent/calendar"
	"supportdesk/ent/contract"
	"supportdesk/internal/terms"

	entgo "entgo.io/ent"
)

// batch is one query operation's SLA terms. The tickets the operation loads register their
// contracts (Intercept); the first SLA asked for loads the contracts, term versions and
// calendars of all of them in three statements, so a list's sla costs the same whatever its
// length.
type batch struct {
	mu        sync.Mutex
	pending   map[int]bool
	contracts map[int]*ent.Contract
	versions  map[int][]*ent.ContractVersion
	calendars map[int]*ent.Calendar
}

type batchKey struct{}

// WithBatch returns a context whose ticket reads are batched for SLA (one per query operation;
// not for long-lived subscriptions, whose terms may change while they run).
func WithBatch(ctx context.Context) context.Context {
	return context.WithValue(ctx, batchKey{}, &batch{pending: map[int]bool{}, contracts: map[int]*ent.Contract{},
		versions: map[int][]*ent.ContractVersion{}, calendars: map[int]*ent.Calendar{}})
}

func batchFrom(ctx context.Context) *batch {
	b, _ := ctx.Value(batchKey{}).(*batch)
	return b
}

// Intercept registers the contracts of the tickets read under a WithBatch context.
func Intercept() entgo.Interceptor {
	return entgo.InterceptFunc(func(next entgo.Querier) entgo.Querier {
		return entgo.QuerierFunc(func(ctx context.Context, q entgo.Query) (entgo.Value, error) {
			v, err := next.Query(ctx, q)
			if b := batchFrom(ctx); b != nil && err == nil {
				if ts, ok := v.([]*ent.Ticket); ok {
					b.add(ts...)
				}
			}
			return v, err
		})
	})
}

func (b *batch) add(ts ...*ent.Ticket) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range ts {
		// Never the ticket's contract edge: a GraphQL page loads only the columns it selects.
		if t.ContractID != nil && b.contracts[*t.ContractID] == nil {
			b.pending[*t.ContractID] = true
		}
	}
}

// terms returns the contract of t as it stood when t was received, with its calendar, loading
// every pending contract at once.
func (b *batch) terms(ctx context.Context, c *ent.Client, t *ent.Ticket) (*ent.Contract, error) {
	b.add(t)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.pending) > 0 {
		ids := make([]int, 0, len(b.pending))
		for id := range b.pending {
			ids = append(ids, id)
		}
		var missing []int
		for _, id := range ids {
			if b.contracts[id] == nil {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			loaded, err := c.Contract.Query().Where(contract.IDIn(missing...)).All(ctx)
			if err != nil {
				return nil, err
			}
			for _, k := range loaded {
				b.contracts[k.ID] = k
			}
		}
		vs, err := terms.Versions(ctx, c, ids)
		if err != nil {
			return nil, err
		}
		need := map[int]bool{}
		for _, id := range ids {
			k := b.contracts[id]
			if k == nil {
				continue
			}
			b.versions[k.ID] = vs[k.ID]
			if k.CalendarID != nil {
				need[*k.CalendarID] = true
			}
			for _, v := range vs[k.ID] {
				if v.Terms.CalendarID != nil {
					need[*v.Terms.CalendarID] = true
				}
			}
		}
		var calIDs []int
		for id := range need {
			if b.calendars[id] == nil {
				calIDs = append(calIDs, id)
			}
		}
		if len(calIDs) > 0 {
			cals, err := c.Calendar.Query().Where(calendar.IDIn(calIDs...)).All(ctx)
			if err != nil {
				return nil, err
			}
			for _, cal := range cals {
				b.calendars[cal.ID] = cal
			}
		}
		b.pending = map[int]bool{}
	}
	k := b.contracts[*t.ContractID]
	if k == nil {
		return nil, fmt.Errorf("sla: contract %d not found", *t.ContractID)
	}
	k = terms.Pick(k, b.versions[k.ID], t.ReceivedAt)
	if k.CalendarID != nil {
		kk := *k
		kk.Edges.Calendar = b.calendars[*k.CalendarID]
		k = &kk
	}
	return k, nil
}
