// The money rules: rounding of booked minutes, the billing matrix
// (agreement type × ticket type → billable, uses the contingent, minimum minutes), and exact
// amounts in integer cents.

package contingent

import (
	"errors"
	"time"
)

// Decision says how a booking is billed.
type Decision struct {
	Billable       bool
	UsesContingent bool
	// MinimumMinutes is billed at least per started inquiry (15 for time and material).
	MinimumMinutes int
	Reason         string
}

// Terms are the contract terms the matrix reads.
type Terms struct {
	Agreement         string // EXTENDED, BASIC, INVOICED, CONTINGENT
	ChannelCovered    bool   // the ticket's channel is covered by the agreement
	InHypercare       bool
	IncidentsBillable bool
	MinBillable       int
}

// InvoicedMinimum is the minimum of a time-and-material inquiry (SPEC 3).
const InvoicedMinimum = 15

// Decide is the billing matrix of SPEC 12.3, one table in code:
//
//	ticket type      | hyper care | CONTINGENT           | INVOICED     | EXTENDED / BASIC
//	PRODUCT_IDEA     | free       | free                 | free         | free
//	INCIDENT         | free       | billable, contingent | free*        | free*
//	QUESTION         | free       | billable, contingent | billable ≥15 | covered: free; uncovered: billable ≥15
//	CHANGE/SERVICE   | as after   | billable, contingent | billable ≥15 | covered: free; uncovered: billable ≥15
//
// (*) billable under the contract's normal terms when the contract bills incidents.
// Time spent delivering a vendor fix is never billable (SPEC 12.11); the caller passes
// fixDelivery.
func Decide(t Terms, ticketType string, fixDelivery bool) Decision {
	switch {
	case ticketType == "PRODUCT_IDEA":
		return Decision{Reason: "product ideas are never billed"}
	case fixDelivery:
		return Decision{Reason: "delivering a vendor fix is never billed"}
	case t.InHypercare && (ticketType == "QUESTION" || ticketType == "INCIDENT"):
		return Decision{Reason: "hyper care"}
	case t.Agreement == "CONTINGENT":
		return Decision{Billable: true, UsesContingent: true, MinimumMinutes: t.MinBillable, Reason: "contingent"}
	case ticketType == "INCIDENT" && !t.IncidentsBillable:
		return Decision{Reason: "incidents are not billed under this agreement"}
	case t.Agreement == "INVOICED":
		return Decision{Billable: true, MinimumMinutes: max(InvoicedMinimum, t.MinBillable), Reason: "time and material"}
	case ticketType == "INCIDENT":
		return Decision{Billable: true, MinimumMinutes: t.MinBillable, Reason: "the contract bills incidents"}
	case !t.ChannelCovered:
		return Decision{Billable: true, MinimumMinutes: max(InvoicedMinimum, t.MinBillable), Reason: "channel not covered: invoiced"}
	}
	return Decision{Reason: "covered by the agreement"}
}

// ErrMinutes is returned for a booking of no time.
var ErrMinutes = errors.New("minutes must be positive")

// RoundUp rounds minutes up to the increment (5 when increment <= 0): 7 → 10, 58 → 60, 61 → 65.
func RoundUp(minutes, increment int) (int, error) {
	if minutes <= 0 {
		return 0, ErrMinutes
	}
	if increment <= 0 {
		increment = 5
	}
	return (minutes + increment - 1) / increment * increment, nil
}

// Billed is the billable minutes of a booking: its rounded minutes, raised so that the
// inquiry reaches the decision's minimum once (alreadyBilled is what the inquiry billed before).
func Billed(d Decision, rounded, alreadyBilled int) int {
	if !d.Billable {
		return 0
	}
	if alreadyBilled+rounded < d.MinimumMinutes {
		return d.MinimumMinutes - alreadyBilled
	}
	return rounded
}

// Amount is minutes at an hourly rate in cents, rounded half up to the cent, in integer math:
// 65 min at 7000 = 7583 (7583.33), 10 min at 7000 = 1167 (1166.67).
func Amount(minutes int, rateCentsPerHour int64) int64 {
	return (int64(minutes)*rateCentsPerHour*2 + 60) / 120
}

// Month is the billing month ("2026-11") of a work date.
func Month(t time.Time) string { return t.UTC().Format("2006-01") }
