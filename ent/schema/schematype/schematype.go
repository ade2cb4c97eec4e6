// Package schematype holds the Go types stored in JSON columns of the Ent schema.
package schematype

import "time"

// Interval is a half-open opening interval within one day, "HH:MM" to "HH:MM" ("24:00" allowed
// as an end).
type Interval struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// DayHours are the opening intervals of one weekday (0 = Sunday … 6 = Saturday).
type DayHours struct {
	Weekday   int        `json:"weekday"`
	Intervals []Interval `json:"intervals"`
}

// DatedHours are the opening intervals of one dated exception ("YYYY-MM-DD"); no intervals
// means closed.
type DatedHours struct {
	Date      string     `json:"date"`
	Intervals []Interval `json:"intervals"`
}

// SLATarget is the first-response and resolution target of one priority, in business minutes.
type SLATarget struct {
	Priority             string `json:"priority"`
	FirstResponseMinutes int    `json:"firstResponseMinutes"`
	ResolutionMinutes    int    `json:"resolutionMinutes"`
}

// LevelTerms are a contract's terms for one support level: contingent minutes per month and
// hourly rate in cents.
type LevelTerms struct {
	Level          string `json:"level"`
	MonthlyMinutes int    `json:"monthlyMinutes"`
	RateCents      int64  `json:"rateCents"`
}

// LevelMinutes is an effort in minutes at one support level (change-request estimates).
type LevelMinutes struct {
	Level   string `json:"level"`
	Minutes int    `json:"minutes"`
}

// Period is a span of time; End is nil while it lasts (a ticket waiting for the customer).
type Period struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
}

// LevelRoute lists the levels a ticket at one level may move to (escalation or hand-back).
type LevelRoute struct {
	From string   `json:"from"`
	To   []string `json:"to"`
}

// EscalationRules are a providing organisation's escalation targets and hand-back paths
// (SPEC 12.7). A nil value on an organisation means the product's default table.
type EscalationRules struct {
	Escalations []LevelRoute `json:"escalations"`
	HandBacks   []LevelRoute `json:"handBacks"`
}

// ContractTerms are the versioned terms of a support contract (SPEC 3 and 12): everything that
// decides intake, SLA and billing. A contract keeps every version with the moment it takes
// effect, so the terms in force at any moment can be read again.
type ContractTerms struct {
	AgreementType           string       `json:"agreementType"`
	Channels                []string     `json:"channels"`
	IntakeModel             string       `json:"intakeModel"`
	HypercareTier           string       `json:"hypercareTier"`
	FirstTrainingDay        *time.Time   `json:"firstTrainingDay,omitempty"`
	KeyUserLimit            int          `json:"keyUserLimit"`
	ExtraKeyUsers           int          `json:"extraKeyUsers"`
	CalendarID              *int         `json:"calendarID,omitempty"`
	SLATargets              []SLATarget  `json:"slaTargets"`
	TimeIncrementMinutes    int          `json:"timeIncrementMinutes"`
	MinBillableMinutes      int          `json:"minBillableMinutes"`
	IncidentsBillable       bool         `json:"incidentsBillable"`
	RefuseUncovered         bool         `json:"refuseUncovered"`
	Currency                string       `json:"currency"`
	LevelTerms              []LevelTerms `json:"levelTerms"`
	WarningThresholdPercent int          `json:"warningThresholdPercent"`
	CarryOver               bool         `json:"carryOver"`
	CarryOverCapMinutes     int          `json:"carryOverCapMinutes"`
	OverrunPolicy           string       `json:"overrunPolicy"`
}
