package calendar

import (
	"testing"
	"time"

	"supportdesk/ent/schema/schematype"
	"supportdesk/internal/apperr"
)

// hours builds the stored intervals of one day from "HH:MM" pairs.
func hours(pairs ...string) []schematype.Interval {
	var out []schematype.Interval
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, schematype.Interval{Start: pairs[i], End: pairs[i+1]})
	}
	return out
}

// weekdays gives Monday to Friday the same hours, and Friday its own when friday is not nil.
func weekdays(all, friday []schematype.Interval) []schematype.DayHours {
	var out []schematype.DayHours
	for wd := time.Monday; wd <= time.Friday; wd++ {
		iv := all
		if wd == time.Friday && friday != nil {
			iv = friday
		}
		out = append(out, schematype.DayHours{Weekday: int(wd), Intervals: iv})
	}
	return out
}

// seed004Spec is the Danish calendar of seed 004.
func seed004Spec() Spec {
	return Spec{
		TimeZone:            "Europe/Copenhagen",
		Weekly:              weekdays(hours("08:30", "16:00"), hours("08:30", "15:30")),
		HolidayCountry:      "DK",
		RecurringClosedDays: []string{"12-24", "12-31", "06-05"},
	}
}

// seed003Spec is the German calendar of seed 003.
func seed003Spec() Spec {
	return Spec{
		TimeZone:       "Europe/Berlin",
		Weekly:         weekdays(hours("10:00", "16:00"), nil),
		HolidayCountry: "DE",
	}
}

// fullSpec is open around the clock every day.
func fullSpec(zone string) Spec {
	var w []schematype.DayHours
	for wd := 0; wd < 7; wd++ {
		w = append(w, schematype.DayHours{Weekday: wd, Intervals: hours("00:00", "24:00")})
	}
	return Spec{TimeZone: zone, Weekly: w}
}

func mustNew(t testing.TB, s Spec) *Calendar {
	t.Helper()
	c, err := New(s)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// at returns a wall-clock time in the calendar's location.
func wall(c *Calendar, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, c.Location())
}

func TestStoreBededagEndedAfter2023(t *testing.T) {
	c := mustNew(t, seed004Spec())
	has := func(d Date) bool {
		for _, h := range c.Holidays(d.Year) {
			if h.Date == d {
				return true
			}
		}
		return false
	}
	// Easter 2023 was 9 April, so Store bededag (26 days later) was Friday 5 May.
	if !has(Date{2023, time.May, 5}) {
		t.Errorf("Store bededag 2023-05-05 missing: %v", c.Holidays(2023))
	}
	// Easter 2024 was 31 March; 26 April 2024 was an ordinary Friday.
	if has(Date{2024, time.April, 26}) {
		t.Errorf("2024-04-26 is listed as a holiday, but Store bededag was abolished after 2023")
	}
	if got := len(c.Hours(Date{2024, time.April, 26})); got != 1 {
		t.Errorf("Friday 2024-04-26 has %d intervals, want 1", got)
	}
	// The library's Danish list has neither Christmas Eve nor New Year's Eve: the calendar
	// closes them through its recurring closed days.
	for _, d := range []Date{{2025, time.December, 24}, {2025, time.December, 31}} {
		if has(d) {
			t.Errorf("%s unexpectedly a library holiday", d)
		}
		if len(c.Hours(d)) != 0 {
			t.Errorf("%s should be closed", d)
		}
	}
}

