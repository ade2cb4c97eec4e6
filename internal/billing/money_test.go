package billing

import (
	"errors"
	"math"
	"slices"
	"testing"

	"supportdesk/internal/apperr"
)

func TestRoundUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minutes, increment, want int
	}{
		// Seed 003.
		{7, 5, 10},
		{58, 5, 60},
		{61, 5, 65},
		// Edges of the increment.
		{1, 5, 5},
		{4, 5, 5},
		{5, 5, 5},
		{6, 5, 10},
		{60, 5, 60},
		{59, 5, 60},
		// Default increment.
		{7, 0, 10},
		{7, -3, 10},
		{61, 0, 65},
		// Other increments.
		{1, 1, 1},
		{59, 1, 59},
		{1, 15, 15},
		{15, 15, 15},
		{16, 15, 30},
		{61, 60, 120},
		{480, 6, 480},
		// Largest values.
		{math.MaxInt, 1, math.MaxInt},
		{math.MaxInt - 2, 5, math.MaxInt - 2},
	}
	for _, tc := range tests {
		got, err := RoundUp(tc.minutes, tc.increment)
		if err != nil || got != tc.want {
			t.Errorf("RoundUp(%d, %d) = %d, %v; want %d", tc.minutes, tc.increment, got, err, tc.want)
		}
	}
}

func TestRoundUpInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minutes, increment int
	}{
		{0, 5},
		{-1, 5},
		{-7, 0},
		{math.MinInt, 5},
		{math.MaxInt, 5},
		{math.MaxInt, 2},
		{math.MaxInt - 1, 4},
	}
	for _, tc := range tests {
		got, err := RoundUp(tc.minutes, tc.increment)
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Validation || !slices.Equal(e.Fields, []string{"minutes"}) {
			t.Errorf("RoundUp(%d, %d) = %d, %v; want VALIDATION on minutes", tc.minutes, tc.increment, got, err)
		}
	}
}

func TestAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		minutes int
		rate    int64
		want    int64
	}{
		{"seed 003 L1 10 min: 1166.67", 10, 7000, 1167},
		{"seed 003 L1 60 min", 60, 7000, 7000},
		{"seed 003 L1 65 min: 7583.33", 65, 7000, 7583},
		{"seed 003 L2 10 min: 1333.33", 10, 8000, 1333},
		{"seed 003 L2 60 min", 60, 8000, 8000},
		{"seed 003 L2 65 min: 8666.67", 65, 8000, 8667},
		{"seed 003 L3 10 min", 10, 9000, 1500},
		{"seed 003 L3 65 min", 65, 9000, 9750},
		{"seed 003 L1 budget 8 h", 480, 7000, 56000},
		{"5 min at 70 EUR: 583.33", 5, 7000, 583},
		{"15 min at 70 EUR", 15, 7000, 1750},
		{"exact half rounds up: 0.5", 1, 30, 1},
		{"exact half rounds up: 1.5", 1, 90, 2},
		{"exact half rounds up: 2.5", 3, 50, 3},
		{"just below half: 0.483", 1, 29, 0},
		{"just above half: 0.517", 1, 31, 1},
		{"one cent an hour for an hour", 60, 1, 1},
		{"one cent an hour for 29 min", 29, 1, 0},
		{"one cent an hour for 30 min", 30, 1, 1},
		{"zero minutes", 0, 7000, 0},
		{"zero rate", 65, 0, 0},
		{"correction: -0.5 rounds away from zero", -1, 30, -1},
		{"correction of seed 65 min", -65, 7000, -7583},
		{"correction of seed 10 min", -10, 7000, -1167},
		{"negative rate", 10, -7000, -1167},
		{"both negative", -10, -7000, 1167},
		{"product past int64, result fits", 600_000_000_000, 100_000_000, 1_000_000_000_000_000_000},
		{"largest exact result", 60, math.MaxInt64, math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Amount(tc.minutes, tc.rate); got != tc.want {
				t.Errorf("Amount(%d, %d) = %d, want %d", tc.minutes, tc.rate, got, tc.want)
			}
		})
	}
}

