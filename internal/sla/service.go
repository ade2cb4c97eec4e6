package sla

import (
	"context"
	"fmt"
	"sync"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/ticket"
	"supportdesk/internal/calendar"
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
	cache    sync.Map // calendar id → cachedCal
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
	k, err := c.Contract.Query().Where(contract.ID(*t.ContractID)).WithCalendar().Only(trusted)
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

// Compute returns the SLA status of a ticket, or nil when its contract sets no target for its
// priority or has no calendar.
func (s *Service) Compute(ctx context.Context, c *ent.Client, t *ent.Ticket) (*Status, error) {
	cal, target, ok, err := s.terms(ctx, c, t)
	if err != nil || !ok {
		return nil, err
	}
	return status(Clock{Cal: cal}, target, t, s.now()), nil
}

// ForTicket is Compute with the service's client.
func (s *Service) ForTicket(ctx context.Context, t *ent.Ticket) (*Status, error) {
	return s.Compute(ctx, s.Client, t)
}

func status(clk Clock, target schematype.SLATarget, t *ent.Ticket, now time.Time) *Status {
	st := &Status{
		FirstResponse: clk.Measure(target.FirstResponseMinutes, t.ReceivedAt, t.FirstResponseAt, t.WaitingPeriods, now),
		Resolution:    clk.Measure(target.ResolutionMinutes, t.ReceivedAt, t.ResolvedAt, t.WaitingPeriods, now),
	}
	for _, p := range t.WaitingPeriods {
		if p.End == nil {
			st.Paused = true
		}
	}
	return st
}

// Freeze stores the measures that have stopped (first response given, ticket resolved) on the
// ticket, so reports read them and later edits of calendars or targets never rewrite them. It
// runs in the caller's transaction after the ticket's timestamps were set.
func (s *Service) Freeze(ctx context.Context, c *ent.Client, id int) error {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	t, err := c.Ticket.Get(trusted, id)
	if err != nil {
		return err
	}
	st, err := s.Compute(ctx, c, t)
	if err != nil || st == nil {
		return err
	}
	u := c.Ticket.UpdateOne(t).SetSLAFirstResponseDue(st.FirstResponse.DueAt).SetSLAResolutionDue(st.Resolution.DueAt)
	if t.FirstResponseAt != nil {
		u.SetSLAFirstResponseMinutes(st.FirstResponse.ElapsedMinutes).SetSLAFirstResponseMet(st.FirstResponse.State == Met)
	}
	if t.ResolvedAt != nil {
		u.SetSLAResolutionMinutes(st.Resolution.ElapsedMinutes).SetSLAResolutionMet(st.Resolution.State == Met)
	} else {
		u.ClearSLAResolutionMinutes().ClearSLAResolutionMet()
	}
	return u.Exec(trusted)
}
