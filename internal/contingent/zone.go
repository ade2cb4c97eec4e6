package contingent

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/calendar"
	"supportdesk/internal/terms"
)

// A work date is a civil date, kept as the UTC midnight of that day; every month boundary of a
// contract (bookings, contingents, carry-over, statements) is read in its calendar's time zone,
// UTC when it has none.

// Civil returns the calendar date of t (in t's own location) as UTC midnight.
func Civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// zone returns the time zone of a contract's calendar, UTC without one (or with an unknown one).
func (s *Service) zone(ctx context.Context, c *ent.Client, k *ent.Contract) *time.Location {
	if k.CalendarID == nil {
		return time.UTC
	}
	tz, err := c.Calendar.Query().Where(calendar.ID(*k.CalendarID)).Select(calendar.FieldTimeZone).String(trusted(ctx))
	if err != nil {
		return time.UTC
	}
	return location(tz)
}

func location(tz string) *time.Location {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		return time.UTC
	}
	return loc
}

// today is the civil date of now in loc.
func today(now time.Time, loc *time.Location) time.Time { return Civil(now.In(loc)) }

// monthEnded reports whether month ("2026-11") has ended at now in loc.
func monthEnded(month time.Time, now time.Time, loc *time.Location) bool {
	end := time.Date(month.Year(), month.Month()+1, 1, 0, 0, 0, 0, loc)
	return !now.Before(end)
}

// monthTerms returns contract k under the terms in force when month ("2026-11") starts in its
// time zone: a month's contingent budget is fixed by those terms (package terms).
func (s *Service) monthTerms(ctx context.Context, c *ent.Client, k *ent.Contract, month string) (*ent.Contract, error) {
	return s.monthTermsIn(ctx, c, k, month, s.zone(ctx, c, k))
}

// monthTermsIn is monthTerms for a caller that knows the contract's zone already.
func (s *Service) monthTermsIn(ctx context.Context, c *ent.Client, k *ent.Contract, month string, loc *time.Location) (*ent.Contract, error) {
	start, err := parseMonth(month)
	if err != nil {
		return nil, err
	}
	return terms.At(ctx, c, k, time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, loc))
}