// TestAmountSymmetric checks a correction always cancels its entry to the cent.
func TestAmountSymmetric(t *testing.T) {
	t.Parallel()
	for _, rate := range []int64{1, 29, 30, 31, 7000, 8000, 9000, 12345} {
		for m := 1; m <= 600; m++ {
			if p, n := Amount(m, rate), Amount(-m, rate); p != -n {
				t.Fatalf("Amount(%d, %d) = %d but Amount(%d, %d) = %d", m, rate, p, -m, rate, n)
			}
		}
	}
}

// TestAmountMatchesFormula checks the 128-bit path against plain int64 math where it cannot
// overflow: floor((m × r + 30) / 60).
func TestAmountMatchesFormula(t *testing.T) {
	t.Parallel()
	for _, rate := range []int64{1, 7, 59, 60, 61, 7000, 8000, 9000, 99999} {
		for m := 0; m <= 2000; m++ {
			want := (int64(m)*rate + 30) / 60
			if got := Amount(m, rate); got != want {
				t.Fatalf("Amount(%d, %d) = %d, want %d", m, rate, got, want)
			}
		}
	}
}

func TestAmountOverflowPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minutes int
		rate    int64
	}{
		{math.MaxInt, math.MaxInt64},
		{61, math.MaxInt64},
		{math.MinInt, 60},
	}
	for _, tc := range tests {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || s != "billing: amount overflows int64" {
					t.Errorf("Amount(%d, %d) recovered %v, want the overflow panic", tc.minutes, tc.rate, r)
				}
			}()
			Amount(tc.minutes, tc.rate)
		}()
	}
}

// TestBillableMinutesInquiryMinimum books several entries on one inquiry, carrying the worked
// and billed minutes forward as the caller does: the inquiry bills max(total, minimum), each
// entry only what it raises that by (seed 004: at least 15 minutes per started inquiry).
func TestBillableMinutesInquiryMinimum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		terms        Terms
		channel      Channel
		raw          []int
		wantMinutes  []int
		wantBillable []int
	}{
		{
			name:  "invoiced: first entry raised to 15, later ones only rounded",
			terms: Terms{Agreement: Invoiced}, channel: Email,
			raw: []int{7, 7, 3}, wantMinutes: []int{10, 10, 5}, wantBillable: []int{15, 5, 5},
		},
		{
			name:  "invoiced: first entry above the minimum",
			terms: Terms{Agreement: Invoiced}, channel: Portal,
			raw: []int{20, 1}, wantMinutes: []int{20, 5}, wantBillable: []int{20, 5},
		},
		{
			name:  "invoiced: two 5s bill 15, a third 10 raises the total to 20",
			terms: Terms{Agreement: Invoiced}, channel: Portal,
			raw: []int{5, 5, 10}, wantMinutes: []int{5, 5, 10}, wantBillable: []int{15, 0, 5},
		},
		{
			name:  "invoiced: exactly the minimum",
			terms: Terms{Agreement: Invoiced}, channel: Portal,
			raw: []int{11, 2}, wantMinutes: []int{15, 5}, wantBillable: []int{15, 5},
		},
		{
			name:  "basic by phone: uncovered, INVOICED rules",
			terms: Terms{Agreement: Basic}, channel: Phone,
			raw: []int{2, 2, 2, 2}, wantMinutes: []int{5, 5, 5, 5}, wantBillable: []int{15, 0, 0, 5},
		},
		{
			name:  "basic by portal: included",
			terms: Terms{Agreement: Basic}, channel: Portal,
			raw: []int{2, 2}, wantMinutes: []int{5, 5}, wantBillable: []int{0, 0},
		},
		{
			name:  "invoiced with a contract minimum of 30",
			terms: Terms{Agreement: Invoiced, MinBillableMinutes: 30}, channel: Email,
			raw: []int{7, 7, 20}, wantMinutes: []int{10, 10, 20}, wantBillable: []int{30, 0, 10},
		},
		{
			name:  "contingent: no minimum by default",
			terms: Terms{Agreement: Contingent}, channel: Phone,
			raw: []int{7, 58, 61}, wantMinutes: []int{10, 60, 65}, wantBillable: []int{10, 60, 65},
		},
		{
			name:  "increment 10 with minimum 15: the top-up is not rounded",
			terms: Terms{Agreement: Invoiced, Increment: 10}, channel: Email,
			raw: []int{7, 7}, wantMinutes: []int{10, 10}, wantBillable: []int{15, 5},
		},
		{
			name:  "increment 15",
			terms: Terms{Agreement: Invoiced, Increment: 15}, channel: Email,
			raw: []int{1, 16}, wantMinutes: []int{15, 30}, wantBillable: []int{15, 30},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, worked := 0, 0
			total := 0
			for i, raw := range tc.raw {
				b := Booking{TicketType: Question, Channel: tc.channel, WorkedBefore: worked, BilledBefore: before}
				minutes, billable, d, err := BillableMinutes(tc.terms, b, raw)
				if err != nil {
					t.Fatalf("entry %d: %v", i, err)
				}
				if minutes != tc.wantMinutes[i] || billable != tc.wantBillable[i] {
					t.Errorf("entry %d (%d raw, %d before) = %d, %d; want %d, %d",
						i, raw, before, minutes, billable, tc.wantMinutes[i], tc.wantBillable[i])
				}
				before += billable
				if d.Billable {
					worked += minutes
					total += minutes
				}
			}
			if want := InquiryBill(total, Decide(tc.terms, Booking{TicketType: Question, Channel: tc.channel}).MinimumMinutes); before != want && total > 0 {
				t.Errorf("inquiry billed %d, want max(total, minimum) = %d", before, want)
			}
		})
	}
}

