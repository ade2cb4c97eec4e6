package billing

import (
	"testing"
	"time"
)

// TestSeed003 is the example customer of seed 003 on a CONTINGENT contract: L1 8 h at 70 EUR/h,
// L2 12 h at 80 EUR/h, L3 12 h at 90 EUR/h, time booked in 5-minute steps. Bookings of 7, 58 and
// 61 minutes become 10, 60 and 65 minutes on the level's contingent, priced to the cent.
func TestSeed003(t *testing.T) {
	t.Parallel()
	levels := map[string]struct {
		budget Budget
		rate   int64
	}{
		"L1": {Budget{Monthly: 8 * 60}, 7000},
		"L2": {Budget{Monthly: 12 * 60}, 8000},
		"L3": {Budget{Monthly: 12 * 60}, 9000},
	}
	terms := Terms{Agreement: Contingent}
	work := time.Date(2025, time.March, 12, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		level            string
		ticket           TicketType
		channel          Channel
		raw, wantMinutes int
		wantCents        int64
	}{
		{"L1", Question, Phone, 7, 10, 1167},
		{"L1", Question, Email, 58, 60, 7000},
		{"L1", Question, Portal, 61, 65, 7583},
		{"L2", Incident, Email, 7, 10, 1333},
		{"L2", Incident, Phone, 58, 60, 8000},
		{"L2", ChangeRequest, Portal, 61, 65, 8667},
		{"L3", Incident, Email, 7, 10, 1500},
		{"L3", Incident, Email, 58, 60, 9000},
		{"L3", Incident, Email, 61, 65, 9750},
	}
	used := map[string]int{}
	var total int64
	for _, tc := range tests {
		b := Booking{TicketType: tc.ticket, Channel: tc.channel, WorkDate: work}
		minutes, billable, d, err := BillableMinutes(terms, b, tc.raw)
		if err != nil {
			t.Fatalf("%s %d min: %v", tc.level, tc.raw, err)
		}
		if minutes != tc.wantMinutes || billable != tc.wantMinutes || !d.UsesContingent {
			t.Errorf("%s %d min = %d, %d, %+v; want %d billable on the contingent", tc.level, tc.raw, minutes, billable, d, tc.wantMinutes)
		}
		if got := Amount(billable, levels[tc.level].rate); got != tc.wantCents {
			t.Errorf("%s %d min: Amount = %d, want %d", tc.level, billable, got, tc.wantCents)
		}
		used[tc.level] += billable
		total += tc.wantCents
	}
	// Per level the month sums to 135 minutes; priced on the sum, each line is exact.
	want := map[string]LevelStatement{
		"L1": {135, 135, 0, 7000, 15750, 0, 15750},
		"L2": {135, 135, 0, 8000, 18000, 0, 18000},
		"L3": {135, 135, 0, 9000, 20250, 0, 20250},
	}
	var statement int64
	for lvl, w := range want {
		got := StatementLine(used[lvl], levels[lvl].budget, levels[lvl].rate)
		if got != w {
			t.Errorf("%s statement = %+v, want %+v", lvl, got, w)
		}
		statement += got.TotalCents
	}
	if statement != 54000 || total != 54000 {
		t.Errorf("month total %d from lines, %d from entries; want 54000", statement, total)
	}
}

// TestSeed003Threshold books L1 toward its 8-hour budget: the booking that reaches 80 % (384
// minutes) crosses the warning threshold, the next one does not.
func TestSeed003Threshold(t *testing.T) {
	t.Parallel()
	budget := Budget{Monthly: 480}
	used := 0
	var crossedAt []int
	for i, raw := range []int{58, 61, 58, 61, 58, 61, 7, 7, 7, 7} {
		minutes, err := RoundUp(raw, 5)
		if err != nil {
			t.Fatal(err)
		}
		if ThresholdCrossed(used, used+minutes, budget.Total(), 80) {
			crossedAt = append(crossedAt, i)
		}
		used += minutes
	}
	// Usage runs 60, 125, 185, 250, 310, 375, 385: the seventh booking (index 6) crosses 384.
	if len(crossedAt) != 1 || crossedAt[0] != 6 || used != 415 {
		t.Errorf("crossed at %v with %d used; want [6] and 415", crossedAt, used)
	}
	if got := CarryOver(budget.Unused(used), 120, true); got != 65 {
		t.Errorf("carry-over = %d, want 65", got)
	}
}
