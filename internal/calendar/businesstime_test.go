package calendar

import (
	"testing"
	"time"

	"supportdesk/ent/schema/schematype"
)

// addCase is one worked example: from + minutes = want, all wall clock in the calendar's zone.
type addCase struct {
	name    string
	from    [5]int // year, month, day, hour, minute
	minutes int
	want    [5]int
}

func (ac addCase) check(t *testing.T, c *Calendar) {
	t.Helper()
	from := wall(c, ac.from[0], time.Month(ac.from[1]), ac.from[2], ac.from[3], ac.from[4])
	want := wall(c, ac.want[0], time.Month(ac.want[1]), ac.want[2], ac.want[3], ac.want[4])
	got := c.Add(from, ac.minutes)
	if !got.Equal(want) {
		t.Errorf("%s: Add(%s, %d) = %s, want %s", ac.name, from, ac.minutes,
			got.In(c.Location()), want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s: Add returned %s, want UTC", ac.name, got.Location())
	}
	if ac.minutes > 0 {
		if b := c.Between(from, want); b != ac.minutes {
			t.Errorf("%s: Between(%s, %s) = %d, want %d", ac.name, from, want, b, ac.minutes)
		}
	}
}

func TestAddSeed004Copenhagen(t *testing.T) {
	c := mustNew(t, seed004Spec())
	for _, ac := range []addCase{
		// Target 8 working hours: Friday 15:00-15:30 is 30 minutes, Monday 08:30-16:00 is 450.
		{"worked example", [5]int{2025, 1, 10, 15, 0}, 480, [5]int{2025, 1, 13, 16, 0}},
		// Whit Monday (2. pinsedag) 2025 is 9 June: Friday 6 June 15:00 is due Tuesday 16:00.
		{"whit monday 2025", [5]int{2025, 6, 6, 15, 0}, 480, [5]int{2025, 6, 10, 16, 0}},
		// Whit Monday 2024 is 20 May.
		{"whit monday 2024", [5]int{2024, 5, 17, 15, 0}, 480, [5]int{2024, 5, 21, 16, 0}},
		// Easter Monday 2024 is 1 April (Maundy Thursday and Good Friday are closed too):
		// Wednesday 27 March 15:00 has 60 minutes, then Tuesday 2 April.
		{"easter 2024", [5]int{2024, 3, 27, 15, 0}, 480, [5]int{2024, 4, 2, 15, 30}},
		// Years ahead: Whit Monday 2030 is 10 June.
		{"whit monday 2030", [5]int{2030, 6, 7, 15, 0}, 480, [5]int{2030, 6, 11, 16, 0}},
		// Christmas: Tue 23 Dec 15:00 has 60 minutes; 24 (recurring), 25, 26 (holidays) and the
		// weekend are closed; Monday 29 Dec 08:30 + 420 minutes.
		{"christmas", [5]int{2025, 12, 23, 15, 0}, 480, [5]int{2025, 12, 29, 15, 30}},
		// New Year's Eve (recurring) and New Year's Day (holiday) are closed.
		{"new year", [5]int{2025, 12, 30, 15, 0}, 120, [5]int{2026, 1, 2, 9, 30}},
		// 5 June 2026 is a Friday (Grundlovsdag, also a recurring closed day).
		{"constitution day", [5]int{2026, 6, 4, 15, 0}, 120, [5]int{2026, 6, 8, 9, 30}},
		// Store bededag 2023 (Friday 5 May) was closed; the same Friday in 2024 is not.
		{"store bededag 2023", [5]int{2023, 5, 4, 15, 0}, 120, [5]int{2023, 5, 8, 9, 30}},
		{"store bededag gone 2024", [5]int{2024, 4, 25, 15, 0}, 120, [5]int{2024, 4, 26, 9, 30}},
		// Short Friday: the day ends at 15:30.
		{"short friday", [5]int{2025, 1, 10, 8, 30}, 420, [5]int{2025, 1, 10, 15, 30}},
		{"short friday overflow", [5]int{2025, 1, 10, 8, 30}, 421, [5]int{2025, 1, 13, 8, 31}},
		// Outside hours the clock starts at the next opening.
		{"night", [5]int{2025, 1, 13, 2, 0}, 60, [5]int{2025, 1, 13, 9, 30}},
		{"evening", [5]int{2025, 1, 13, 20, 0}, 60, [5]int{2025, 1, 14, 9, 30}},
		{"saturday", [5]int{2025, 1, 11, 12, 0}, 1, [5]int{2025, 1, 13, 8, 31}},
		{"at close", [5]int{2025, 1, 13, 16, 0}, 30, [5]int{2025, 1, 14, 9, 0}},
		// The last minute of a day ends at the close, not at the next opening.
		{"exact close", [5]int{2025, 1, 13, 15, 0}, 60, [5]int{2025, 1, 13, 16, 0}},
		// Adding 0 moves nothing, even outside opening hours.
		{"zero outside", [5]int{2025, 1, 11, 12, 0}, 0, [5]int{2025, 1, 11, 12, 0}},
		{"negative", [5]int{2025, 1, 11, 12, 0}, -5, [5]int{2025, 1, 11, 12, 0}},
		// A whole week is 4*450 + 420 = 2220 minutes: Monday 08:30 + 2220 = Friday 15:30.
		{"week", [5]int{2025, 1, 6, 8, 30}, 2220, [5]int{2025, 1, 10, 15, 30}},
		// Across a year boundary: Mon 29 and Tue 30 Dec 2025 are 2*450, then 31 Dec and 1 Jan
		// are closed and Fri 2 Jan 2026 08:30 + 60 is 09:30.
		{"year boundary", [5]int{2025, 12, 29, 8, 30}, 960, [5]int{2026, 1, 2, 9, 30}},
	} {
		ac.check(t, c)
	}
}

func TestAddSeed003BerlinDST(t *testing.T) {
	c := mustNew(t, seed003Spec())
	for _, ac := range []addCase{
		// Clocks go forward on Sunday 30 March 2025; Friday 15:00 CET + 120 = Monday 11:00 CEST.
		{"spring", [5]int{2025, 3, 28, 15, 0}, 120, [5]int{2025, 3, 31, 11, 0}},
		// Clocks go back on Sunday 26 October 2025; Friday 14:00 CEST + 180 = Monday 11:00 CET.
		{"autumn", [5]int{2025, 10, 24, 14, 0}, 180, [5]int{2025, 10, 27, 11, 0}},
		// Tag der Deutschen Einheit, Friday 3 October 2025.
		{"unity day", [5]int{2025, 10, 2, 15, 0}, 120, [5]int{2025, 10, 6, 11, 0}},
		// Good Friday and Easter Monday 2030 (Easter is 21 April).
		{"easter 2030", [5]int{2030, 4, 18, 15, 0}, 120, [5]int{2030, 4, 23, 11, 0}},
	} {
		ac.check(t, c)
	}
	// The instants themselves: Monday 11:00 CEST is 09:00 UTC, Monday 11:00 CET is 10:00 UTC.
	got := c.Add(wall(c, 2025, 3, 28, 15, 0), 120)
	if want := time.Date(2025, 3, 31, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("spring in UTC = %s, want %s", got, want)
	}
	got = c.Add(wall(c, 2025, 10, 24, 14, 0), 180)
	if want := time.Date(2025, 10, 27, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("autumn in UTC = %s, want %s", got, want)
	}
}

func TestFullCalendarDST(t *testing.T) {
	c := mustNew(t, fullSpec("Europe/Copenhagen"))
	day := func(y int, m time.Month, d int) int {
		return c.Between(wall(c, y, m, d, 0, 0), wall(c, y, m, d+1, 0, 0))
	}
	if got := day(2025, time.March, 30); got != 23*60 {
		t.Errorf("spring-forward day = %d minutes, want %d", got, 23*60)
	}
	if got := day(2025, time.October, 26); got != 25*60 {
		t.Errorf("fall-back day = %d minutes, want %d", got, 25*60)
	}
	if got := day(2025, time.June, 1); got != 24*60 {
		t.Errorf("ordinary day = %d minutes, want %d", got, 24*60)
	}
	// No gap at midnight: 23:30 + 60 is 00:30, and midnight is open.
	(addCase{"midnight", [5]int{2025, 1, 1, 23, 30}, 60, [5]int{2025, 1, 2, 0, 30}}).check(t, c)
	if !c.IsOpen(wall(c, 2025, 1, 2, 0, 0)) {
		t.Error("24/7 calendar closed at midnight")
	}
	// 01:30 CET + 60 real minutes is 03:30 CEST on the spring-forward night.
	(addCase{"spring night", [5]int{2025, 3, 30, 1, 30}, 60, [5]int{2025, 3, 30, 3, 30}}).check(t, c)
	// 00:00 + 24 hours on the fall-back day is 23:00 the same day.
	(addCase{"autumn night", [5]int{2025, 10, 26, 0, 0}, 24 * 60, [5]int{2025, 10, 26, 23, 0}}).check(t, c)
	// A whole year is its real length: 365 days of 1440 minutes, the DST hours cancel.
	if got := c.Between(wall(c, 2025, 1, 1, 0, 0), wall(c, 2026, 1, 1, 0, 0)); got != 365*1440 {
		t.Errorf("year = %d minutes, want %d", got, 365*1440)
	}
}

func TestDSTHoursInsideInterval(t *testing.T) {
	// A night shift 00:00-06:00 on Sundays: 02:00-03:00 does not exist on 30 March 2025 and
	// exists twice on 26 October 2025, so those shifts last 5 and 7 real hours.
	c := mustNew(t, Spec{
		TimeZone: "Europe/Berlin",
		Weekly:   []schematype.DayHours{{Weekday: 0, Intervals: hours("00:00", "06:00")}},
	})
	shift := func(m time.Month, d int) int {
		return c.Between(wall(c, 2025, m, d, 0, 0), wall(c, 2025, m, d+1, 0, 0))
	}
	if got := shift(time.March, 30); got != 5*60 {
		t.Errorf("spring shift = %d, want %d", got, 5*60)
	}
	if got := shift(time.October, 26); got != 7*60 {
		t.Errorf("autumn shift = %d, want %d", got, 7*60)
	}
	if got := shift(time.October, 19); got != 6*60 {
		t.Errorf("ordinary shift = %d, want %d", got, 6*60)
	}
}

func TestExtraHoursAndClosedDates(t *testing.T) {
	s := seed004Spec()
	s.Extra = []schematype.DatedHours{
		{Date: "2025-12-23", Intervals: hours("08:30", "12:00")}, // half-day
		{Date: "2025-12-24", Intervals: hours("09:00", "11:00")}, // opens a recurring closed day
		{Date: "2026-01-01", Intervals: hours("10:00", "12:00")}, // opens a holiday
		{Date: "2025-11-14"}, // closed Friday
	}
	s.ClosedDates = []string{"2025-11-17"} // closed Monday
	c := mustNew(t, s)
	for _, ac := range []addCase{
		{"half-day", [5]int{2025, 12, 23, 8, 30}, 210, [5]int{2025, 12, 23, 12, 0}},
		{"half-day over", [5]int{2025, 12, 23, 11, 0}, 120, [5]int{2025, 12, 24, 10, 0}},
		// 24 Dec 09:00-11:00 opened, 25/26 holidays, weekend, 29 Dec open.
		{"after eve", [5]int{2025, 12, 24, 10, 0}, 90, [5]int{2025, 12, 29, 9, 0}},
		// 31 Dec closed, 1 Jan opened 10:00-12:00.
		{"new year opened", [5]int{2025, 12, 30, 15, 0}, 90, [5]int{2026, 1, 1, 10, 30}},
		// Thu 13 Nov 15:00: 60 minutes; Fri 14 (extra, closed), weekend, Mon 17 (closed).
		{"closed dates", [5]int{2025, 11, 13, 15, 0}, 120, [5]int{2025, 11, 18, 9, 30}},
	} {
		ac.check(t, c)
	}
	if c.IsOpen(wall(c, 2025, 12, 23, 12, 0)) {
		t.Error("open at the end of the half-day")
	}
	if !c.IsOpen(wall(c, 2025, 12, 23, 11, 59)) {
		t.Error("closed in the half-day")
	}
}

func TestIsOpenNextOpen(t *testing.T) {
	c := mustNew(t, seed004Spec())
	tests := []struct {
		name string
		at   [5]int
		open bool
		next [5]int
	}{
		{"opening", [5]int{2025, 1, 13, 8, 30}, true, [5]int{2025, 1, 13, 8, 30}},
		{"inside", [5]int{2025, 1, 13, 12, 0}, true, [5]int{2025, 1, 13, 12, 0}},
		{"closing is closed", [5]int{2025, 1, 13, 16, 0}, false, [5]int{2025, 1, 14, 8, 30}},
		{"early", [5]int{2025, 1, 13, 8, 29}, false, [5]int{2025, 1, 13, 8, 30}},
		{"friday after close", [5]int{2025, 1, 10, 15, 45}, false, [5]int{2025, 1, 13, 8, 30}},
		{"sunday", [5]int{2025, 1, 12, 9, 0}, false, [5]int{2025, 1, 13, 8, 30}},
		{"christmas eve", [5]int{2025, 12, 24, 9, 0}, false, [5]int{2025, 12, 29, 8, 30}},
		{"new year's eve", [5]int{2025, 12, 31, 9, 0}, false, [5]int{2026, 1, 2, 8, 30}},
		{"whit monday", [5]int{2025, 6, 9, 9, 0}, false, [5]int{2025, 6, 10, 8, 30}},
	}
	for _, tt := range tests {
		at := wall(c, tt.at[0], time.Month(tt.at[1]), tt.at[2], tt.at[3], tt.at[4])
		if got := c.IsOpen(at); got != tt.open {
			t.Errorf("%s: IsOpen = %v, want %v", tt.name, got, tt.open)
		}
		want := wall(c, tt.next[0], time.Month(tt.next[1]), tt.next[2], tt.next[3], tt.next[4])
		if got := c.NextOpen(at); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: NextOpen = %s, want %s in UTC", tt.name, got, want)
		}
	}
}

