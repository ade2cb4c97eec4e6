package billing

// Reason names the rule behind a Decision; it is stable, so it can be stored or shown.
type Reason string

// Reasons.
const (
	// ReasonIncluded: the agreement covers the inquiry on this channel.
	ReasonIncluded Reason = "INCLUDED"
	// ReasonInvoiced: an INVOICED contract bills the time used, at least 15 minutes.
	ReasonInvoiced Reason = "INVOICED"
	// ReasonUncoveredChannel: the agreement does not cover the channel, so the inquiry is
	// billed under INVOICED rules (SPEC 12.1).
	ReasonUncoveredChannel Reason = "UNCOVERED_CHANNEL"
	// ReasonOutsideHours: the channel is covered but the inquiry came in outside its hours
	// (a call outside the provider's phone hours), so it is billed like an uncovered channel.
	ReasonOutsideHours Reason = "OUTSIDE_HOURS"
	// ReasonContingent: billable work against the level's contingent.
	ReasonContingent Reason = "CONTINGENT"
	// ReasonIncidentFree: incidents are free outside CONTINGENT.
	ReasonIncidentFree Reason = "INCIDENT_FREE"
	// ReasonIncidentsBillable: the contract bills incidents.
	ReasonIncidentsBillable Reason = "INCIDENTS_BILLABLE"
	// ReasonReclassified: staff declared the inquiry billable work.
	ReasonReclassified Reason = "RECLASSIFIED_BILLABLE"
	// ReasonHypercare: questions and incidents are free during hyper care.
	ReasonHypercare Reason = "HYPERCARE"
	// ReasonProductIdea: product ideas are never billed.
	ReasonProductIdea Reason = "PRODUCT_IDEA"
	// ReasonDetailedEstimate: a detailed change-request estimate is billed (seed 004).
	ReasonDetailedEstimate Reason = "DETAILED_ESTIMATE"
	// ReasonFixDelivery: delivering a vendor fix is never billed.
	ReasonFixDelivery Reason = "FIX_DELIVERY"
	// ReasonUnknown: Decide got an agreement or ticket type it does not know; see Validate.
	ReasonUnknown Reason = "UNKNOWN"
)

// Decision says whether and how a booking bills.
type Decision struct {
	Billable bool
	// UsesContingent: the billable minutes count against the level's monthly contingent.
	UsesContingent bool
	// MinimumMinutes is billed at least per started inquiry (0 when not billable).
	MinimumMinutes int
	Reason         Reason
}

// The cells of the matrix.
var (
	included         = Decision{Reason: ReasonIncluded}
	invoiced         = Decision{Billable: true, MinimumMinutes: InvoicedMinimum, Reason: ReasonInvoiced}
	uncoveredChannel = Decision{Billable: true, MinimumMinutes: InvoicedMinimum, Reason: ReasonUncoveredChannel}
	contingent       = Decision{Billable: true, UsesContingent: true, Reason: ReasonContingent}
	incidentFree     = Decision{Reason: ReasonIncidentFree}
	productIdea      = Decision{Reason: ReasonProductIdea}
)

// cell is a row key of the matrix.
type cell struct {
	Agreement  Agreement
	TicketType TicketType
	Covered    bool
}

// matrix is the billing matrix of SPEC 12.3: agreement type × ticket type × covered channel.
// Hyper care, reclassification, incidentsBillable and fix delivery are applied around it by
// Decide, in the order the package documentation gives.
var matrix = map[cell]Decision{
	{Extended, Question, true}:        included,
	{Extended, Question, false}:       uncoveredChannel,
	{Extended, Incident, true}:        incidentFree,
	{Extended, Incident, false}:       incidentFree,
	{Extended, ChangeRequest, true}:   included,
	{Extended, ChangeRequest, false}:  uncoveredChannel,
	{Extended, ServiceRequest, true}:  included,
	{Extended, ServiceRequest, false}: uncoveredChannel,
	{Extended, ProductIdea, true}:     productIdea,
	{Extended, ProductIdea, false}:    productIdea,

	{Basic, Question, true}:        included,
	{Basic, Question, false}:       uncoveredChannel,
	{Basic, Incident, true}:        incidentFree,
	{Basic, Incident, false}:       incidentFree,
	{Basic, ChangeRequest, true}:   included,
	{Basic, ChangeRequest, false}:  uncoveredChannel,
	{Basic, ServiceRequest, true}:  included,
	{Basic, ServiceRequest, false}: uncoveredChannel,
	{Basic, ProductIdea, true}:     productIdea,
	{Basic, ProductIdea, false}:    productIdea,

	{Invoiced, Question, true}:        invoiced,
	{Invoiced, Question, false}:       uncoveredChannel,
	{Invoiced, Incident, true}:        incidentFree,
	{Invoiced, Incident, false}:       incidentFree,
	{Invoiced, ChangeRequest, true}:   invoiced,
	{Invoiced, ChangeRequest, false}:  uncoveredChannel,
	{Invoiced, ServiceRequest, true}:  invoiced,
	{Invoiced, ServiceRequest, false}: uncoveredChannel,
	{Invoiced, ProductIdea, true}:     productIdea,
	{Invoiced, ProductIdea, false}:    productIdea,

	{Contingent, Question, true}:        contingent,
	{Contingent, Question, false}:       uncoveredChannel,
	{Contingent, Incident, true}:        contingent,
	{Contingent, Incident, false}:       contingent,
	{Contingent, ChangeRequest, true}:   contingent,
	{Contingent, ChangeRequest, false}:  uncoveredChannel,
	{Contingent, ServiceRequest, true}:  contingent,
	{Contingent, ServiceRequest, false}: uncoveredChannel,
	{Contingent, ProductIdea, true}:     productIdea,
	{Contingent, ProductIdea, false}:    productIdea,
}

