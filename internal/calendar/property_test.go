package calendar

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"supportdesk/ent/schema/schematype"
)

// propertyCalendars are the calendars the property tests run on: the seeds, a 24/7 calendar,
// split shifts with weekend hours across DST nights, and a zone that switches at midnight.
func propertyCalendars(t testing.TB) map[string]*Calendar {
	split := Spec{
		TimeZone: "Europe/Berlin",
		Weekly: append(weekdays(hours("07:00", "12:00", "13:00", "24:00"), nil),
			schematype.DayHours{Weekday: 6, Intervals: hours("10:00", "14:00")},
			schematype.DayHours{Weekday: 0, Intervals: hours("00:00", "03:30", "22:00", "24:00")}),
		HolidayCountry: "DE", HolidayRegion: "BY",
		Extra: []schematype.DatedHours{{Date: "2026-03-29", Intervals: hours("02:00", "02:30", "02:45", "05:00")}},
	}
	// America/Santiago switches at midnight (in April 24:00 becomes 23:00, in September
	// 24:00 becomes 01:00), so days start at 01:00 or last 25 hours.
	santiago := Spec{
		TimeZone: "America/Santiago",
		Weekly: []schematype.DayHours{
			{Weekday: 6, Intervals: hours("00:00", "01:00", "22:00", "24:00")},
			{Weekday: 0, Intervals: hours("00:00", "02:00", "23:00", "24:00")},
			{Weekday: 3, Intervals: hours("09:00", "17:00")},
		},
	}
	// New York switches at 02:00 and is west of UTC, where time.Date resolves skipped times
	// backwards; the Sunday intervals start or end inside the skipped or repeated hour.
	newYork := Spec{
		TimeZone: "America/New_York",
		Weekly: append(weekdays(hours("09:00", "17:00"), nil),
			schematype.DayHours{Weekday: 0, Intervals: hours("01:30", "02:30", "03:30", "05:00")}),
		HolidayCountry: "AT",
	}
	return map[string]*Calendar{
		"newyork":  mustNew(t, newYork),
		"seed004":  mustNew(t, seed004Spec()),
		"seed003":  mustNew(t, seed003Spec()),
		"24/7":     mustNew(t, fullSpec("Europe/Copenhagen")),
		"split":    mustNew(t, split),
		"santiago": mustNew(t, santiago),
	}
}

// randomTime returns an instant between 2024 and 2032, with seconds when withSeconds.
func randomTime(r *rand.Rand, withSeconds bool) time.Time {
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	sec := from + r.Int64N(to-from)
	if !withSeconds {
		sec -= sec % 60
	}
	return time.Unix(sec, 0).UTC()
}

// randomMinutes favours short targets but reaches years of business time.
func randomMinutes(r *rand.Rand) int {
	switch r.IntN(3) {
	case 0:
		return r.IntN(600)
	case 1:
		return r.IntN(20_000)
	default:
		return r.IntN(600_000)
	}
}

func TestPropertyAddBetween(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 3))
	for name, c := range propertyCalendars(t) {
		for i := 0; i < 400; i++ {
			from := randomTime(r, i%2 == 0)
			n := randomMinutes(r)
			due := c.Add(from, n)
			if got := c.Between(from, due); got != n {
				t.Fatalf("%s: Between(%s, Add(_, %d) = %s) = %d", name, from, n, due, got)
			}
			if due.Before(from) {
				t.Fatalf("%s: Add(%s, %d) = %s is before the start", name, from, n, due)
			}
			if n > 0 && !c.IsOpen(due.Add(-time.Nanosecond)) {
				t.Fatalf("%s: the last minute before Add(%s, %d) = %s is closed", name, from, n, due)
			}
			k := 1 + r.IntN(5000)
			later := c.Add(from, n+k)
			if !later.After(due) {
				t.Fatalf("%s: Add(%s, %d) = %s not after Add(_, %d) = %s", name, from, n+k, later, n, due)
			}
			if n > 0 {
				if chained := c.Add(due, k); !chained.Equal(later) {
					t.Fatalf("%s: Add(Add(%s, %d), %d) = %s, want %s", name, from, n, k, chained, later)
				}
			}
			// Monotone in the start: starting later never finishes earlier.
			if start2 := from.Add(time.Duration(r.IntN(7*24*60)) * time.Minute); c.Add(start2, n).Before(due) {
				t.Fatalf("%s: Add(%s, %d) before Add(%s, %d)", name, start2, n, from, n)
			}
		}
	}
}

