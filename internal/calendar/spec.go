package calendar

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"supportdesk/ent/schema/schematype"
	"supportdesk/internal/apperr"
)

// Spec is a calendar in its stored form, with the field names of the Ent schema's JSON types.
type Spec struct {
	// TimeZone is an IANA name such as "Europe/Copenhagen"; required ("UTC" is allowed,
	// "Local" is not, as it depends on the machine).
	TimeZone string
	// Weekly holds the opening hours per weekday (0 = Sunday … 6 = Saturday); a weekday that
	// is missing or has no intervals is closed. At least one weekday must have hours.
	Weekly []schematype.DayHours
	// HolidayCountry is "DK", "DE", "AT" or "CH"; empty means no public holidays.
	HolidayCountry string
	// HolidayRegion narrows the holidays: a German state ("BY", "NW", "BE"…) or a Swiss canton
	// ("ZH", "BE"…; required for CH). Austria and Denmark have no regions here.
	HolidayRegion string
	// ClosedDates are extra closed days, "YYYY-MM-DD".
	ClosedDates []string
	// RecurringClosedDays are closed every year, "MM-DD" (e.g. "12-24").
	RecurringClosedDays []string
	// Extra are dated exceptions with other hours; no intervals means closed that day. An
	// exception wins over holidays and closed days.
	Extra []schematype.DatedHours
}

// invalid builds the VALIDATION error of one field.
func invalid(field, format string, args ...any) error {
	return &apperr.Error{
		Code:    apperr.Validation,
		Message: field + ": " + fmt.Sprintf(format, args...),
		Fields:  []string{field},
	}
}

// New builds a calendar from its stored form. Every problem is a VALIDATION error
// (apperr.Error) naming the field, e.g. "weekly[1].intervals[0]". New rejects a calendar
// without any weekly hours, and one whose recurring closed days cover the whole year, so
// that Add always finds an end.
func New(s Spec) (*Calendar, error) {
	c := &Calendar{
		closed:    map[Date]bool{},
		recurring: map[MonthDay]bool{},
		extra:     map[Date][]Interval{},
		years:     map[int]*yearTable{},
	}

	tz := strings.TrimSpace(s.TimeZone)
	if tz == "" || tz == "Local" {
		return nil, invalid("timeZone", "an IANA time zone such as Europe/Copenhagen is required")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, invalid("timeZone", "unknown time zone %q", tz)
	}
	c.loc = loc

	seen := [7]bool{}
	anyHours := false
	for i, dh := range s.Weekly {
		field := fmt.Sprintf("weekly[%d]", i)
		if dh.Weekday < 0 || dh.Weekday > 6 {
			return nil, invalid(field+".weekday", "weekday %d is not 0 (Sunday) to 6 (Saturday)", dh.Weekday)
		}
		if seen[dh.Weekday] {
			return nil, invalid(field+".weekday", "%s appears twice", time.Weekday(dh.Weekday))
		}
		seen[dh.Weekday] = true
		ivs, err := parseIntervals(field, dh.Intervals)
		if err != nil {
			return nil, err
		}
		c.weekly[dh.Weekday] = ivs
		anyHours = anyHours || len(ivs) > 0
	}
	if !anyHours {
		return nil, invalid("weekly", "at least one weekday needs opening hours")
	}

	country := strings.ToUpper(strings.TrimSpace(s.HolidayCountry))
	region := strings.ToUpper(strings.TrimSpace(s.HolidayRegion))
	switch {
	case country == "" && region != "":
		return nil, invalid("holidayRegion", "region %q needs a holiday country", region)
	case country != "":
		if _, ok := holidayLists[country]; !ok {
			return nil, invalid("holidayCountry", "unknown holiday country %q (known: AT, CH, DE, DK)", country)
		}
		set, ok := holidaysOf(country, region)
		if !ok {
			if region == "" {
				return nil, invalid("holidayRegion", "%s needs a region (one of %s)", country, regionCodes(country))
			}
			if codes := regionCodes(country); codes != "" {
				return nil, invalid("holidayRegion", "unknown region %q of %s (known: %s)", region, country, codes)
			}
			return nil, invalid("holidayRegion", "%s has no regional holidays; leave the region empty", country)
		}
		c.holidays = set
	}

	for i, ds := range s.ClosedDates {
		d, err := ParseDate(ds)
		if err != nil {
			return nil, invalid(fmt.Sprintf("closedDates[%d]", i), "%v", err)
		}
		c.closed[d] = true
	}

	for i, ms := range s.RecurringClosedDays {
		md, err := parseMonthDay(ms)
		if err != nil {
			return nil, invalid(fmt.Sprintf("recurringClosedDays[%d]", i), "%v", err)
		}
		c.recurring[md] = true
	}
	if len(c.recurring) >= 366 {
		return nil, invalid("recurringClosedDays", "the recurring closed days cover the whole year")
	}

	for i, dh := range s.Extra {
		field := fmt.Sprintf("extra[%d]", i)
		d, err := ParseDate(dh.Date)
		if err != nil {
			return nil, invalid(field+".date", "%v", err)
		}
		if _, dup := c.extra[d]; dup {
			return nil, invalid(field+".date", "%s has two exceptions", d)
		}
		ivs, err := parseIntervals(field, dh.Intervals)
		if err != nil {
			return nil, err
		}
		if ivs == nil {
			ivs = []Interval{} // present but empty: closed that day
		}
		c.extra[d] = ivs
	}
	return c, nil
}

// parseIntervals parses and checks the intervals of one day: each must be "HH:MM" to "HH:MM"
// with start before end, and no two may overlap (touching is fine). They are returned sorted.
func parseIntervals(field string, in []schematype.Interval) ([]Interval, error) {
	var out []Interval
	for i, raw := range in {
		f := fmt.Sprintf("%s.intervals[%d]", field, i)
		start, err := parseClock(raw.Start, false)
		if err != nil {
			return nil, invalid(f+".start", "%v", err)
		}
		end, err := parseClock(raw.End, true)
		if err != nil {
			return nil, invalid(f+".end", "%v", err)
		}
		if end <= start {
			return nil, invalid(f, "end %s is not after start %s", raw.End, raw.Start)
		}
		out = append(out, Interval{start, end})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].End {
			return nil, invalid(field+".intervals", "%s overlaps %s", out[i-1], out[i])
		}
	}
	return out, nil
}

// parseClock parses "HH:MM" (00:00–23:59, and 24:00 when it ends an interval) into minutes.
func parseClock(s string, isEnd bool) (int, error) {
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return 0, fmt.Errorf("%q is not a time of the form HH:MM", s)
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	switch {
	case h == 24 && m == 0 && isEnd:
		return MinutesPerDay, nil
	case h == 24 && m == 0:
		return 0, fmt.Errorf("24:00 can only end an interval")
	case h > 23 || m > 59:
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return h*60 + m, nil
}

// parseMonthDay parses "MM-DD"; 02-29 is allowed and applies in leap years.
func parseMonthDay(s string) (MonthDay, error) {
	if len(s) != 5 || s[2] != '-' || !digits(s[:2]) || !digits(s[3:]) {
		return MonthDay{}, fmt.Errorf("%q is not a day of the form MM-DD", s)
	}
	m := time.Month(int(s[0]-'0')*10 + int(s[1]-'0'))
	d := int(s[3]-'0')*10 + int(s[4]-'0')
	if m < time.January || m > time.December || d < 1 || d > daysIn(2000, m) {
		return MonthDay{}, fmt.Errorf("%q is not a day of the year", s)
	}
	return MonthDay{m, d}, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
