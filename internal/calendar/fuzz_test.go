package calendar

import (
	"strings"
	"testing"
)

// FuzzParseDate: a date parses only as YYYY-MM-DD and prints back as given.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-01", "2024-02-29", "2023-02-29", "2026-00-10", "26-1-1", "", "2026-12-01T00:00:00Z", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("%q parsed as %s", s, d)
		}
		if d.AddDays(1).AddDays(-1) != d {
			t.Fatalf("%s: day arithmetic", d)
		}
	})
}

// FuzzParseClock: a clock is HH:MM within the day (24:00 only as an end) and prints back.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"08:00", "23:59", "24:00", "24:01", "7:00", "12:60", "", "ab:cd", "\x00\x00:00"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, isEnd bool) {
		m, err := parseClock(s, isEnd)
		if err != nil {
			return
		}
		if m < 0 || m > MinutesPerDay || (m == MinutesPerDay && !isEnd) {
			t.Fatalf("%q (end %v) = %d minutes", s, isEnd, m)
		}
		if got := (Interval{m, m}).String()[:5]; got != s {
			t.Fatalf("%q printed as %q", s, got)
		}
	})
}

// FuzzParseMonthDay: MM-DD of a real day of a leap year, or an error.
func FuzzParseMonthDay(f *testing.F) {
	for _, s := range []string{"12-24", "02-29", "02-30", "13-01", "00-10", "1-1", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		md, err := parseMonthDay(s)
		if err != nil {
			if !strings.Contains(err.Error(), "day") {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if md.Day < 1 || md.Day > daysIn(2000, md.Month) {
			t.Fatalf("%q = %+v", s, md)
		}
	})
}
