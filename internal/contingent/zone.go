package contingent

import (
	"context"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/calendar"
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
