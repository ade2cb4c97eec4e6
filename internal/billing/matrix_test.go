package billing

import (
	"fmt"
	"testing"
	"time"
)

// Decisions the tests expect, spelled out rather than taken from the package's table.
var (
	wantIncluded   = Decision{Reason: ReasonIncluded}
	wantInvoiced   = Decision{Billable: true, MinimumMinutes: 15, Reason: ReasonInvoiced}
	wantUncovered  = Decision{Billable: true, MinimumMinutes: 15, Reason: ReasonUncoveredChannel}
	wantContingent = Decision{Billable: true, UsesContingent: true, Reason: ReasonContingent}
	wantFree       = Decision{Reason: ReasonIncidentFree}
	wantIdea       = Decision{Reason: ReasonProductIdea}
	wantHypercare  = Decision{Reason: ReasonHypercare}
	wantFix        = Decision{Reason: ReasonFixDelivery}
)

var (
	firstTraining = time.Date(2025, time.January, 31, 0, 0, 0, 0, time.UTC)
	inHypercare   = time.Date(2025, time.March, 10, 0, 0, 0, 0, time.UTC)
	afterCare     = time.Date(2025, time.June, 10, 0, 0, 0, 0, time.UTC)
)

// situation builds terms and a booking for one matrix column. A covered inquiry comes by
// portal; an uncovered one by phone, on BASIC through its defaults and elsewhere through a
// channel override of portal and mail. Hyper care is STANDARD from 31 Jan 2025; the work date
// lies in it or after it.
func situation(a Agreement, tt TicketType, covered, hyper bool) (Terms, Booking) {
	t := Terms{Agreement: a, HypercareTier: StandardHypercare, FirstTrainingDay: firstTraining}
	b := Booking{TicketType: tt, Channel: Portal, WorkDate: afterCare}
	if !covered {
		b.Channel = Phone
		if a != Basic {
			t.Channels = []Channel{Portal, Email}
		}
	}
	if hyper {
		b.WorkDate = inHypercare
	}
	return t, b
}

// columns are the four situations of a matrix row, in the order of the want arrays.
var columns = []struct {
	name           string
	covered, hyper bool
}{
	{"covered", true, false},
	{"uncovered", false, false},
	{"covered/hypercare", true, true},
	{"uncovered/hypercare", false, true},
}

// TestMatrix is the whole billing matrix of SPEC 12.3: every agreement × ticket type ×
// covered or uncovered channel × in or after hyper care.
func TestMatrix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		agreement Agreement
		ticket    TicketType
		want      [4]Decision // covered, uncovered, covered in hyper care, uncovered in hyper care
	}{
		{Extended, Question, [4]Decision{wantIncluded, wantUncovered, wantHypercare, wantHypercare}},
		{Extended, Incident, [4]Decision{wantFree, wantFree, wantHypercare, wantHypercare}},
		{Extended, ChangeRequest, [4]Decision{wantIncluded, wantUncovered, wantIncluded, wantIncluded}},
		{Extended, ServiceRequest, [4]Decision{wantIncluded, wantUncovered, wantIncluded, wantIncluded}},
		{Extended, ProductIdea, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},

		{Basic, Question, [4]Decision{wantIncluded, wantUncovered, wantHypercare, wantHypercare}},
		{Basic, Incident, [4]Decision{wantFree, wantFree, wantHypercare, wantHypercare}},
		{Basic, ChangeRequest, [4]Decision{wantIncluded, wantUncovered, wantIncluded, wantIncluded}},
		{Basic, ServiceRequest, [4]Decision{wantIncluded, wantUncovered, wantIncluded, wantIncluded}},
		{Basic, ProductIdea, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},

		{Invoiced, Question, [4]Decision{wantInvoiced, wantUncovered, wantHypercare, wantHypercare}},
		{Invoiced, Incident, [4]Decision{wantFree, wantFree, wantHypercare, wantHypercare}},
		{Invoiced, ChangeRequest, [4]Decision{wantInvoiced, wantUncovered, wantInvoiced, wantInvoiced}},
		{Invoiced, ServiceRequest, [4]Decision{wantInvoiced, wantUncovered, wantInvoiced, wantInvoiced}},
		{Invoiced, ProductIdea, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},

		{Contingent, Question, [4]Decision{wantContingent, wantUncovered, wantHypercare, wantHypercare}},
		{Contingent, Incident, [4]Decision{wantContingent, wantContingent, wantHypercare, wantHypercare}},
		{Contingent, ChangeRequest, [4]Decision{wantContingent, wantUncovered, wantContingent, wantContingent}},
		{Contingent, ServiceRequest, [4]Decision{wantContingent, wantUncovered, wantContingent, wantContingent}},
		{Contingent, ProductIdea, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},
	}
	seen := map[cell]bool{}
	for _, tc := range tests {
		seen[cell{tc.agreement, tc.ticket, true}] = true
		for i, col := range columns {
			t.Run(fmt.Sprintf("%s/%s/%s", tc.agreement, tc.ticket, col.name), func(t *testing.T) {
				terms, b := situation(tc.agreement, tc.ticket, col.covered, col.hyper)
				if got := Covered(terms, b.Channel); got != col.covered {
					t.Fatalf("setup: Covered = %v, want %v", got, col.covered)
				}
				if got := InHypercare(terms, b.WorkDate); got != col.hyper {
					t.Fatalf("setup: InHypercare = %v, want %v", got, col.hyper)
				}
				if got := Decide(terms, b); got != tc.want[i] {
					t.Errorf("Decide = %+v, want %+v", got, tc.want[i])
				}
			})
		}
	}
	if len(seen) != len(Agreements)*len(TicketTypes) {
		t.Errorf("test table has %d agreement × ticket rows, want %d", len(seen), len(Agreements)*len(TicketTypes))
	}
}

