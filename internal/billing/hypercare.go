package billing

import "time"

// AddMonths returns the start of the day n calendar months after day, in day's location. When
// that month is too short the day is clamped to its last day: 31 Jan + 1 month is 28 Feb (29 in
// a leap year), not Go's normalised 3 March; 31 Aug + 6 months is 28 Feb. n may be negative.
func AddMonths(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	// Day 1 never overflows, so time.Date normalises only the month and year here.
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, day.Location())
	if last := daysIn(first.Year(), first.Month()); d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, day.Location())
}

// daysIn returns the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// HypercareEnd returns the end of the hyper-care period that starts on firstTrainingDay: the
// start of the day tier.Months() calendar months later (AddMonths), exclusive. The period is
// [first training day, end): STANDARD from 15 Jan covers 15 Jan to 14 Apr; from 31 Jan it ends
// at 30 Apr (clamped), so 29 Apr is its last day. It reports false when there is no period: the
// tier is NONE or unknown, or the first training day is not known (zero).
func HypercareEnd(firstTrainingDay time.Time, tier HypercareTier) (time.Time, bool) {
	n := tier.Months()
	if n == 0 || firstTrainingDay.IsZero() {
		return time.Time{}, false
	}
	return AddMonths(firstTrainingDay, n), true
}

// InHypercare reports whether date falls in the contract's hyper-care period, comparing civil
// dates: the first training day is the first day in, the day HypercareEnd returns the first day
// out. Each time counts by its year, month and day in its own location.
func InHypercare(t Terms, date time.Time) bool {
	if _, ok := HypercareEnd(t.FirstTrainingDay, t.HypercareTier); !ok {
		return false
	}
	start := civil(t.FirstTrainingDay)
	end := AddMonths(start, t.HypercareTier.Months())
	d := civil(date)
	return !d.Before(start) && d.Before(end)
}

// civil returns t's calendar date as a UTC midnight, so dates in different locations compare
// by the day their owners meant.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
