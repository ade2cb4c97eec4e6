package sla

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"sync"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/ticket"
	"supportdesk/internal/calendar"
	"supportdesk/internal/terms"

	entsql "entgo.io/ent/dialect/sql"
)

// Status is the SLA state of a ticket: both targets, and whether the clock is paused.
type Status struct {
	FirstResponse Measure
	Resolution    Measure
	Paused        bool
}

// Service computes SLA status for tickets. Calendars are built once per version and cached.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	// Postgres selects database-side percentiles in reports.
	Postgres bool
	// SQL, when set, is the pool the evaluator stores next check moments through, without the
	// ticket's mutation hooks (no outbox event, no updated_at: nothing a user sees changed).
	SQL        *stdsql.DB
	cache      sync.Map // calendar id → cachedCal
	termsCache termsCache
}

type cachedCal struct {
	updated time.Time
	cal     *calendar.Calendar
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Spec converts a stored calendar into the calendar package's form.
func Spec(c *ent.Calendar) calendar.Spec {
	return calendar.Spec{TimeZone: c.TimeZone, Weekly: c.WeeklyHours, HolidayCountry: c.HolidayCountry,
		HolidayRegion: c.HolidayRegion, ClosedDates: c.ClosedDates, RecurringClosedDays: c.RecurringClosedDays,
		Extra: c.ExtraHours}
}

// Calendar returns the business calendar of a stored calendar, cached per version.
func (s *Service) Calendar(c *ent.Calendar) (*calendar.Calendar, error) {
	if v, ok := s.cache.Load(c.ID); ok && v.(cachedCal).updated.Equal(c.UpdatedAt) {
		return v.(cachedCal).cal, nil
	}
	cal, err := calendar.New(Spec(c))
	if err != nil {
		return nil, fmt.Errorf("calendar %d: %w", c.ID, err)
	}
	s.cache.Store(c.ID, cachedCal{updated: c.UpdatedAt, cal: cal})
	return cal, nil
}

// TargetFor returns the contract's target for a priority.
func TargetFor(k *ent.Contract, p ticket.Priority) (schematype.SLATarget, bool) {
	for _, t := range k.SLATargets {
		if t.Priority == string(p) {
			return t, true
		}
	}
	return schematype.SLATarget{}, false
}

// terms loads the contract and calendar of a ticket. They are read with the privacy bypass:
// a ticket's viewer may see its SLA even where contract terms are not visible (end users);
// only the SLA figures leave this package.
func (s *Service) terms(ctx context.Context, c *ent.Client, t *ent.Ticket) (*calendar.Calendar, schematype.SLATarget, bool, error) {
	if t.ContractID == nil {
		return nil, schematype.SLATarget{}, false, nil
	}
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	var k *ent.Contract
	var err error
	if b := batchFrom(ctx); b != nil && c == s.Client {
		// A list's tickets: their terms come in one batch (batch.go).
		k, err = b.terms(trusted, s, c, t)
	} else {
		k, err = c.Contract.Query().Where(contract.ID(*t.ContractID)).WithCalendar().Only(trusted)
		// A ticket keeps the terms in force when it was received (package terms).
		if err == nil {
			k, err = terms.At(trusted, c, k, t.ReceivedAt)
		}
	}
	if err != nil {
		return nil, schematype.SLATarget{}, false, err
	}
	target, ok := TargetFor(k, t.Priority)
	if !ok || k.Edges.Calendar == nil {
		return nil, target, false, nil
	}
	cal, err := s.Calendar(k.Edges.Calendar)
	return cal, target, err == nil, err
}

// Compute returns the SLA status of a ticket, or nil when it has no SLA. A measure frozen on
// the ticket (first response given or finalised, ticket resolved) is returned as frozen, whatever
// the contract's terms and calendar say today; a running measure follows the current terms. A
// ticket whose measures are all frozen needs no terms; one with a running measure has no SLA
// while its contract sets no target for its priority or has no calendar.
func (s *Service) Compute(ctx context.Context, c *ent.Client, t *ent.Ticket) (*Status, error) {
	fr, frOK := frozenFirstResponse(t)
	res, resOK := frozenResolution(t)
	if frOK && resOK && fr.TargetMinutes > 0 && res.TargetMinutes > 0 {
		return &Status{FirstResponse: fr, Resolution: res, Paused: paused(t)}, nil
	}
	cal, target, ok, err := s.terms(ctx, c, t)
	if err != nil || !ok {
		return nil, err
	}
	st := status(Clock{Cal: cal}, target, t, s.now())
	if frOK {
		if fr.TargetMinutes == 0 { // frozen before targets were stored
			fr.TargetMinutes, fr.RemainingMinutes = target.FirstResponseMinutes, max(target.FirstResponseMinutes-fr.ElapsedMinutes, 0)
		}
		st.FirstResponse = fr
	}
	if resOK {
		if res.TargetMinutes == 0 {
			res.TargetMinutes, res.RemainingMinutes = target.ResolutionMinutes, max(target.ResolutionMinutes-res.ElapsedMinutes, 0)
		}
		st.Resolution = res
	}
	return st, nil
}

// ForTicket is Compute with the service's client.
func (s *Service) ForTicket(ctx context.Context, t *ent.Ticket) (*Status, error) {
	return s.Compute(ctx, s.Client, t)
}

// frozen rebuilds a stopped measure from the values stored on the ticket.
func frozen(target *int, due *time.Time, minutes *int, met *bool, stopped *time.Time) (Measure, bool) {
	if met == nil || minutes == nil || due == nil || stopped == nil {
		return Measure{}, false
	}
	m := Measure{DueAt: due.UTC(), ElapsedMinutes: *minutes, State: Breached}
	if target != nil {
		m.TargetMinutes, m.RemainingMinutes = *target, max(*target-*minutes, 0)
	}
	if *met {
		m.State = Met
	}
	at := stopped.UTC()
	m.StoppedAt = &at
	return m, true
}

func frozenFirstResponse(t *ent.Ticket) (Measure, bool) {
	stopped := t.SLAFirstResponseStoppedAt
	if stopped == nil { // frozen before stop times were stored
		stopped = firstResponseStop(t)
	}
	return frozen(t.SLAFirstResponseTarget, t.SLAFirstResponseDue, t.SLAFirstResponseMinutes, t.SLAFirstResponseMet, stopped)
}

func frozenResolution(t *ent.Ticket) (Measure, bool) {
	if t.ResolvedAt == nil { // reopened: runs again until Freeze has cleared it
		return Measure{}, false
	}
	stopped := t.SLAResolutionStoppedAt
	if stopped == nil {
		stopped = t.ResolvedAt
	}
	return frozen(t.SLAResolutionTarget, t.SLAResolutionDue, t.SLAResolutionMinutes, t.SLAResolutionMet, stopped)
}

// firstResponseStop is when the first-response clock stops: at the first public staff reply,
// or, for a ticket resolved without one, at its resolution (see the package doc).
func firstResponseStop(t *ent.Ticket) *time.Time {
	if t.FirstResponseAt != nil {
		return t.FirstResponseAt
	}
	return t.ResolvedAt
}

func paused(t *ent.Ticket) bool {
	for _, p := range t.WaitingPeriods {
		if p.End == nil {
			return true
		}
	}
	return false
}

func status(clk Clock, target schematype.SLATarget, t *ent.Ticket, now time.Time) *Status {
	return &Status{
		FirstResponse: clk.Measure(target.FirstResponseMinutes, t.ReceivedAt, firstResponseStop(t), t.WaitingPeriods, now),
		Resolution:    clk.Measure(target.ResolutionMinutes, t.ReceivedAt, t.ResolvedAt, t.WaitingPeriods, now),
		Paused:        paused(t),
	}
}

// Freeze keeps the SLA figures stored on a ticket in step with its timestamps. It runs in the
// caller's transaction after the ticket's timestamps were set (creation, first response,
// resolution, reopening, priority change):
//   - a measure whose clock has stopped and that is not frozen yet is frozen: target, due time,
//     elapsed minutes, met or breached and the stop time are stored and never recomputed;
//   - a frozen measure is left alone (a later priority change or terms edit does not touch it);
//   - a reopened ticket (resolution frozen, no longer resolved) gets the time it spent resolved
//     as a pause of its clock, and its resolution measure runs again;
//   - running measures get their current due times, which reports use for overdue tickets.
func (s *Service) Freeze(ctx context.Context, c *ent.Client, id int) error {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	t, err := c.Ticket.Get(trusted, id)
	if err != nil {
		return err
	}
	u := c.Ticket.UpdateOne(t)
	changed := false
	if t.SLAResolutionMet != nil && t.ResolvedAt == nil {
		if from := t.SLAResolutionStoppedAt; from != nil {
			to := s.now()
			if to.After(*from) {
				t.WaitingPeriods = append(append([]schematype.Period{}, t.WaitingPeriods...), schematype.Period{Start: *from, End: &to})
				u.SetWaitingPeriods(t.WaitingPeriods)
			}
		}
		u.ClearSLAResolutionMinutes().ClearSLAResolutionMet().ClearSLAResolutionTarget().ClearSLAResolutionStoppedAt()
		t.SLAResolutionMet = nil
		changed = true
	}
	frDone, resDone := t.SLAFirstResponseMet != nil, t.SLAResolutionMet != nil
	cal, target, ok, err := s.terms(ctx, c, t)
	if err != nil {
		return err
	}
	// The evaluator's next look is the earliest at-risk moment of a running measure (none
	// without an SLA or once both clocks stopped).
	var next *time.Time
	if ok && (!frDone || !resDone) {
		clk := Clock{Cal: cal}
		st := status(clk, target, t, s.now())
		for _, m := range []struct {
			m       Measure
			running bool
		}{{st.FirstResponse, !frDone && firstResponseStop(t) == nil}, {st.Resolution, !resDone && t.ResolvedAt == nil}} {
			if at := clk.AtRiskMoment(m.m, t.ReceivedAt, t.WaitingPeriods, s.now()); m.running && (next == nil || at.Before(*next)) {
				next = &at
			}
		}
		if !frDone {
			u.SetSLAFirstResponseDue(st.FirstResponse.DueAt)
			if stop := firstResponseStop(t); stop != nil {
				u.SetSLAFirstResponseMinutes(st.FirstResponse.ElapsedMinutes).SetSLAFirstResponseMet(st.FirstResponse.State == Met).
					SetSLAFirstResponseTarget(st.FirstResponse.TargetMinutes).SetSLAFirstResponseStoppedAt(*stop)
			}
		}
		if !resDone {
			u.SetSLAResolutionDue(st.Resolution.DueAt)
			if t.ResolvedAt != nil {
				u.SetSLAResolutionMinutes(st.Resolution.ElapsedMinutes).SetSLAResolutionMet(st.Resolution.State == Met).
					SetSLAResolutionTarget(st.Resolution.TargetMinutes).SetSLAResolutionStoppedAt(*t.ResolvedAt)
			}
		}
		changed = true
	}
	if !sameMoment(next, t.SLANextCheckAt) {
		if next == nil {
			u.ClearSLANextCheckAt()
		} else {
			u.SetSLANextCheckAt(*next)
		}
		changed = true
	}
	if !changed {
		return nil
	}
	return u.Exec(trusted)
}

func sameMoment(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// setNextCheck stores when the evaluator looks at t again (nil: never, until Freeze sets it).
func (s *Service) setNextCheck(ctx context.Context, t *ent.Ticket, next *time.Time) error {
	if sameMoment(next, t.SLANextCheckAt) {
		return nil
	}
	if s.SQL == nil {
		u := s.Client.Ticket.UpdateOneID(t.ID)
		if next == nil {
			u.ClearSLANextCheckAt()
		}
		return u.SetNillableSLANextCheckAt(next).Exec(ctx)
	}
	d := "sqlite3"
	if s.Postgres {
		d = "postgres"
	}
	u := entsql.Dialect(d).Update(ticket.Table).Where(entsql.EQ(ticket.FieldID, t.ID))
	if next == nil {
		u.SetNull(ticket.FieldSLANextCheckAt)
	} else {
		u.Set(ticket.FieldSLANextCheckAt, next.UTC())
	}
	q, args := u.Query()
	_, err := s.SQL.ExecContext(ctx, q, args...)
	return err
}
