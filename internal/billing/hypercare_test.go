package billing

import (
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAddMonths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		day  time.Time
		n    int
		want time.Time
	}{
		{"31 Jan + 3 months clamps to 30 Apr", date(2025, time.January, 31), 3, date(2025, time.April, 30)},
		{"31 Jan + 1 month clamps to 28 Feb, not 3 Mar", date(2025, time.January, 31), 1, date(2025, time.February, 28)},
		{"31 Jan + 1 month in a leap year clamps to 29 Feb", date(2024, time.January, 31), 1, date(2024, time.February, 29)},
		{"30 Jan + 1 month in a leap year", date(2024, time.January, 30), 1, date(2024, time.February, 29)},
		{"29 Jan + 1 month in a common year", date(2025, time.January, 29), 1, date(2025, time.February, 28)},
		{"28 Jan + 1 month keeps the day", date(2025, time.January, 28), 1, date(2025, time.February, 28)},
		{"30 Nov + 3 months clamps to 28 Feb", date(2024, time.November, 30), 3, date(2025, time.February, 28)},
		{"30 Nov + 3 months into a leap February", date(2023, time.November, 30), 3, date(2024, time.February, 29)},
		{"31 Aug + 6 months clamps to 28 Feb", date(2024, time.August, 31), 6, date(2025, time.February, 28)},
		{"31 Aug + 6 months into a leap February", date(2023, time.August, 31), 6, date(2024, time.February, 29)},
		{"31 Oct + 6 months clamps to 30 Apr", date(2024, time.October, 31), 6, date(2025, time.April, 30)},
		{"29 Feb + 12 months clamps to 28 Feb", date(2024, time.February, 29), 12, date(2025, time.February, 28)},
		{"29 Feb + 48 months keeps 29 Feb", date(2024, time.February, 29), 48, date(2028, time.February, 29)},
		{"28 Feb + 3 months keeps the 28th", date(2025, time.February, 28), 3, date(2025, time.May, 28)},
		{"15 Jan + 3 months", date(2025, time.January, 15), 3, date(2025, time.April, 15)},
		{"1 Oct + 3 months crosses the year", date(2025, time.October, 1), 3, date(2026, time.January, 1)},
		{"31 Dec + 2 months clamps to 28 Feb", date(2024, time.December, 31), 2, date(2025, time.February, 28)},
		{"31 Dec + 6 months clamps to 30 Jun", date(2024, time.December, 31), 6, date(2025, time.June, 30)},
		{"zero months", date(2025, time.January, 31), 0, date(2025, time.January, 31)},
		{"31 Mar - 1 month clamps to 28 Feb", date(2025, time.March, 31), -1, date(2025, time.February, 28)},
		{"31 Jan - 2 months", date(2025, time.January, 31), -2, date(2024, time.November, 30)},
		{"time of day is dropped", time.Date(2025, time.January, 31, 15, 30, 0, 0, time.UTC), 3, date(2025, time.April, 30)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := AddMonths(tc.day, tc.n); !got.Equal(tc.want) || got.Location() != tc.want.Location() {
				t.Errorf("AddMonths(%s, %d) = %s, want %s", tc.day, tc.n, got, tc.want)
			}
		})
	}
}

func TestAddMonthsKeepsLocation(t *testing.T) {
	t.Parallel()
	cph := time.FixedZone("CET", 3600)
	got := AddMonths(time.Date(2025, time.January, 31, 0, 0, 0, 0, cph), 3)
	if want := time.Date(2025, time.April, 30, 0, 0, 0, 0, cph); !got.Equal(want) || got.Location() != cph {
		t.Errorf("AddMonths = %s, want %s", got, want)
	}
}

func TestHypercareEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		first  time.Time
		tier   HypercareTier
		want   time.Time
		wantOK bool
	}{
		{"standard from 31 Jan", date(2025, time.January, 31), StandardHypercare, date(2025, time.April, 30), true},
		{"standard from 15 Jan", date(2025, time.January, 15), StandardHypercare, date(2025, time.April, 15), true},
		{"standard from 30 Nov into a leap year", date(2023, time.November, 30), StandardHypercare, date(2024, time.February, 29), true},
		{"enterprise from 31 Aug", date(2024, time.August, 31), EnterpriseHypercare, date(2025, time.February, 28), true},
		{"enterprise from 31 Aug into a leap year", date(2023, time.August, 31), EnterpriseHypercare, date(2024, time.February, 29), true},
		{"enterprise from 1 Jul", date(2025, time.July, 1), EnterpriseHypercare, date(2026, time.January, 1), true},
		{"no tier", date(2025, time.January, 31), NoHypercare, time.Time{}, false},
		{"empty tier", date(2025, time.January, 31), "", time.Time{}, false},
		{"unknown tier", date(2025, time.January, 31), "GOLD", time.Time{}, false},
		{"first training day not known", time.Time{}, StandardHypercare, time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := HypercareEnd(tc.first, tc.tier)
			if ok != tc.wantOK || !got.Equal(tc.want) {
				t.Errorf("HypercareEnd = %s, %v; want %s, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestInHypercare(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	cest := time.FixedZone("CEST", 7200)
	standard := Terms{Agreement: Basic, HypercareTier: StandardHypercare, FirstTrainingDay: date(2025, time.January, 31)}
	enterprise := Terms{Agreement: Basic, HypercareTier: EnterpriseHypercare, FirstTrainingDay: date(2023, time.August, 31)}
	local := Terms{Agreement: Basic, HypercareTier: StandardHypercare, FirstTrainingDay: time.Date(2025, time.January, 31, 0, 0, 0, 0, cet)}
	tests := []struct {
		name  string
		terms Terms
		date  time.Time
		want  bool
	}{
		{"day before the first training day", standard, date(2025, time.January, 30), false},
		{"late on the day before", standard, time.Date(2025, time.January, 30, 23, 59, 59, 0, time.UTC), false},
		{"first training day", standard, date(2025, time.January, 31), true},
		{"mid period", standard, date(2025, time.March, 15), true},
		{"28 Feb", standard, date(2025, time.February, 28), true},
		{"last day, 29 Apr, late", standard, time.Date(2025, time.April, 29, 23, 59, 0, 0, time.UTC), true},
		{"30 Apr is the first day out", standard, date(2025, time.April, 30), false},
		{"1 May", standard, date(2025, time.May, 1), false},
		{"enterprise, last day 28 Feb 2024", enterprise, date(2024, time.February, 28), true},
		{"enterprise, 29 Feb 2024 is out", enterprise, date(2024, time.February, 29), false},
		{"no tier", Terms{Agreement: Basic, FirstTrainingDay: date(2025, time.January, 31)}, date(2025, time.February, 1), false},
		{"first training day unknown", Terms{Agreement: Basic, HypercareTier: EnterpriseHypercare}, date(2025, time.February, 1), false},
		{"civil dates: local first day, local work date", local, time.Date(2025, time.January, 31, 0, 30, 0, 0, cet), true},
		{"civil dates: last local day late in the evening", local, time.Date(2025, time.April, 29, 23, 30, 0, 0, cest), true},
		{"civil dates: first local day out just after midnight", local, time.Date(2025, time.April, 30, 0, 10, 0, 0, cest), false},
		{"civil dates: UTC work date the day before", local, time.Date(2025, time.January, 30, 23, 30, 0, 0, time.UTC), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := InHypercare(tc.terms, tc.date); got != tc.want {
				t.Errorf("InHypercare(%s) = %v, want %v", tc.date, got, tc.want)
			}
		})
	}
}

// TestHypercareEndsByDate checks the agreement's own rules apply from the first day after hyper
// care (SPEC 12.2): a BASIC phone question is free on 29 Apr and billed on 30 Apr.
func TestHypercareEndsByDate(t *testing.T) {
	t.Parallel()
	terms := Terms{Agreement: Basic, HypercareTier: StandardHypercare, FirstTrainingDay: date(2025, time.January, 31)}
	b := Booking{TicketType: Question, Channel: Phone, WorkDate: date(2025, time.April, 29)}
	if _, billable, d, err := BillableMinutes(terms, b, 7); err != nil || billable != 0 || d.Reason != ReasonHypercare {
		t.Errorf("29 Apr: billable %d, %+v, %v; want 0 in hyper care", billable, d, err)
	}
	b.WorkDate = date(2025, time.April, 30)
	if _, billable, d, err := BillableMinutes(terms, b, 7); err != nil || billable != 15 || d.Reason != ReasonUncoveredChannel {
		t.Errorf("30 Apr: billable %d, %+v, %v; want 15 on an uncovered channel", billable, d, err)
	}
}
