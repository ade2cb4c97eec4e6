package calendar

import (
	"sort"
	"time"
)

// Years inside this window are cached; others (a stray zero time, a year 9999 sentinel) are
// computed on the fly so that odd inputs cannot grow the caches without bound.
const (
	cacheFrom = 1900
	cacheTo   = 2300
)

func cacheable(year int) bool { return year >= cacheFrom && year <= cacheTo }

// maxEmptyYears is how many consecutive years without a single open minute Add and NextOpen
// cross before they give up and return Never. New rules out calendars that never open by
// their weekly hours or recurring closed days; this bound also stops explicit closed dates or
// holidays that happen to close everything.
const maxEmptyYears = 10

// yearTable holds the open time of every day of one year as a running sum: cum[i] is the open
// time of the days before day i (0-based day of the year), cum[len-1] that of the whole year.
type yearTable struct {
	cum []time.Duration
}

func (y *yearTable) total() time.Duration { return y.cum[len(y.cum)-1] }

// firstOpen returns the first day at or after day i with open time, or -1.
func (y *yearTable) firstOpen(i int) int {
	n := len(y.cum) - 1
	j := i + sort.Search(n-i, func(k int) bool { return y.cum[i+k+1] > y.cum[i] })
	if j >= n {
		return -1
	}
	return j
}

// table returns the year table of year, building and caching it on first use.
func (c *Calendar) table(year int) *yearTable {
	c.mu.RLock()
	t := c.years[year]
	c.mu.RUnlock()
	if t != nil {
		return t
	}
	t = c.buildYear(year)
	if !cacheable(year) {
		return t
	}
	c.mu.Lock()
	if cached := c.years[year]; cached != nil {
		t = cached
	} else {
		c.years[year] = t
	}
	c.mu.Unlock()
	return t
}

// buildYear walks the year once, day by day. Between DST switches a day is 24 hours and its
// open time is the plain sum of its intervals; only days with a switch are turned into
// instants interval by interval.
func (c *Calendar) buildYear(year int) *yearTable {
	var hol map[MonthDay]string
	if c.holidays != nil {
		hol = c.holidays.year(year)
	}
	n := 365
	if isLeap(year) {
		n = 366
	}
	cum := make([]time.Duration, n+1)
	d := Date{year, time.January, 1}
	start, steady := c.dayStart(d)
	_, zoneEnd := start.ZoneBounds()
	var buf [8]span
	for i := 0; i < n; i++ {
		ivs := c.hours(d, hol)
		open := wallMinutes(ivs)
		if !steady {
			open = 0
			for _, s := range c.spans(d, ivs, buf[:0]) {
				open += s.end.Sub(s.start)
			}
		}
		cum[i+1] = cum[i] + open
		d = d.next()
		if next := start.Add(24 * time.Hour); steady && (zoneEnd.IsZero() || next.Add(24*time.Hour).Before(zoneEnd)) {
			start = next // still no switch before the following midnight
		} else {
			start, steady = c.dayStart(d)
			_, zoneEnd = start.ZoneBounds()
		}
	}
	return &yearTable{cum: cum}
}

// daySpans returns the opening spans of date d as instants.
func (c *Calendar) daySpans(d Date, buf []span) []span {
	var hol map[MonthDay]string
	if c.holidays != nil {
		hol = c.holidays.year(d.Year)
	}
	return c.spans(d, c.hours(d, hol), buf)
}

// IsOpen reports whether t lies inside an opening interval.
func (c *Calendar) IsOpen(t time.Time) bool {
	lt := t.In(c.loc)
	var buf [8]span
	for _, s := range c.daySpans(DateOf(lt), buf[:0]) {
		if !lt.Before(s.start) && lt.Before(s.end) {
			return true
		}
	}
	return false
}

// NextOpen returns the first instant at or after t at which the calendar is open, in UTC: t
// itself when it is open, else the start of the next opening interval. It returns Never if
// the calendar does not open again within maxEmptyYears years.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	lt := t.In(c.loc)
	d := DateOf(lt)
	var buf [8]span
	for _, s := range c.daySpans(d, buf[:0]) {
		if lt.Before(s.end) {
			if lt.Before(s.start) {
				return s.start.UTC()
			}
			return lt.UTC()
		}
	}
	d = d.next()
	for empty := 0; empty <= maxEmptyYears; {
		y := c.table(d.Year)
		if j := y.firstOpen(d.yearDay()); j >= 0 {
			day := Date{d.Year, time.January, 1}.AddDays(j)
			return c.daySpans(day, buf[:0])[0].start.UTC()
		}
		if y.total() == 0 {
			empty++
		} else {
			empty = 0
		}
		d = Date{d.Year + 1, time.January, 1}
	}
	return Never
}

