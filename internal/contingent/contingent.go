// Package contingent owns time bookings against contracts: rounding and rate snapshots, the
// monthly hour budget per level with race-free booking, the warning threshold and the
// customer's overrun decision, and monthly statements.
//
// Race-free on both databases: a booking adds its minutes with one guarded UPDATE
// (used + m <= monthly + carried + extra, level not suspended); exactly one row or
// CONTINGENT_EXHAUSTED. On PostgreSQL the row lock of that UPDATE serialises concurrent
// bookings of one budget and the second one re-evaluates the condition on the updated row; on
// SQLite the immediate write transaction does. There is no read-then-write window, because
// the check and the increment are one statement.
package contingent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contingent"
	"supportdesk/ent/contract"
	"supportdesk/ent/overrundecision"
	"supportdesk/ent/privacy"
	"supportdesk/ent/statement"
	"supportdesk/ent/ticket"
	"supportdesk/ent/timeentry"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/billing"
	"supportdesk/internal/notify"
	"supportdesk/internal/terms"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
	"supportdesk/internal/webhook"

	"entgo.io/ent/dialect/sql"
)

// Service books time for the viewer in the context.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	// Postgres says the client's database is PostgreSQL: statements are read with SQL of
	// their own, whose placeholders and settings differ (unset on PostgreSQL, the statement
	// fails with a syntax error).
	Postgres bool
	// ObserveCarryOver, when set, is told the result of every carry-over run (metrics).
	ObserveCarryOver func(error)
	// Statements, when set, bounds how many monthly statements are computed at once: one
	// token of the channel per statement, further requests wait their turn (or their
	// context). A statement is CPU-bound and holds its month's rows while it is priced (some
	// 10 MB for 50,000 entries), so more at once than there are cores is only more memory.
	Statements chan struct{}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// BookInput is one booking.
type BookInput struct {
	TicketID       int       `json:"ticketID"`
	Level          *string   `json:"level"`
	WorkDate       time.Time `json:"workDate"`
	Minutes        int       `json:"minutes"`
	Description    string    `json:"description"`
	FixDelivery    *bool     `json:"fixDelivery"`
	IdempotencyKey *string   `json:"idempotencyKey"`
	// estimate marks the time of a detailed change-request estimate (BookEstimate).
	estimate bool
	// system marks a booking made by another operation in its own transaction (fix delivery),
	// dated today in the contract's zone.
	system bool
}

// Month is the billing month ("2026-11") of a work date (a civil date, see Civil).
func Month(t time.Time) string { return t.UTC().Format("2006-01") }

// trusted is the reviewed bypass of this package: contract terms, budgets and statements are
// read and written for a booking the viewer is allowed to make (checked on the ticket).
func trusted(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// Book records time on a ticket. The level defaults to the ticket's and must be one the agent
// works (SPEC 12.9); minutes are rounded up to the contract's increment; the rate in effect is
// copied onto the entry. A retried request with the same idempotency key books once.
func (s *Service) Book(ctx context.Context, in BookInput) (*ent.TimeEntry, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() {
		return nil, apperr.Forbiddenf("time is booked by provider staff")
	}
	if in.IdempotencyKey != nil {
		key := fmt.Sprintf("%d:%s", v.UserID, strings.TrimSpace(*in.IdempotencyKey))
		in.IdempotencyKey = &key
		if e, err := s.Client.TimeEntry.Query().Where(timeentry.IdempotencyKey(key)).Only(trusted(ctx)); err == nil {
			return s.Client.TimeEntry.Get(ctx, e.ID)
		}
	}
	if in.Minutes <= 0 || in.Minutes > 24*60 {
		return nil, apperr.Invalid("minutes must be between 1 and 1440", "minutes")
	}
	if strings.TrimSpace(in.Description) == "" {
		return nil, apperr.Invalid("describe the work", "description")
	}
	var id int
	var exhausted *ent.Contingent
	attempt := func() error {
		return ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
			e, ex, err := s.book(ctx, tx.Client(), v, in)
			if e != nil {
				id = e.ID
			}
			exhausted = ex
			return err
		})
	}
	err := attempt()
	if exhausted != nil {
		// The refused booking wrote nothing, not even the month's contingent if it was the first;
		// the contingent and its open decision are written on their own. A contract whose overrun
		// policy is SUSPEND suspends the level instead, and the booking is tried once more under
		// the suspension (an incident is then booked unbilled, other work refused).
		suspended, derr := s.openDecision(ctx, exhausted.ContractID, exhausted.Month, string(exhausted.Level))
		if derr != nil {
			return nil, derr
		}
		if suspended {
			exhausted = nil
			err = attempt()
		}
	}
	if ent.IsConstraintError(err) && in.IdempotencyKey != nil {
		if e, qerr := s.Client.TimeEntry.Query().Where(timeentry.IdempotencyKey(*in.IdempotencyKey)).Only(trusted(ctx)); qerr == nil {
			return s.Client.TimeEntry.Get(ctx, e.ID)
		}
	}
	if err != nil {
		return nil, err
	}
	return s.Client.TimeEntry.Get(ctx, id)
}