// TestMatrixComplete checks the package's table has exactly one cell per combination.
func TestMatrixComplete(t *testing.T) {
	t.Parallel()
	if want := len(Agreements) * len(TicketTypes) * 2; len(matrix) != want {
		t.Errorf("matrix has %d cells, want %d", len(matrix), want)
	}
	for _, a := range Agreements {
		for _, tt := range TicketTypes {
			for _, c := range []bool{true, false} {
				if _, ok := matrix[cell{a, tt, c}]; !ok {
					t.Errorf("matrix lacks %s × %s × covered=%v", a, tt, c)
				}
			}
		}
	}
}

// TestBillableFlags covers the booking-level rules around the table: a contract that bills
// incidents, an inquiry reclassified as billable, and both against hyper care.
func TestBillableFlags(t *testing.T) {
	t.Parallel()
	incInv := Decision{Billable: true, MinimumMinutes: 15, Reason: ReasonIncidentsBillable}
	incCon := Decision{Billable: true, UsesContingent: true, Reason: ReasonIncidentsBillable}
	recInv := Decision{Billable: true, MinimumMinutes: 15, Reason: ReasonReclassified}
	recCon := Decision{Billable: true, UsesContingent: true, Reason: ReasonReclassified}
	tests := []struct {
		agreement         Agreement
		ticket            TicketType
		incidentsBillable bool
		reclassified      bool
		want              [4]Decision // as in TestMatrix
	}{
		// incidentsBillable bills incidents under the agreement's terms, but not in hyper care.
		{Extended, Incident, true, false, [4]Decision{incInv, incInv, wantHypercare, wantHypercare}},
		{Basic, Incident, true, false, [4]Decision{incInv, incInv, wantHypercare, wantHypercare}},
		{Invoiced, Incident, true, false, [4]Decision{incInv, incInv, wantHypercare, wantHypercare}},
		{Contingent, Incident, true, false, [4]Decision{incCon, incCon, wantHypercare, wantHypercare}},
		// incidentsBillable does not touch other types.
		{Extended, Question, true, false, [4]Decision{wantIncluded, wantUncovered, wantHypercare, wantHypercare}},
		{Contingent, ChangeRequest, true, false, [4]Decision{wantContingent, wantUncovered, wantContingent, wantContingent}},
		{Basic, ProductIdea, true, false, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},

		// Reclassified work bills even in hyper care: by its row when that bills, else INVOICED.
		{Extended, Question, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Extended, Incident, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Extended, ChangeRequest, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Extended, ServiceRequest, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Extended, ProductIdea, false, true, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},
		{Basic, Question, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Basic, Incident, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Basic, ChangeRequest, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Basic, ServiceRequest, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Basic, ProductIdea, false, true, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},
		{Invoiced, Question, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Invoiced, Incident, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Invoiced, ChangeRequest, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Invoiced, ServiceRequest, false, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Invoiced, ProductIdea, false, true, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},
		// On CONTINGENT an uncovered channel bills under INVOICED rules; in hyper care every
		// channel is covered, so the contingent is used.
		{Contingent, Question, false, true, [4]Decision{recCon, recInv, recCon, recCon}},
		{Contingent, Incident, false, true, [4]Decision{recCon, recCon, recCon, recCon}},
		{Contingent, ChangeRequest, false, true, [4]Decision{recCon, recInv, recCon, recCon}},
		{Contingent, ServiceRequest, false, true, [4]Decision{recCon, recInv, recCon, recCon}},
		{Contingent, ProductIdea, false, true, [4]Decision{wantIdea, wantIdea, wantIdea, wantIdea}},

		// Reclassification wins over the contract's incident setting.
		{Extended, Incident, true, true, [4]Decision{recInv, recInv, recInv, recInv}},
		{Contingent, Incident, true, true, [4]Decision{recCon, recCon, recCon, recCon}},
	}
	for _, tc := range tests {
		for i, col := range columns {
			name := fmt.Sprintf("%s/%s/inc=%v/rec=%v/%s", tc.agreement, tc.ticket, tc.incidentsBillable, tc.reclassified, col.name)
			t.Run(name, func(t *testing.T) {
				terms, b := situation(tc.agreement, tc.ticket, col.covered, col.hyper)
				terms.IncidentsBillable = tc.incidentsBillable
				b.ReclassifiedBillable = tc.reclassified
				if got := Decide(terms, b); got != tc.want[i] {
					t.Errorf("Decide = %+v, want %+v", got, tc.want[i])
				}
			})
		}
	}
}