// maxAdd is the most minutes Add accepts before answering Never: 10^8 minutes is centuries of
// business time, far beyond any target, and stays inside time.Duration (about 292 years).
const maxAdd = 100_000_000

// Add returns the instant, in UTC, at which minutes business minutes after t have elapsed.
// The clock runs only inside opening intervals, so the result is inside or at the end of one
// (Friday 15:00 plus 30 minutes with a 15:30 close is Friday 15:30, not Monday 08:30). For
// minutes <= 0 it returns t unchanged (as UTC), even outside opening hours: no time has to
// elapse. New rejects calendars whose weekly hours and recurring closed days never let them
// open; should closed dates and holidays still close every day for maxEmptyYears years in a
// row, Add returns Never instead of looping.
func (c *Calendar) Add(t time.Time, minutes int) time.Time {
	if minutes <= 0 {
		return t.UTC()
	}
	if minutes > maxAdd {
		return Never
	}
	rem := time.Duration(minutes) * time.Minute
	lt := t.In(c.loc)
	d := DateOf(lt)

	// The rest of t's own day, interval by interval.
	var buf [8]span
	for _, s := range c.daySpans(d, buf[:0]) {
		if !lt.Before(s.end) {
			continue
		}
		start := s.start
		if lt.After(start) {
			start = lt
		}
		avail := s.end.Sub(start)
		if rem <= avail {
			return start.Add(rem).UTC()
		}
		rem -= avail
	}

	// Whole years, then whole days by binary search in the year table, then the intervals of
	// the last day.
	d = d.next()
	for empty := 0; empty <= maxEmptyYears; {
		y := c.table(d.Year)
		i := d.yearDay()
		if left := y.total() - y.cum[i]; rem > left {
			rem -= left
			if y.total() == 0 {
				empty++
			} else {
				empty = 0
			}
			d = Date{d.Year + 1, time.January, 1}
			continue
		}
		n := len(y.cum) - 1
		j := i + sort.Search(n-i, func(k int) bool { return y.cum[i+k+1]-y.cum[i] >= rem })
		rem -= y.cum[j] - y.cum[i]
		day := Date{d.Year, time.January, 1}.AddDays(j)
		var last time.Time
		for _, s := range c.daySpans(day, buf[:0]) {
			avail := s.end.Sub(s.start)
			if rem <= avail {
				return s.start.Add(rem).UTC()
			}
			rem -= avail
			last = s.end
		}
		return last.UTC() // unreachable: the table and the spans agree
	}
	return Never
}

// Between returns the business minutes in [from, to), rounded down to whole minutes; 0 if to
// is not after from. It works on the year tables, so a year costs two table lookups.
func (c *Calendar) Between(from, to time.Time) int {
	if !to.After(from) {
		return 0
	}
	lf, lt := from.In(c.loc), to.In(c.loc)
	df, dt := DateOf(lf), DateOf(lt)
	// Whole minutes are moved out of sum as it goes, so a span of centuries cannot overflow
	// time.Duration.
	sum := c.offset(lt, dt) - c.offset(lf, df)
	minutes := 0
	for y := df.Year; y < dt.Year; y++ {
		sum += c.table(y).total()
		minutes += int(sum / time.Minute)
		sum %= time.Minute
	}
	return minutes + int(sum/time.Minute)
}

// offset returns the open time from the start of d's year up to t (t on day d).
func (c *Calendar) offset(t time.Time, d Date) time.Duration {
	sum := c.table(d.Year).cum[d.yearDay()]
	var buf [8]span
	for _, s := range c.daySpans(d, buf[:0]) {
		if !t.After(s.start) {
			break
		}
		if t.Before(s.end) {
			sum += t.Sub(s.start)
			break
		}
		sum += s.end.Sub(s.start)
	}
	return sum
}
