package sla

import (
	"context"
	"sync"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/calendar"
	"supportdesk/ent/contract"
	"supportdesk/ent/privacy"
	"supportdesk/internal/terms"
)

// CustomerTerms are a customer's contracts with their term versions and the calendars they
// name, as a new ticket is taken in under them (package ticketflow). They are shared with other
// requests: callers read them and change only what At returns.
type CustomerTerms struct {
	// Contracts are all of the customer's contracts, by id.
	Contracts []*ent.Contract
	versions  map[int][]*ent.ContractVersion
	calendars map[int]*ent.Calendar
}

// At returns a copy of contract k (one of Contracts) as it stood at moment at (terms.Pick), with
// the calendar its terms then name as its calendar edge (nil when that calendar is gone).
func (t *CustomerTerms) At(k *ent.Contract, at time.Time) *ent.Contract {
	out := *terms.Pick(k, t.versions[k.ID], at)
	out.Edges.Calendar = nil
	if out.CalendarID != nil {
		out.Edges.Calendar = t.calendars[*out.CalendarID]
	}
	return &out
}

// customerCache holds CustomerTerms per customer under the terms cache's generation and TTL:
// every change of a contract, a term version or a calendar invalidates all entries (TermsHook
// on the writing instance, InvalidateTerms from the change's outbox event on the others).
type customerCache struct {
	mu      sync.Mutex
	entries map[int]cachedCustomer
}

type cachedCustomer struct {
	terms *CustomerTerms
	gen   uint64
	at    time.Time
}

// CustomerTerms returns the terms a new ticket of the customer is taken in under, from the
// terms cache, or read through c (three statements: the customer's contracts, their versions,
// their calendars) and cached.
func (s *Service) CustomerTerms(ctx context.Context, c *ent.Client, customerID int) (*CustomerTerms, error) {
	gen, now := s.termsCache.gen.Load(), s.now()
	cc := &s.termsCache.customers
	cc.mu.Lock()
	e, ok := cc.entries[customerID]
	cc.mu.Unlock()
	if ok && e.gen == gen && !now.Before(e.at) && now.Sub(e.at) < termsTTL {
		return e.terms, nil
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	ks, err := c.Contract.Query().Where(contract.CustomerID(customerID)).Order(ent.Asc(contract.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	t := &CustomerTerms{Contracts: ks, versions: map[int][]*ent.ContractVersion{}, calendars: map[int]*ent.Calendar{}}
	if len(ks) > 0 {
		ids := make([]int, len(ks))
		for i, k := range ks {
			ids[i] = k.ID
		}
		if t.versions, err = terms.Versions(ctx, c, ids); err != nil {
			return nil, err
		}
		need := map[int]bool{}
		var calIDs []int
		for _, k := range ks {
			for _, id := range calendarIDs(k, t.versions[k.ID]) {
				if !need[id] {
					need[id] = true
					calIDs = append(calIDs, id)
				}
			}
		}
		if len(calIDs) > 0 {
			cals, err := c.Calendar.Query().Where(calendar.IDIn(calIDs...)).All(ctx)
			if err != nil {
				return nil, err
			}
			for _, cal := range cals {
				t.calendars[cal.ID] = cal
			}
		}
	}
	cc.mu.Lock()
	if cc.entries == nil || len(cc.entries) >= termsMax {
		cc.entries = map[int]cachedCustomer{}
	}
	cc.entries[customerID] = cachedCustomer{terms: t, gen: gen, at: now}
	cc.mu.Unlock()
	return t, nil
}
