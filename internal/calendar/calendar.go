package calendar

import (
	"fmt"
	"sync"
	"time"
)

// MinutesPerDay is the end of the last possible interval of a day ("24:00").
const MinutesPerDay = 24 * 60

// Interval is a half-open opening interval [Start, End) in minutes since local midnight.
// End may be MinutesPerDay, so 00:00–24:00 is a whole day and a 24/7 calendar has no gap.
type Interval struct {
	Start, End int
}

// String formats the interval as "HH:MM-HH:MM".
func (iv Interval) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", iv.Start/60, iv.Start%60, iv.End/60, iv.End%60)
}

// Date is a civil date without a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD" strictly.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String formats the date as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// next returns the following day without going through time.Time; it is the hot path of
// building a year table.
func (d Date) next() Date {
	if d.Day < daysIn(d.Year, d.Month) {
		return Date{d.Year, d.Month, d.Day + 1}
	}
	if d.Month == time.December {
		return Date{d.Year + 1, time.January, 1}
	}
	return Date{d.Year, d.Month + 1, 1}
}

// yearDay returns the 0-based day of the year of d.
func (d Date) yearDay() int {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).YearDay() - 1
}

// at returns the first instant at which the clocks in loc show minute m (0–1440) of day d or
// later. Minute 1440 is midnight of the next day, the same instant as minute 0 of that day.
//
// time.Date alone is not enough at DST switches: for a wall time the switch skips it may
// answer an instant before the gap (zones west of UTC) or after it (east of UTC), and for a
// wall time that occurs twice either occurrence. Read as "the first instant showing m or
// later", a skipped time is the moment of the switch and a repeated time its first
// occurrence. That keeps the mapping monotone, so the spans of a day never leak into the
// previous day, even where the switch happens at midnight.
func (d Date) at(loc *time.Location, m int) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, m/60, m%60, 0, 0, loc)
	want := time.Date(d.Year, d.Month, d.Day, m/60, m%60, 0, 0, time.UTC)
	shown := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	switch start, end := t.ZoneBounds(); {
	case shown.After(want): // skipped, answered after the gap: the switch began t's zone
		return start
	case shown.Before(want): // skipped, answered before the gap: the switch ends t's zone
		return end
	case !start.IsZero():
		// A repeated time has its first occurrence in the previous zone, with a larger offset.
		_, off := t.Zone()
		if _, prev := start.Add(-time.Nanosecond).Zone(); prev > off {
			if first := want.Add(-time.Duration(prev) * time.Second); first.Before(start) {
				return first.In(loc)
			}
		}
	}
	return t
}

// MonthDay is a day of the year that recurs every year, such as 24 December.
type MonthDay struct {
	Month time.Month
	Day   int
}

// String formats the day as "MM-DD".
func (md MonthDay) String() string { return fmt.Sprintf("%02d-%02d", int(md.Month), md.Day) }

// Never is what Add and NextOpen return for a calendar that does not open again (possible only
// for pathological closures, see Add). It is far beyond any real deadline, so a clock due at
// Never is never breached. Compare with Equal.
var Never = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// Calendar is a service calendar. Build it with New; it is immutable afterwards and safe for
// concurrent use (the per-year caches are guarded).
type Calendar struct {
	loc       *time.Location
	weekly    [7][]Interval // index time.Weekday
	holidays  *holidaySet   // nil: no public holidays
	closed    map[Date]bool
	recurring map[MonthDay]bool
	extra     map[Date][]Interval // dated exceptions; an empty slice means closed

	mu    sync.RWMutex
	years map[int]*yearTable
}

// Location returns the calendar's time zone, in which opening hours are read.
func (c *Calendar) Location() *time.Location { return c.loc }

// Hours returns the opening intervals of date d after all exceptions: a dated exception wins
// over everything (it may even open a holiday), then closed dates, recurring closed days and
// public holidays close the day, else the weekly hours apply. The result must not be modified.
func (c *Calendar) Hours(d Date) []Interval {
	var hol map[MonthDay]string
	if c.holidays != nil {
		hol = c.holidays.year(d.Year)
	}
	return c.hours(d, hol)
}

// hours is Hours with the year's holidays already looked up.
func (c *Calendar) hours(d Date, hol map[MonthDay]string) []Interval {
	if iv, ok := c.extra[d]; ok {
		return iv
	}
	md := MonthDay{d.Month, d.Day}
	if c.closed[d] || c.recurring[md] {
		return nil
	}
	if _, ok := hol[md]; ok {
		return nil
	}
	return c.weekly[d.Weekday()]
}

// Holidays returns the public holidays of year in date order (none without a holiday country).
func (c *Calendar) Holidays(year int) []Holiday {
	if c.holidays == nil {
		return nil
	}
	return c.holidays.list(year)
}

// span is an opening interval of one day as instants.
type span struct{ start, end time.Time }

// dayStart returns the first instant of day d and whether the day is steady: its clocks
// start at 00:00 (no switch skipped midnight) and no DST switch happens before the next
// midnight, so minute m of the day is simply start + m minutes.
func (c *Calendar) dayStart(d Date) (start time.Time, steady bool) {
	start = d.at(c.loc, 0).In(c.loc)
	if start.Hour() != 0 || start.Minute() != 0 {
		return start, false
	}
	_, end := start.ZoneBounds()
	return start, end.IsZero() || start.Add(24*time.Hour).Before(end)
}

// spans appends the opening intervals ivs of day d as instants to buf. On a day with a DST
// switch each wall time goes through Date.at; the spans are clamped so that they stay sorted
// and never overlap, and empty ones are dropped.
func (c *Calendar) spans(d Date, ivs []Interval, buf []span) []span {
	if len(ivs) == 0 {
		return buf
	}
	start, steady := c.dayStart(d)
	for _, iv := range ivs {
		var s, e time.Time
		if steady {
			s = start.Add(time.Duration(iv.Start) * time.Minute)
			e = start.Add(time.Duration(iv.End) * time.Minute)
		} else {
			s, e = d.at(c.loc, iv.Start), d.at(c.loc, iv.End)
		}
		if n := len(buf); n > 0 && s.Before(buf[n-1].end) {
			s = buf[n-1].end
		}
		if e.After(s) {
			buf = append(buf, span{s, e})
		}
	}
	return buf
}

// wallMinutes is the open time of intervals on a steady day.
func wallMinutes(ivs []Interval) time.Duration {
	sum := 0
	for _, iv := range ivs {
		sum += iv.End - iv.Start
	}
	return time.Duration(sum) * time.Minute
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func daysIn(year int, m time.Month) int {
	if m == time.February && isLeap(year) {
		return 29
	}
	return monthDays[m]
}

func isLeap(year int) bool { return year%4 == 0 && (year%100 != 0 || year%400 == 0) }