func (s *Service) book(ctx context.Context, c *ent.Client, v *viewer.Viewer, in BookInput) (*ent.TimeEntry, *ent.Contingent, error) {
	t, err := c.Ticket.Get(ctx, in.TicketID)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.NotFoundf("ticket not found")
	}
	if err != nil {
		return nil, nil, err
	}
	if t.ContractID == nil {
		return nil, nil, apperr.Invalid("the ticket has no contract to book on", "ticketID")
	}
	level := string(t.Level)
	if in.Level != nil {
		level = *in.Level
	}
	if timeentry.LevelValidator(timeentry.Level(level)) != nil || !v.HasLevel(level) {
		return nil, nil, apperr.Invalid("book at a support level you work", "level")
	}
	tctx := trusted(ctx)
	k, err := c.Contract.Query().Where(contract.ID(*t.ContractID)).Only(tctx)
	if err != nil {
		return nil, nil, err
	}
	// A ticket keeps the terms in force when it was received: billing rules and rates.
	if k, err = terms.At(tctx, c, k, t.ReceivedAt); err != nil {
		return nil, nil, err
	}
	// The work date is a civil date; "today" is the day in the contract's time zone. Bookings
	// the system makes itself (estimates, fix deliveries) leave it zero: today there.
	now := today(s.now(), s.zone(ctx, c, k))
	if in.WorkDate.IsZero() && (in.estimate || in.system) {
		in.WorkDate = now
	}
	in.WorkDate = Civil(in.WorkDate)
	if in.WorkDate.Year() < 2000 || in.WorkDate.After(now) {
		return nil, nil, apperr.Invalid("the work date must not lie in the future", "workDate")
	}
	month := Month(in.WorkDate)
	closed, err := c.Statement.Query().Where(statement.ContractID(k.ID), statement.Month(month)).Exist(tctx)
	if err != nil {
		return nil, nil, err
	}
	if closed {
		return nil, nil, apperr.E(apperr.Conflict, "%s is closed by an issued statement; book a correction in an open month", month)
	}
	worked, already, err := inquirySoFar(tctx, c, t.ID, 0)
	if err != nil {
		return nil, nil, err
	}
	fix := in.FixDelivery != nil && *in.FixDelivery
	rounded, billed, d, err := billing.BillableMinutes(ticketflow.BillingTerms(k), billing.Booking{TicketType: billing.TicketType(t.Type),
		Channel: billing.Channel(t.Channel), OutsideHours: t.OutsidePhoneHours, ReclassifiedBillable: t.BillableReclassified,
		FixDelivery: fix, Estimate: in.estimate, WorkDate: in.WorkDate, WorkedBefore: worked, BilledBefore: already}, in.Minutes)
	if err != nil {
		return nil, nil, err
	}
	rate := int64(0)
	for _, lt := range k.LevelTerms {
		if lt.Level == level {
			rate = lt.RateCents
		}
	}
	billable := d.Billable
	if billed > 0 && d.UsesContingent {
		ex, err := s.charge(ctx, c, k, month, level, billed)
		switch {
		case err == errSuspended && t.Type == ticket.TypeINCIDENT:
			billed, billable = 0, false // a suspended level still takes incidents, without billing them
		case err == errSuspended:
			return nil, nil, apperr.E(apperr.ContingentExhausted, "the %s contingent of %s is suspended for the rest of the month", level, month)
		case err != nil:
			return nil, ex, err
		}
	}
	e, err := c.TimeEntry.Create().SetTicketID(t.ID).SetTicketNumber(t.Number).SetUserID(v.UserID).SetContractID(k.ID).SetCustomerID(t.CustomerID).
		SetLevel(timeentry.Level(level)).SetWorkDate(in.WorkDate.UTC()).SetRawMinutes(in.Minutes).SetMinutes(rounded).
		SetBillableMinutes(billed).SetBillable(billable).SetFixDelivery(fix).SetDescription(strings.TrimSpace(in.Description)).
		SetRateCents(rate).SetCurrency(k.Currency).SetNillableIdempotencyKey(in.IdempotencyKey).SetEstimate(in.estimate).Save(ctx)
	return e, nil, err
}

