package billing

import (
	"testing"
	"time"
)

// A detailed change-request estimate is billable work whatever the agreement, like a
// reclassified inquiry: by the table's row where it bills, else under INVOICED rules.
func TestDetailedEstimateBills(t *testing.T) {
	day := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	hyper := Terms{Agreement: Extended, HypercareTier: StandardHypercare, FirstTrainingDay: day.AddDate(0, -1, 0)}
	for _, c := range []struct {
		name  string
		terms Terms
		b     Booking
		want  Decision
	}{
		{"extended includes change requests, the estimate bills", Terms{Agreement: Extended}, Booking{TicketType: ChangeRequest, Channel: Portal, Estimate: true, WorkDate: day},
			Decision{Billable: true, MinimumMinutes: InvoicedMinimum, Reason: ReasonDetailedEstimate}},
		{"contingent: on the level's budget", Terms{Agreement: Contingent}, Booking{TicketType: ChangeRequest, Channel: Portal, Estimate: true, WorkDate: day},
			Decision{Billable: true, UsesContingent: true, Reason: ReasonDetailedEstimate}},
		{"invoiced", Terms{Agreement: Invoiced}, Booking{TicketType: ChangeRequest, Channel: Email, Estimate: true, WorkDate: day},
			Decision{Billable: true, MinimumMinutes: InvoicedMinimum, Reason: ReasonDetailedEstimate}},
		{"hyper care does not make it free", hyper, Booking{TicketType: ChangeRequest, Channel: Phone, Estimate: true, WorkDate: day},
			Decision{Billable: true, MinimumMinutes: InvoicedMinimum, Reason: ReasonDetailedEstimate}},
		{"without the flag the table decides", Terms{Agreement: Extended}, Booking{TicketType: ChangeRequest, Channel: Portal, WorkDate: day},
			Decision{Reason: ReasonIncluded}},
	} {
		if got := Decide(c.terms, c.b); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