func TestBetween(t *testing.T) {
	c := mustNew(t, seed004Spec())
	tests := []struct {
		name     string
		from, to [5]int
		want     int
	}{
		{"empty", [5]int{2025, 1, 13, 12, 0}, [5]int{2025, 1, 13, 12, 0}, 0},
		{"reversed", [5]int{2025, 1, 13, 12, 0}, [5]int{2025, 1, 13, 11, 0}, 0},
		{"inside", [5]int{2025, 1, 13, 9, 0}, [5]int{2025, 1, 13, 10, 15}, 75},
		{"night", [5]int{2025, 1, 13, 17, 0}, [5]int{2025, 1, 14, 8, 0}, 0},
		{"weekend", [5]int{2025, 1, 10, 15, 0}, [5]int{2025, 1, 13, 9, 0}, 60},
		{"week", [5]int{2025, 1, 6, 0, 0}, [5]int{2025, 1, 13, 0, 0}, 2220},
	}
	for _, tt := range tests {
		from := wall(c, tt.from[0], time.Month(tt.from[1]), tt.from[2], tt.from[3], tt.from[4])
		to := wall(c, tt.to[0], time.Month(tt.to[1]), tt.to[2], tt.to[3], tt.to[4])
		if got := c.Between(from, to); got != tt.want {
			t.Errorf("%s: Between = %d, want %d", tt.name, got, tt.want)
		}
	}
	// Seconds are kept and partial minutes rounded down.
	from := wall(c, 2025, 1, 13, 9, 0).Add(30 * time.Second)
	if got := c.Between(from, wall(c, 2025, 1, 13, 10, 0)); got != 59 {
		t.Errorf("partial minute: Between = %d, want 59", got)
	}
	if got := c.Add(from, 10); !got.Equal(from.Add(10 * time.Minute)) {
		t.Errorf("Add with seconds = %s", got)
	}
}

