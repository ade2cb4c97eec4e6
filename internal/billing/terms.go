package billing

import (
	"slices"
	"time"

	"supportdesk/internal/apperr"
)

// Agreement is a contract's agreement type (SPEC 3; hyper care is a period, not a type).
type Agreement string

// Agreement types.
const (
	Extended   Agreement = "EXTENDED"
	Basic      Agreement = "BASIC"
	Invoiced   Agreement = "INVOICED"
	Contingent Agreement = "CONTINGENT"
)

// Agreements lists every agreement type in a stable order.
var Agreements = []Agreement{Extended, Basic, Invoiced, Contingent}

// TicketType is the type of an inquiry.
type TicketType string

// Ticket types.
const (
	Question       TicketType = "QUESTION"
	Incident       TicketType = "INCIDENT"
	ChangeRequest  TicketType = "CHANGE_REQUEST"
	ServiceRequest TicketType = "SERVICE_REQUEST"
	ProductIdea    TicketType = "PRODUCT_IDEA"
)

// TicketTypes lists every ticket type in a stable order.
var TicketTypes = []TicketType{Question, Incident, ChangeRequest, ServiceRequest, ProductIdea}

// Channel is the way an inquiry reached the provider.
type Channel string

// Channels.
const (
	Portal Channel = "PORTAL"
	Email  Channel = "EMAIL"
	Phone  Channel = "PHONE"
)

// Channels lists every channel in a stable order.
var Channels = []Channel{Portal, Email, Phone}

// HypercareTier is the solution tier that decides the length of the hyper-care period.
type HypercareTier string

// Hyper-care tiers.
const (
	NoHypercare         HypercareTier = "NONE"
	StandardHypercare   HypercareTier = "STANDARD"
	EnterpriseHypercare HypercareTier = "ENTERPRISE"
)

// Months returns the length of the tier's hyper-care period in calendar months: 3 for STANDARD,
// 6 for ENTERPRISE and 0 for NONE, the empty tier or an unknown one.
func (t HypercareTier) Months() int {
	switch t {
	case StandardHypercare:
		return 3
	case EnterpriseHypercare:
		return 6
	}
	return 0
}

// Defaults of the contract's billing rules (SPEC 3).
const (
	// DefaultIncrement is the booking increment in minutes when a contract sets none.
	DefaultIncrement = 5
	// InvoicedMinimum is the minimum billed per started inquiry under INVOICED rules (seed 004).
	InvoicedMinimum = 15
	// DefaultWarningPercent is the contingent warning threshold when a contract sets none.
	DefaultWarningPercent = 80
)

// Terms are the billing-relevant terms of a contract.
type Terms struct {
	Agreement Agreement
	// Channels overrides the channels the agreement covers; empty means DefaultChannels.
	Channels          []Channel
	IncidentsBillable bool
	// MinBillableMinutes is the contract's minimum per started inquiry; it can raise the
	// matrix's minimum (15 under INVOICED rules) but never lower it.
	MinBillableMinutes int
	// Increment is the booking increment in minutes; 0 means DefaultIncrement.
	Increment     int
	HypercareTier HypercareTier
	// FirstTrainingDay starts hyper care; the zero time means not known yet (no hyper care).
	FirstTrainingDay time.Time
}

// Booking is one time booking on an inquiry, as far as billing cares.
type Booking struct {
	TicketType TicketType
	// Channel is the channel the inquiry came in by.
	Channel Channel
	// OutsideHours marks an inquiry that came in outside the channel's hours (a call outside
	// the provider's phone hours): the channel counts as not covered.
	OutsideHours bool
	// ReclassifiedBillable marks an inquiry staff declared billable work (SPEC 7).
	ReclassifiedBillable bool
	// FixDelivery marks time spent delivering a vendor fix, never billable (SPEC 12.11).
	FixDelivery bool
	// Estimate marks time spent on a detailed change-request estimate, billed at the rate in
	// force whatever the agreement (seed 004).
	Estimate bool
	WorkDate time.Time
	// WorkedBefore is the inquiry's billable work booked before this entry: the rounded
	// minutes of its earlier entries whose decision bills (billable entries, whatever they
	// billed). Together with BilledBefore it applies the minimum once per started inquiry.
	WorkedBefore int
	// BilledBefore is the billable minutes the inquiry's earlier entries bill.
	BilledBefore int
}

// DefaultChannels returns the channels an agreement type covers unless the contract overrides
// them: EXTENDED phone, portal and mail; BASIC portal and mail; INVOICED and CONTINGENT all three.
// INVOICED bills every non-incident anyway, so its coverage only matters for the reason given;
// CONTINGENT covers all three because seed 003 offers phone and mail and SPEC 12.5 the portal.
// An unknown agreement covers nothing.
func DefaultChannels(a Agreement) []Channel {
	switch a {
	case Extended, Invoiced, Contingent:
		return []Channel{Portal, Email, Phone}
	case Basic:
		return []Channel{Portal, Email}
	}
	return nil
}

// Covered reports whether the contract's agreement covers inquiries by channel c: the contract's
// own channel list when it has one, else the agreement type's defaults. Hyper care, which opens
// every channel, is applied by Decide, not here.
func Covered(t Terms, c Channel) bool {
	chans := t.Channels
	if len(chans) == 0 {
		chans = DefaultChannels(t.Agreement)
	}
	return slices.Contains(chans, c)
}

// Validate reports terms that Decide and BillableMinutes cannot use as a VALIDATION error.
func (t Terms) Validate() error {
	var bad []string
	if !slices.Contains(Agreements, t.Agreement) {
		bad = append(bad, "agreementType")
	}
	for _, c := range t.Channels {
		if !slices.Contains(Channels, c) {
			bad = append(bad, "channels")
			break
		}
	}
	if t.MinBillableMinutes < 0 {
		bad = append(bad, "minBillableMinutes")
	}
	if t.Increment < 0 {
		bad = append(bad, "timeIncrementMinutes")
	}
	switch t.HypercareTier {
	case "", NoHypercare, StandardHypercare, EnterpriseHypercare:
	default:
		bad = append(bad, "hypercareTier")
	}
	if len(bad) > 0 {
		return apperr.Invalid("invalid billing terms", bad...)
	}
	return nil
}

// Validate reports a booking that Decide and BillableMinutes cannot use as a VALIDATION error.
func (b Booking) Validate() error {
	var bad []string
	if !slices.Contains(TicketTypes, b.TicketType) {
		bad = append(bad, "ticketType")
	}
	if !slices.Contains(Channels, b.Channel) {
		bad = append(bad, "channel")
	}
	if b.WorkedBefore < 0 {
		bad = append(bad, "workedBefore")
	}
	if b.BilledBefore < 0 {
		bad = append(bad, "billedBefore")
	}
	if len(bad) > 0 {
		return apperr.Invalid("invalid booking", bad...)
	}
	return nil
}