// Decide returns how booking b bills under terms t; see the package documentation for the rules
// and their order. It assumes valid input (Terms.Validate, Booking.Validate): an unknown
// agreement or ticket type gives a non-billable Decision with ReasonUnknown.
func Decide(t Terms, b Booking) Decision {
	if b.FixDelivery {
		return Decision{Reason: ReasonFixDelivery}
	}
	if b.TicketType == ProductIdea {
		return productIdea
	}
	hyper := InHypercare(t, b.WorkDate)
	// Hyper care opens every channel (SPEC 12.2), at any hour.
	channel := Covered(t, b.Channel)
	row, ok := matrix[cell{t.Agreement, b.TicketType, hyper || channel && !b.OutsideHours}]
	if !ok {
		return Decision{Reason: ReasonUnknown}
	}
	if row.Reason == ReasonUncoveredChannel && channel {
		row.Reason = ReasonOutsideHours
	}
	switch {
	case b.Estimate:
		return withMinimum(t, billableWork(row, ReasonDetailedEstimate))
	case b.ReclassifiedBillable:
		return withMinimum(t, billableWork(row, ReasonReclassified))
	case hyper && (b.TicketType == Question || b.TicketType == Incident):
		return Decision{Reason: ReasonHypercare}
	case b.TicketType == Incident && t.IncidentsBillable:
		return withMinimum(t, billableWork(row, ReasonIncidentsBillable))
	}
	return withMinimum(t, row)
}

// billableWork turns a matrix row into the decision for work declared billable: the row itself
// when it bills, else INVOICED rules, the seeds' rule for work no agreement covers.
func billableWork(row Decision, r Reason) Decision {
	d := row
	if !d.Billable {
		d = invoiced
	}
	d.Reason = r
	return d
}

// withMinimum raises a billable decision's minimum to the contract's own.
func withMinimum(t Terms, d Decision) Decision {
	if d.Billable && t.MinBillableMinutes > d.MinimumMinutes {
		d.MinimumMinutes = t.MinBillableMinutes
	}
	return d
}

// BillableMinutes decides booking b under terms t for rawMinutes of work. minutes is rawMinutes
// rounded up to the contract's increment; billable is 0 when the decision does not bill, else
// what this entry adds to the inquiry's bill: InquiryBill(b.WorkedBefore+minutes, minimum) less
// b.BilledBefore, never negative. So two 5-minute entries under INVOICED rules bill 15 and 0, a
// third of 10 bills 5 (the top-up itself is not rounded to the increment). Invalid terms, booking
// or minutes give a VALIDATION error.
func BillableMinutes(t Terms, b Booking, rawMinutes int) (minutes, billable int, d Decision, err error) {
	if err := t.Validate(); err != nil {
		return 0, 0, Decision{}, err
	}
	if err := b.Validate(); err != nil {
		return 0, 0, Decision{}, err
	}
	minutes, err = RoundUp(rawMinutes, t.Increment)
	if err != nil {
		return 0, 0, Decision{}, err
	}
	d = Decide(t, b)
	if !d.Billable {
		return minutes, 0, d, nil
	}
	return minutes, max(0, InquiryBill(b.WorkedBefore+minutes, d.MinimumMinutes)-b.BilledBefore), d, nil
}