func TestBetweenYearIsSumOfDays(t *testing.T) {
	for _, spec := range []Spec{seed004Spec(), seed003Spec()} {
		c := mustNew(t, spec)
		for _, year := range []int{2024, 2025, 2030} {
			want := 0
			for d := (Date{year, time.January, 1}); d.Year == year; d = d.next() {
				for _, iv := range c.Hours(d) {
					want += iv.End - iv.Start // these hours never meet a DST switch
				}
			}
			got := c.Between(wall(c, year, 1, 1, 0, 0), wall(c, year+1, 1, 1, 0, 0))
			if got != want {
				t.Errorf("%s %d: Between = %d, sum of days = %d", spec.TimeZone, year, got, want)
			}
		}
	}
	// By hand for Copenhagen 2025: 261 weekdays, of which 52 Fridays. Closed weekdays:
	// 1 Jan, 17/18/21 Apr, 29 May, 5/9 Jun, 24/25/26/31 Dec (Store bededag is gone); of
	// these 18 Apr and 26 Dec are Fridays. Open: 209-9 = 200 Mon-Thu at 450 minutes and
	// 52-2 = 50 Fridays at 420.
	c := mustNew(t, seed004Spec())
	if got, want := c.Between(wall(c, 2025, 1, 1, 0, 0), wall(c, 2026, 1, 1, 0, 0)), 200*450+50*420; got != want {
		t.Errorf("Copenhagen 2025 = %d, want %d", got, want)
	}
}

