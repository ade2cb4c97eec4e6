package contingent

import (
	"context"
	"fmt"
	"sort"

	"supportdesk/ent"
	"supportdesk/ent/contingent"
	"supportdesk/ent/statement"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/timeentry"
	"supportdesk/internal/billing"
	"supportdesk/internal/terms"
	"supportdesk/internal/ticketflow"
)

// Re-billing an inquiry (SPEC 12.9, 12.12, seed 004).
//
// After a type change, an edit or a deletion, every entry of the ticket in a month not yet
// issued (no Statement row for its contract and month) is decided again with the ticket's
// current type, channel and reclassification, the entry's own work date and fix-delivery mark,
// and billed again by billing.InquiryBilled in booking order, so the inquiry bills
// max(total, minimum). Entries of issued months never change; they only count as billed.
// Contingents follow: each month and level's used minutes change by the difference between the
// minutes the old and the new decisions charge to a contingent, in the same transaction.
//
// Over budget: a re-bill after a type change or a deletion is never refused. The work is done,
// and SPEC 12.1 never refuses an incident, so a reclassification cannot fail on a budget. Used
// minutes may then exceed the month's budget: the statement shows the excess as extra minutes at
// the level's rate, and the next booking on that level meets the exhausted budget and opens the
// customer's overrun decision as usual. A suspended level stays free for incidents, as in Book.
// Only an edit is strict: minutes an edit adds to a contingent go through the guarded charge and
// give CONTINGENT_EXHAUSTED when they do not fit, as a booking would.

// rebill says what a re-bill is for.
type rebill struct {
	// strict charges added contingent minutes through the guarded update (Edit).
	strict bool
	// removed is an entry deleted in this transaction; its contingent minutes are given back.
	removed *ent.TimeEntry
	// before is the ticket before a type change; nil when its facts did not change.
	before *ent.Ticket
}

