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
// every pending contract at once (those s's terms cache does not hold).
func (b *batch) terms(ctx context.Context, s *Service, c *ent.Client, t *ent.Ticket) (*ent.Contract, error) {
	b.add(t)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.pending) > 0 {
		gen, now := s.termsCache.gen.Load(), s.now()
		var missing []int
		for id := range b.pending {
			if b.contracts[id] != nil {
				continue
			}
			if e, ok := s.termsCache.get(id, gen, now); ok {
				b.contracts[id], b.versions[id] = e.contract, e.versions
				for cid, cal := range e.calendars {
					b.calendars[cid] = cal
				}
				continue
			}
			missing = append(missing, id)
		}
		if err := b.load(ctx, c, missing); err != nil {
			return nil, err
		}
		for _, id := range missing {
			if k := b.contracts[id]; k != nil {
				if cals, ok := b.calendarsOf(k); ok {
					s.termsCache.put(id, cachedTerms{contract: k, versions: b.versions[id], calendars: cals, gen: gen, at: now})
				}
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

// load reads the contracts ids, their term versions and the calendars they name (three
// statements, none when ids is empty).
func (b *batch) load(ctx context.Context, c *ent.Client, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	loaded, err := c.Contract.Query().Where(contract.IDIn(ids...)).All(ctx)
	if err != nil {
		return err
	}
	for _, k := range loaded {
		b.contracts[k.ID] = k
	}
	vs, err := terms.Versions(ctx, c, ids)
	if err != nil {
		return err
	}
	need := map[int]bool{}
	for _, id := range ids {
		k := b.contracts[id]
		if k == nil {
			continue
		}
		b.versions[k.ID] = vs[k.ID]
		for _, cid := range calendarIDs(k, vs[k.ID]) {
			need[cid] = true
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
			return err
		}
		for _, cal := range cals {
			b.calendars[cal.ID] = cal
		}
	}
	return nil
}

// calendarIDs are the calendars a contract's terms name, in any version.
func calendarIDs(k *ent.Contract, vs []*ent.ContractVersion) []int {
	var ids []int
	if k.CalendarID != nil {
		ids = append(ids, *k.CalendarID)
	}
	for _, v := range vs {
		if v.Terms.CalendarID != nil {
			ids = append(ids, *v.Terms.CalendarID)
		}
	}
	return ids
}

// calendarsOf returns the loaded calendars of a contract's terms, and whether all were found.
func (b *batch) calendarsOf(k *ent.Contract) (map[int]*ent.Calendar, bool) {
	out := map[int]*ent.Calendar{}
	for _, id := range calendarIDs(k, b.versions[k.ID]) {
		cal := b.calendars[id]
		if cal == nil {
			return nil, false
		}
		out[id] = cal
	}
	return out, true
}