// TestDecideInvariants walks every input Decide can get and checks the rules that hold
// everywhere: fix delivery and product ideas never bill, only CONTINGENT contracts use a
// contingent, a non-billable decision has no minimum, and the contract's minimum raises.
func TestDecideInvariants(t *testing.T) {
	t.Parallel()
	bools := []bool{false, true}
	for _, a := range Agreements {
		for _, tt := range TicketTypes {
			for _, col := range columns {
				for _, inc := range bools {
					for _, rec := range bools {
						for _, minimum := range []int{0, 10, 15, 30} {
							terms, b := situation(a, tt, col.covered, col.hyper)
							terms.IncidentsBillable, b.ReclassifiedBillable = inc, rec
							terms.MinBillableMinutes = minimum
							name := fmt.Sprintf("%s/%s/%s/inc=%v/rec=%v/min=%d", a, tt, col.name, inc, rec, minimum)
							d := Decide(terms, b)
							if tt == ProductIdea && d != wantIdea {
								t.Errorf("%s: product idea gives %+v", name, d)
							}
							if d.UsesContingent && (a != Contingent || !d.Billable) {
								t.Errorf("%s: %+v uses a contingent", name, d)
							}
							if !d.Billable && d.MinimumMinutes != 0 {
								t.Errorf("%s: not billable with minimum %d", name, d.MinimumMinutes)
							}
							if d.Billable && d.MinimumMinutes < minimum {
								t.Errorf("%s: minimum %d below the contract's %d", name, d.MinimumMinutes, minimum)
							}
							if d.Billable && !d.UsesContingent && d.MinimumMinutes < InvoicedMinimum {
								t.Errorf("%s: billed outside a contingent with minimum %d < 15", name, d.MinimumMinutes)
							}
							if d.Reason == "" || d.Reason == ReasonUnknown {
								t.Errorf("%s: reason %q", name, d.Reason)
							}
							b.FixDelivery = true
							if got := Decide(terms, b); got != wantFix {
								t.Errorf("%s: fix delivery gives %+v", name, got)
							}
						}
					}
				}
			}
		}
	}
}