func TestNeverOpenCalendar(t *testing.T) {
	// New refuses calendars that never open; build one past it to check the guard.
	c := &Calendar{loc: time.UTC, recurring: map[MonthDay]bool{}, years: map[int]*yearTable{}}
	c.weekly[time.Monday] = []Interval{{540, 1020}}
	for _, d := range everyDay() {
		md, _ := parseMonthDay(d)
		c.recurring[md] = true
	}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := c.Add(from, 1); !got.Equal(Never) {
		t.Errorf("Add = %s, want Never", got)
	}
	if got := c.NextOpen(from); !got.Equal(Never) {
		t.Errorf("NextOpen = %s, want Never", got)
	}
	if got := c.Add(from, maxAdd+1); !got.Equal(Never) {
		t.Errorf("Add(huge) = %s, want Never", got)
	}
}

func TestDSTWallTimes(t *testing.T) {
	// A wall time a switch skips is read as the moment of the switch, a repeated one as its
	// first occurrence, whatever time.Date would pick (it differs east and west of UTC).
	tests := []struct {
		zone     string
		date     Date
		from, to string
		want     time.Duration
	}{
		// Berlin 30 Mar 2025: 02:00 CET becomes 03:00 CEST; 02:30-04:00 is 03:00-04:00 CEST.
		{"Europe/Berlin", Date{2025, time.March, 30}, "02:30", "04:00", time.Hour},
		{"Europe/Berlin", Date{2025, time.March, 30}, "02:00", "03:00", 0},
		// Berlin 26 Oct 2025: 02:30 CEST (first) to 04:00 CET is 2.5 hours.
		{"Europe/Berlin", Date{2025, time.October, 26}, "02:30", "04:00", 150 * time.Minute},
		// New York 9 Mar 2025: 02:00 EST becomes 03:00 EDT.
		{"America/New_York", Date{2025, time.March, 9}, "02:30", "04:00", time.Hour},
		{"America/New_York", Date{2025, time.March, 9}, "01:30", "02:30", 30 * time.Minute},
		// New York 2 Nov 2025: 01:30 EDT (first) to 02:00 EST is 1.5 hours.
		{"America/New_York", Date{2025, time.November, 2}, "01:30", "02:00", 90 * time.Minute},
		// Santiago 7 Sep 2025 starts at 01:00: Saturday 22:00-24:00 is two hours, Sunday
		// 00:00-02:00 one.
		{"America/Santiago", Date{2025, time.September, 6}, "22:00", "24:00", 2 * time.Hour},
		{"America/Santiago", Date{2025, time.September, 7}, "00:00", "02:00", time.Hour},
		// Santiago 6 Apr 2025: Saturday 24:00 becomes 23:00 again, a 25-hour Saturday.
		{"America/Santiago", Date{2025, time.April, 5}, "00:00", "24:00", 25 * time.Hour},
	}
	for _, tt := range tests {
		var w []schematype.DayHours
		for wd := 0; wd < 7; wd++ {
			w = append(w, schematype.DayHours{Weekday: wd, Intervals: hours(tt.from, tt.to)})
		}
		c := mustNew(t, Spec{TimeZone: tt.zone, Weekly: w})
		start, end := tt.date.at(c.loc, 0), tt.date.at(c.loc, MinutesPerDay)
		if got := c.Between(start, end); got != int(tt.want/time.Minute) {
			t.Errorf("%s %s %s-%s: %d minutes, want %v", tt.zone, tt.date, tt.from, tt.to, got, tt.want)
		}
		if DateOf(start.In(c.loc)) != tt.date || DateOf(end.Add(-time.Nanosecond).In(c.loc)) != tt.date {
			t.Errorf("%s %s: day bounds %s..%s leave the day", tt.zone, tt.date, start, end)
		}
	}
}