func TestRegionalHolidays(t *testing.T) {
	tests := []struct {
		country, region string
		date            Date
		want            bool
	}{
		{"DE", "BY", Date{2025, time.June, 19}, true},     // Fronleichnam
		{"DE", "", Date{2025, time.June, 19}, false},      // not national
		{"DE", "BE", Date{2018, time.March, 8}, false},    // Frauentag only from 2019
		{"DE", "BE", Date{2019, time.March, 8}, true},     //
		{"DE", "MV", Date{2022, time.March, 8}, false},    // Frauentag only from 2023
		{"DE", "MV", Date{2023, time.March, 8}, true},     // missing in the library
		{"DE", "NI", Date{2016, time.October, 31}, false}, // Reformationstag only from 2018
		{"DE", "NI", Date{2018, time.October, 31}, true},  //
		{"DE", "SN", Date{2025, time.November, 19}, true}, // Buß- und Bettag
		{"AT", "", Date{2025, time.December, 8}, true},    // Mariä Empfängnis
		{"CH", "ZH", Date{2025, time.August, 1}, true},    // Bundesfeiertag
		{"CH", "ZH", Date{2025, time.March, 19}, false},   // Josefstag is not Zurich's
		{"DK", "", Date{2030, time.June, 10}, true},       // Anden pinsedag 2030
	}
	for _, tt := range tests {
		s := seed003Spec()
		s.HolidayCountry, s.HolidayRegion = tt.country, tt.region
		c := mustNew(t, s)
		got := false
		for _, h := range c.Holidays(tt.date.Year) {
			got = got || h.Date == tt.date
		}
		if got != tt.want {
			t.Errorf("%s-%s %s holiday = %v, want %v", tt.country, tt.region, tt.date, got, tt.want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Spec)
		field string
	}{
		{"no zone", func(s *Spec) { s.TimeZone = "" }, "timeZone"},
		{"local zone", func(s *Spec) { s.TimeZone = "Local" }, "timeZone"},
		{"bad zone", func(s *Spec) { s.TimeZone = "Europe/Atlantis" }, "timeZone"},
		{"no hours", func(s *Spec) { s.Weekly = nil }, "weekly"},
		{"empty days", func(s *Spec) { s.Weekly = []schematype.DayHours{{Weekday: 1}} }, "weekly"},
		{"bad weekday", func(s *Spec) { s.Weekly[0].Weekday = 7 }, "weekly[0].weekday"},
		{"twice", func(s *Spec) { s.Weekly[1].Weekday = 1 }, "weekly[1].weekday"},
		{"bad start", func(s *Spec) { s.Weekly[0].Intervals = hours("8:30", "16:00") }, "weekly[0].intervals[0].start"},
		{"bad end", func(s *Spec) { s.Weekly[0].Intervals = hours("08:30", "16:60") }, "weekly[0].intervals[0].end"},
		{"24 start", func(s *Spec) { s.Weekly[0].Intervals = hours("24:00", "24:00") }, "weekly[0].intervals[0].start"},
		{"25 end", func(s *Spec) { s.Weekly[0].Intervals = hours("08:00", "25:00") }, "weekly[0].intervals[0].end"},
		{"inverted", func(s *Spec) { s.Weekly[0].Intervals = hours("16:00", "08:30") }, "weekly[0].intervals[0]"},
		{"empty", func(s *Spec) { s.Weekly[0].Intervals = hours("08:30", "08:30") }, "weekly[0].intervals[0]"},
		{"overlap", func(s *Spec) { s.Weekly[0].Intervals = hours("12:00", "16:00", "08:00", "12:30") }, "weekly[0].intervals"},
		{"country", func(s *Spec) { s.HolidayCountry = "XX" }, "holidayCountry"},
		{"region", func(s *Spec) { s.HolidayRegion = "ZZ" }, "holidayRegion"},
		{"region of DK", func(s *Spec) { s.HolidayRegion = "BY" }, "holidayRegion"},
		{"region alone", func(s *Spec) { s.HolidayCountry = ""; s.HolidayRegion = "BY" }, "holidayRegion"},
		{"CH without canton", func(s *Spec) { s.HolidayCountry = "CH" }, "holidayRegion"},
		{"closed date", func(s *Spec) { s.ClosedDates = []string{"2025-02-30"} }, "closedDates[0]"},
		{"closed format", func(s *Spec) { s.ClosedDates = []string{"2025-2-3"} }, "closedDates[0]"},
		{"recurring", func(s *Spec) { s.RecurringClosedDays = []string{"12-24", "13-01"} }, "recurringClosedDays[1]"},
		{"recurring day", func(s *Spec) { s.RecurringClosedDays = []string{"04-31"} }, "recurringClosedDays[0]"},
		{"whole year", func(s *Spec) { s.RecurringClosedDays = everyDay() }, "recurringClosedDays"},
		{"extra date", func(s *Spec) { s.Extra = []schematype.DatedHours{{Date: "tomorrow"}} }, "extra[0].date"},
		{"extra twice", func(s *Spec) {
			s.Extra = []schematype.DatedHours{{Date: "2025-12-23"}, {Date: "2025-12-23"}}
		}, "extra[1].date"},
		{"extra hours", func(s *Spec) {
			s.Extra = []schematype.DatedHours{{Date: "2025-12-23", Intervals: hours("12:00", "08:30")}}
		}, "extra[0].intervals[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := seed004Spec()
			tt.edit(&s)
			_, err := New(s)
			if err == nil {
				t.Fatal("New accepted an invalid spec")
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Validation {
				t.Fatalf("not a VALIDATION error: %v", err)
			}
			if len(e.Fields) != 1 || e.Fields[0] != tt.field {
				t.Errorf("fields = %v, want [%s] (%v)", e.Fields, tt.field, err)
			}
		})
	}
}

func TestNewAccepts(t *testing.T) {
	s := seed004Spec()
	s.HolidayCountry, s.HolidayRegion = "de", " by " // case and blanks are forgiven
	s.TimeZone = "UTC"
	s.Weekly[0].Intervals = hours("13:00", "17:00", "08:00", "12:00", "12:00", "13:00") // touching
	s.RecurringClosedDays = append(s.RecurringClosedDays, "02-29")
	c := mustNew(t, s)
	want := []Interval{{480, 720}, {720, 780}, {780, 1020}}
	got := c.Hours(Date{2025, time.June, 2}) // a Monday
	if len(got) != len(want) {
		t.Fatalf("Hours = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Hours = %v, want %v", got, want)
		}
	}
}

func everyDay() []string {
	var out []string
	for d := (Date{2000, time.January, 1}); d.Year == 2000; d = d.next() {
		out = append(out, MonthDay{d.Month, d.Day}.String())
	}
	return out
}