func TestContractMinimum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		agreement Agreement
		ticket    TicketType
		covered   bool
		minimum   int
		want      Decision
	}{
		{"invoiced keeps 15 over a lower contract minimum", Invoiced, Question, true, 10, wantInvoiced},
		{"invoiced raised to 30", Invoiced, Question, true, 30, Decision{true, false, 30, ReasonInvoiced}},
		{"contingent takes the contract minimum", Contingent, ServiceRequest, true, 10, Decision{true, true, 10, ReasonContingent}},
		{"uncovered raised to 20", Basic, ChangeRequest, false, 20, Decision{true, false, 20, ReasonUncoveredChannel}},
		{"included stays without minimum", Extended, Question, true, 30, wantIncluded},
		{"free incident stays without minimum", Basic, Incident, true, 30, wantFree},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			terms, b := situation(tc.agreement, tc.ticket, tc.covered, false)
			terms.MinBillableMinutes = tc.minimum
			if got := Decide(terms, b); got != tc.want {
				t.Errorf("Decide = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDecideUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		terms Terms
		b     Booking
	}{
		{"unknown agreement", Terms{Agreement: "HYPERCARE"}, Booking{TicketType: Question, Channel: Portal}},
		{"empty agreement", Terms{}, Booking{TicketType: Question, Channel: Portal}},
		{"unknown ticket type", Terms{Agreement: Invoiced}, Booking{TicketType: "BUG", Channel: Portal}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Decide(tc.terms, tc.b); got != (Decision{Reason: ReasonUnknown}) {
				t.Errorf("Decide = %+v, want UNKNOWN and not billable", got)
			}
		})
	}
}

func TestCovered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		agreement Agreement
		override  []Channel
		want      map[Channel]bool
	}{
		{Extended, nil, map[Channel]bool{Portal: true, Email: true, Phone: true}},
		{Basic, nil, map[Channel]bool{Portal: true, Email: true, Phone: false}},
		{Invoiced, nil, map[Channel]bool{Portal: true, Email: true, Phone: true}},
		{Contingent, nil, map[Channel]bool{Portal: true, Email: true, Phone: true}},
		{Basic, []Channel{}, map[Channel]bool{Portal: true, Email: true, Phone: false}},
		{Basic, []Channel{Portal, Email, Phone}, map[Channel]bool{Portal: true, Email: true, Phone: true}},
		{Extended, []Channel{Email}, map[Channel]bool{Portal: false, Email: true, Phone: false}},
		{Contingent, []Channel{Phone, Email}, map[Channel]bool{Portal: false, Email: true, Phone: true}},
		{"UNKNOWN", nil, map[Channel]bool{Portal: false, Email: false, Phone: false}},
	}
	for _, tc := range tests {
		for _, c := range Channels {
			t.Run(fmt.Sprintf("%s/%v/%s", tc.agreement, tc.override, c), func(t *testing.T) {
				terms := Terms{Agreement: tc.agreement, Channels: tc.override}
				if got := Covered(terms, c); got != tc.want[c] {
					t.Errorf("Covered = %v, want %v", got, tc.want[c])
				}
			})
		}
	}
}

// TestOutsideHours: a call outside the provider's phone hours on a contract that covers the
// phone is billed like an uncovered channel, with its own reason; incidents, product ideas and
// hyper care are untouched, and a contract without the phone keeps UNCOVERED_CHANNEL.
func TestOutsideHours(t *testing.T) {
	wantOutside := Decision{Billable: true, MinimumMinutes: 15, Reason: ReasonOutsideHours}
	phone := []Channel{Portal, Email, Phone}
	for _, c := range []struct {
		agreement Agreement
		channels  []Channel
		tt        TicketType
		date      time.Time
		want      Decision
	}{
		{Extended, nil, Question, afterCare, wantOutside},
		{Extended, nil, ChangeRequest, afterCare, wantOutside},
		{Extended, nil, Incident, afterCare, wantFree},
		{Extended, nil, ProductIdea, afterCare, wantIdea},
		{Extended, nil, Question, inHypercare, wantHypercare},
		{Basic, nil, Question, afterCare, wantUncovered},
		{Basic, phone, Question, afterCare, wantOutside},
		{Invoiced, nil, Question, afterCare, wantOutside},
		{Contingent, nil, Question, afterCare, wantOutside},
		{Contingent, nil, Incident, afterCare, wantContingent},
	} {
		terms := Terms{Agreement: c.agreement, Channels: c.channels, HypercareTier: StandardHypercare, FirstTrainingDay: firstTraining}
		got := Decide(terms, Booking{TicketType: c.tt, Channel: Phone, OutsideHours: true, WorkDate: c.date})
		if got != c.want {
			t.Errorf("%s %v %s on %s outside hours: got %+v, want %+v", c.agreement, c.channels, c.tt, c.date.Format(time.DateOnly), got, c.want)
		}
		// Within hours the same call is decided as before.
		in := Decide(terms, Booking{TicketType: c.tt, Channel: Phone, WorkDate: c.date})
		if in.Reason == ReasonOutsideHours {
			t.Errorf("%s %s within hours: %+v", c.agreement, c.tt, in)
		}
	}
}