var errSuspended = apperr.E(apperr.ContingentExhausted, "suspended")

// charge adds minutes to the level's budget of the month with one guarded UPDATE.
func (s *Service) charge(ctx context.Context, c *ent.Client, k *ent.Contract, month, level string, minutes int) (*ent.Contingent, error) {
	tctx := trusted(ctx)
	b, err := s.budget(tctx, c, k, month, level)
	if err != nil {
		return nil, err
	}
	n, err := c.Contingent.Update().Where(contingent.ID(b.ID), contingent.DecisionNEQ(contingent.DecisionSUSPENDED),
		func(sel *sql.Selector) {
			sel.Where(sql.P(func(bd *sql.Builder) {
				bd.WriteString(sel.C(contingent.FieldUsedMinutes) + " + ")
				bd.Arg(minutes)
				bd.WriteString(" <= " + sel.C(contingent.FieldMonthlyMinutes) + " + " + sel.C(contingent.FieldCarriedOverMinutes) +
					" + " + sel.C(contingent.FieldExtraMinutes))
			}))
		}).AddUsedMinutes(minutes).Save(tctx)
	if err != nil {
		return nil, err
	}
	if n == 0 && b.Decision != contingent.DecisionSUSPENDED && k.OverrunPolicy == contract.OverrunPolicyEXTEND {
		// The contract extends by itself: the missing minutes are added as extra minutes at the
		// level's rate, recorded as an answered episode, and the booking goes through.
		if err := s.autoExtend(tctx, c, k, b, minutes); err != nil {
			return nil, err
		}
		return s.charge(ctx, c, k, month, level, minutes)
	}
	if n == 0 {
		if b.Decision == contingent.DecisionSUSPENDED {
			return nil, errSuspended
		}
		left := b.MonthlyMinutes + b.CarriedOverMinutes + b.ExtraMinutes - b.UsedMinutes
		return b, apperr.E(apperr.ContingentExhausted,
			"the %s contingent of %s has too few minutes left for this booking; the customer decides on extra minutes (about %d left)", level, month, left)
	}
	after, err := c.Contingent.Get(tctx, b.ID)
	if err != nil {
		return nil, err
	}
	total := after.MonthlyMinutes + after.CarriedOverMinutes + after.ExtraMinutes
	if !after.Warned && after.UsedMinutes*100 >= total*k.WarningThresholdPercent {
		// Once per month and level: only the booking whose guarded update flips the flag warns.
		// Crossing the threshold is an overrun: it opens a decision episode (SPEC 12.4).
		flipped, err := c.Contingent.Update().Where(contingent.ID(b.ID), contingent.Warned(false)).
			SetWarned(true).Save(tctx)
		if err != nil {
			return nil, err
		}
		if flipped == 1 {
			if _, _, err := s.openEpisode(tctx, c, after, overrundecision.CauseTHRESHOLD); err != nil {
				return nil, err
			}
			if err := s.notifyCustomer(tctx, c, k, after.ID, "CONTINGENT_WARNING",
				fmt.Sprintf("%s contingent %s: %d of %d minutes used", level, month, after.UsedMinutes, total)); err != nil {
				return nil, err
			}
			if err := webhook.QueueContingent(tctx, c, k, after, s.now()); err != nil {
				return nil, err
			}
		}
	}
	return nil, nil
}

// budget returns the contingent row of a month and level, creating it from the contract's
// terms on first use (a concurrent creator wins; then it is read).
func (s *Service) budget(ctx context.Context, c *ent.Client, k *ent.Contract, month, level string) (*ent.Contingent, error) {
	q := c.Contingent.Query().Where(contingent.ContractID(k.ID), contingent.Month(month), contingent.LevelEQ(contingent.Level(level)))
	if b, err := q.Only(ctx); err == nil {
		return b, nil
	}
	// A month's contingent comes from the terms in force when the month starts.
	mk, err := s.monthTerms(ctx, c, k, month)
	if err != nil {
		return nil, err
	}
	monthly := 0
	for _, lt := range mk.LevelTerms {
		if lt.Level == level {
			monthly = lt.MonthlyMinutes
		}
	}
	err = c.Contingent.Create().SetContractID(k.ID).SetCustomerID(k.CustomerID).SetMonth(month).
		SetLevel(contingent.Level(level)).SetMonthlyMinutes(monthly).
		OnConflictColumns(contingent.FieldContractID, contingent.FieldMonth, contingent.FieldLevel).DoNothing().Exec(ctx)
	if err != nil && err.Error() != "sql: no rows in result set" {
		return nil, err
	}
	return q.Only(ctx)
}

