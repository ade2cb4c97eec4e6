package calendar

import (
	"testing"
	"time"
)

// BenchmarkAdd10000Hours adds 600,000 business minutes (about five years of the Danish
// calendar). After the first iteration the year tables are cached, as in a running server.
func BenchmarkAdd10000Hours(b *testing.B) {
	c := mustNew(b, seed004Spec())
	from := time.Date(2025, 1, 10, 14, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.Add(from, 600_000)
	}
}

// BenchmarkAdd10000HoursCold builds a fresh calendar each time, so every year table of the
// five years is built from scratch (the shared holiday cache stays warm).
func BenchmarkAdd10000HoursCold(b *testing.B) {
	s := seed004Spec()
	from := time.Date(2025, 1, 10, 14, 0, 0, 0, time.UTC)
	for b.Loop() {
		c, _ := New(s)
		c.Add(from, 600_000)
	}
}

// BenchmarkAddEightHours is the common case: a first-response target of one working day.
func BenchmarkAddEightHours(b *testing.B) {
	c := mustNew(b, seed004Spec())
	from := time.Date(2025, 1, 10, 14, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.Add(from, 480)
	}
}

// BenchmarkBetweenOneYear counts the business minutes of a whole year.
func BenchmarkBetweenOneYear(b *testing.B) {
	c := mustNew(b, seed004Spec())
	from := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	for b.Loop() {
		c.Between(from, to)
	}
}