// inquirySoFar returns the rounded minutes of a ticket's billable entries and the minutes they
// bill, leaving out the entry except (0: none).
func inquirySoFar(ctx context.Context, c *ent.Client, ticketID, except int) (worked, billed int, err error) {
	q := c.TimeEntry.Query().Where(timeentry.TicketID(ticketID))
	if except != 0 {
		q.Where(timeentry.IDNEQ(except))
	}
	es, err := q.Select(timeentry.FieldMinutes, timeentry.FieldBillableMinutes, timeentry.FieldBillable).All(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, e := range es {
		if e.Billable {
			worked += e.Minutes
		}
		billed += e.BillableMinutes
	}
	return worked, billed, nil
}

// roundFor rounds minutes to the increment of the entry's contract.
func (s *Service) roundFor(ctx context.Context, c *ent.Client, e *ent.TimeEntry, minutes int) (int, error) {
	inc := 0
	if e.ContractID != nil {
		k, err := c.Contract.Get(trusted(ctx), *e.ContractID)
		if err != nil {
			return 0, err
		}
		t, err := c.Ticket.Get(trusted(ctx), e.TicketID)
		if err != nil {
			return 0, err
		}
		if k, err = terms.At(trusted(ctx), c, k, t.ReceivedAt); err != nil {
			return 0, err
		}
		inc = ticketflow.BillingTerms(k).Increment
	}
	return billing.RoundUp(minutes, inc)
}

// Rebill is the type-change hook of ticketflow (Service.OnTypeChange): it bills the ticket's
// entries of open months again in the transaction of client c, after the ticket changed from
// before, and records the ticket's billable minutes old → new in its history when they change.
func (s *Service) Rebill(ctx context.Context, c *ent.Client, before *ent.Ticket, actorID int) error {
	after, err := c.Ticket.Get(trusted(ctx), before.ID)
	if err != nil {
		return err
	}
	diff, err := s.rebill(ctx, c, before.ID, rebill{before: before})
	if err != nil || diff.old == diff.new {
		return err
	}
	return ticketflow.Record(ctx, c, before.ID, actorID, ticketevent.KindUPDATED, fmt.Sprint(diff.old), fmt.Sprint(diff.new),
		fmt.Sprintf("billable minutes of open months billed again after the type change %s → %s", before.Type, after.Type))
}

// rebilled is the ticket's billable minutes before and after a re-bill.
type rebilled struct{ old, new int }

// decide decides entry e of ticket t under contract k.
func decide(k *ent.Contract, t *ent.Ticket, e *ent.TimeEntry) billing.Decision {
	return billing.Decide(ticketflow.BillingTerms(k), billing.Booking{TicketType: billing.TicketType(t.Type),
		Channel: billing.Channel(t.Channel), OutsideHours: t.OutsidePhoneHours, ReclassifiedBillable: t.BillableReclassified, FixDelivery: e.FixDelivery, Estimate: e.Estimate,
		WorkDate: e.WorkDate})
}

// budgetKey is one contingent: contract, month and level.
type budgetKey struct {
	contract     int
	month, level string
}

// rebill bills a ticket's entries of open months again; see the comment at the top of the file.
func (s *Service) rebill(ctx context.Context, c *ent.Client, ticketID int, r rebill) (rebilled, error) {
	tctx := trusted(ctx)
	t, err := c.Ticket.Get(tctx, ticketID)
	if err != nil {
		return rebilled{}, err
	}
	old := t
	if r.before != nil {
		old = r.before
	}
	entries, err := c.TimeEntry.Query().Where(timeentry.TicketID(ticketID)).Order(ent.Asc(timeentry.FieldID)).All(tctx)
	if err != nil {
		return rebilled{}, err
	}
	contracts := map[int]*ent.Contract{}
	issued := map[budgetKey]bool{}
	contractOf := func(e *ent.TimeEntry) (*ent.Contract, bool, error) {
		if e.ContractID == nil {
			return nil, true, nil
		}
		k := contracts[*e.ContractID]
		if k == nil {
			if k, err = c.Contract.Get(tctx, *e.ContractID); err != nil {
				return nil, false, err
			}
			// The ticket is billed under the terms in force when it was received.
			if k, err = terms.At(tctx, c, k, t.ReceivedAt); err != nil {
				return nil, false, err
			}
			contracts[k.ID] = k
			months, err := c.Statement.Query().Where(statement.ContractID(k.ID)).Select(statement.FieldMonth).Strings(tctx)
			if err != nil {
				return nil, false, err
			}
			for _, m := range months {
				issued[budgetKey{contract: k.ID, month: m}] = true
			}
		}
		return k, issued[budgetKey{contract: k.ID, month: Month(e.WorkDate)}], nil
	}
	delta := map[budgetKey]int{}
	charge := func(k *ent.Contract, e *ent.TimeEntry, m int) {
		if m != 0 {
			delta[budgetKey{k.ID, Month(e.WorkDate), string(e.Level)}] += m
		}
	}
	if e := r.removed; e != nil {
		k, fixed, err := contractOf(e)
		if err != nil {
			return rebilled{}, err
		}
		if !fixed && decide(k, old, e).UsesContingent {
			charge(k, e, -e.BillableMinutes)
		}
	}
	in := make([]billing.InquiryEntry, len(entries))
	decisions := make([]billing.Decision, len(entries))
	var diff rebilled
	for i, e := range entries {
		diff.old += e.BillableMinutes
		k, fixed, err := contractOf(e)
		if err != nil {
			return rebilled{}, err
		}
		in[i] = billing.InquiryEntry{Minutes: e.Minutes, Billable: e.Billable, Fixed: fixed, Billed: e.BillableMinutes}
		if fixed {
			continue
		}
		d := decide(k, t, e)
		if d.UsesContingent && t.Type == ticket.TypeINCIDENT {
			// A suspended level still takes incidents, without billing them (as Book does).
			suspended, err := c.Contingent.Query().Where(contingent.ContractID(k.ID), contingent.Month(Month(e.WorkDate)),
				contingent.LevelEQ(contingent.Level(e.Level)), contingent.DecisionEQ(contingent.DecisionSUSPENDED)).Exist(tctx)
			if err != nil {
				return rebilled{}, err
			}
			if suspended {
				d = billing.Decision{Reason: d.Reason}
			}
		}
		decisions[i] = d
		in[i].Billable, in[i].Minimum = d.Billable, d.MinimumMinutes
	}
	billed := billing.InquiryBilled(in)
	for i, e := range entries {
		diff.new += billed[i]
		if in[i].Fixed {
			continue
		}
		k := contracts[*e.ContractID]
		if decide(k, old, e).UsesContingent {
			charge(k, e, -e.BillableMinutes)
		}
		if decisions[i].UsesContingent {
			charge(k, e, billed[i])
		}
		if billed[i] != e.BillableMinutes || in[i].Billable != e.Billable {
			if err := c.TimeEntry.UpdateOneID(e.ID).SetBillableMinutes(billed[i]).SetBillable(in[i].Billable).Exec(tctx); err != nil {
				return rebilled{}, err
			}
		}
	}
	return diff, s.applyDeltas(ctx, c, contracts, delta, r.strict)
}

// applyDeltas changes contingents' used minutes: releases first, so minutes moved between
// entries fit, then additions, guarded when strict.
func (s *Service) applyDeltas(ctx context.Context, c *ent.Client, contracts map[int]*ent.Contract, delta map[budgetKey]int, strict bool) error {
	tctx := trusted(ctx)
	keys := make([]budgetKey, 0, len(delta))
	for key, d := range delta {
		if d != 0 {
			keys = append(keys, key)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if (delta[a] < 0) != (delta[b] < 0) {
			return delta[a] < 0
		}
		if a.contract != b.contract {
			return a.contract < b.contract
		}
		if a.month != b.month {
			return a.month < b.month
		}
		return a.level < b.level
	})
	for _, key := range keys {
		d, k := delta[key], contracts[key.contract]
		if d > 0 && strict {
			if _, err := s.charge(ctx, c, k, key.month, key.level, d); err != nil {
				return err
			}
			continue
		}
		b, err := s.budget(tctx, c, k, key.month, key.level)
		if err != nil {
			return err
		}
		// Used minutes never go below 0, even for entries booked before the contingent existed.
		d = max(d, -b.UsedMinutes)
		if err := c.Contingent.UpdateOneID(b.ID).AddUsedMinutes(d).Exec(tctx); err != nil {
			return err
		}
	}
	return nil
}
