package sla

import (
	"context"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/ticket"
	"supportdesk/internal/apperr"
	"supportdesk/internal/calendar"
	"supportdesk/internal/terms"
	"supportdesk/internal/viewer"
)

// CalendarInput holds a calendar's fields; nil leaves a field unchanged on update.
type CalendarInput struct {
	Name                *string                 `json:"name"`
	TimeZone            *string                 `json:"timeZone"`
	WeeklyHours         []schematype.DayHours   `json:"weeklyHours"`
	HolidayCountry      *string                 `json:"holidayCountry"`
	HolidayRegion       *string                 `json:"holidayRegion"`
	ClosedDates         []string                `json:"closedDates"`
	RecurringClosedDays []string                `json:"recurringClosedDays"`
	ExtraHours          []schematype.DatedHours `json:"extraHours"`
}

func admin(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() || !v.IsAdmin() {
		return nil, apperr.Forbiddenf("only administrators manage calendars and SLA terms")
	}
	return v, nil
}

func merge(c *ent.Calendar, in CalendarInput) calendar.Spec {
	s := Spec(c)
	if in.TimeZone != nil {
		s.TimeZone = *in.TimeZone
	}
	if in.WeeklyHours != nil {
		s.Weekly = in.WeeklyHours
	}
	if in.HolidayCountry != nil {
		s.HolidayCountry = strings.ToUpper(*in.HolidayCountry)
	}
	if in.HolidayRegion != nil {
		s.HolidayRegion = strings.ToUpper(*in.HolidayRegion)
	}
	if in.ClosedDates != nil {
		s.ClosedDates = in.ClosedDates
	}
	if in.RecurringClosedDays != nil {
		s.RecurringClosedDays = in.RecurringClosedDays
	}
	if in.ExtraHours != nil {
		s.Extra = in.ExtraHours
	}
	return s
}

// CreateCalendar validates and stores a calendar of the administrator's organisation.
func (s *Service) CreateCalendar(ctx context.Context, in CalendarInput) (*ent.Calendar, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, err
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return nil, apperr.Invalid("a calendar needs a name", "name")
	}
	spec := merge(&ent.Calendar{}, in)
	if _, err := calendar.New(spec); err != nil {
		return nil, err
	}
	return s.Client.Calendar.Create().SetName(strings.TrimSpace(*in.Name)).SetTimeZone(spec.TimeZone).
		SetWeeklyHours(spec.Weekly).SetHolidayCountry(spec.HolidayCountry).SetHolidayRegion(spec.HolidayRegion).
		SetClosedDates(spec.ClosedDates).SetRecurringClosedDays(spec.RecurringClosedDays).SetExtraHours(spec.Extra).
		SetOrganizationID(v.OrgID).Save(ctx)
}

// UpdateCalendar changes a calendar of the administrator's organisation. Open tickets follow
// the new hours; resolved tickets keep their frozen results.
func (s *Service) UpdateCalendar(ctx context.Context, id int, in CalendarInput) (*ent.Calendar, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.Client.Calendar.Get(ctx, id)
	if ent.IsNotFound(err) || (err == nil && c.OrganizationID != v.OrgID) {
		return nil, apperr.NotFoundf("calendar not found")
	}
	if err != nil {
		return nil, err
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		return nil, apperr.Invalid("a calendar needs a name", "name")
	}
	spec := merge(c, in)
	if _, err := calendar.New(spec); err != nil {
		return nil, err
	}
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	u := tx.Calendar.UpdateOne(c).SetTimeZone(spec.TimeZone).SetWeeklyHours(spec.Weekly).SetHolidayCountry(spec.HolidayCountry).
		SetHolidayRegion(spec.HolidayRegion).SetClosedDates(spec.ClosedDates).SetRecurringClosedDays(spec.RecurringClosedDays).
		SetExtraHours(spec.Extra)
	if in.Name != nil {
		u.SetName(strings.TrimSpace(*in.Name))
	}
	out, err := u.Save(ctx)
	if err == nil {
		var ks []int
		ks, err = tx.Contract.Query().Where(contract.CalendarID(id)).IDs(privacy.DecisionContext(ctx, privacy.Allow))
		if err == nil {
			err = s.refreshOpen(ctx, tx.Client(), ks)
		}
	}
	if err := commit(tx, err); err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// commit ends tx: committed when err is nil, else rolled back and err returned.
func commit(tx *ent.Tx, err error) error {
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// refreshOpen stores the current due times of the open tickets of some contracts after their
// terms changed: open tickets follow the current terms. Frozen measures stay as they are.
func (s *Service) refreshOpen(ctx context.Context, c *ent.Client, contractIDs []int) error {
	if len(contractIDs) == 0 {
		return nil
	}
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	ids, err := c.Ticket.Query().Where(ticket.ContractIDIn(contractIDs...), ticket.SLAResolutionMetIsNil(), ticket.ResolvedAtIsNil(),
		ticket.StatusNotIn(ticket.StatusCLOSED, ticket.StatusDUPLICATE, ticket.StatusREJECTED, ticket.StatusDECLINED)).IDs(trusted)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.Freeze(ctx, c, id); err != nil {
			return err
		}
	}
	return nil
}

// SetContractSLA sets a contract's calendar and SLA targets (business minutes per priority).
func (s *Service) SetContractSLA(ctx context.Context, contractID int, calendarID *int, targets []schematype.SLATarget) (*ent.Contract, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.Client.Contract.Query().Where(contract.ID(contractID), contract.ProviderID(v.OrgID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("contract not found")
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, t := range targets {
		if seen[t.Priority] || t.FirstResponseMinutes <= 0 || t.ResolutionMinutes < t.FirstResponseMinutes {
			return nil, apperr.Invalid("one target per priority; first response positive and not after resolution", "targets")
		}
		seen[t.Priority] = true
	}
	if calendarID != nil {
		if _, err := s.Client.Calendar.Get(ctx, *calendarID); err != nil {
			return nil, apperr.NotFoundf("calendar not found")
		}
	}
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	u := tx.Contract.UpdateOne(k).SetSLATargets(targets)
	if calendarID != nil {
		u.SetCalendarID(*calendarID)
	}
	out, err := u.Save(ctx)
	if err == nil {
		err = terms.FollowColumns(ctx, tx.Client(), out, s.now(), &v.UserID, "SLA targets and calendar")
	}
	if err == nil {
		err = s.refreshOpen(ctx, tx.Client(), []int{k.ID})
	}
	if err := commit(tx, err); err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}