func TestBillableMinutesPartlyBilledInquiry(t *testing.T) {
	t.Parallel()
	terms := Terms{Agreement: Invoiced}
	tests := []struct {
		worked, before, raw, want int
	}{
		{0, 0, 5, 15},
		{5, 15, 5, 0},
		{10, 15, 5, 0},
		{10, 15, 1, 0},
		{10, 15, 10, 5},
		{15, 15, 5, 5},
		{100, 100, 5, 5},
		// An issued month billed more than the rule asks now: nothing more, never negative.
		{5, 30, 5, 0},
		// An issued entry was free, the open one catches up to the minimum.
		{5, 0, 5, 15},
	}
	for _, tc := range tests {
		b := Booking{TicketType: ServiceRequest, Channel: Portal, WorkedBefore: tc.worked, BilledBefore: tc.before}
		if _, got, _, err := BillableMinutes(terms, b, tc.raw); err != nil || got != tc.want {
			t.Errorf("worked %d, billed %d, raw %d: billable %d, %v; want %d", tc.worked, tc.before, tc.raw, got, err, tc.want)
		}
	}
}

func TestBillableMinutesNotBillable(t *testing.T) {
	t.Parallel()
	terms := Terms{Agreement: Contingent}
	b := Booking{TicketType: Incident, Channel: Phone, FixDelivery: true}
	minutes, billable, d, err := BillableMinutes(terms, b, 61)
	if err != nil || minutes != 65 || billable != 0 || d != wantFix {
		t.Errorf("fix delivery = %d, %d, %+v, %v; want 65, 0, FIX_DELIVERY", minutes, billable, d, err)
	}
}