func TestPropertyBetweenAdditive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	for name, c := range propertyCalendars(t) {
		for i := 0; i < 300; i++ {
			a, b := randomTime(r, false), randomTime(r, false)
			if b.Before(a) {
				a, b = b, a
			}
			m := a.Add(time.Duration(r.Int64N(int64(b.Sub(a)/time.Minute)+1)) * time.Minute)
			if got, want := c.Between(a, b), c.Between(a, m)+c.Between(m, b); got != want {
				t.Fatalf("%s: Between(%s, %s) = %d, split at %s gives %d", name, a, b, got, m, want)
			}
			if open := c.NextOpen(a); !c.Add(a, 1).Equal(open.Add(time.Minute)) {
				t.Fatalf("%s: Add(%s, 1) = %s, NextOpen = %s", name, a, c.Add(a, 1), open)
			}
		}
	}
}

// TestAgainstMinuteWalk checks Add and Between against a reference that walks minute by
// minute in UTC and asks IsOpen, which shares nothing with the year tables.
func TestAgainstMinuteWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	// The DST nights of the calendars above, so that the walk crosses them.
	nights := []time.Time{
		time.Date(2025, 3, 29, 20, 0, 0, 0, time.UTC),
		time.Date(2025, 10, 25, 20, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 28, 22, 0, 0, 0, time.UTC),
		time.Date(2025, 4, 5, 20, 0, 0, 0, time.UTC), // Santiago
		time.Date(2025, 9, 6, 20, 0, 0, 0, time.UTC), // Santiago
		time.Date(2025, 3, 9, 2, 0, 0, 0, time.UTC),  // New York
		time.Date(2025, 11, 2, 2, 0, 0, 0, time.UTC), // New York
	}
	for name, c := range propertyCalendars(t) {
		for i := 0; i < 40; i++ {
			from := randomTime(r, false)
			if i < 2*len(nights) {
				from = nights[i%len(nights)]
			}
			from = from.Add(-time.Duration(r.IntN(3*24*60)) * time.Minute)
			n := r.IntN(1500)
			// Walk: count open minutes until n of them have passed.
			walk, open := from, 0
			for open < n {
				if c.IsOpen(walk) {
					open++
				}
				walk = walk.Add(time.Minute)
			}
			if n > 0 {
				if got := c.Add(from, n); !got.Equal(walk) {
					t.Fatalf("%s: Add(%s, %d) = %s, walk says %s", name, from, n, got, walk)
				}
			}
			to := from.Add(time.Duration(r.IntN(10*24*60)) * time.Minute)
			count := 0
			for m := from; m.Before(to); m = m.Add(time.Minute) {
				if c.IsOpen(m) {
					count++
				}
			}
			if got := c.Between(from, to); got != count {
				t.Fatalf("%s: Between(%s, %s) = %d, walk says %d", name, from, to, got, count)
			}
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s := seed004Spec()
	s.HolidayCountry, s.HolidayRegion = "DE", "NW" // a holiday set no other test has warmed
	serial, shared := mustNew(t, s), mustNew(t, s)
	from := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	const goroutines, each = 8, 50
	want := make([]time.Time, goroutines*each)
	for i := range want {
		want[i] = serial.Add(from, i*997)
	}
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g * each; i < (g+1)*each; i++ {
				if got := shared.Add(from, i*997); !got.Equal(want[i]) {
					t.Errorf("concurrent Add(%d) = %s, want %s", i*997, got, want[i])
				}
				if got := shared.Between(from, want[i]); got != i*997 {
					t.Errorf("concurrent Between = %d, want %d", got, i*997)
				}
			}
		}()
	}
	wg.Wait()
}