// notifyCustomer tells the customer's key users and approvers and the service manager, once
// per kind and ref (a contingent for warnings, a decision episode for overruns).
func (s *Service) notifyCustomer(ctx context.Context, c *ent.Client, k *ent.Contract, ref int, kind, title string) error {
	ids, err := c.User.Query().Where(user.OrganizationID(k.CustomerID), user.Active(true),
		user.RoleIn(user.RoleAPPROVER, user.RoleKEY_USER)).IDs(ctx)
	if err != nil {
		return err
	}
	if k.ServiceManagerID != nil {
		ids = append(ids, *k.ServiceManagerID)
	}
	var msgs []notify.Message
	for _, id := range ids {
		msgs = append(msgs, notify.Message{RecipientID: id, Kind: kind, Title: title,
			DedupKey: fmt.Sprintf("%s:%d:%d", strings.ToLower(kind), ref, id)})
	}
	return notify.Send(ctx, c, msgs...)
}

// EditInput changes an entry's minutes or description; nil leaves a field as it is.
type EditInput struct {
	Minutes     *int    `json:"minutes"`
	Description *string `json:"description"`
}

// entryForChange loads an entry its author or an administrator may change: only in an open
// month. Issued months are immutable; corrections are new entries in an open month.
func (s *Service) entryForChange(ctx context.Context, c *ent.Client, id int) (*ent.TimeEntry, *viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	e, err := c.TimeEntry.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.NotFoundf("time entry not found")
	}
	if err != nil {
		return nil, nil, err
	}
	if e.UserID != v.UserID && !(v.IsStaff() && v.IsAdmin()) {
		return nil, nil, apperr.Forbiddenf("time entries are changed by their author or an administrator")
	}
	if e.ContractID != nil {
		closed, err := c.Statement.Query().Where(statement.ContractID(*e.ContractID), statement.Month(Month(e.WorkDate))).Exist(trusted(ctx))
		if err != nil {
			return nil, nil, err
		}
		if closed {
			return nil, nil, apperr.E(apperr.Conflict, "%s is closed; book a correction in an open month", Month(e.WorkDate))
		}
	}
	return e, v, nil
}

// Delete removes an entry in an open month and gives its minutes back to the budget; the
// inquiry's other entries in open months are billed again, so it still bills max(total,
// minimum) (deleting the first of two 5-minute entries leaves the other billing 15).
func (s *Service) Delete(ctx context.Context, id int) error {
	return ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		e, _, err := s.entryForChange(ctx, c, id)
		if err != nil {
			return err
		}
		if err := c.TimeEntry.DeleteOneID(e.ID).Exec(ctx); err != nil {
			return err
		}
		_, err = s.rebill(ctx, c, e.TicketID, rebill{removed: e})
		return err
	})
}

// Edit changes an entry of an open month. New minutes are rounded, the inquiry's entries of open
// months are billed again under the same rules (the inquiry bills max(total, minimum)), and the
// budget is adjusted in the same transaction (CONTINGENT_EXHAUSTED if the new minutes do not
// fit).
func (s *Service) Edit(ctx context.Context, id int, in EditInput) (*ent.TimeEntry, error) {
	if in.Description != nil && strings.TrimSpace(*in.Description) == "" {
		return nil, apperr.Invalid("describe the work", "description")
	}
	if in.Minutes != nil && (*in.Minutes <= 0 || *in.Minutes > 24*60) {
		return nil, apperr.Invalid("minutes must be between 1 and 1440", "minutes")
	}
	err := ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		e, _, err := s.entryForChange(ctx, c, id)
		if err != nil {
			return err
		}
		u := c.TimeEntry.UpdateOne(e)
		if in.Description != nil {
			u.SetDescription(strings.TrimSpace(*in.Description))
		}
		if in.Minutes != nil && *in.Minutes != e.RawMinutes {
			rounded, err := s.roundFor(ctx, c, e, *in.Minutes)
			if err != nil {
				return err
			}
			if err := u.SetRawMinutes(*in.Minutes).SetMinutes(rounded).Exec(ctx); err != nil {
				return err
			}
			// The inquiry's open entries are billed again; only growth is checked against the budget.
			_, err = s.rebill(ctx, c, e.TicketID, rebill{strict: true})
			return err
		}
		return u.Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return s.Client.TimeEntry.Get(ctx, id)
}
