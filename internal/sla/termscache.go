package sla

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"supportdesk/ent"
)

// termsCache keeps, per contract, what the SLA of its tickets is computed from: the contract,
// its term versions and the calendars they name. Reads of a query operation (package graph's
// batch) take them from here, so a ticket's detail or a page's sla costs no statement for
// terms once they were read. Every change of a contract, a term version or a calendar
// invalidates all entries, when it is written and again when its transaction commits (Hook);
// TTL bounds how long another instance's change goes unseen, as for the viewer cache. Ticket
// creation takes the customer's contracts and terms from it too (customers, intake.go); the
// other writes (Freeze, the evaluator) never use it: they read the terms in their transaction.
type termsCache struct {
	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[int]cachedTerms
	// customers are the contracts and terms of customers, for ticket creation.
	customers customerCache
}

type cachedTerms struct {
	contract  *ent.Contract
	versions  []*ent.ContractVersion
	calendars map[int]*ent.Calendar
	gen       uint64
	at        time.Time
}

// Terms cache limits.
const (
	termsTTL = 10 * time.Second
	termsMax = 10_000
)

func (c *termsCache) get(id int, gen uint64, now time.Time) (cachedTerms, bool) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || e.gen != gen || now.Before(e.at) || now.Sub(e.at) >= termsTTL {
		return cachedTerms{}, false
	}
	return e, true
}

// put stores an entry read under generation gen: a change written meanwhile has moved the
// generation on, so the entry is never used.
func (c *termsCache) put(id int, e cachedTerms) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= termsMax {
		c.entries = map[int]cachedTerms{}
	}
	c.entries[id] = e
}

// InvalidateTerms empties the SLA terms cache (and the customers' intake terms). The instance
// that writes a change does so through TermsHook; the others call it when the change's outbox
// event reaches them, milliseconds after its commit (up to the outbox's Coalesce, 25 ms, and
// under a flood of changes up to its CoalesceMax, 100 ms, more while the outbox is slow to
// read), so a ticket created there follows the new terms as well (the TTL only bounds what a
// lost event could leave).
func (s *Service) InvalidateTerms() { s.termsCache.gen.Add(1) }

// TermsGeneration counts the invalidations of the terms cache so far.
func (s *Service) TermsGeneration() uint64 { return s.termsCache.gen.Load() }

// TermsHook invalidates the SLA terms cache on every mutation it is used for (contracts,
// contract versions, calendars): before and after the write, and once more when the
// mutation's transaction commits.
func (s *Service) TermsHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		s.termsCache.gen.Add(1)
		if txm, ok := m.(interface{ Tx() (*ent.Tx, error) }); ok {
			if tx, err := txm.Tx(); err == nil {
				tx.OnCommit(func(next ent.Committer) ent.Committer {
					return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
						err := next.Commit(ctx, tx)
						s.termsCache.gen.Add(1)
						return err
					})
				})
			}
		}
		v, err := next.Mutate(ctx, m)
		// And after the write: a read between the first bump and a write outside a transaction
		// would otherwise cache the old row under the new generation.
		s.termsCache.gen.Add(1)
		return v, err
	})
}