func TestBillableMinutesInvalid(t *testing.T) {
	t.Parallel()
	good := Terms{Agreement: Invoiced}
	booking := Booking{TicketType: Question, Channel: Portal}
	tests := []struct {
		name   string
		terms  Terms
		b      Booking
		raw    int
		fields []string
	}{
		{"unknown agreement", Terms{Agreement: "HYPERCARE"}, booking, 5, []string{"agreementType"}},
		{"unknown channel override", Terms{Agreement: Basic, Channels: []Channel{Portal, "FAX"}}, booking, 5, []string{"channels"}},
		{"negative minimum", Terms{Agreement: Basic, MinBillableMinutes: -1}, booking, 5, []string{"minBillableMinutes"}},
		{"negative increment", Terms{Agreement: Basic, Increment: -5}, booking, 5, []string{"timeIncrementMinutes"}},
		{"unknown tier", Terms{Agreement: Basic, HypercareTier: "GOLD"}, booking, 5, []string{"hypercareTier"}},
		{"several term fields", Terms{Agreement: "X", MinBillableMinutes: -1}, booking, 5, []string{"agreementType", "minBillableMinutes"}},
		{"unknown ticket type", good, Booking{TicketType: "BUG", Channel: Portal}, 5, []string{"ticketType"}},
		{"missing channel", good, Booking{TicketType: Question}, 5, []string{"channel"}},
		{"negative worked before", good, Booking{TicketType: Question, Channel: Portal, WorkedBefore: -5}, 5, []string{"workedBefore"}},
		{"negative billed before", good, Booking{TicketType: Question, Channel: Portal, BilledBefore: -15}, 5, []string{"billedBefore"}},
		{"zero minutes", good, booking, 0, []string{"minutes"}},
		{"negative minutes", good, booking, -10, []string{"minutes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			minutes, billable, d, err := BillableMinutes(tc.terms, tc.b, tc.raw)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.Validation || !slices.Equal(e.Fields, tc.fields) {
				t.Fatalf("err = %v, want VALIDATION on %v", err, tc.fields)
			}
			if minutes != 0 || billable != 0 || d != (Decision{}) {
				t.Errorf("got %d, %d, %+v with an error; want zero values", minutes, billable, d)
			}
		})
	}
}

func TestValidateAcceptsEmptyTier(t *testing.T) {
	t.Parallel()
	for _, tier := range []HypercareTier{"", NoHypercare, StandardHypercare, EnterpriseHypercare} {
		if err := (Terms{Agreement: Extended, HypercareTier: tier}).Validate(); err != nil {
			t.Errorf("tier %q: %v", tier, err)
		}
	}
}

func TestInquiryBilled(t *testing.T) {
	t.Parallel()
	open := func(m int) InquiryEntry { return InquiryEntry{Minutes: m, Billable: true, Minimum: 15} }
	free := func(m int) InquiryEntry { return InquiryEntry{Minutes: m} }
	fixed := func(m, billed int) InquiryEntry {
		return InquiryEntry{Minutes: m, Billable: true, Minimum: 15, Fixed: true, Billed: billed}
	}
	tests := []struct {
		name    string
		entries []InquiryEntry
		want    []int
	}{
		{"two 5s and a 10", []InquiryEntry{open(5), open(5), open(10)}, []int{15, 0, 5}},
		{"the first 5 deleted: the remaining one bills 15", []InquiryEntry{open(5)}, []int{15}},
		{"a free entry first does not start the inquiry's bill", []InquiryEntry{free(20), open(5), open(5)}, []int{0, 15, 0}},
		{"contingent: no minimum", []InquiryEntry{{Minutes: 5, Billable: true}, {Minutes: 10, Billable: true}}, []int{5, 10}},
		{"issued entry keeps 15, open ones add what lacks", []InquiryEntry{fixed(5, 15), open(5), open(10)}, []int{15, 0, 5}},
		{"issued free entry, open one catches up", []InquiryEntry{fixed(5, 0), open(5)}, []int{0, 15}},
		{"issued over-billed entry is kept", []InquiryEntry{fixed(5, 30), open(5)}, []int{30, 0}},
		{"nothing", nil, []int{}},
	}
	for _, tc := range tests {
		if got := InquiryBilled(tc.entries); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
