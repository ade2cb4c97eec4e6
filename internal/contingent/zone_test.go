package contingent

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones are embedded: a missing zone is a failure, not a skip
)

func TestCivil(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal("no time zone data:", err)
	}
	// 23:30 UTC on 30 November is already 1 December in Berlin.
	utc := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		in   time.Time
		want string
	}{
		{utc, "2026-11-30"},
		{utc.In(berlin), "2026-12-01"},
		{time.Date(2026, 12, 31, 23, 59, 59, 0, berlin), "2026-12-31"},
	} {
		got := Civil(c.in)
		if got.Format("2006-01-02") != c.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Civil(%s) = %s, want %s UTC midnight", c.in, got, c.want)
		}
	}
	if got := Month(utc.In(berlin)); got != "2026-11" {
		t.Errorf("Month reads UTC: got %s", got)
	}
}

func TestMonthEnded(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal("no time zone data:", err)
	}
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		month time.Time
		now   time.Time
		loc   *time.Location
		want  bool
	}{
		{"last minute of November in UTC", nov, time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC), time.UTC, false},
		{"first instant of December in UTC", nov, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.UTC, true},
		// Berlin reaches December an hour before UTC does.
		{"December in Berlin, still November in UTC", nov, time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), berlin, true},
		{"November in Berlin", nov, time.Date(2026, 11, 30, 22, 59, 0, 0, time.UTC), berlin, false},
		{"December has not ended in December", dec, time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), time.UTC, false},
		{"December ends at the new year", dec, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, true},
	} {
		if got := monthEnded(c.month, c.now, c.loc); got != c.want {
			t.Errorf("%s: monthEnded = %v, want %v", c.name, got, c.want)
		}
	}
}
